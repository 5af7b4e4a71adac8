"""The pruned (max, +) product used by the Lagrangian bound is exact."""

import numpy as np
import pytest

from exchanges.matching.bound import _maxplus, _maxplus_pruned, _PrunedProduct, _transpose_rows


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
