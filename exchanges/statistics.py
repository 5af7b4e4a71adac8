"""Outcome statistics of surveys: paired change, NPS, Likert distributions and the small-cell
rule. Pure Python and SciPy; no Django, so the pages, the exports, the ``survey_outcomes``
command and the benchmark compute every figure with the same functions.

Memory. A paired change is accumulated in a ``PairedChanges``: a histogram of the changes
(change -> number of pairs) and running sums. Survey scores are small integers (0-100 at most),
so the histogram has at most a few hundred entries however many people answered, and nothing
here grows with the number of responses. The Wilcoxon test is computed from the histogram as
well (see ``wilcoxon_p``), without calling SciPy's test per cell: its permutation branch alone
takes a tenth of a second per cell, and a page has hundreds of cells. The tests check every
branch against ``scipy.stats.wilcoxon`` itself.

Definitions (change = later wave minus earlier wave, per person and item):

* ``n``: complete pairs; ``mean_change``: their mean.
* ``ci95``: ``mean ± t(0.975, n-1) · sd / sqrt(n)`` with the sample standard deviation of the
  changes (ddof = 1).
* ``cohen_dz``: ``mean / sd`` (Cohen's d for paired samples, d_z).
* ``wilcoxon_p``: the p-value of ``scipy.stats.wilcoxon(post, pre)`` with its defaults
  (zero_method="wilcox": zero changes are dropped; correction=False; two-sided;
  method="auto": exact distribution for at most 50 pairs without ties or zeros, an exact
  permutation test for at most 13 pairs with ties or zeros, the normal approximation with the
  tie correction otherwise).

Small and degenerate samples give these defined results, never an exception:

* ``n == 0``: every figure is ``None``.
* ``n == 1``: the mean is the one change; sd, ci95 and cohen_dz are ``None`` (no spread can be
  estimated from one pair); wilcoxon_p is 1.0 as SciPy gives it (``None`` if the change is 0).
* ``n == 2``: all figures as defined above (t with one degree of freedom, 12.706).
* Zero spread (every pair changed by the same amount, ``sd == 0``): ci95 is
  ``(mean, mean)`` and cohen_dz is ``None`` (an effect over zero spread is not a number).
* Every change zero: mean 0, ci95 ``(0.0, 0.0)``, cohen_dz ``None`` and wilcoxon_p ``None``:
  nothing is left to rank once the zeros are dropped (SciPy returns 1.0 up to 13 pairs and NaN
  above, which is not an answer either way).
* Ties among the changes: average ranks with SciPy's tie correction (no special case).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from scipy import special
from scipy import stats as scipy_stats

# Partner staff never see a figure that describes fewer people than this.
SMALL_CELL = 5
# SciPy's method="auto": up to 50 pairs (zeros included) without ties or zeros, the exact
# distribution; up to 13 with ties or zeros, a permutation test over all 2**n sign flips;
# otherwise the normal approximation.
WILCOXON_SCIPY_LIMIT = 50
PERMUTATION_LIMIT = 13
_Z975 = float(scipy_stats.norm.ppf(0.975))


@dataclass
class PairedChanges:
    """Accumulates complete (before, after) pairs of one item and group in bounded memory."""

    changes: Counter = field(default_factory=Counter)
    n: int = 0
    sum_before: int | float = 0
    sum_after: int | float = 0

    def add(self, before: int | float, after: int | float, count: int = 1) -> None:
        self.changes[after - before] += count
        self.n += count
        self.sum_before += before * count
        self.sum_after += after * count

    def add_change(self, change: int | float, count: int, sum_before, sum_after) -> None:
        """Add ``count`` pairs that all changed by ``change`` (from a database aggregate)."""
        self.changes[change] += count
        self.n += count
        self.sum_before += sum_before
        self.sum_after += sum_after

    def merge(self, other: PairedChanges) -> None:
        self.changes.update(other.changes)
        self.n += other.n
        self.sum_before += other.sum_before
        self.sum_after += other.sum_after


@dataclass(frozen=True)
class ChangeSummary:
    n: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    sd: float | None
    ci95: tuple[float, float] | None
    cohen_dz: float | None
    wilcoxon_p: float | None

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "mean_before": self.mean_before,
            "mean_after": self.mean_after,
            "mean_change": self.mean_change,
            "sd": self.sd,
            "ci95": list(self.ci95) if self.ci95 is not None else None,
            "cohen_dz": self.cohen_dz,
            "wilcoxon_p": self.wilcoxon_p,
        }


def _exact(value) -> Fraction:
    return Fraction(value) if isinstance(value, int) else Fraction(float(value))


def _ranks(nonzero: Mapping[int | float, int]) -> tuple[Counter, Counter]:
    """Tie groups of |change|: (magnitude -> count, magnitude -> count of positive ones)."""
    magnitudes: Counter = Counter()
    positive: Counter = Counter()
    for value, count in nonzero.items():
        magnitudes[abs(value)] += count
        if value > 0:
            positive[abs(value)] += count
    return magnitudes, positive


def _exact_p(nonzero: Mapping[int | float, int], zeros: int) -> float:
    """SciPy's exact and permutation p-values (all 2**n sign flips), computed exactly: the
    null distribution of twice the positive rank sum (average ranks of tie groups are
    multiples of one half) is built group by group; a zero change flips to itself, which
    doubles every count."""
    magnitudes, positive = _ranks(nonzero)
    null: dict[int, int] = {0: 1}
    observed = 0
    below = 0
    for magnitude in sorted(magnitudes):
        t = magnitudes[magnitude]
        twice_rank = 2 * below + t + 1
        observed += twice_rank * positive[magnitude]
        for _ in range(t):
            step: dict[int, int] = defaultdict(int)
            for total, ways in null.items():
                step[total] += ways
                step[total + twice_rank] += ways
            null = step
        below += t
    outcomes = 2 ** (sum(magnitudes.values()) + zeros)
    at_most = sum(ways for total, ways in null.items() if total <= observed) << zeros
    at_least = sum(ways for total, ways in null.items() if total >= observed) << zeros
    return min(1.0, 2 * min(at_most, at_least) / outcomes)


def wilcoxon_p(changes: Mapping[int | float, int]) -> float | None:
    """The two-sided p-value of ``scipy.stats.wilcoxon`` (defaults) for the changes in the
    histogram ``changes`` (change -> count); ``None`` when no change is non-zero.

    SciPy's choice of method is followed (see the module doc); the exact and permutation
    branches enumerate the null distribution exactly as SciPy does, the normal approximation
    uses SciPy's tie correction, all from the histogram."""
    total = sum(changes.values())
    nonzero = {value: count for value, count in changes.items() if value != 0 and count}
    if not nonzero:
        return None
    zeros = total - sum(nonzero.values())
    magnitudes, positive = _ranks(nonzero)
    ties = any(count > 1 for count in magnitudes.values())
    if total <= WILCOXON_SCIPY_LIMIT and (not (ties or zeros) or total <= PERMUTATION_LIMIT):
        return _exact_p(nonzero, zeros)
    count_all = sum(magnitudes.values())
    r_plus = 0.0
    tie_correct = 0.0
    below = 0
    for magnitude in sorted(magnitudes):
        t = magnitudes[magnitude]
        rank = below + (t + 1) / 2
        r_plus += rank * positive[magnitude]
        tie_correct += t**3 - t
        below += t
    mean = count_all * (count_all + 1.0) * 0.25
    variance = count_all * (count_all + 1.0) * (2.0 * count_all + 1.0)
    se = math.sqrt((variance - tie_correct / 2) / 24)
    z = (r_plus - mean) / se
    return float(min(1.0, 2 * min(special.ndtr(z), special.ndtr(-z))))


def paired_change(pairs: PairedChanges) -> ChangeSummary:
    """Summary of the paired changes; see the module doc for the definitions and edge cases."""
    n = pairs.n
    if n == 0:
        return ChangeSummary(0, None, None, None, None, None, None, None)
    total = sum(_exact(value) * count for value, count in pairs.changes.items())
    mean = total / n
    p_value = wilcoxon_p(pairs.changes)
    before, after = float(pairs.sum_before / n), float(pairs.sum_after / n)
    if n == 1:
        return ChangeSummary(1, before, after, float(mean), None, None, None, p_value)
    squares = sum(_exact(value) ** 2 * count for value, count in pairs.changes.items())
    variance = (squares - total * total / n) / (n - 1)
    sd = math.sqrt(variance)
    if variance == 0:
        return ChangeSummary(
            n, before, after, float(mean), 0.0, (float(mean), float(mean)), None, p_value
        )
    half_width = float(scipy_stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return ChangeSummary(
        n=n,
        mean_before=before,
        mean_after=after,
        mean_change=float(mean),
        sd=sd,
        ci95=(float(mean) - half_width, float(mean) + half_width),
        cohen_dz=float(mean) / sd,
        wilcoxon_p=p_value,
    )


@dataclass(frozen=True)
class NpsSummary:
    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    ci95: tuple[float, float] | None


def nps(counts: Mapping[int, int]) -> NpsSummary:
    """Net promoter score from the count of each answer 0-10: the share of promoters (9-10)
    minus the share of detractors (0-6), times 100. The 95 % interval is the Wald interval of
    a difference of two shares of one multinomial sample:
    ``se = sqrt((p + d - (p - d)²) / n)``, ``NPS ± 1.96 · 100 · se``, clipped to [-100, 100].
    With n = 0 the score and the interval are ``None``; with one answer, or answers all in one
    group, the interval has zero width."""
    promoters = sum(count for value, count in counts.items() if value >= 9)
    detractors = sum(count for value, count in counts.items() if value <= 6)
    n = sum(counts.values())
    if n == 0:
        return NpsSummary(0, 0, 0, 0, None, None)
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    se = math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)
    low, high = score - _Z975 * 100 * se, score + _Z975 * 100 * se
    return NpsSummary(
        n,
        promoters,
        n - promoters - detractors,
        detractors,
        score,
        (max(-100.0, low), min(100.0, high)),
    )


@dataclass(frozen=True)
class Distribution:
    n: int
    counts: tuple[tuple[int, int], ...]  # (value, count) for every value of the scale
    mean: float | None
    top_two_share: float | None  # share of the two highest values, 0-1


def distribution(counts: Mapping[int, int], *, low: int, high: int) -> Distribution:
    """The answers of a scale from ``low`` to ``high``: every value's count (zeros included),
    the mean and the top-two-box share (``None`` with no answers)."""
    n = sum(counts.get(value, 0) for value in range(low, high + 1))
    rows = tuple((value, counts.get(value, 0)) for value in range(low, high + 1))
    if n == 0:
        return Distribution(0, rows, None, None)
    mean = sum(value * count for value, count in rows) / n
    top = sum(count for value, count in rows if value >= high - 1)
    return Distribution(n, rows, mean, top / n)


def isolates(counts: Sequence[int], hidden: Sequence[bool]) -> bool:
    """Whether a total shown beside ``counts`` would give away the ``hidden`` ones: subtracting
    the shown counts from the total leaves the sum of the hidden ones, which must not be a
    single non-zero count nor describe 1 to 4 people."""
    withheld = [count for count, flag in zip(counts, hidden, strict=True) if flag and count > 0]
    return len(withheld) == 1 or 0 < sum(withheld) < SMALL_CELL


def suppressed_cells(
    counts: Iterable[int], *, total_shown: bool, prefer: Collection[int] = ()
) -> list[bool]:
    """Which counts of a group of cells partner staff must not see: every cell describing 1 to
    4 people (``SMALL_CELL``), and, when the cells' total is shown too, further non-zero cells,
    one at a time, until the total minus the shown cells neither isolates one hidden cell nor
    adds up to 1 to 4 people (``isolates``). The further cell is the smallest of those whose
    index is in ``prefer`` (cells hidden in a related table already, so hiding them here costs
    nothing more), else the smallest of the others. Zero cells describe nobody and stay
    visible, unless the total itself is below the threshold, in which case everything is
    hidden."""
    counts = list(counts)
    total = sum(counts)
    if total_shown and 0 < total < SMALL_CELL:
        return [True] * len(counts)
    hidden = [is_small(count) for count in counts]
    while total_shown and isolates(counts, hidden):
        candidates = [
            (index not in prefer, count, index)
            for index, count in enumerate(counts)
            if count > 0 and not hidden[index]
        ]
        if not candidates:
            break
        hidden[min(candidates)[2]] = True
    return hidden


def is_small(n: int) -> bool:
    """A figure about 1 to 4 people is hidden from partner staff."""
    return 0 < n < SMALL_CELL
