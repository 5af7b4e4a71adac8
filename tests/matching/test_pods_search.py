"""Pods at scale (exchanges/matching/pods.py): the unit-reassignment local search and the
between-country bound, checked against brute force on tiny instances."""

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchanges.matching import pods
from exchanges.matching.bound import lp_bound


def _pairings(xs):
    if not xs:
        yield []
        return
    for i in range(1, len(xs)):
        for rest in _pairings(xs[1:i] + xs[i + 1 :]):
            yield [(xs[0], xs[i]), *rest]


def _all_pods(n: int):
    """Every grouping of 3 countries x n members (member c * n + i) into pods of 2 each."""
    per = [list(_pairings(list(range(c * n, (c + 1) * n)))) for c in range(3)]
    for first in per[0]:
        for second in per[1]:
            for second_order in itertools.permutations(second):
                for third in per[2]:
                    for third_order in itertools.permutations(third):
                        yield [
                            [*a, *b, *c]
                            for a, b, c in zip(first, second_order, third_order, strict=True)
                        ]


def _value(s, groups, cross_only=False):
    n = s.shape[0] // 3
    return sum(
        s[x, y]
        for g in groups
        for x, y in itertools.combinations(g, 2)
        if not cross_only or x // n != y // n
    )


def _instance(n: int, seed: int, negative: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    s = rng.integers(-5 if negative else 0, 10, size=(3 * n, 3 * n)).astype(float)
    s = np.triu(s, 1)
    s += s.T
    np.fill_diagonal(s, -1e4)
    return s


def _blocks(s: np.ndarray):
    n = s.shape[0] // 3
    return [s[c * n : (c + 1) * n, d * n : (d + 1) * n] for c, d in ((0, 1), (0, 2), (1, 2))]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.sampled_from([2, 4]), negative=st.booleans())
def test_cross_bound_is_at_least_every_grouping_between_countries(seed, n, negative):
    s = _instance(n, seed, negative)
    best = max(_value(s, g, cross_only=True) for g in _all_pods(n))
    bound, iterations = pods.cross_bound(*_blocks(s), 2, lower=best, time_limit=0.5)
    assert iterations >= 1
    assert bound >= best - 1e-6


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.sampled_from([2, 4]), negative=st.booleans())
def test_spread_bound_is_at_least_every_grouping_between_countries(seed, n, negative):
    s = _instance(n, seed, negative)
    best = max(_value(s, g, cross_only=True) for g in _all_pods(n))
    bound, iterations = pods.spread_bound(*_blocks(s), lower=best, time_limit=0.5)
    assert iterations >= 1
    assert bound >= best - 1e-6


def test_spread_bound_is_below_the_cross_bound_and_triad_prices_lower_it():
    s = _instance(8, seed=5)
    cross, _ = pods.cross_bound(*_blocks(s), 2, lower=0.0, time_limit=2.0)
    plain, _ = pods.spread_bound(*_blocks(s), lower=0.0, time_limit=2.0, triad_prices=False)
    priced, _ = pods.spread_bound(*_blocks(s), lower=0.0, time_limit=2.0)
    assert plain < cross - 1.0
    assert priced < plain - 1.0


def test_top2_product_bounds_the_two_best_sums_and_is_exact_where_certified():
    rng = np.random.default_rng(2)
    n = 60
    p = rng.integers(0, 30, size=(n, n)).astype(np.float32)
    q = rng.integers(0, 30, size=(n, n)).astype(np.float32)
    p[3] = -1e6  # a member forbidden with everyone
    exact = np.stack([np.sort(p[a][None, :] + q, axis=1)[:, -2:].sum(axis=1) for a in range(n)])
    pruned = pods.top2_product(p, q, t=10)
    assert (pruned >= exact).all()
    assert (pruned == exact).mean() > 0.9
    assert np.array_equal(pods.top2_product(p, q, t=n), exact)


def test_cross_bound_is_tighter_than_twice_the_triads_lp():
    """The pair prices stop a member's best partners from counting twice: below k x the
    triads' LP bound (the old bound's between-country part at its best)."""
    s = _instance(6, seed=3)
    w01, w02, w12 = _blocks(s)
    old = 2 * lp_bound(w01, w02, w12)[0]
    bound, _ = pods.cross_bound(w01, w02, w12, 2, lower=0.0, time_limit=2.0)
    assert bound < old - 1.0


def test_unit_moves_never_lower_the_objective_and_keep_k_per_country():
    rng = np.random.default_rng(0)
    n, k = 40, 2
    s = _instance(n, seed=1)
    country = np.repeat(np.arange(3), n)
    pod = np.concatenate([rng.permutation(np.repeat(np.arange(n // k), k)) for _ in range(3)])
    slots = pods.slots_from_pods(country, pod, n // k, k)
    assert np.array_equal(pods.pods_from_slots(slots, 3 * n), pod)
    value = pods.slots_value(s, slots)
    for pattern in pods.patterns(3, k) * 3:
        gain = pods.reassign_units(s, slots, pattern, rng)
        new = pods.slots_value(s, slots)
        assert gain >= 0
        assert abs(new - (value + gain)) < 1e-6
        value = new
        assert sorted(slots.ravel()) == list(range(3 * n))
        assert all((country[slots[:, c * k : (c + 1) * k]] == c).all() for c in range(3))
    pods.perturb(slots, k, rng)
    assert sorted(slots.ravel()) == list(range(3 * n))
    assert all((country[slots[:, c * k : (c + 1) * k]] == c).all() for c in range(3))


def test_local_search_finds_the_brute_force_optimum_on_tiny_instances():
    for seed in range(4):
        s = _instance(4, seed)
        best = max(_value(s, g) for g in _all_pods(4))
        country = np.repeat(np.arange(3), 4)
        pod = np.tile(np.repeat(np.arange(2), 2), 3)
        slots, _moves = pods.improve(
            s,
            pods.slots_from_pods(country, pod, 2, 2),
            2,
            deadline=float("inf"),
            rng=np.random.default_rng(seed),
            stopped=iter([False] * 300 + [True]).__next__,
        )
        assert pods.slots_value(s, slots) == best
