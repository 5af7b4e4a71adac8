"""The construction and the coordinate ascent of large triads solve their assignments
sparsely (``bound.best_assignment``): the result is an optimal assignment, as the dense solver's,
and the ascent never starts a step it predicts would overrun its deadline."""

import time

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from exchanges.matching import bound, groups
from exchanges.matching.generate import realistic_problem


def _optimum(cost: np.ndarray) -> float:
    r, c = linear_sum_assignment(cost, maximize=True)
    return float(cost[r, c].sum())


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [40, 320])
def test_best_assignment_is_optimal(seed: int, n: int, monkeypatch) -> None:
    """Random scores with forbidden pairs (penalised as the solver does), from the identity
    and from a random current assignment: a permutation worth the dense optimum."""
    monkeypatch.setattr(bound, "SPARSE_MIN_N", 30)
    rng = np.random.default_rng(seed)
    cost = np.round(rng.gamma(2.0, 3.0, size=(n, n)), 1)
    cost[rng.random((n, n)) < 0.05] -= 1e4
    optimum = _optimum(cost)
    for prev in (None, rng.permutation(n)):
        sigma = bound.best_assignment(cost.copy(), prev)
        assert sorted(sigma) == list(range(n))
        assert float(cost[np.arange(n), sigma].sum()) == pytest.approx(optimum, abs=1e-6)


def test_large_triads_ascent_reaches_a_local_optimum_of_the_dense_solver(monkeypatch) -> None:
    """With the sparse assignments the ascent ends where no single country can be
    re-assigned better, checked with the dense solver."""
    monkeypatch.setattr(bound, "SPARSE_MIN_N", 20)
    prep = groups._prepare(realistic_problem(60, seed=3))
    tri = groups._build_triads(prep)
    try:
        sol, value = groups._coordinate_ascent(
            tri, groups._construct(tri, (0, 1, 2)), time.perf_counter() + 60
        )
        assert value == pytest.approx(tri.value(sol))
        for c in range(3):
            cost = groups._assignment_cost(tri, c, dict(enumerate(sol)))
            assert _optimum(cost) <= value - _other_pairs(tri, sol, c) + 1e-6
    finally:
        tri.release()


def _other_pairs(tri, sol: list[np.ndarray], c: int) -> float:
    """Value of the pairs of ``sol`` that do not involve country ``c``."""
    d, e = (x for x in range(3) if x != c)
    return float(tri.pair(d, e)[sol[d], sol[e]].sum())


def test_ascent_skips_a_step_that_would_overrun(monkeypatch) -> None:
    """Each step is predicted from the slowest so far: with steps of 0.2 s and 0.3 s left,
    the ascent stops after one step instead of overrunning by a second."""
    prep = groups._prepare(realistic_problem(30, seed=1))
    tri = groups._build_triads(prep)
    real = groups.best_assignment
    calls = []

    def slow(cost, prev=None):
        calls.append(1)
        time.sleep(0.2)
        return real(cost, prev)

    try:
        start = groups._construct(tri, (0, 1, 2))
        monkeypatch.setattr(groups, "best_assignment", slow)
        begin = time.perf_counter()
        groups._coordinate_ascent(tri, start, begin + 0.3)
        assert len(calls) == 1
        assert time.perf_counter() - begin < 0.3
    finally:
        tri.release()


def test_lagrangian_heuristic_gets_the_time_up_to_the_polish_reserve(monkeypatch) -> None:
    """When the first construction and ascent take more than ``ORDERS_SHARE`` of the solve
    time, no other country order is tried, and the Lagrangian heuristic gets everything up
    to ``POLISH_RESERVE`` x that first phase (kept for polishing its grouping)."""
    prep = groups._prepare(realistic_problem(30, seed=2))
    tri = groups._build_triads(prep)
    real_ascent, real_bound = groups._coordinate_ascent, groups.lagrangian_bound
    ascents, budgets = [], []

    def slow_ascent(tri, sol, deadline):
        if not ascents:
            time.sleep(1.2)
        result = real_ascent(tri, sol, deadline)
        ascents.append(time.perf_counter())
        return result

    def recording_bound(*args, time_limit, **kwargs):
        budgets.append((time_limit, time.perf_counter()))
        return real_bound(*args, time_limit=0.2, **kwargs)

    monkeypatch.setattr(groups, "_coordinate_ascent", slow_ascent)
    monkeypatch.setattr(groups, "lagrangian_bound", recording_bound)
    try:
        begin = time.perf_counter()
        deadline = begin + 5.0
        sol, value, method, _ = groups._large_triads(
            tri, deadline, np.random.default_rng(0), groups._noop
        )
        first = ascents[0] - begin  # the construction and the first ascent
        (budget, at), *_ = budgets
        assert len(ascents) == 2, "one country order, then the polish"
        assert budget == pytest.approx(deadline - at - groups.POLISH_RESERVE * first, abs=0.05)
        assert budget > 0.4 * (deadline - at)
        assert value == pytest.approx(tri.value(sol))
        assert method.startswith(("lsa+ascent", "lagrangian+ascent"))
    finally:
        tri.release()
