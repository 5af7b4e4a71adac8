"""Reviewer assignment as a min-cost flow (OR-Tools ``SimpleMinCostFlow``); no Django.

The network: source → application (capacity: reviewers it still needs) → eligible reviewer
(capacity 1: a reviewer is never given an application twice) → sink through one unit arc per
further assignment the reviewer can take, the k-th costing ``2·(load + k) + 1``, the increase of
the square of the reviewer's load (scaled, plus a tie-break by reviewer order).
``solve_max_flow_with_min_cost`` first maximises the flow (so every application gets all its
reviewers whenever any assignment can give them that), then minimises the sum of squared loads.
The integer load vectors of the maximum flows are the integer points of a base polyhedron
(shifted by the existing loads), and on such a set the square-sum minimiser is the "decreasingly
minimal" one (Frank and Murota, 2020): its largest load is the smallest any maximum assignment
allows, and loads differ by at most one when nothing (capacities, exclusions, existing loads)
forbids it.

Size: an application usually has almost every reviewer eligible, so 20,000 applications and 300
reviewers would make six million arcs. The solver first offers each application a rotating
window of ``candidate_limit`` eligible reviewers, no reviewer above the water-filling level (the
largest load of the best assignment with no exclusions at all), and keeps that answer only
when it is certifiably optimal: every application filled and the square sum equal to the
water-filling bound, which no assignment can beat. Otherwise it solves again with every
eligible pair.
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

CANDIDATE_LIMIT = 12


@dataclass(frozen=True)
class AssignmentProblem:
    """Applications and reviewers by index.

    ``pools`` are lists of reviewer indices; application ``a`` may get the reviewers of
    ``pools[pool_of[a]]`` except those in ``excluded[a]``. ``load`` is each reviewer's
    existing load, ``capacity`` how many more they may take (None: no limit).
    """

    needed: Sequence[int]
    pool_of: Sequence[int]
    pools: Sequence[Sequence[int]]
    excluded: Sequence[frozenset[int] | set[int]]
    load: Sequence[int]
    capacity: Sequence[int | None]


@dataclass
class AssignmentSolution:
    chosen: list[list[int]]  # per application, the reviewer indices it gets
    loads: list[int]  # per reviewer, the final load (existing + new)
    full_graph: bool  # whether the every-pair network had to be solved


def _eligible(problem: AssignmentProblem, a: int) -> list[int]:
    excluded = problem.excluded[a]
    return [r for r in problem.pools[problem.pool_of[a]] if r not in excluded]


def _windows(problem: AssignmentProblem, limit: int) -> tuple[list[list[int]], bool]:
    """Per application at most ``limit`` eligible reviewers, taken from a window that
    rotates through its pool so that candidates spread evenly; and whether any list was
    cut short."""
    offsets = [0] * len(problem.pools)
    result, cut = [], False
    for a, need in enumerate(problem.needed):
        pool = problem.pools[problem.pool_of[a]]
        excluded = problem.excluded[a]
        if need <= 0 or not pool:
            result.append([])
            continue
        if len(pool) - len(excluded) <= limit:
            result.append(_eligible(problem, a))
            continue
        start = offsets[problem.pool_of[a]]
        offsets[problem.pool_of[a]] = (start + need) % len(pool)
        picked, i = [], 0
        while len(picked) < limit and i < len(pool):
            r = pool[(start + i) % len(pool)]
            if r not in excluded:
                picked.append(r)
            i += 1
        cut = cut or i < len(pool)
        result.append(picked)
    return result, cut


def _water_fill(problem: AssignmentProblem, total: int) -> tuple[int, int]:
    """(square sum, largest load) after ``total`` more assignments if every reviewer could
    take any application (capacities still hold): each unit to the lightest. No assignment
    does better, so an assignment that reaches this square sum is optimal."""
    heap = [
        (load, r)
        for r, load in enumerate(problem.load)
        if problem.capacity[r] is None or problem.capacity[r] > 0
    ]
    heapq.heapify(heap)
    given = [0] * len(problem.load)
    loads = list(problem.load)
    while total > 0 and heap:
        _load, r = heapq.heappop(heap)
        loads[r] += 1
        given[r] += 1
        total -= 1
        if problem.capacity[r] is None or given[r] < problem.capacity[r]:
            heapq.heappush(heap, (loads[r], r))
    return sum(x * x for x in loads), max(loads, default=0)


def _solve(
    problem: AssignmentProblem, candidates: list[list[int]], *, ceiling: int | None = None
) -> AssignmentSolution | None:
    """Solve the network over ``candidates``. With a ``ceiling`` on every final load (the
    windowed attempt): fewer arcs, no tie-break costs (small costs make OR-Tools' cost
    scaling several times faster), every application must be filled, and None when they
    cannot all be."""
    n_apps, n_reviewers = len(problem.needed), len(problem.load)
    source, sink = n_apps + n_reviewers, n_apps + n_reviewers + 1
    apps = [a for a, need in enumerate(problem.needed) if need > 0 and candidates[a]]
    chosen: list[list[int]] = [[] for _ in range(n_apps)]
    loads = list(problem.load)
    if not apps:
        return AssignmentSolution(chosen=chosen, loads=loads, full_graph=False)
    lengths = np.array([len(candidates[a]) for a in apps], dtype=np.int64)
    source_caps = np.minimum(np.array([problem.needed[a] for a in apps]), lengths)
    wanted = int(source_caps.sum())
    pair_tails = np.repeat(np.array(apps, dtype=np.int32), lengths)
    pair_heads = np.concatenate([np.asarray(candidates[a], dtype=np.int32) for a in apps])
    offered = np.bincount(pair_heads, minlength=n_reviewers)
    # Ties (equal square sums) go the same way every run: scarce reviewers to the
    # applications listed first, further units to the reviewers listed first. The tie-breaks
    # add up to less than one unit of the main cost.
    scale = 1 if ceiling is not None else (n_reviewers + n_apps) * max(wanted, 1) + 1
    tie_break = 0 if ceiling is not None else 1
    rooms = []
    for r in range(n_reviewers):
        room = min(int(offered[r]), wanted)
        if problem.capacity[r] is not None:
            room = min(room, problem.capacity[r])
        if ceiling is not None:
            room = min(room, max(0, ceiling - problem.load[r]))
        rooms.append(room)
    rooms_array = np.array(rooms, dtype=np.int64)
    sink_tails = np.repeat(np.arange(n_reviewers, dtype=np.int64) + n_apps, rooms_array)
    steps = np.concatenate([np.arange(room, dtype=np.int64) for room in rooms])
    base = np.repeat(np.array(problem.load, dtype=np.int64), rooms_array)
    sink_costs = scale * (2 * (base + steps) + 1) + tie_break * (sink_tails - n_apps)
    n_pairs = len(pair_tails)
    tails = np.concatenate([np.full(len(apps), source), pair_tails, sink_tails]).astype(np.int32)
    heads = np.concatenate(
        [np.array(apps), pair_heads.astype(np.int64) + n_apps, np.full(len(sink_tails), sink)]
    ).astype(np.int32)
    caps = np.concatenate([source_caps, np.ones(n_pairs + len(sink_tails), dtype=np.int64)])
    costs = np.concatenate(
        [tie_break * np.array(apps, dtype=np.int64), np.zeros(n_pairs, dtype=np.int64), sink_costs]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps.astype(np.int64), costs)
    # The most the source can send; the flow sends as much of it as the network allows.
    flow.set_node_supply(source, wanted)
    flow.set_node_supply(sink, -wanted)
    if ceiling is not None:
        if flow.solve() != flow.OPTIMAL:  # infeasible: some application cannot be filled
            return None
    elif (status := flow.solve_max_flow_with_min_cost()) != flow.OPTIMAL:  # pragma: no cover
        raise RuntimeError(f"min-cost flow failed: {status}")
    first = len(apps)
    used = np.nonzero(flow.flows(np.arange(first, first + n_pairs, dtype=np.int64)) > 0)[0]
    for a, r in zip(pair_tails[used].tolist(), pair_heads[used].tolist(), strict=True):
        chosen[a].append(r)
        loads[r] += 1
    for reviewers in chosen:
        reviewers.sort()
    return AssignmentSolution(chosen=chosen, loads=loads, full_graph=False)


def assign_reviewers(
    problem: AssignmentProblem, *, candidate_limit: int = CANDIDATE_LIMIT
) -> AssignmentSolution:
    """The assignment described in the module docstring."""
    candidates, cut = _windows(problem, candidate_limit)
    if cut:
        wanted = sum(max(0, n) for n in problem.needed)
        best, level = _water_fill(problem, wanted)
        solution = _solve(problem, candidates, ceiling=level)
        if solution is not None and sum(x * x for x in solution.loads) == best:
            return solution
    solution = _solve(problem, [_eligible(problem, a) for a in range(len(problem.needed))])
    assert solution is not None  # noqa: S101 -- only a ceiling makes it None
    solution.full_graph = cut
    return solution
