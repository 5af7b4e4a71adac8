"""The outcome statistics against SciPy on the same paired data, one case worked by hand, and
the documented results for small and degenerate samples."""

import math
import random

import numpy as np
import pytest
from scipy import stats

from exchanges.statistics import (
    PairedChanges,
    distribution,
    nps,
    paired_change,
    suppressed_cells,
    wilcoxon_p,
)

pytestmark = pytest.mark.unit
TOLERANCE = 1e-9


def _pairs(pre, post) -> PairedChanges:
    pairs = PairedChanges()
    for before, after in zip(pre, post, strict=True):
        pairs.add(before, after)
    return pairs


def _scipy(pre, post) -> dict:
    pre, post = np.array(pre, dtype=float), np.array(post, dtype=float)
    d = post - pre
    ci = stats.ttest_rel(post, pre).confidence_interval(0.95)
    return {
        "mean": float(d.mean()),
        "ci": (float(ci.low), float(ci.high)),
        "dz": float(d.mean() / d.std(ddof=1)),
        "p": float(stats.wilcoxon(post, pre).pvalue),
    }


def _assert_matches_scipy(pre, post) -> None:
    summary = paired_change(_pairs(pre, post))
    expected = _scipy(pre, post)
    assert summary.n == len(pre)
    assert abs(summary.mean_change - expected["mean"]) < TOLERANCE
    assert abs(summary.ci95[0] - expected["ci"][0]) < TOLERANCE
    assert abs(summary.ci95[1] - expected["ci"][1]) < TOLERANCE
    assert abs(summary.cohen_dz - expected["dz"]) < TOLERANCE
    assert abs(summary.wilcoxon_p - expected["p"]) < TOLERANCE


@pytest.mark.parametrize(
    ("n", "spread", "seed"),
    [
        (8, 15, 1),  # ties and zeros, at most 13 pairs: SciPy's exact permutation test
        (30, 1000, 2),  # no ties or zeros: the exact distribution
        (40, 6, 3),  # ties, 14-50 pairs: normal approximation computed by SciPy
        (51, 6, 4),  # just above the limit: the histogram's own normal approximation
        (400, 20, 5),  # many ties and zeros
        (5000, 40, 6),
    ],
)
def test_paired_change_matches_scipy_on_the_same_data(n, spread, seed):
    rng = random.Random(seed)
    pre = [rng.randint(0, 100) for _ in range(n)]
    if spread == 1000:
        # Distinct non-zero changes: no ties, no zeros.
        changes = rng.sample([c for c in range(-60, 61) if c], n)
        post = [before + change for before, change in zip(pre, changes, strict=True)]
    else:
        post = [before + rng.randint(-spread // 2, spread) for before in pre]

    _assert_matches_scipy(pre, post)


def test_paired_change_by_hand():
    # Changes 10, 5, 15, 0: mean 7.5; deviations 2.5, -2.5, 7.5, -7.5 so sd = sqrt(125 / 3);
    # t(0.975, 3) = 3.182446305284263; the zero is dropped and the other three are all
    # positive (ranks 2, 1, 3), the most extreme of 2**3 sign patterns: p = 2 / 8.
    summary = paired_change(_pairs([50, 60, 40, 70], [60, 65, 55, 70]))

    sd = math.sqrt(125 / 3)
    half = 3.182446305284263 * sd / 2
    assert summary.n == 4
    assert summary.mean_before == 55.0
    assert summary.mean_after == 62.5
    assert summary.mean_change == 7.5
    assert abs(summary.sd - sd) < TOLERANCE
    assert abs(summary.ci95[0] - (7.5 - half)) < TOLERANCE
    assert abs(summary.ci95[1] - (7.5 + half)) < TOLERANCE
    assert abs(summary.cohen_dz - 7.5 / sd) < TOLERANCE
    assert abs(summary.wilcoxon_p - 0.25) < TOLERANCE


def test_paired_change_with_no_pairs_is_all_none():
    summary = paired_change(PairedChanges())

    assert summary.as_dict() == {
        "n": 0,
        "mean_before": None,
        "mean_after": None,
        "mean_change": None,
        "sd": None,
        "ci95": None,
        "cohen_dz": None,
        "wilcoxon_p": None,
    }


def test_paired_change_with_one_pair_has_a_mean_and_no_spread():
    summary = paired_change(_pairs([40], [55]))

    assert summary.as_dict() == {
        "n": 1,
        "mean_before": 40.0,
        "mean_after": 55.0,
        "mean_change": 15.0,
        "sd": None,
        "ci95": None,
        "cohen_dz": None,
        "wilcoxon_p": 1.0,
    }


def test_paired_change_with_two_pairs_uses_one_degree_of_freedom():
    pre, post = [40, 50], [50, 70]

    _assert_matches_scipy(pre, post)
    assert paired_change(_pairs(pre, post)).wilcoxon_p == 0.5


def test_paired_change_with_constant_change_collapses_the_interval():
    summary = paired_change(_pairs([10, 20, 30, 40, 50], [15, 25, 35, 45, 55]))

    assert summary.mean_change == 5.0
    assert summary.sd == 0.0
    assert summary.ci95 == (5.0, 5.0)
    assert summary.cohen_dz is None
    assert summary.wilcoxon_p == float(stats.wilcoxon([5.0] * 5).pvalue) == 0.0625


@pytest.mark.parametrize("n", [3, 60])
def test_paired_change_with_only_zero_changes_has_no_p_value(n):
    summary = paired_change(_pairs([50] * n, [50] * n))

    assert (summary.mean_change, summary.sd, summary.ci95) == (0.0, 0.0, (0.0, 0.0))
    assert summary.cohen_dz is None
    assert summary.wilcoxon_p is None


def test_wilcoxon_p_from_histogram_equals_scipy_with_heavy_ties():
    changes = {-10: 40, -5: 120, 0: 300, 5: 500, 10: 260, 20: 30}
    d = np.repeat(np.array(list(changes), dtype=float), list(changes.values()))

    assert abs(wilcoxon_p(changes) - float(stats.wilcoxon(d).pvalue)) < 1e-12


def test_nps_with_interval_by_hand():
    # 10 answers: 5 promoters, 3 passives, 2 detractors: NPS 30; se = sqrt((0.7 - 0.09) / 10).
    summary = nps({10: 3, 9: 2, 8: 2, 7: 1, 5: 1, 0: 1})

    se = math.sqrt(0.61 / 10)
    z = stats.norm.ppf(0.975)
    assert (summary.n, summary.promoters, summary.passives, summary.detractors) == (10, 5, 3, 2)
    assert abs(summary.nps - 30.0) < TOLERANCE
    assert abs(summary.ci95[0] - (30 - z * 100 * se)) < TOLERANCE
    assert abs(summary.ci95[1] - (30 + z * 100 * se)) < TOLERANCE


def test_nps_without_answers_and_with_one_answer():
    assert nps({}).nps is None
    assert nps({}).ci95 is None
    assert nps({10: 1}).nps == 100.0
    assert nps({10: 1}).ci95 == (100.0, 100.0)


def test_distribution_counts_every_value_and_top_two_box():
    result = distribution({1: 1, 4: 3, 5: 4, 3: 2}, low=1, high=5)

    assert result.n == 10
    assert result.counts == ((1, 1), (2, 0), (3, 2), (4, 3), (5, 4))
    assert result.mean == 3.9  # (1 + 6 + 12 + 20) / 10
    assert result.top_two_share == 0.7
    assert distribution({}, low=1, high=5).mean is None


def test_suppressed_cells_hides_small_cells_and_the_one_that_would_reveal_them():
    # 3 is small; with the total (30) shown it would be 30 - 20 - 7, so 7 goes too.
    assert suppressed_cells([20, 3, 7, 0], total_shown=True) == [False, True, True, False]
    # Two small cells already protect each other.
    assert suppressed_cells([20, 3, 4, 9], total_shown=True) == [False, True, True, False]
    # Without a total, only the small cell.
    assert suppressed_cells([20, 3, 7], total_shown=False) == [False, True, False]
    # A total under five hides everything.
    assert suppressed_cells([2, 1, 0], total_shown=True) == [True, True, True]
    assert suppressed_cells([10, 0, 6], total_shown=True) == [False, False, False]
    # Two small cells of 3 and 1 would leave 24 - 20 = 4 people: the 20 goes too.
    assert suppressed_cells([3, 1, 20], total_shown=True) == [True, True, True]


def test_suppressed_cells_protects_with_a_preferred_cell_first():
    # The smallest other cell is 17 (index 2), but 18 is hidden elsewhere already.
    assert suppressed_cells([4, 18, 17], total_shown=True) == [True, False, True]
    assert suppressed_cells([4, 18, 17], total_shown=True, prefer={1}) == [True, True, False]
    # A preferred cell of nobody cannot protect: the smallest other one does.
    assert suppressed_cells([4, 0, 17], total_shown=True, prefer={1}) == [True, False, True]


@pytest.mark.parametrize("seed", range(40))
def test_wilcoxon_p_equals_scipy_on_small_samples_of_every_kind(seed):
    # Sizes 1-60 with few distinct values (ties, zeros) or many (none): every SciPy branch.
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    spread = rng.choice([2, 5, 200])
    changes = [rng.randint(-spread, spread) for _ in range(n)]
    histogram: dict[int, int] = {}
    for change in changes:
        histogram[change] = histogram.get(change, 0) + 1

    ours = wilcoxon_p(histogram)

    if all(change == 0 for change in changes):
        assert ours is None
    else:
        expected = float(stats.wilcoxon(np.array(changes, dtype=float)).pvalue)
        assert abs(ours - expected) < TOLERANCE
