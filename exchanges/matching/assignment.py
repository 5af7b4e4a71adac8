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
window of ``candidate_limit`` eligible reviewers, and keeps that answer only when it is
certifiably optimal: every application filled and the square sum equal to the water-filling
bound (the best any assignment could do with no exclusions at all). Otherwise it solves again
with every eligible pair.
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

CANDIDATE_LIMIT = 24


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


def _water_fill_cost(problem: AssignmentProblem, total: int) -> int:
    """The least square sum of loads after ``total`` more assignments if every reviewer
    could take any application (capacities still hold): each unit to the lightest."""
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
    return sum(x * x for x in loads)


def _solve(problem: AssignmentProblem, candidates: list[list[int]]) -> AssignmentSolution:
    n_apps, n_reviewers = len(problem.needed), len(problem.load)
    source, sink = n_apps + n_reviewers, n_apps + n_reviewers + 1
    tails, heads, caps, costs = [], [], [], []
    offered = [0] * n_reviewers
    for a, need in enumerate(problem.needed):
        if need <= 0 or not candidates[a]:
            continue
        tails.append(source)
        heads.append(a)
        caps.append(min(need, len(candidates[a])))
        costs.append(a)
        for r in candidates[a]:
            tails.append(a)
            heads.append(n_apps + r)
            caps.append(1)
            costs.append(0)
            offered[r] += 1
    pair_arcs = [i for i, t in enumerate(tails) if t != source]
    wanted = sum(caps[i] for i, t in enumerate(tails) if t == source)
    # Ties (equal square sums) go the same way every run: scarce reviewers to the
    # applications listed first, further units to the reviewers listed first. The tie-breaks
    # add up to less than one unit of the main cost.
    scale = (n_reviewers + n_apps) * max(wanted, 1) + 1
    for r in range(n_reviewers):
        room = min(offered[r], wanted)
        if problem.capacity[r] is not None:
            room = min(room, problem.capacity[r])
        for k in range(room):
            tails.append(n_apps + r)
            heads.append(sink)
            caps.append(1)
            costs.append(scale * (2 * (problem.load[r] + k) + 1) + r)
    flow = min_cost_flow.SimpleMinCostFlow()
    if tails:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.array(tails, dtype=np.int32),
            np.array(heads, dtype=np.int32),
            np.array(caps, dtype=np.int64),
            np.array(costs, dtype=np.int64),
        )
        # The most the source can send; the flow sends as much of it as the network allows.
        flow.set_node_supply(source, wanted)
        flow.set_node_supply(sink, -wanted)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:  # pragma: no cover - only on a malformed network
            raise RuntimeError(f"min-cost flow failed: {status}")
    chosen: list[list[int]] = [[] for _ in range(n_apps)]
    loads = list(problem.load)
    if tails:
        arcs = np.array(pair_arcs, dtype=np.int64)
        used = arcs[flow.flows(arcs) > 0] if len(arcs) else arcs
        for arc in used.tolist():
            a, r = tails[arc], heads[arc] - n_apps
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
        solution = _solve(problem, candidates)
        wanted = sum(max(0, n) for n in problem.needed)
        given = sum(len(c) for c in solution.chosen)
        if given == wanted and sum(x * x for x in solution.loads) == _water_fill_cost(
            problem, wanted
        ):
            return solution
    solution = _solve(problem, [_eligible(problem, a) for a in range(len(problem.needed))])
    solution.full_graph = cut
    return solution
