"""The pruned (max, +) product used by the Lagrangian bound is exact (its lazy form
over-estimates and refines to the exact values); the sparse assignment bound (dual repair)
is valid and exact when it converges, also over lazily refined costs."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from exchanges.matching import bound
from exchanges.matching.bound import (
    LazyCost,
    _maxplus,
    _maxplus_pruned,
    _PrunedProduct,
    _row_max,
    _transpose_rows,
    assignment_upper_bound,
    lagrangian_bound,
    lp_bound,
)


def _full(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.stack([np.max(row[None, :] + q, axis=1) for row in p])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("t", [1, 8, 40])
def test_pruned_maxplus_equals_full_product(seed: int, t: int) -> None:
    rng = np.random.default_rng(seed)
    # Coarse values make many ties, the hard case for the pruning certificate.
    p = np.round(rng.normal(size=(70, 90)), 1).astype(np.float32)
    q = rng.integers(0, 5, size=(60, 90)).astype(np.float32)
    q[:, rng.integers(90)] += 3.0  # one popular column
    assert np.array_equal(_maxplus_pruned(p, q, t), _full(p, q))


def test_maxplus_dispatch_large_is_exact() -> None:
    rng = np.random.default_rng(7)
    p = np.round(rng.normal(size=(40, 1100)), 1).astype(np.float32)
    q = np.round(rng.normal(size=(30, 1100)), 1).astype(np.float32)
    assert np.array_equal(_maxplus(p, q), _full(p, q))


def test_pruned_product_from_rows_read_on_the_fly_is_exact() -> None:
    """The Lagrangian bound reads float32 rows of the float64 scores on demand (no float32
    copies of whole matrices); the product is still the full one, bit for bit."""

    rng = np.random.default_rng(3)
    w02 = np.round(rng.normal(size=(50, 900)), 1)
    w12 = rng.integers(0, 5, size=(40, 900)).astype(np.float64)
    lam = rng.normal(size=900).astype(np.float32)

    def p_rows(idx):
        rows = w02[idx].astype(np.float32)
        rows -= lam[None, :]
        return rows

    def q_rows(idx):
        return w12[idx].astype(np.float32)

    product = _PrunedProduct(q_rows, _transpose_rows(q_rows, 40), 40, 16)
    got = product.product(p_rows, _transpose_rows(p_rows, 50), 50)
    expected = _full(w02.astype(np.float32) - lam[None, :], w12.astype(np.float32))
    assert np.array_equal(got, expected)


def _random_scores(seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = [np.round(rng.gamma(2.0, 3.0, size=(n, n)), 1) for _ in range(3)]
    w[0][rng.random((n, n)) < 0.05] -= 1e4  # a few forbidden pairs, as the solver marks them
    return w[0], w[1], w[2]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [5, 30, 120])
def test_assignment_upper_bound_is_valid_and_exact_when_converged(seed: int, n: int) -> None:
    """Dual repair over a sparse assignment: never below the dense optimum, from any start
    (a bad ``prev`` permutation, random warm duals, one round only), and equal to it with
    the default rounds."""
    rng = np.random.default_rng(100 + seed)
    cost = np.round(rng.normal(size=(n, n)) * 5, 1)
    cost[rng.random((n, n)) < 0.1] -= 1e4
    r, c = linear_sum_assignment(cost, maximize=True)
    optimum = float(cost[r, c].sum())
    tol = 1e-9 * max(1.0, abs(optimum))
    for rounds in (1, 2):
        for warm in (None, rng.normal(size=n) * 10):
            bound, sigma, _, _ = assignment_upper_bound(
                cost, rng.permutation(n), warm, top=2, rounds=rounds
            )
            assert bound >= optimum - tol
            assert sorted(sigma) == list(range(n))
    bound, sigma, _, _ = assignment_upper_bound(cost, np.arange(n), rounds=50)
    assert bound == pytest.approx(optimum, rel=1e-7, abs=1e-6)
    assert float(cost[np.arange(n), sigma].sum()) == pytest.approx(optimum, rel=1e-7, abs=1e-6)


def _brute_force(w01: np.ndarray, w02: np.ndarray, w12: np.ndarray) -> float:
    n = len(w01)
    return max(
        float(w01[np.arange(n), list(b)].sum() + w02[np.arange(n), list(c)].sum())
        + float(w12[list(b), list(c)].sum())
        for b in itertools.permutations(range(n))
        for c in itertools.permutations(range(n))
    )


@pytest.mark.parametrize("seed", range(5))
def test_sparse_lagrangian_bound_is_valid_against_brute_force(seed: int) -> None:
    w01, w02, w12 = _random_scores(seed, 5)
    optimum = _brute_force(w01, w02, w12)
    rng = np.random.default_rng(seed)
    for iters in (1, 3, 50):
        for pairs in (None, rng.permutation(5)):  # any start permutation
            got = lagrangian_bound(
                w01, w02, w12, max_iter=iters, time_limit=30, sparse=True, pairs=pairs
            )
            assert got.bound >= optimum - 1e-6


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [12, 30])
def test_sparse_lagrangian_bound_is_valid_against_lp(seed: int, n: int) -> None:
    """The LP bound is the best any Lagrangian multipliers can reach: the sparse mode's
    bound stays at or above it after any number of iterations, and gets close to it."""
    w01, w02, w12 = _random_scores(10 + seed, n)
    lp = lp_bound(w01, w02, w12)
    assert lp is not None
    for iters in (1, 5, 200):
        got = lagrangian_bound(w01, w02, w12, max_iter=iters, time_limit=60, sparse=True)
        assert got.bound >= lp[0] - 1e-6 * abs(lp[0])
    dense = lagrangian_bound(w01, w02, w12, max_iter=200, time_limit=60, sparse=False)
    # Same relaxation, same multipliers rule: both end within 1 % of the LP bound.
    assert got.bound <= lp[0] * 1.01
    assert dense.bound <= lp[0] * 1.01


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("t", [1, 8, 40])
def test_lazy_pruned_product_over_estimates_and_refines_exactly(seed: int, t: int) -> None:
    """Uncertified pairs get ``pcut + qcut``: never below the product, certified pairs are
    exact, and :meth:`_PrunedProduct.exact` gives the full product's value bit for bit."""
    rng = np.random.default_rng(seed)
    p = np.round(rng.normal(size=(70, 90)), 1).astype(np.float32)
    q = rng.integers(0, 5, size=(60, 90)).astype(np.float32)
    q[:, rng.integers(90)] += 3.0
    product = _PrunedProduct(q.__getitem__, np.ascontiguousarray(q.T), 60, t)
    est, uncertain = product.product(p.__getitem__, np.ascontiguousarray(p.T), 70, lazy=True)
    full = _full(p, q)
    assert (est >= full).all()
    assert np.array_equal(est[~uncertain], full[~uncertain])
    if t < 40:
        assert uncertain.any() and (est[uncertain] > full[uncertain]).any()
    r, c = np.nonzero(np.ones_like(uncertain))
    assert np.array_equal(product.exact(p.__getitem__, r, c), full[r, c])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [5, 30, 120])
@pytest.mark.parametrize("block", [256, 16])
def test_assignment_upper_bound_over_lazy_costs(seed: int, n: int, block: int, monkeypatch) -> None:
    """Over-estimated entries only raise the bound; the entries that decide it are refined,
    so it equals the exact matrix's (row maxima for the same duals, and the optimum). With
    blocks of 16 rows the dense pricing runs on two threads, each refining its own rows."""
    monkeypatch.setattr(bound, "PRICE_BLOCK", block)
    rng = np.random.default_rng(200 + seed)
    cost = np.round(rng.normal(size=(n, n)) * 5, 1)
    cost[rng.random((n, n)) < 0.1] -= 1e4
    r, c = linear_sum_assignment(cost, maximize=True)
    optimum = float(cost[r, c].sum())

    def lazy_copy(frac: float) -> LazyCost:
        mask = rng.random((n, n)) < frac
        est = cost + mask * rng.gamma(1.0, 20.0, size=(n, n))
        return LazyCost(est, mask, lambda rows, cols: cost[rows, cols])

    v = rng.normal(size=n) * 10
    lazy = lazy_copy(0.7)
    u, _ = _row_max(lazy.cost, v, lazy)
    assert np.array_equal(u, _row_max(cost, v)[0])
    for frac in (0.3, 0.9, 1.0):
        lazy = lazy_copy(frac)
        got, _, _, _ = assignment_upper_bound(lazy.cost, np.arange(n), lazy=lazy, rounds=1)
        assert got >= optimum - 1e-9 * abs(optimum)
        lazy = lazy_copy(frac)
        got, sigma, _, _ = assignment_upper_bound(lazy.cost, np.arange(n), lazy=lazy, rounds=50)
        assert got == pytest.approx(optimum, rel=1e-7, abs=1e-6)
        assert lazy.refined < n * n or frac == 1.0 or n == 5
        lazy.refine_all()
        assert np.array_equal(lazy.cost, cost)
        # The sparse matching found over the lazy costs is an optimal assignment.
        assert float(cost[np.arange(n), sigma].sum()) == pytest.approx(optimum, rel=1e-7, abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_lazy_lagrangian_bound_equals_exact_product(seed: int, monkeypatch) -> None:
    """The pruned mode at a small size (thresholds lowered): the lazy product gives the same
    bound as the exact one, iteration by iteration, and both are valid (LP)."""
    monkeypatch.setattr(bound, "EXACT_MAXPLUS_LIMIT", 10)
    monkeypatch.setattr(bound, "PRUNE_MIN_COLUMNS", 20)
    monkeypatch.setattr(bound, "PRUNE_TOP", 4)
    w01, w02, w12 = _random_scores(20 + seed, 30)
    lp = lp_bound(w01, w02, w12)
    assert lp is not None
    pairs = np.random.default_rng(seed).permutation(30)
    for iters in (1, 2, 6):
        exact = bound.lagrangian_bound(w01, w02, w12, max_iter=iters, pairs=pairs, lazy=False)
        lazy = bound.lagrangian_bound(w01, w02, w12, max_iter=iters, pairs=pairs)
        assert lazy.bound == pytest.approx(exact.bound, rel=1e-9)
        assert lazy.bound >= lp[0] - 1e-6 * abs(lp[0])


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("pruned", [False, True])
def test_lagrangian_heuristic_reports_the_grouping_it_returns(
    seed: int, pruned: bool, monkeypatch
) -> None:
    """The Lagrangian heuristic's value is the value of the grouping it returns (country 0
    in order, ``b_of_a``, ``c_of_a``: two permutations), never above the bound, also in the
    pruned mode (thresholds lowered), where it runs every fourth iteration."""
    if pruned:
        monkeypatch.setattr(bound, "EXACT_MAXPLUS_LIMIT", 10)
        monkeypatch.setattr(bound, "PRUNE_MIN_COLUMNS", 20)
        monkeypatch.setattr(bound, "PRUNE_TOP", 4)
        monkeypatch.setattr(bound, "PRICE_BLOCK", 8)
    n = 30
    w01, w02, w12 = _random_scores(40 + seed, n)
    got = lagrangian_bound(w01, w02, w12, max_iter=9, time_limit=60)
    b, c = got.b_of_a, got.c_of_a
    assert sorted(b) == list(range(n)) and sorted(c) == list(range(n))
    value = float(w01[np.arange(n), b].sum() + w02[np.arange(n), c].sum() + w12[b, c].sum())
    assert got.primal_value == pytest.approx(value, rel=1e-12)
    assert got.primal_value <= got.bound + 1e-6
