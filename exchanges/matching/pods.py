"""Local search for pods (k members per country in every group) at scale.

The pods are held as a ``slots`` array: one row per pod, ``k`` columns per country (country
c in columns ``c * k`` .. ``c * k + k - 1``), entries indices into the score matrix ``s``
(forbidden pairs and the diagonal carry a large negative penalty).

**Unit reassignment** (:func:`reassign_units`): pick the same *pattern* of columns in every
pod (for example "one member of country 1", "one member of each country", "both members of
country 0"), take those members out as units (one unit per pod, the members chosen at
random among the pattern's columns) and give the units back to the pods by one
``linear_sum_assignment`` on ``cost[u, p]`` = score of unit u with the members left in pod
p. Putting every unit back where it was is one of the assignments, so a move never lowers
the objective; it contains every swap of two units and every cyclic exchange (ejection
chain) of any length among them. This is the pods' analogue of the triads' block-coordinate
ascent.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.optimize import linear_sum_assignment

from .bound import (
    EXACT_MAXPLUS_LIMIT,
    MAXPLUS_THREADS,
    SPARSE_MIN_N,
    _maxplus,
    _top_columns,
    assignment_upper_bound,
)


def slots_from_pods(country: np.ndarray, pod: np.ndarray, n_pods: int, k: int) -> np.ndarray:
    """``slots[p, c * k + j]`` = the j-th country-c member of pod p."""
    m = int(country.max()) + 1
    slots = np.empty((n_pods, m * k), dtype=np.int64)
    for c in range(m):
        mem = np.flatnonzero(country == c)
        order = mem[np.argsort(pod[mem], kind="stable")]
        slots[:, c * k : (c + 1) * k] = order.reshape(n_pods, k)
    return slots


def pods_from_slots(slots: np.ndarray, size: int) -> np.ndarray:
    """``pod[member]`` from the slots."""
    pod = np.empty(size, dtype=np.int64)
    pod[slots] = np.arange(len(slots))[:, None]
    return pod


def slots_value(s: np.ndarray, slots: np.ndarray) -> float:
    """Objective of the pods: the sum of the scores of every pair within a pod."""
    g = slots.shape[1]
    total = 0.0
    for x in range(g):
        for y in range(x + 1, g):
            total += float(s[slots[:, x], slots[:, y]].sum())
    return total


def patterns(m: int, k: int) -> list[list[list[int]]]:
    """Move patterns: for each, per chosen country the columns one member is drawn from.

    One member of a country; one member of each of two countries; one member of every
    country (a triad, for k > 1); all k members of one country (k > 1)."""
    block = [list(range(c * k, (c + 1) * k)) for c in range(m)]
    out = [[block[c]] for c in range(m)]
    out += [[block[c], block[d]] for c in range(m) for d in range(c + 1, m)]
    if k > 1:
        out.append(block)
        out += [[[col] for col in block[c]] for c in range(m)]
    return out


def reassign_units(
    s: np.ndarray, slots: np.ndarray, pattern: list[list[int]], rng: np.random.Generator
) -> float:
    """One unit reassignment move (module docstring), applied to ``slots`` in place.

    ``pattern`` lists, per unit member, the columns it is drawn from (one at random per
    pod). Returns the gain (>= 0 up to float rounding; the move is only applied when
    positive)."""
    n_pods, g = slots.shape
    cols = np.empty((n_pods, len(pattern)), dtype=np.int64)
    for j, choices in enumerate(pattern):
        cols[:, j] = np.asarray(choices)[rng.integers(len(choices), size=n_pods)]
    rows = np.arange(n_pods)[:, None]
    units = slots[rows, cols]  # n_pods x r
    keep = np.ones((n_pods, g), dtype=bool)
    keep[rows, cols] = False
    rest = slots[keep].reshape(n_pods, g - len(pattern))
    r, q = units.shape[1], rest.shape[1]
    cost = s[np.ix_(units.ravel(), rest.ravel())].reshape(n_pods, r, n_pods, q).sum(axis=(1, 3))
    current = float(np.trace(cost))
    _, to = linear_sum_assignment(cost, maximize=True)
    gain = float(cost[np.arange(n_pods), to].sum()) - current
    if gain <= 1e-9 * max(1.0, abs(current)):
        return 0.0
    # Unit u (from pod u) goes to pod to[u].
    slots[to[:, None], cols[to]] = units
    return gain


def perturb(slots: np.ndarray, k: int, rng: np.random.Generator, frac: float = 0.05) -> None:
    """Move the units of a random pattern cyclically among a random few pods (in place)."""
    n_pods = len(slots)
    m = slots.shape[1] // k
    pats = patterns(m, k)
    pattern = pats[int(rng.integers(len(pats)))]
    chosen = rng.choice(n_pods, size=max(2, int(frac * n_pods)), replace=False)
    cols = np.empty((len(chosen), len(pattern)), dtype=np.int64)
    for j, choices in enumerate(pattern):
        cols[:, j] = np.asarray(choices)[rng.integers(len(choices), size=len(chosen))]
    units = slots[chosen[:, None], cols]
    slots[np.roll(chosen, 1)[:, None], np.roll(cols, 1, axis=0)] = units


def improve(
    s: np.ndarray,
    slots: np.ndarray,
    k: int,
    *,
    deadline: float,
    rng: np.random.Generator,
    stopped: Callable[[], bool] = lambda: False,
    publish: Callable[[np.ndarray], bool] | None = None,
    patience: int = 0,
) -> tuple[np.ndarray, int]:
    """Iterated local search: unit reassignment moves with random patterns until
    ``patience`` moves in a row gain nothing (default: three times the number of patterns);
    then a perturbation of the best pods so far and again, until ``deadline`` or
    ``stopped()``. Returns the best slots and the number of improving moves.
    ``publish(slots)`` is called with a new best at most every 2 s once it has returned
    True (handed out), and with the final best."""
    if len(slots) < 2:  # one pod: nothing to exchange
        return slots, 0
    m = slots.shape[1] // k
    pats = patterns(m, k)
    patience = patience or 3 * len(pats)
    best, best_value = slots.copy(), slots_value(s, slots)
    value = best_value
    moves = idle = 0
    last = -math.inf
    while time.perf_counter() < deadline and not stopped():
        gain = reassign_units(s, slots, pats[int(rng.integers(len(pats)))], rng)
        if gain > 0:
            moves += 1
            idle = 0
            value += gain
        else:
            idle += 1
        if value > best_value + 1e-9 * max(1.0, abs(best_value)):
            best_value = value = slots_value(s, slots)  # no drift from summed gains
            best = slots.copy()
            if publish is not None and time.perf_counter() - last > 2.0 and publish(best):
                last = time.perf_counter()
        if idle >= patience:
            slots[:] = best
            perturb(slots, k, rng)
            value = slots_value(s, slots)
            idle = 0
    if publish is not None:
        publish(best)
    return best, moves


def _bound_start(w02, w12, warm, pairs) -> tuple:
    """What both pods bounds start from: ``(n, lam, big, dtype, w_top, sparse, sigma)``.

    ``lam`` the country-2 prices (warm or half the best scores), ``big`` whether the
    (max, +) product runs in float32 (then rounded up by a slack of ``w_top``'s order),
    ``sparse`` whether the assignment is solved sparsely from ``sigma`` (the incumbent's
    pairs)."""
    n = w02.shape[0]
    lam = (
        np.asarray(warm, dtype=np.float64).copy()
        if warm is not None
        else 0.5 * (w02.max(axis=0) + w12.max(axis=0))
    )
    big = n > EXACT_MAXPLUS_LIMIT
    dtype = np.float32 if big else np.float64
    w_top = abs(float(w02.max())) + abs(float(w12.max())) + 1.0
    sparse = n >= SPARSE_MIN_N
    sigma = None if pairs is None or not sparse else np.asarray(pairs, dtype=np.int64)
    return n, lam, big, dtype, w_top, sparse, sigma


def _assignment_bound(cost, sigma, v, keys, sparse: bool) -> tuple:
    """``(upper, sigma, v, keys)``: the assignment bound of ``cost`` and its matching, sparse
    with dual repair (warm from the previous ``sigma``, ``v``, ``keys``) or dense."""
    if sparse and sigma is not None:
        return assignment_upper_bound(cost, sigma, v, keys=keys)
    _, sigma = linear_sum_assignment(cost, maximize=True)
    return float(cost[np.arange(cost.shape[0]), sigma].sum()), sigma, v, keys


def cross_bound(
    w01: np.ndarray,
    w02: np.ndarray,
    w12: np.ndarray,
    k: int,
    *,
    lower: float,
    time_limit: float,
    warm: np.ndarray | None = None,
    pairs: np.ndarray | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> tuple[float, int]:
    """Upper bound on the pairs between countries of any pods of ``k`` per country:
    ``(bound, iterations)``. ``w01``, ``w02``, ``w12`` are the scores between the countries
    (forbidden pairs penalised), ``lower`` the between-country value of a known grouping.

    Relaxation (docs/matching.md, "Pods at scale"): give each of the k**3 triads inside a
    pod weight 1/k. This ``z`` has ``k`` in every degree, ``1`` on every pair (two members
    of a pod from different countries share exactly k of its triads) and is worth the pod's
    between-country score. Relax "each country-2 member has degree k" (prices ``lam``) and
    "each pair at most 1" (prices ``nu >= 0`` on all three country pairs): what is left is
    k times a permutation of country 1 onto country 0, each pair taking its best country-2
    member, which contains ``z`` in its convex hull. So for every ``lam`` and ``nu >= 0``

        ``sum(nu) + k * (sum(lam) + max_assignment(w01 - nu01 + max_c(w02 - nu02 - lam +
        w12 - nu12)))``

    bounds every grouping. With ``nu = 0`` this is k x the triads' Lagrangian bound; the
    prices ``nu`` stop a pair from being counted twice (the old bound counted each
    member's best partners k times). Projected subgradient steps (Polyak, target
    ``lower``) lower it. The (max, +) product and the assignment bound are those of the
    triads (:mod:`exchanges.matching.bound`: float32 rounded up, sparse assignment with
    dual repair), so every iterate is valid.
    """
    start = time.perf_counter()
    n, lam, big, dtype, w_top, sparse, sigma = _bound_start(w02, w12, warm, pairs)
    nu01, nu02, nu12 = (np.zeros((n, n)) for _ in range(3))
    v = keys = None
    best = np.inf
    scale, stall, it, last = 1.0, 0, 0, 0.0
    rows = np.arange(n)
    while time.perf_counter() - start + last < time_limit:
        t_iter = time.perf_counter()
        it += 1
        p = w02 - nu02
        p -= lam[None, :]
        q = w12 - nu12
        m = _maxplus(p.astype(dtype), q.astype(dtype))
        slack = 1e-5 * (w_top + float(np.abs(lam).max()) + float(nu02.max() + nu12.max()))
        cost = w01 - nu01
        cost += m
        del m
        if big:
            cost += slack
        upper, sigma, v, keys = _assignment_bound(cost, sigma, v, keys, sparse)
        del cost
        value = float(nu01.sum() + nu02.sum() + nu12.sum()) + k * (float(lam.sum()) + upper)
        if value < best - 1e-9:
            best, stall = value, 0
        else:
            stall += 1
            if stall >= 3:
                scale, stall = 0.5 * scale, 0
        if best - lower <= 1e-9 * max(1.0, abs(lower)):
            break
        # The relaxed solution: pairs (a, sigma[a]) with their best country-2 member.
        picks = np.empty(n, dtype=np.int64)
        for s in range(0, n, 512):
            a, b = rows[s : s + 512], sigma[s : s + 512]
            picks[s : s + 512] = (p[a] + q[b]).argmax(axis=1)
        grad_lam = k * (1.0 - np.bincount(picks, minlength=n))
        used = [(nu01, rows, sigma), (nu02, rows, picks), (nu12, sigma, picks)]
        # d/d nu_e = 1 - (k if e is used else 0); nu stays >= 0.
        norm = float(grad_lam @ grad_lam)
        for nu, _r, _c in used:
            norm += float(np.count_nonzero(nu)) + n * ((1.0 - k) ** 2)
        if norm == 0:
            break
        step = scale * (value - lower) / norm
        lam -= step * grad_lam
        for nu, r, c in used:
            np.subtract(nu, step, out=nu)
            nu[r, c] += k * step
            np.maximum(nu, 0.0, out=nu)
        last = time.perf_counter() - t_iter
        if progress is not None:
            progress(min(1.0, (time.perf_counter() - start) / time_limit), f"bound {best:.2f}")
    return best, it


#: Candidate columns per row of :func:`top2_product` (all columns below this many).
TOP2_CANDIDATES = 192


def top2_product(p: np.ndarray, q: np.ndarray, t: int = TOP2_CANDIDATES) -> np.ndarray:
    """An upper bound on ``U[a, b]`` = the sum of the two largest ``p[a, c] + q[b, c]`` over
    c, exact wherever certified (and everywhere when there are at most ``t`` + 1 columns).

    As in the triads' pruned (max, +) product: ``S_a`` holds the ``t`` largest columns of
    ``p[a]`` (``pcut[a]`` the largest value outside), ``S_b`` likewise for ``q[b]``; a
    column outside both gives at most ``cut = pcut[a] + qcut[b]``. With ``c1 >= c2`` the two
    largest values over ``S_a | S_b`` (distinct columns), the true sum is at most
    ``max(c1, cut) + max(c2, cut)`` (each of the two largest is a candidate or at most
    ``cut``), which equals ``c1 + c2`` when ``c2 >= cut``. Float addition is monotone, so
    this holds for the float32 sums too (the caller adds the rounding slack)."""
    n_a, n_c = p.shape
    n_b = q.shape[0]
    if n_c <= t + 1:
        out = np.empty((n_a, n_b), dtype=p.dtype)
        for s in range(0, n_a, 8):
            block = p[s : s + 8, None, :] + q[None, :, :]
            part = np.partition(block, n_c - 2, axis=2)[:, :, n_c - 2 :]
            out[s : s + 8] = part.sum(axis=2)
        return out
    sa, pcut = _top_columns(p, t)
    sb, qcut = _top_columns(q, t)
    p_t, q_t = np.ascontiguousarray(p.T), np.ascontiguousarray(q.T)

    def best_two(rows, idx, other_t):
        # rows: values of the chosen side at its candidates (blk x t); other_t[c] = column c
        # of the other side over all its rows: candidates' top two per other row.
        block = other_t[idx] + rows[:, :, None]  # blk x t x n_other
        j1 = block.argmax(axis=1)
        v1 = np.take_along_axis(block, j1[:, None, :], axis=1)[:, 0, :]
        np.put_along_axis(block, j1[:, None, :], -np.inf, axis=1)
        return v1, np.take_along_axis(idx, j1, axis=1), block.max(axis=1)

    a1 = np.empty((n_a, n_b), dtype=p.dtype)
    a2 = np.empty_like(a1)
    ac = np.empty((n_a, n_b), dtype=np.int32)
    b1 = np.empty((n_b, n_a), dtype=p.dtype)
    b2 = np.empty_like(b1)
    bc = np.empty((n_b, n_a), dtype=np.int32)
    blk = 8

    def part(s: int, side: str) -> None:
        if side == "a":
            idx = sa[s : s + blk]
            v = best_two(np.take_along_axis(p[s : s + blk], idx, axis=1), idx, q_t)
            a1[s : s + blk], ac[s : s + blk], a2[s : s + blk] = v
        else:
            idx = sb[s : s + blk]
            v = best_two(np.take_along_axis(q[s : s + blk], idx, axis=1), idx, p_t)
            b1[s : s + blk], bc[s : s + blk], b2[s : s + blk] = v

    with ThreadPoolExecutor(max_workers=MAXPLUS_THREADS) as pool:
        list(pool.map(part, range(0, n_a, blk), itertools.repeat("a")))
        list(pool.map(part, range(0, n_b, blk), itertools.repeat("b")))
    b1, b2, bc = b1.T, b2.T, bc.T
    top1 = np.maximum(a1, b1)
    # Second largest over distinct columns of the union of the two candidate lists.
    top2 = np.where(
        ac == bc, np.maximum(a2, b2), np.maximum(np.minimum(a1, b1), np.maximum(a2, b2))
    )
    cut = pcut[:, None] + qcut[None, :]
    return np.maximum(top1, cut) + np.maximum(top2, cut)


def _penalised_top2(
    p: np.ndarray,
    q: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    *,
    keys: np.ndarray,
    mu: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """For the pairs (a[i], b[i]) (distinct): the two best ``p[a, c] + q[b, c] - mu[abc]``
    over c (``mu`` on the sorted triad keys ``(a * n + b) * n + c``): their sum and columns."""
    total = np.empty(len(a))
    cols = np.empty((len(a), 2), dtype=np.int64)
    pair_of_key = keys // n
    for s in range(0, len(a), 512):
        aa, bb = a[s : s + 512], b[s : s + 512]
        vals = p[aa] + q[bb]
        pk = aa * n + bb
        lo = np.searchsorted(pair_of_key, pk, side="left")
        hi = np.searchsorted(pair_of_key, pk, side="right")
        counts = hi - lo
        if counts.sum():
            idx = np.concatenate([np.arange(x, y) for x, y in zip(lo, hi, strict=True)])
            np.subtract.at(vals, (np.repeat(np.arange(len(aa)), counts), keys[idx] % n), mu[idx])
        top = np.argpartition(-vals, 1, axis=1)[:, :2]
        cols[s : s + 512] = top
        total[s : s + 512] = np.take_along_axis(vals, top, axis=1).sum(axis=1)
    return total, cols


def spread_bound(
    w01: np.ndarray,
    w02: np.ndarray,
    w12: np.ndarray,
    *,
    lower: float,
    time_limit: float,
    warm: np.ndarray | None = None,
    pairs: np.ndarray | None = None,
    progress: Callable[[float, str], None] | None = None,
    triad_prices: bool = True,
) -> tuple[float, int]:
    """Like :func:`cross_bound` for k = 2, with a tighter relaxed problem: the pods'
    fractional triads also satisfy ``z[a, b, c] <= y[a, b] / 2`` (a pair of a pod lies in
    its two triads with weight 1/2 each), so each chosen (country 0, country 1) pair, of
    weight 2, takes its *two* best country-2 members with weight 1 each instead of its best
    twice:

        ``sum(nu01) + 2 sum(lam) + max_assignment(2 (w01 - nu01) + top2_c(w02 - lam + w12))``

    bounds every grouping for every ``lam`` and ``nu01 >= 0`` (the relaxed problem's convex
    hull still contains the pods' fractional triads; ``top2_product`` gives an upper bound
    of the top-two sums). Never above :func:`cross_bound` for the same prices.

    ``triad_prices``: the same holds for the pairs with country 2, ``z[a, b, c] <= y[a, c] /
    2`` and ``<= y[b, c] / 2``, which the relaxed problem breaks (a chosen triad is alone on
    its (a, c) and (b, c) pairs). They get prices ``mu >= 0`` on the triads the relaxed
    problem has picked (a sparse set, grown each iteration): a triad's value drops by its
    ``mu``s and every triad on the same (a, c) (or (b, c)) pair gains half of them (``y[a,
    c]`` is the sum of those triads). The gains are dense matrices added to the scores; the
    drops only lower a pair's top-two sum, so ``top2_product`` without them stays an upper
    bound, and the pairs with priced triads are recomputed exactly."""
    start = time.perf_counter()
    n, lam, big, dtype, w_top, sparse, sigma = _bound_start(w02, w12, warm, pairs)
    nu = np.zeros((n, n))
    v = keys = None
    best = np.inf
    scale, stall, it, last = 1.0, 0, 0, 0.0
    rows = np.arange(n)
    # Triad prices: sorted keys (a * n + b) * n + c, prices for the (a, c) and (b, c) rules.
    tkeys = np.empty(0, dtype=np.int64)
    mu_ac = np.empty(0)
    mu_bc = np.empty(0)
    while time.perf_counter() - start + last < time_limit:
        t_iter = time.perf_counter()
        it += 1
        ka, kb, kc = tkeys // (n * n), (tkeys // n) % n, tkeys % n
        p = w02 - lam[None, :]
        q = w12.copy()
        np.add.at(p, (ka, kc), 0.5 * mu_ac)
        np.add.at(q, (kb, kc), 0.5 * mu_bc)
        mu = mu_ac + mu_bc
        m = top2_product(p.astype(dtype), q.astype(dtype))
        if len(tkeys):
            pk = np.unique(tkeys // n)
            exact, _ = _penalised_top2(p, q, pk // n, pk % n, keys=tkeys, mu=mu, n=n)
            m[pk // n, pk % n] = exact
        cost = w01 - nu
        cost *= 2.0
        cost += m
        del m
        if big:
            cost += 2e-5 * (w_top + float(np.abs(lam).max()) + float(mu.max(initial=0.0)))
        upper, sigma, v, keys = _assignment_bound(cost, sigma, v, keys, sparse)
        del cost
        value = float(nu.sum()) + 2.0 * float(lam.sum()) + upper
        if value < best - 1e-9:
            best, stall = value, 0
        else:
            stall += 1
            if stall >= 3:
                scale, stall = 0.5 * scale, 0
        if best - lower <= 1e-9 * max(1.0, abs(lower)):
            break
        # The relaxed solution: pairs (a, sigma[a]), each with its two best country-2 members.
        _, picks = _penalised_top2(p, q, rows, sigma, keys=tkeys, mu=mu, n=n)
        grad_lam = 2.0 - np.bincount(picks.ravel(), minlength=n)
        norm = float(grad_lam @ grad_lam) + float(np.count_nonzero(nu)) + n
        if triad_prices:
            # Picked triads join the priced set; d/d mu = y / 2 - z on each.
            picked = np.unique(((rows[:, None] * n + sigma[:, None]) * n + picks).ravel())
            old, tkeys = tkeys, np.union1d(tkeys, picked)
            mu_ac = _spread_prices(mu_ac, old, tkeys)
            mu_bc = _spread_prices(mu_bc, old, tkeys)
            ka, kb, kc = tkeys // (n * n), (tkeys // n) % n, tkeys % n
            z = np.isin(tkeys, picked).astype(float)
            used_ac = np.zeros((n, n), dtype=bool)
            used_ac[rows[:, None], picks] = True
            used_bc = np.zeros((n, n), dtype=bool)
            used_bc[sigma[:, None], picks] = True
            g_ac = 0.5 * used_ac[ka, kc] - z
            g_bc = 0.5 * used_bc[kb, kc] - z
            norm += float(g_ac[(mu_ac > 0) | (g_ac < 0)] @ g_ac[(mu_ac > 0) | (g_ac < 0)])
            norm += float(g_bc[(mu_bc > 0) | (g_bc < 0)] @ g_bc[(mu_bc > 0) | (g_bc < 0)])
        if norm == 0:
            break
        step = scale * (value - lower) / norm
        lam -= step * grad_lam
        # d/d nu_ab = 1 - 2 on the chosen pairs, 1 elsewhere; nu stays >= 0.
        np.subtract(nu, step, out=nu)
        nu[rows, sigma] += 2.0 * step
        np.maximum(nu, 0.0, out=nu)
        if triad_prices:
            mu_ac = np.maximum(mu_ac - step * g_ac, 0.0)
            mu_bc = np.maximum(mu_bc - step * g_bc, 0.0)
            keep = (mu_ac > 0) | (mu_bc > 0)
            tkeys, mu_ac, mu_bc = tkeys[keep], mu_ac[keep], mu_bc[keep]
        last = time.perf_counter() - t_iter
        if progress is not None:
            progress(min(1.0, (time.perf_counter() - start) / time_limit), f"bound {best:.2f}")
    return best, it


def _spread_prices(mu: np.ndarray, old: np.ndarray, tkeys: np.ndarray) -> np.ndarray:
    """The prices ``mu`` of the sorted keys ``old`` on the sorted ``tkeys`` (a superset; 0
    for the keys that are new)."""
    out = np.zeros(len(tkeys))
    if len(mu):
        out[np.searchsorted(tkeys, old)] = mu
    return out
