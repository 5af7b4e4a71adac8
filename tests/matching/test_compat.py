"""Compatibility function: each component, the weights, and the vectorised twin."""

import tracemalloc

import numpy as np

from exchanges.matching import groups as solver
from exchanges.matching.compat import CompatibilityWeights, compatibility, score_matrix
from exchanges.matching.generate import realistic_participants, realistic_problem
from exchanges.matching.types import Participant

ZERO = CompatibilityWeights(interests=0, language=0, sector=0, age=0, gender=0)


def _p(pid, **kw):
    return Participant(id=pid, country=kw.pop("country", "US"), **kw)


def test_compatibility_shared_interests_counts_and_caps():
    a = _p(1, interests=frozenset({"climate", "film", "food", "music", "trade"}))
    b = _p(2, interests=frozenset({"climate", "film", "food", "music", "sports"}))
    w = CompatibilityWeights(
        interests=2.0, max_shared_interests=3, language=0, sector=0, age=0, gender=0
    )
    comp = compatibility(a, b, w)
    assert comp.score == 6.0
    assert comp.reasons == ("shared interests: climate, film, food, music",)


def test_compatibility_common_language_needs_level_three_on_both_sides():
    a = _p(1, languages={"en": 5, "ja": 2})
    b = _p(2, languages={"en": 3, "ja": 5})
    w = CompatibilityWeights(interests=0, language=3.0, sector=0, age=0, gender=0)
    assert compatibility(a, b, w).score == 3.0
    assert compatibility(a, b, w).reasons == ("common language: English",)
    c = _p(3, languages={"en": 2, "ja": 5})
    assert compatibility(a, c, w).score == 0.0
    assert compatibility(a, c, w).reasons == ()


def test_compatibility_sector_mix_rewards_different_sectors_only():
    w = CompatibilityWeights(interests=0, language=0, sector=1.5, age=0, gender=0)
    gov, biz = _p(1, sector="government"), _p(2, sector="business")
    assert compatibility(gov, biz, w).score == 1.5
    assert compatibility(gov, biz, w).reasons == ("sector mix: government + business",)
    assert compatibility(gov, _p(3, sector="government"), w).score == 0.0
    assert compatibility(gov, _p(4), w).score == 0.0


def test_compatibility_age_closeness_is_linear_in_the_gap():
    w = CompatibilityWeights(interests=0, language=0, sector=0, age=2.0, age_scale=10, gender=0)
    assert compatibility(_p(1, age=25), _p(2, age=25), w).score == 2.0
    assert compatibility(_p(1, age=25), _p(2, age=29), w).score == 2.0 * 0.6
    assert compatibility(_p(1, age=25), _p(2, age=29), w).reasons == ("age gap: 4 years",)
    assert compatibility(_p(1, age=20), _p(2, age=35), w).score == 0.0
    assert compatibility(_p(1, age=20), _p(2), w).score == 0.0


def test_compatibility_gender_mix():
    w = CompatibilityWeights(interests=0, language=0, sector=0, age=0, gender=0.5)
    assert compatibility(_p(1, gender="female"), _p(2, gender="male"), w).score == 0.5
    assert compatibility(_p(1, gender="female"), _p(2, gender="female"), w).score == 0.0


def test_compatibility_zero_weights_give_zero_and_no_reasons():
    a, b = realistic_participants(2, seed=3)[:2]
    assert compatibility(a, b, ZERO).score == 0.0
    assert compatibility(a, b, ZERO).reasons == ()


def test_score_matrix_equals_scalar_function():
    people = realistic_participants(15, seed=7)
    w = CompatibilityWeights(interests=1.5, language=2.5, sector=0.7, age=1.2, gender=0.3)
    mat = score_matrix(people[:20], people[20:], w)
    expected = np.array([[compatibility(a, b, w).score for b in people[20:]] for a in people[:20]])
    np.testing.assert_allclose(mat, expected, atol=1e-12)


def test_score_matrix_in_row_blocks_is_bit_identical():
    """Computed a few rows at a time (bounded temporaries), the matrix is exactly the same."""
    people = realistic_participants(40, seed=11)
    whole = score_matrix(people[:70], people[70:], block=10_000)
    for block in (1, 7, 64):
        assert np.array_equal(score_matrix(people[:70], people[70:], block=block), whole)


def test_preparing_large_triads_keeps_only_the_score_blocks_in_memory():
    """At 1,500 per country the three score blocks are 51.5 MiB; preparing the instance and
    the triads (forbidden-pair masks and row-block temporaries included) stays within 1.5
    times that (before: the blocks twice, plus six n x n temporaries while scoring)."""
    problem = realistic_problem(1500, seed=2)
    blocks = 3 * 1500 * 1500 * 8
    tracemalloc.start()
    prep = solver._prepare(problem)
    tri = solver._build_triads(prep)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tri.release()
    assert peak < 1.5 * blocks
