"""The pruned (max, +) product used by the Lagrangian bound is exact."""

import numpy as np
import pytest

from exchanges.matching.bound import _maxplus, _maxplus_pruned


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
