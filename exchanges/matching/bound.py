"""Upper bounds for the triad problem (one member per country, three countries).

Notation: ``W01[a, b]``, ``W02[a, c]``, ``W12[b, c]`` are the pairwise scores between the
members of countries 0, 1 and 2 (forbidden pairs carry a large negative penalty). A triad
``(a, b, c)`` is worth ``W01[a, b] + W02[a, c] + W12[b, c]``; the problem is the axial
three-dimensional assignment problem (3-AP) with these decomposable costs.

Two bounds are provided, both valid for every feasible grouping:

* :func:`lp_bound` solves the LP relaxation of the axial 3-AP over all ``n**3`` triples with
  HiGHS (``scipy.optimize.linprog``). It is very tight (typically < 0.1 %) but only
  practical for n up to about 60. Its duals also give reduced costs, used to shrink the
  exact CP-SAT model.
* :func:`lagrangian_bound` relaxes "each member of country 2 is used exactly once" with
  multipliers ``lam``. The relaxed problem separates: every (a, b) pair takes its best
  ``c`` at price ``lam[c]``, then a ``linear_sum_assignment`` over (a, b) picks the pairs.
  ``L(lam) = sum(lam) + max_assignment(W01 + max_c(W02 - lam + W12))`` is an upper bound for
  every ``lam``; subgradient steps drive it down towards the LP bound. The inner (max, +)
  product is computed exactly in O(n**3) (float32 row blocks on two threads for n > 400,
  rounded up by more than the float32 error so the bound stays valid).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import linear_sum_assignment as ortools_assignment
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse import csr_matrix

EXACT_MAXPLUS_LIMIT = 400
#: Threads for the (max, +) product of the Lagrangian bound.
MAXPLUS_THREADS = 2


def pairwise_bound(w01: np.ndarray, w02: np.ndarray, w12: np.ndarray) -> float:
    """Sum of the three independent assignment optima: valid but loose (a few %)."""
    total = 0.0
    for w in (w01, w02, w12):
        r, c = linear_sum_assignment(w, maximize=True)
        total += float(w[r, c].sum())
    return total


#: From this many columns on, :func:`_maxplus` uses candidate pruning (exact result).
PRUNE_MIN_COLUMNS = 1000
#: Candidate columns per row/column kept by the pruned (max, +) product.
PRUNE_TOP = 192


#: Candidates per row when the uncertain pairs are left as over-estimates (lazy product):
#: the full recomputation no longer costs anything up front, only the refined pairs do.
LAZY_TOP = 64


def lazy_top(n: int) -> int:
    """Candidates per row for the lazy product at n columns."""
    return int(min(256, max(LAZY_TOP, 0.025 * n)))


def prune_top(n: int) -> int:
    """Candidates per row for the pruned product at n columns: more at large n, where the
    full recomputation of the uncertain pairs (O(n) each) would dominate. At n = 5,000 one
    product took 55 s with 192 (39 s of it recomputing) and 38 s with 400."""
    return int(min(512, max(PRUNE_TOP, 0.08 * n)))


def _top_columns(x, t: int, rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices of each row's ``t`` largest entries, and the largest entry outside them.

    ``x`` is an array, or a function giving the rows ``x[s:e]`` for a slice (then ``rows``
    is the number of rows): rows are read in blocks, no n x n index temporary."""
    get = x.__getitem__ if isinstance(x, np.ndarray) else x
    n = x.shape[0] if rows is None else rows
    top = np.empty((n, t), dtype=np.int64)
    cut = None
    step = 256
    for s in range(0, n, step):
        block = get(slice(s, s + step))
        if cut is None:
            cut = np.empty(n, dtype=block.dtype)
        idx = np.argpartition(-block, t, axis=1)
        top[s : s + step] = idx[:, :t]
        cut[s : s + step] = np.take_along_axis(block, idx[:, t : t + 1], axis=1)[:, 0]
    if cut is None:
        cut = np.empty(0)
    return top, cut


def _maxplus_pruned(p: np.ndarray, q: np.ndarray, t: int = PRUNE_TOP) -> np.ndarray:
    """Same result as the full (max, +) product, bit for bit, with far fewer operations.

    Let ``S_a`` be the ``t`` columns with the largest ``p[a, :]`` and ``pcut[a]`` the largest
    ``p[a, c]`` with ``c`` outside ``S_a``; likewise ``S_b``, ``qcut[b]`` for ``q``. The
    candidate value ``cand[a, b] = max over c in S_a | S_b of p[a, c] + q[b, c]`` is a lower
    bound of ``M[a, b]``. Every ``c`` outside both sets gives ``p[a, c] + q[b, c] <= pcut[a] +
    qcut[b]`` (floating-point addition is monotone, so this holds for the rounded sums too).
    Hence where ``cand >= pcut + qcut`` the maximum is attained inside the candidates and
    ``cand == M``; the remaining pairs (a few % at n = 2000, t = 192) are computed in full.
    Cost ~ 2 n**2 t + (fraction left) n**3 instead of n**3.
    """
    return _PrunedProduct(q.__getitem__, np.ascontiguousarray(q.T), q.shape[0], t).product(
        p.__getitem__, np.ascontiguousarray(p.T), p.shape[0]
    )


def _transpose_rows(rows: Callable, n: int) -> np.ndarray:
    """``x.T`` as a contiguous float32 array, from the rows of ``x`` (n x n) in blocks."""
    out = None
    for s in range(0, n, 512):
        block = rows(slice(s, s + 512))
        if out is None:
            out = np.empty((block.shape[1], n), dtype=block.dtype)
        out[:, s : s + 512] = block.T
    return out


class _PrunedProduct:
    """The pruned (max, +) product against a fixed ``q``, whose rows come from ``q_rows``
    (a function of a slice or an index array), so neither p nor q need exist as arrays: the
    Lagrangian bound builds their float32 rows on the fly from the float64 scores (at 5,000
    per country each float32 copy is 100 MB). The q side (candidates, cuts, transpose) is
    computed once and reused by every product."""

    def __init__(self, q_rows: Callable, q_t: np.ndarray, n_b: int, t: int = PRUNE_TOP):
        self.q_rows, self.q_t, self.n_b, self.t = q_rows, q_t, n_b, t
        self.sb, self.qcut = _top_columns(q_rows, t, rows=n_b)

    def product(
        self, p_rows: Callable, p_t: np.ndarray, n_a: int, *, lazy: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """The exact product; with ``lazy=True`` ``(estimate, uncertain)`` instead: the
        pairs without a certificate are not recomputed but set to ``pcut[a] + qcut[b]``, an
        over-estimate of ``M[a, b]`` (every column outside ``S_a | S_b`` gives at most that,
        and the candidates gave less), marked in the boolean ``uncertain``; the caller
        computes the ones it needs with :meth:`exact`."""
        t, n_b, q_rows, q_t, sb, qcut = self.t, self.n_b, self.q_rows, self.q_t, self.sb, self.qcut
        sa, pcut = _top_columns(p_rows, t, rows=n_a)
        cand = np.empty((n_a, n_b), dtype=q_t.dtype)
        # Small blocks: the (blk, t, n) temporary stays in the cache (2-3x faster at
        # n = 5,000 than 30-MB temporaries).
        blk = max(1, 256 // t)
        chunk = 256  # part b's rows, written to cand's columns through a buffer
        buf = np.empty((MAXPLUS_THREADS, chunk, n_a), dtype=q_t.dtype)

        def part_a(s: int) -> None:
            idx = sa[s : s + blk]
            vals = np.take_along_axis(p_rows(slice(s, s + blk)), idx, axis=1)
            gathered = q_t[idx]
            gathered += vals[:, :, None]
            np.max(gathered, axis=1, out=cand[s : s + blk])

        def part_b(job: tuple[int, int]) -> None:
            k, s0 = job
            out = buf[k]
            for s in range(s0, min(s0 + chunk, n_b), blk):
                idx = sb[s : s + blk]
                vals = np.take_along_axis(q_rows(slice(s, s + blk)), idx, axis=1)
                gathered = p_t[idx]
                gathered += vals[:, :, None]
                np.max(gathered, axis=1, out=out[s - s0 : s - s0 + len(idx)])
            # Columns s0..s0+chunk of cand belong to this job alone.
            e = min(s0 + chunk, n_b)
            np.maximum(cand[:, s0:e], out[: e - s0].T, out=cand[:, s0:e])

        uncertain = np.empty((n_a, n_b), dtype=bool)
        with ThreadPoolExecutor(max_workers=MAXPLUS_THREADS) as pool:
            list(pool.map(part_a, range(0, n_a, blk)))
            starts = list(range(0, n_b, chunk))
            for g in range(0, len(starts), MAXPLUS_THREADS):  # one buffer per thread
                list(pool.map(part_b, enumerate(starts[g : g + MAXPLUS_THREADS])))
            for s in range(0, n_a, 256):
                cut = pcut[s : s + 256, None] + qcut[None, :]
                np.less(cand[s : s + 256], cut, out=uncertain[s : s + 256])
                if lazy:
                    np.maximum(cand[s : s + 256], cut, out=cand[s : s + 256])
            if lazy:
                return cand, uncertain
            rows = np.flatnonzero(uncertain.any(axis=1))

            def fix(chunk: np.ndarray) -> None:
                for a in chunk:
                    bs = np.flatnonzero(uncertain[a])
                    p_a = p_rows(slice(a, a + 1))[0]
                    for s in range(0, len(bs), 512):  # bounded temporaries
                        part = bs[s : s + 512]
                        cand[a, part] = np.max(q_rows(part) + p_a[None, :], axis=1)

            list(pool.map(fix, np.array_split(rows, 8 * MAXPLUS_THREADS)))
        return cand

    def exact(self, p_rows: Callable, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """``M[rows[i], cols[i]]`` computed in full (the same float32 value as the exact
        product), in blocks of pairs."""
        out = np.empty(len(rows), dtype=self.q_t.dtype)

        def run(s: int) -> None:
            block = p_rows(rows[s : s + 256])
            block += self.q_rows(cols[s : s + 256])
            np.max(block, axis=1, out=out[s : s + 256])

        starts = range(0, len(rows), 256)
        if len(rows) <= 1024:
            for s in starts:
                run(s)
        else:
            with ThreadPoolExecutor(max_workers=MAXPLUS_THREADS) as pool:
                list(pool.map(run, starts))
        return out


class LazyCost:
    """A dense matrix some of whose entries are only over-estimates (``uncertain``), with
    ``exact(rows, cols)`` giving their true values. Any bound computed from over-estimates
    stays valid; :func:`assignment_upper_bound` refines the entries that decide it
    (:meth:`refine`), so its result equals the exact matrix's."""

    def __init__(self, cost: np.ndarray, uncertain: np.ndarray, exact: Callable) -> None:
        self.cost, self.uncertain, self.exact = cost, uncertain, exact
        self.refined = 0
        self._lock = threading.Lock()

    def refine(self, rows: np.ndarray, cols: np.ndarray) -> None:
        """Make the entries (rows, cols) exact."""
        sel = self.uncertain[rows, cols]
        if not sel.any():
            return
        keys = np.unique(rows[sel] * self.cost.shape[1] + cols[sel])
        r, c = np.divmod(keys, self.cost.shape[1])
        self.cost[r, c] = self.exact(r, c)
        self.uncertain[r, c] = False
        with self._lock:  # rows are refined from several threads (:func:`_row_max`)
            self.refined += len(r)

    def refine_all(self) -> None:
        r, c = np.nonzero(self.uncertain)
        self.refine(r, c)


def _maxplus(p: np.ndarray, q: np.ndarray, top: int = 0) -> np.ndarray:
    """``M[a, b] = max_c p[a, c] + q[b, c]``, exactly, in row blocks on two threads.

    O(n**3) but memory-bound numpy work that releases the GIL, so the blocks run in
    parallel (about 6 s at n = 2000 in float32 on two cores). From ``PRUNE_MIN_COLUMNS``
    columns on the same exact result comes from :func:`_maxplus_pruned` (about 4x faster at
    n = 2000). ``top`` is accepted for compatibility and ignored.
    """
    del top
    n_a, n_c = p.shape
    if n_c >= PRUNE_MIN_COLUMNS and n_c > 4 * PRUNE_TOP:
        return _maxplus_pruned(p, q)
    n_b = q.shape[0]
    out = np.empty((n_a, n_b), dtype=p.dtype)
    chunk = max(1, 2_000_000 // max(1, n_b * n_c))

    def block(s: int) -> None:
        np.max(p[s : s + chunk, None, :] + q[None, :, :], axis=2, out=out[s : s + chunk])

    starts = range(0, n_a, chunk)
    if n_a * n_b * n_c < 5_000_000:
        for s in starts:
            block(s)
    else:
        with ThreadPoolExecutor(max_workers=MAXPLUS_THREADS) as pool:
            list(pool.map(block, starts))
    return out


def _best_completion(
    w02: np.ndarray,
    w12: np.ndarray,
    r: np.ndarray,
    c: np.ndarray,
    lam: np.ndarray,
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """``argmax_k w02[r[i], k] + w12[c[i], k] - lam[k]`` per pair, in row blocks; ``out``
    (optional, len(r) x n) receives ``w02[r] + w12[c]`` (the Lagrangian heuristic's matrix)."""
    picks = np.empty(len(r), dtype=np.int64)
    step = 512
    for s in range(0, len(r), step):
        block = w02[r[s : s + step]] + w12[c[s : s + step]]
        if out is not None:
            out[s : s + step] = block
        block -= lam[None, :]
        picks[s : s + step] = block.argmax(axis=1)
    return picks


def completion_duals(cost: np.ndarray, assigned: np.ndarray, rounds: int = 300) -> np.ndarray:
    """Prices ``lam`` under which ``assigned[g]`` is each row's best column of ``cost - lam``.

    For an optimal assignment these are the column duals of the assignment LP, found as
    longest paths of the difference constraints ``lam[c] >= lam[assigned[g]] + cost[g, c] -
    cost[g, assigned[g]]`` (vectorised Bellman-Ford, at most ``rounds`` passes). Used to
    warm-start the Lagrangian multipliers from a good grouping; any result is acceptable
    (the bound is valid for every ``lam``).
    """
    n = cost.shape[0]
    diff = np.empty(cost.shape, dtype=np.float32)
    base = cost[np.arange(n), assigned]
    for s in range(0, n, 512):  # row blocks: no float64 n x n temporary
        diff[s : s + 512] = cost[s : s + 512] - base[s : s + 512, None]
    lam = np.zeros(n, dtype=np.float32)
    for _ in range(rounds):
        new = np.maximum(lam, (lam[assigned][:, None] + diff).max(axis=0))
        if np.allclose(new, lam, rtol=0, atol=1e-6):
            break
        lam = new
    return lam.astype(np.float64)


#: Candidate columns per row (and rows per column) of the sparse assignment in
#: :func:`assignment_upper_bound`.
SPARSE_TOP = 10
#: Rounds of "solve sparse, price out the dense matrix, add the violated pairs".
SPARSE_ROUNDS = 20
#: The sparse pairs of one iteration are kept for the next up to this many per row.
KEEP_PAIRS = 60
#: Columns added per row the dense pricing finds violated.
PRICE_TOP = 4
#: Over-estimated entries refined per row and pass when a row maximum is an estimate.
REFINE_STEP = 8
#: Rows (or columns) per block of the dense pricing, done on ``MAXPLUS_THREADS`` threads.
PRICE_BLOCK = 128
#: Bellman-Ford passes for the column duals of one sparse solution.
DUAL_ROUNDS = 500
#: From this many members per country :func:`lagrangian_bound` uses
#: :func:`assignment_upper_bound` after its first iteration, and :func:`best_assignment`
#: (the construction, the coordinate ascent and the Lagrangian heuristic) solves sparsely.
SPARSE_MIN_N = 300
#: Bellman-Ford passes (each over the whole matrix) for the duals of a dense assignment.
DENSE_DUAL_ROUNDS = 100


def _sparse_assignment(cost: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | None:
    """Maximum-weight perfect matching of ``cost`` restricted to the pairs (rows, cols), by
    OR-Tools' cost-scaling solver on costs rounded to integers (the rounding only affects
    which matching is found, never the validity of a bound computed from it). ``None`` if
    the pairs admit no perfect matching or the solver fails."""
    n = cost.shape[0]
    vals = cost[rows, cols]
    top = float(vals.max())
    spread = top - float(vals.min()) + 1.0
    # Cost scaling multiplies costs by about n: stay far below 2**63.
    factor = min(1e6, 1e15 / (spread * max(n, 1)))
    solver = ortools_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(rows, cols, np.rint((top - vals) * factor).astype(np.int64))
    if solver.solve() != solver.OPTIMAL:
        return None
    return np.fromiter((solver.right_mate(a) for a in range(n)), dtype=np.int64, count=n)


def _column_duals(
    cost: np.ndarray, sigma: np.ndarray, v: np.ndarray, rounds: int, keys: np.ndarray | None = None
) -> np.ndarray:
    """Raise ``v`` (Bellman-Ford) towards prices under which ``sigma[a]`` is each row's best
    column of ``cost - v`` among its pairs: ``v[b] >= v[sigma[a]] + cost[a, b] - cost[a,
    sigma[a]]`` for the pairs ``keys`` (``a * n + b``; all pairs, in row blocks, if ``None``).
    Converges when ``sigma`` is an optimal assignment over those pairs; any ``v`` is
    acceptable to the caller (the bound is repaired row by row)."""
    n = cost.shape[0]
    v = v.copy()
    base = cost[np.arange(n), sigma]
    tol = 1e-9 * max(1.0, float(np.abs(base).max()))
    if keys is not None:
        rows, cols = keys // n, keys % n
        order = np.argsort(cols, kind="stable")
        rows, cols = rows[order], cols[order]
        gain = cost[rows, cols] - base[rows]
        starts = np.flatnonzero(np.r_[True, cols[1:] != cols[:-1]])
        heads, src = cols[starts], sigma[rows]
    for _ in range(rounds):
        old = v.copy()
        if keys is not None:
            v[heads] = np.maximum(v[heads], np.maximum.reduceat(v[src] + gain, starts))
        else:
            for s in range(0, n, 512):
                shift = (base[s : s + 512] - v[sigma[s : s + 512]])[:, None]
                np.maximum(v, (cost[s : s + 512] - shift).max(axis=0), out=v)
        if float(np.max(v - old)) <= tol:
            break
    return v


def _row_max(
    cost: np.ndarray, v: np.ndarray, lazy: LazyCost | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``max_b cost[a, b] - v[b]`` and its argmax for every row, in row blocks. With
    ``lazy`` (``cost`` is ``lazy.cost``) the over-estimated entries above a row's largest
    exact one are refined first, so the result is the exact matrix's."""
    n = cost.shape[0]
    u = np.empty(n)
    arg = np.empty(n, dtype=np.int64)

    def rows(s: int) -> None:
        block = cost[s : s + PRICE_BLOCK] - v[None, :]
        if lazy is not None:
            # Only rows whose maximum is an estimate need anything.
            hit = np.flatnonzero(lazy.uncertain[s + np.arange(len(block)), block.argmax(axis=1)])
            while len(hit):
                # Refine the few largest estimates above the largest exact entry, until
                # the row's maximum is exact (the true values are usually far lower).
                sub, mask = block[hit], lazy.uncertain[s + hit]
                est = np.where(mask, sub, -np.inf)
                exact_max = np.where(mask, -np.inf, sub).max(axis=1)
                k = min(REFINE_STEP, n - 1)
                top = (
                    np.argpartition(-est, k, axis=1)[:, :k]
                    if k > 0
                    else est.argmax(axis=1)[:, None]
                )
                vals = np.take_along_axis(est, top, axis=1)
                r, j = np.nonzero(vals > exact_max[:, None])
                if len(r) == 0:
                    break
                lazy.refine(s + hit[r], top[r, j])
                block[hit] = cost[s + hit] - v[None, :]
                hit = hit[np.unique(r)]
        arg[s : s + PRICE_BLOCK] = block.argmax(axis=1)
        u[s : s + PRICE_BLOCK] = block[np.arange(len(block)), arg[s : s + PRICE_BLOCK]]

    _in_blocks(rows, n, PRICE_BLOCK)
    return u, arg


def _in_blocks(work: Callable[[int], None], n: int, step: int) -> None:
    """``work(s)`` for s = 0, step, 2 step, ... < n, on ``MAXPLUS_THREADS`` threads when
    there is more than one block (numpy releases the GIL: at 5,000 per country the dense
    pricing of the sparse assignment bound was most of an iteration on one core). Each call
    must write only its own rows; two blocks are in memory at once, hence
    ``PRICE_BLOCK`` rows, a quarter of the 512 of the single-threaded loops."""
    starts = range(0, n, step)
    if len(starts) <= 1:
        for s in starts:
            work(s)
        return
    with ThreadPoolExecutor(max_workers=MAXPLUS_THREADS) as pool:
        list(pool.map(work, starts))


def best_assignment(cost: np.ndarray, prev: np.ndarray | None = None) -> np.ndarray:
    """Column for each row maximising the total of ``cost`` (which may be overwritten).

    From ``SPARSE_MIN_N`` rows on, by :func:`assignment_upper_bound` started from ``prev``
    (the current assignment, or the identity): the sparse pairs are priced out over the
    whole matrix and enlarged until no pair is better, so the result is an optimal
    assignment as the dense solver's is, several times faster (at 5,000 per country a dense
    assignment took 11.5 s under tracemalloc). Should the repair not converge, the result is
    still a permutation no worse than ``prev`` on the sparse pairs. Below, the dense solver
    on the matrix negated in place (no second n x n copy).
    """
    n = cost.shape[0]
    if n < SPARSE_MIN_N:
        np.negative(cost, out=cost)
        return linear_sum_assignment(cost)[1]
    start = np.arange(n) if prev is None else np.asarray(prev, dtype=np.int64)
    return assignment_upper_bound(cost, start)[1]


def assignment_upper_bound(
    cost: np.ndarray,
    prev: np.ndarray,
    v: np.ndarray | None = None,
    *,
    top: int = SPARSE_TOP,
    rounds: int = SPARSE_ROUNDS,
    keys: np.ndarray | None = None,
    lazy: LazyCost | None = None,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """A valid upper bound on the maximum-weight assignment of the dense ``cost``, without
    a dense assignment: ``(bound, sigma, v)``.

    LP duality: any ``v`` with ``u[a] = max_b cost[a, b] - v[b]`` gives ``sum(u) + sum(v) >=``
    every assignment's weight (each row takes at most its ``u`` plus its column's ``v``).
    ``v`` comes from a matching ``sigma`` over a sparse set of pairs (each row's and each
    column's ``top`` best, the permutation ``prev``, which keeps a perfect matching
    possible, and ``keys``, pairs ``a * n + b`` of an earlier call, returned as the fourth
    element) by Bellman-Ford from the given ``v`` (warm start); ``u`` is then computed over
    the whole matrix, so the bound never depends on the sparse set being right. Pairs the
    dense pricing finds better than the matching's are added and the sparse problem solved
    again (``rounds`` times at most); when none are left ``sigma`` is an optimal assignment
    and the bound equals its weight. O(n**2) per round instead of the dense solver's
    O(n**3).

    With ``lazy`` (``cost`` is ``lazy.cost``, partly over-estimates) the sparse pairs are
    refined before each solve and the row maxima refined where an estimate would decide
    them: the bound is the same as for the exact matrix (and valid in any case, since
    over-estimates only raise it).
    """
    n = cost.shape[0]
    t = min(top, n - 1)
    v = np.zeros(n) if v is None else np.asarray(v, dtype=np.float64).copy()

    def exact_part(rows: slice, cols: slice) -> np.ndarray:
        # Candidates among the exact entries: an over-estimate would mostly be refined away.
        part = cost[rows, cols]
        return part if lazy is None else np.where(lazy.uncertain[rows, cols], -np.inf, part)

    found: list[tuple[np.ndarray, np.ndarray]] = []  # (rows, cols) per block, any order

    def row_best(s: int) -> None:
        block = exact_part(slice(s, s + PRICE_BLOCK), slice(None))
        idx = np.argpartition(-block, t, axis=1)[:, :t] if t > 0 else block.argmax(axis=1)[:, None]
        found.append((np.repeat(np.arange(s, s + len(block)), idx.shape[1]), idx.ravel()))

    def column_best(s: int) -> None:  # column blocks: no n x n temporary
        part = exact_part(slice(None), slice(s, s + PRICE_BLOCK))
        best_rows = np.argpartition(-part, t, axis=0)[:t]
        found.append((best_rows.ravel(), np.tile(np.arange(s, s + best_rows.shape[1]), t)))

    _in_blocks(row_best, n, PRICE_BLOCK)
    if t > 0:
        _in_blocks(column_best, n, PRICE_BLOCK)
    rows_l = [r for r, _ in found]
    cols_l = [c for _, c in found]
    rows_l.append(np.arange(n))
    cols_l.append(np.asarray(prev, dtype=np.int64))
    if keys is not None and len(keys) <= KEEP_PAIRS * n:
        if lazy is not None:  # an earlier call's pairs, only where they are exact now
            keys = keys[~lazy.uncertain[keys // n, keys % n]]
        rows_l.append(keys // n)
        cols_l.append(keys % n)
    keys = np.unique(np.concatenate(rows_l) * n + np.concatenate(cols_l))
    sigma = np.asarray(prev, dtype=np.int64)
    best = np.inf
    for _ in range(rounds):
        if lazy is not None:
            lazy.refine(keys // n, keys % n)
        found = _sparse_assignment(cost, keys // n, keys % n)
        if found is None:
            break
        sigma = found
        v = _column_duals(cost, sigma, v, DUAL_ROUNDS, keys)
        u, arg = _row_max(cost, v, lazy)
        best = min(best, float(u.sum() + v.sum()))
        own = cost[np.arange(n), sigma] - v[sigma]
        tol = 1e-7 * max(1.0, float(np.abs(own).max()))
        worse = np.flatnonzero(u > own + tol)
        if len(worse) == 0 or best - float(own.sum() + v.sum()) <= tol:
            break
        # Each violated row's few best columns under v join the sparse set.
        added = [keys]
        for s in range(0, len(worse), 512):  # row blocks: bounded temporaries
            part = worse[s : s + 512]
            if n > PRICE_TOP:
                block = cost[part] - v[None, :]
                extra = np.argpartition(-block, PRICE_TOP, axis=1)[:, :PRICE_TOP]
            else:
                extra = arg[part][:, None]
            added.append((part[:, None] * n + extra).ravel())
        keys = np.unique(np.concatenate(added))
    if not np.isfinite(best):
        u, _ = _row_max(cost, v, lazy)
        best = float(u.sum() + v.sum())
    return best, sigma, v, keys


def lagrangian_bound(
    w01: np.ndarray,
    w02: np.ndarray,
    w12: np.ndarray,
    *,
    lower: float | None = None,
    time_limit: float = 10.0,
    max_iter: int = 1000,
    top: int = 16,
    warm: np.ndarray | None = None,
    progress: Callable[[float, str], None] | None = None,
    heuristic: bool = True,
    sparse: bool | None = None,
    pairs: np.ndarray | None = None,
    lazy: bool = True,
) -> LagrangianResult:
    """Best Lagrangian upper bound found within ``time_limit`` seconds, plus a primal.

    ``lower`` (the best known objective) sets the Polyak step size and stops the iterations
    once the bound proves it optimal. ``warm`` (for example :func:`completion_duals` of a
    good grouping) are the starting multipliers. The bound is always valid, whatever the
    number of iterations. Forbidden pairs must carry a penalty large enough never to be
    chosen when a feasible grouping exists.

    Each iteration also builds a grouping (Lagrangian heuristic): the relaxed problem's
    (a, b) pairs, completed by an optimal assignment of country 2 to those pairs. The best
    is returned as ``(b_of_a, c_of_a)`` arrays. ``heuristic=False`` skips it (used when the
    groups are already final and only the bound matters: saves one assignment per iteration).

    From ``SPARSE_MIN_N`` members on (or with ``sparse=True``) the relaxed assignment is
    bounded by :func:`assignment_upper_bound` (a sparse assignment plus dual repair, valid
    and usually exact, a few times faster than the dense solver at n = 2000) starting from
    the previous iteration's matching and duals; the first iteration starts from ``pairs``
    (country-1 member of each country-0 member in a good grouping, a permutation) or, without
    it, solves the dense assignment once.
    """
    start = time.perf_counter()
    n = w01.shape[0]
    # The pairwise bound costs three assignments (~10 s at n = 2000); only fall back to it
    # when no Lagrangian iteration completes.
    best = np.inf
    primal_value = -np.inf
    primal = (np.arange(n), np.arange(n))
    if warm is not None:
        lam = np.asarray(warm, dtype=np.float64).copy()
    else:
        # Price each country-2 member at half its best pairwise match, so the first
        # relaxation does not let every pair grab the same popular member.
        lam = 0.5 * (w02.max(axis=0) + w12.max(axis=0))
    big = n > EXACT_MAXPLUS_LIMIT
    # float32 halves the memory traffic of the (max, +) product; keep the bound valid by
    # rounding the result up by more than the float32 error.
    pruned = big and n >= PRUNE_MIN_COLUMNS and n > 4 * PRUNE_TOP
    if pruned:
        # No float32 copies of w02 and w12: their rows are converted when read, and only
        # the transposes the product gathers from exist as float32 arrays (q's once).
        def q_rows(idx) -> np.ndarray:
            return w12[idx].astype(np.float32)

        q_t = _transpose_rows(q_rows, n)
        top_n = min(lazy_top(n), prune_top(n)) if lazy else prune_top(n)
        product = _PrunedProduct(q_rows, q_t, n, top_n)
        w02f = w12f = None
    else:
        w02f = w02.astype(np.float32) if big else w02
        w12f = w12.astype(np.float32) if big else w12
    w_top = abs(float(w02.max())) + abs(float(w12.max())) + 1.0
    best_lam = lam.copy()
    # From SPARSE_MIN_N members on, only the first iteration solves the dense assignment.
    sparse = n >= SPARSE_MIN_N if sparse is None else sparse
    sigma = v = keys = None
    if sparse and pairs is not None:
        sigma = np.asarray(pairs, dtype=np.int64)
    # Polyak steps towards the incumbent overshoot at scale: at 5,000 per country, 170 s from
    # the same start, scale 0.5 reached 0.69 % against 0.93 % (1.0), 0.74 % (0.25) and far
    # worse (2.0); at 2,000 0.5 and 1.0 were equal.
    scale = 0.5 if pruned else 1.0
    it = 0
    stall = 0
    last = 0.0
    recent: list[float] = []
    # Stop before an iteration that would overrun the budget (one costs seconds at n=2000).
    while it < max_iter and time.perf_counter() - start + last < time_limit:
        t_iter = time.perf_counter()
        it += 1
        slack = 1e-5 * (w_top + float(np.abs(lam).max())) if big else 0.0
        if pruned:
            lam32 = lam.astype(np.float32)

            def p_rows(idx, lam32=lam32) -> np.ndarray:
                rows = w02[idx].astype(np.float32)
                rows -= lam32[None, :]
                return rows

            if lazy:
                m, uncertain = product.product(p_rows, _transpose_rows(p_rows, n), n, lazy=True)
            else:
                m = product.product(p_rows, _transpose_rows(p_rows, n), n)
        else:
            p = w02f - lam[None, :].astype(w02f.dtype)
            m = _maxplus(p, w12f, top)
            del p
        # cost = w01 + m + slack, built in place: one n x n float64 array (at n = 5,000
        # each copy is 200 MB).
        cost = np.add(w01, m, dtype=np.float64)
        del m
        cost += slack
        lazy_cost = None
        if pruned and lazy:

            def exact(rows, cols, p_rows=p_rows, slack=slack) -> np.ndarray:
                out = w01[rows, cols] + product.exact(p_rows, rows, cols).astype(np.float64)
                out += slack
                return out

            lazy_cost = LazyCost(cost, uncertain, exact)
            del uncertain
        if sparse and sigma is not None:
            # Dual repair over a sparse assignment: valid, and exact when it converges.
            upper, sigma, v, keys = assignment_upper_bound(
                cost, sigma, v, keys=keys, lazy=lazy_cost
            )
            r, c = np.arange(n), sigma
        else:
            if lazy_cost is not None:
                lazy_cost.refine_all()
            # The assignment solver takes the negated matrix without copying it.
            np.negative(cost, out=cost)
            r, c = linear_sum_assignment(cost)
            np.negative(cost, out=cost)
            upper = float(cost[r, c].sum())
            sigma = c
            if sparse:
                v = _column_duals(cost, sigma, np.zeros(n), DENSE_DUAL_ROUNDS)
        value = upper + float(lam.sum())
        del cost, lazy_cost
        if value < best - 1e-9:
            best, best_lam = value, lam.copy()
            stall = 0
        else:
            stall += 1
            if stall >= 3:
                scale *= 0.5
                stall = 0

        # Exact best country-2 member of each chosen pair (subgradient and heuristic).
        run_heuristic = heuristic and (not big or it % 4 == 1)
        # Lagrangian heuristic: keep the (a, b) pairs, assign country 2 optimally, from the
        # last heuristic's country-2 members. Its matrix is filled by the same row blocks
        # (at 5,000 per country each n x n temporary is 200 MB).
        completion = np.empty((n, n)) if run_heuristic else None
        picks = _best_completion(w02, w12, r, c, lam, out=completion)
        if completion is not None:
            c_of = best_assignment(completion, primal[1] if np.isfinite(primal_value) else None)
            del completion
            pv = float(w01[r, c].sum() + w02[r, c_of].sum() + w12[c, c_of].sum())
            if pv > primal_value:
                primal_value, primal = pv, (c.copy(), c_of.copy())
        target = max(primal_value, lower if lower is not None else -np.inf)
        if best - target <= 1e-9 * max(1.0, abs(target)):
            break
        # Subgradient: 1 - how often each country-2 member is picked by the chosen pairs.
        grad = 1.0 - np.bincount(picks, minlength=n)
        norm = float(grad @ grad)
        if norm == 0:
            break
        step = scale * (value - target) / norm
        lam -= step * grad
        # The next iteration is predicted from the slowest of the last three (they vary by
        # a third with the refined pairs and the machine's load), with a margin.
        recent = [*recent[-2:], time.perf_counter() - t_iter]
        last = 1.1 * max(recent)
        if progress is not None:
            progress(min(1.0, (time.perf_counter() - start) / time_limit), f"bound {best:.2f}")
    if not np.isfinite(best):
        best = pairwise_bound(w01, w02, w12)
    return LagrangianResult(best, it, primal[0], primal[1], primal_value, best_lam)


@dataclass(frozen=True)
class LagrangianResult:
    """Outcome of :func:`lagrangian_bound`: bound and the best Lagrangian-heuristic grouping."""

    bound: float
    iterations: int
    b_of_a: np.ndarray
    c_of_a: np.ndarray
    primal_value: float
    lam: np.ndarray  # multipliers of the best bound (to warm-start a later run)


def lp_bound(
    w01: np.ndarray, w02: np.ndarray, w12: np.ndarray, allowed: np.ndarray | None = None
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
    """LP relaxation of the axial 3-AP over the ``allowed`` triples (all if ``None``).

    Returns ``(bound, triples, reduced_costs, x)`` where ``triples`` is an ``(T, 3)`` array
    of the allowed (a, b, c), ``reduced_costs`` their non-negative LP reduced costs (any
    integer solution using triple t is worth at most ``bound - reduced_costs[t]``) and ``x``
    the LP solution. Returns ``None`` if the LP is infeasible (then no grouping exists) or
    HiGHS fails.
    """
    n = w01.shape[0]
    if allowed is None:
        allowed = np.ones((n, n, n), dtype=bool)
    a, b, c = np.nonzero(allowed)
    cost = w01[a, b] + w02[a, c] + w12[b, c]
    t = len(a)
    rows = np.concatenate([a, n + b, 2 * n + c])
    cols = np.tile(np.arange(t), 3)
    a_eq = csr_matrix((np.ones(3 * t), (rows, cols)), shape=(3 * n, t))
    res = linprog(-cost, A_eq=a_eq, b_eq=np.ones(3 * n), bounds=(0, 1), method="highs")
    if res.status != 0:
        return None
    duals = -np.asarray(res.eqlin.marginals)
    reduced = duals[a] + duals[n + b] + duals[2 * n + c] - cost
    return float(-res.fun), np.stack([a, b, c], axis=1), np.maximum(reduced, 0.0), res.x
