"""Trilateral groups: partition participants into groups of ``k`` members per country.

Contract of :func:`solve_groups`: it either returns a :class:`GroupsResult` whose groups
satisfy every hard constraint (checked with :func:`validate_groups` before returning) or
raises :class:`InfeasibleMatching` with the reasons. Hard constraints:

* each group has exactly ``per_country`` members from each listed country;
* never two members from the same institution in one group;
* never a do-not-match pair (listed by either side) in one group;
* must-match pairs (listed by either side) always in the same group;
* staff-locked groups: a complete locked group is kept exactly as given, a partial one
  (fewer than ``per_country`` members of some country) is kept together and completed.

The objective is the sum, over groups, of the pairwise scores of their members: the
built-in :func:`~exchanges.matching.compat.compatibility` or explicit ``pair_scores``.

Algorithms (details in ``docs/matching.md``):

* ``k == 1`` (triads for three countries, "one per country" in general): must-match and
  partial locks are turned into forbidden pairs (with one member per country, "a must be
  with b" is the same as "a is forbidden with every other member of b's country"), so the
  problem becomes an axial multi-dimensional assignment problem with forbidden pairs.

  - exact (3 countries, n <= ``exact_limit``): heuristic incumbent, LP relaxation over the
    allowed triples (HiGHS), reduced-cost fixing, then CP-SAT on the surviving triples;
  - heuristic: sequential assignment construction, block-coordinate ascent (re-assign one
    whole country optimally given the others; from 300 members per country both use the
    sparse assignment with dual repair instead of the dense ``linear_sum_assignment``), the
    Lagrangian heuristic, then CP-SAT large-neighbourhood search over related groups;
  - bound: LP (small n) or Lagrangian relaxation (:mod:`exchanges.matching.bound`).
* ``k > 1`` (pods): CP-SAT on a group-assignment model with a greedy hint; the bound is
  CP-SAT's own bound when it has one, else the per-person bound described in the docs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import functools
import itertools
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from .bound import best_assignment, completion_duals, lagrangian_bound, lp_bound
from .compat import (
    DEFAULT_WEIGHTS,
    CompatibilityWeights,
    compatibility,
    norm_institution,
    score_matrix,
)
from .leftovers import counts_are_even, solve_with_leftovers
from .pods import cross_bound as pods_cross_bound
from .pods import improve as pods_improve
from .pods import pods_from_slots, slots_from_pods
from .pods import spread_bound as pods_spread_bound
from .types import GroupsResult, Id, InfeasibleMatching, Participant

Progress = Callable[[float, str], None]
#: ``incumbent(groups, objective, bound)``: a new best grouping (ids, every constraint met).
Incumbent = Callable[[list[list[Id]], float, float | None], None]
#: ``stop()``: True when the caller wants the best grouping found so far, now.
Stop = Callable[[], bool]

#: Below this many members per country (k=1, three countries) the exact method runs.
EXACT_LIMIT = 40
#: The exact LP/CP-SAT model is skipped above this many allowed triples (memory, time).
MAX_EXACT_TRIPLES = 400_000


@dataclass(frozen=True)
class GroupsProblem:
    """Input of :func:`solve_groups`.

    ``pair_scores`` (if given) replaces the built-in compatibility: the score of a pair is
    the sum of its entries (either order; missing pairs score 0). ``locked_groups`` are
    lists of participant ids fixed by staff. ``leftover`` says what happens when the
    countries' counts differ: ``strict`` refuses, ``extend`` and ``partial`` form the full
    groups and place the rest (:mod:`exchanges.matching.leftovers`).
    """

    participants: Sequence[Participant]
    countries: Sequence[str]
    per_country: int = 1
    pair_scores: Sequence[tuple[Id, Id, float]] | None = None
    locked_groups: Sequence[Sequence[Id]] = ()
    weights: CompatibilityWeights = DEFAULT_WEIGHTS
    leftover: str = "strict"


def _noop(_fraction: float, _message: str) -> None:
    return None


class _Hooks:
    """The caller's view into a running solve: new best groupings out, a stop request in.

    ``improved`` takes groups of global indices of the free members; the complete locked
    groups are added and the objective computed here, so callers see whole groupings.
    """

    def __init__(
        self, prep: _Prepared | None, incumbent: Incumbent | None, stop: Stop | None
    ) -> None:
        self.prep = prep
        self.incumbent = incumbent
        self.stop = stop
        self.best = -math.inf

    def stopped(self) -> bool:
        return self.stop is not None and bool(self.stop())

    def improved(self, free_groups: list[list[int]], bound: float | None = None) -> None:
        if self.incumbent is None or self.prep is None:
            return
        prep = self.prep
        groups = [*prep.fixed_groups, *free_groups]
        value = sum(prep.group_value(g) for g in groups)
        if value <= self.best + 1e-9:
            return
        self.best = value
        fixed_value = sum(prep.group_value(g) for g in prep.fixed_groups)
        upper = None if bound is None else _clean(fixed_value + max(bound, value - fixed_value))
        self.incumbent([[prep.people[i].id for i in g] for g in groups], _clean(value), upper)

    def triads(self, tri: _Triads, sol: list[np.ndarray], bound: float | None = None) -> None:
        if self.incumbent is None or tri.violations(sol):
            return
        self.improved(_tri_groups(tri, sol), bound)


_NO_HOOKS = _Hooks(None, None, None)


# --------------------------------------------------------------------------- preparation
class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


@dataclass
class _Prepared:
    """Validated instance: indices, constraint structure and score blocks."""

    problem: GroupsProblem
    people: list[Participant]
    pos: dict[Id, int]
    country_index: np.ndarray  # global index -> country number
    local: np.ndarray  # global index -> index inside its country
    by_country: list[np.ndarray]  # country number -> global indices
    forbidden: dict[tuple[int, int], str]  # (i, j) with i < j -> why they may not meet
    must_pairs: list[tuple[int, int]]
    clusters: list[list[int]]  # must-match / lock components of size >= 2
    fixed_groups: list[list[int]]  # complete locked groups (kept as given)
    blocks: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)

    def score(self, i: int, j: int) -> float:
        ci, cj = int(self.country_index[i]), int(self.country_index[j])
        if ci <= cj:
            return float(self.blocks[ci, cj][self.local[i], self.local[j]])
        return float(self.blocks[cj, ci][self.local[j], self.local[i]])

    def group_value(self, group: Sequence[int]) -> float:
        return sum(self.score(i, j) for i, j in itertools.combinations(group, 2))


def _describe(p: Participant) -> str:
    return str(p.id)


def _prepare(problem: GroupsProblem) -> _Prepared:
    """Check the input and collect every hard-constraint conflict that can be seen locally."""
    reasons: list[str] = []
    k = problem.per_country
    countries = list(problem.countries)
    people = list(problem.participants)
    if k < 1:
        raise InfeasibleMatching([f"per_country must be at least 1, got {k}"])
    if len(set(countries)) != len(countries) or len(countries) < 2:
        raise InfeasibleMatching([f"need at least two distinct countries, got {countries}"])
    pos: dict[Id, int] = {}
    for i, p in enumerate(people):
        if p.id in pos:
            reasons.append(f"participant id {p.id!r} appears twice")
        pos[p.id] = i
        if p.country not in countries:
            reasons.append(f"participant {p.id} has country {p.country!r}, not one of {countries}")
    if reasons:
        raise InfeasibleMatching(reasons)
    cidx = {c: n for n, c in enumerate(countries)}
    country_index = np.array([cidx[p.country] for p in people], dtype=np.int64)
    by_country = [np.flatnonzero(country_index == n) for n in range(len(countries))]
    local = np.zeros(len(people), dtype=np.int64)
    for members in by_country:
        local[members] = np.arange(len(members))
    counts = [len(m) for m in by_country]
    if len(set(counts)) != 1 or counts[0] % k:
        listing = ", ".join(f"{c} {n}" for c, n in zip(countries, counts, strict=True))
        reasons.append(
            f"countries have unequal numbers of participants: {listing} "
            f"(need the same number in each, a multiple of k={k})"
        )
    if counts and counts[0] == 0:
        reasons.append("no participants to match")

    # Forbidden pairs, with the reason each is forbidden (first reason wins).
    forbidden: dict[tuple[int, int], str] = {}
    by_inst: dict[str, list[int]] = {}
    for i, p in enumerate(people):
        if norm_institution(p.institution):
            by_inst.setdefault(norm_institution(p.institution), []).append(i)
    for members in by_inst.values():
        for i, j in itertools.combinations(members, 2):
            forbidden[i, j] = f"are from the same institution {people[i].institution!r}"
    for i, p in enumerate(people):
        for other in p.do_not_match:
            if other not in pos:
                reasons.append(f"do_not_match of {p.id} names unknown participant {other!r}")
                continue
            j = pos[other]
            key = (min(i, j), max(i, j))
            forbidden.setdefault(key, f"are on a do-not-match list ({p.id} lists {other})")

    uf = _UnionFind(len(people))
    must_pairs: list[tuple[int, int]] = []
    for i, p in enumerate(people):
        for other in p.must_match:
            if other not in pos:
                reasons.append(f"must_match of {p.id} names unknown participant {other!r}")
                continue
            j = pos[other]
            if i != j:
                must_pairs.append((min(i, j), max(i, j)))
                uf.union(i, j)
    for i, j in sorted(set(must_pairs)):
        if (i, j) in forbidden:
            reasons.append(f"must_match pair {people[i].id}–{people[j].id} {forbidden[i, j]}")

    fixed_groups: list[list[int]] = []
    seen_locked: dict[int, int] = {}
    for g, group in enumerate(problem.locked_groups):
        idx = []
        for pid in group:
            if pid not in pos:
                reasons.append(f"locked group {list(group)} names unknown participant {pid!r}")
                continue
            if pos[pid] in seen_locked:
                reasons.append(f"participant {pid} is in more than one locked group")
            seen_locked[pos[pid]] = g
            idx.append(pos[pid])
        for a, b in itertools.pairwise(idx):
            uf.union(a, b)
        per = np.bincount(country_index[idx], minlength=len(countries)) if idx else None
        if per is not None and (per == k).all() and len(idx) == k * len(countries):
            fixed_groups.append(idx)

    comps: dict[int, list[int]] = {}
    for i in range(len(people)):
        comps.setdefault(uf.find(i), []).append(i)
    clusters = [sorted(c) for c in comps.values() if len(c) > 1]
    for cl in clusters:
        per = np.bincount(country_index[cl], minlength=len(countries))
        for n, cnt in enumerate(per):
            if cnt > k:
                names = ", ".join(str(people[i].id) for i in cl if country_index[i] == n)
                reasons.append(
                    f"must_match chain puts {cnt} {countries[n]} members in one group with "
                    f"k={k}: {names}"
                )
        direct = set(must_pairs)
        for i, j in itertools.combinations(cl, 2):
            if (i, j) in forbidden and (i, j) not in direct:
                chain = ", ".join(str(people[x].id) for x in cl)
                reasons.append(
                    f"must_match/locked group ({chain}) puts {people[i].id} and "
                    f"{people[j].id} together, but they {forbidden[i, j]}"
                )
    if reasons:
        raise InfeasibleMatching(reasons)
    prep = _Prepared(
        problem=problem,
        people=people,
        pos=pos,
        country_index=country_index,
        local=local,
        by_country=by_country,
        forbidden=forbidden,
        must_pairs=sorted(set(must_pairs)),
        clusters=clusters,
        fixed_groups=fixed_groups,
    )
    _build_blocks(prep)
    return prep


def _build_blocks(prep: _Prepared) -> None:
    """Pairwise score matrices per pair of countries (same-country blocks only when k > 1)."""
    m = len(prep.by_country)
    want = [(c, d) for c in range(m) for d in range(c, m) if c < d or prep.problem.per_country > 1]
    if prep.problem.pair_scores is None:
        for c, d in want:
            rows = [prep.people[i] for i in prep.by_country[c]]
            cols = [prep.people[i] for i in prep.by_country[d]]
            prep.blocks[c, d] = score_matrix(rows, cols, prep.problem.weights)
        return
    for c, d in want:
        prep.blocks[c, d] = np.zeros((len(prep.by_country[c]), len(prep.by_country[d])))
    unknown = []
    for a, b, s in prep.problem.pair_scores:
        if a not in prep.pos or b not in prep.pos:
            unknown.append(a if a not in prep.pos else b)
            continue
        i, j = prep.pos[a], prep.pos[b]
        ci, cj = int(prep.country_index[i]), int(prep.country_index[j])
        if ci > cj or (ci == cj and i > j):
            i, j, ci, cj = j, i, cj, ci
        if (ci, cj) in prep.blocks and i != j:
            prep.blocks[ci, cj][prep.local[i], prep.local[j]] += float(s)
            if ci == cj:
                prep.blocks[ci, cj][prep.local[j], prep.local[i]] += float(s)
    if unknown:
        raise InfeasibleMatching([f"pair_scores names unknown participant {unknown[0]!r}"])


# --------------------------------------------------------------------------- validation
def validate_groups(
    participants: Sequence[Participant],
    groups: Sequence[Sequence[Id]],
    countries: Sequence[str],
    per_country: int = 1,
    locked_groups: Sequence[Sequence[Id]] = (),
    *,
    leftover: str = "strict",
) -> list[str]:
    """Every hard-constraint violation of ``groups`` (an empty list means valid).

    Independent of the solver code on purpose: tests use it to check solver output. With
    ``leftover`` other than ``strict`` (an uneven cohort), a group may have one extra member
    of a country or lack a country, so a group needs at most ``per_country + 1`` members of
    each country instead of exactly ``per_country``.
    """
    problems: list[str] = []
    by_id = {p.id: p for p in participants}
    where: dict[Id, int] = {}
    for g, group in enumerate(groups):
        for pid in group:
            if pid not in by_id:
                problems.append(f"group {g} contains unknown id {pid!r}")
            elif pid in where:
                problems.append(f"{pid} is in groups {where[pid]} and {g}")
            else:
                where[pid] = g
        for country in countries:
            cnt = sum(1 for pid in group if pid in by_id and by_id[pid].country == country)
            if leftover == "strict" and cnt != per_country:
                problems.append(f"group {g} has {cnt} members from {country}, not {per_country}")
            elif leftover != "strict" and cnt > per_country + 1:
                problems.append(
                    f"group {g} has {cnt} members from {country}, more than {per_country + 1}"
                )
        if not group:
            problems.append(f"group {g} is empty")
        members = [by_id[pid] for pid in group if pid in by_id]
        for a, b in itertools.combinations(members, 2):
            ia, ib = norm_institution(a.institution), norm_institution(b.institution)
            if ia and ia == ib:
                problems.append(f"group {g}: {a.id} and {b.id} share institution {a.institution!r}")
            if b.id in a.do_not_match or a.id in b.do_not_match:
                problems.append(f"group {g}: {a.id} and {b.id} are a do-not-match pair")
    missing = [p.id for p in participants if p.id not in where]
    if missing:
        problems.append(f"participants not in any group: {missing}")
    for p in participants:
        for other in p.must_match:
            if p.id in where and other in where and where[p.id] != where[other]:
                problems.append(f"must-match pair {p.id}–{other} is split")
    full = per_country * len(countries)
    for locked in locked_groups:
        homes = {where.get(pid) for pid in locked}
        if len(homes) != 1:
            problems.append(f"locked group {list(locked)} is split")
        elif len(locked) == full and None not in homes:
            (g,) = homes
            if sorted(map(str, groups[g])) != sorted(map(str, locked)):
                problems.append(f"locked group {list(locked)} was changed")
    return problems


def group_reasons(
    participants: Sequence[Participant],
    groups: Sequence[Sequence[Id]],
    weights: CompatibilityWeights = DEFAULT_WEIGHTS,
) -> list[list[str]]:
    """Human-readable reasons each group was formed: the reasons of each pair, labelled.

    One lookup for all groups: built per group it made the reasons quadratic in the cohort
    (about 4 s after the solve at 5,000 per country).
    """
    by_id = {p.id: p for p in participants}
    out = []
    for group in groups:
        lines = []
        for a, b in itertools.combinations(group, 2):
            comp = compatibility(by_id[a], by_id[b], weights)
            if comp.reasons:
                lines.append(f"{a}–{b} ({comp.score:g}): " + "; ".join(comp.reasons))
        out.append(lines)
    return out


# --------------------------------------------------------------------------- k = 1 core
@dataclass
class _Triads:
    """The free part of a k=1 instance: members per country and penalised score blocks.

    ``w[c, d]`` (c < d) is the score of country-c member i with country-d member j, minus
    ``big`` for forbidden pairs. Solutions are arrays ``sol[c][g]`` = country-c member (local
    index) of group g, with ``sol[0]`` the identity (groups are named by country 0).
    """

    members: list[np.ndarray]  # country -> global indices of the free members
    w: dict[tuple[int, int], np.ndarray]
    forbid: dict[tuple[int, int], np.ndarray]
    big: float
    saved: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)

    def release(self) -> None:
        """Put the unpenalised scores back (``w`` may share its arrays with the blocks)."""
        for key, values in self.saved.items():
            self.w[key][self.forbid[key]] = values
        self.saved = {}

    @property
    def n(self) -> int:
        return len(self.members[0])

    @property
    def m(self) -> int:
        return len(self.members)

    def pair(self, c: int, d: int) -> np.ndarray:
        return self.w[c, d] if c < d else self.w[d, c].T

    def value(self, sol: list[np.ndarray]) -> float:
        return float(sum(self.w[c, d][sol[c], sol[d]].sum() for (c, d) in self.w))

    def violations(self, sol: list[np.ndarray]) -> int:
        return int(sum(self.forbid[c, d][sol[c], sol[d]].sum() for (c, d) in self.forbid))

    def anchor(self, sol: list[np.ndarray]) -> list[np.ndarray]:
        """Relabel groups so that group g holds country-0 member g."""
        order = np.argsort(sol[0])
        return [s[order] for s in sol]


def _tri_groups(tri: _Triads, sol: list[np.ndarray]) -> list[list[int]]:
    return [[int(tri.members[c][sol[c][g]]) for c in range(tri.m)] for g in range(tri.n)]


def _build_triads(prep: _Prepared) -> _Triads:
    fixed = {i for g in prep.fixed_groups for i in g}
    members = [
        np.array([i for i in mem if i not in fixed], dtype=np.int64) for mem in prep.by_country
    ]
    m = len(members)
    forbid: dict[tuple[int, int], np.ndarray] = {}
    w: dict[tuple[int, int], np.ndarray] = {}
    # Local index within the free members of each country.
    free_local = np.full(len(prep.people), -1, dtype=np.int64)
    for mem in members:
        free_local[mem] = np.arange(len(mem))
    for c, d in itertools.combinations(range(m), 2):
        lc, ld = prep.local[members[c]], prep.local[members[d]]
        block = prep.blocks[c, d]
        if block.dtype == np.float64 and len(lc) == block.shape[0] and len(ld) == block.shape[1]:
            # Nobody is in a locked group: share the block instead of copying it (at 5,000
            # per country each block is 200 MB). The penalties below are undone by
            # _Triads.release() once the solve is over.
            w[c, d] = block
        else:
            w[c, d] = block[np.ix_(lc, ld)].astype(np.float64)
        forbid[c, d] = np.zeros((len(members[c]), len(members[d])), dtype=bool)

    def mark(i: int, j: int) -> None:
        if free_local[i] < 0 or free_local[j] < 0:
            return
        ci, cj = int(prep.country_index[i]), int(prep.country_index[j])
        if ci == cj:
            return
        if ci > cj:
            i, j, ci, cj = j, i, cj, ci
        forbid[ci, cj][free_local[i], free_local[j]] = True

    for i, j in prep.forbidden:
        mark(i, j)
    # One member per country: "i must be with j" == "i is forbidden with j's compatriots".
    for cl in prep.clusters:
        cl_free = [i for i in cl if free_local[i] >= 0]
        for i in cl_free:
            for j in cl_free:
                if i == j:
                    continue
                cj = int(prep.country_index[j])
                ci = int(prep.country_index[i])
                a, b = (ci, cj) if ci < cj else (cj, ci)
                row = forbid[a, b]
                if ci < cj:
                    keep = row[free_local[i], free_local[j]]
                    row[free_local[i], :] = True
                    row[free_local[i], free_local[j]] = keep
                else:
                    keep = row[free_local[j], free_local[i]]
                    row[:, free_local[i]] = True
                    row[free_local[j], free_local[i]] = keep
    # max |x| without an n x n temporary
    scale = (
        max((max(float(x.max()), -float(x.min())) if x.size else 0.0) for x in w.values())
        if w
        else 0.0
    )
    big = (scale + 1.0) * 10.0 * max(1, sum(len(x) for x in members)) * m
    saved = {}
    for key, mat in w.items():
        saved[key] = mat[forbid[key]]
        mat[forbid[key]] -= big
    return _Triads(members=members, w=w, forbid=forbid, big=big, saved=saved)


def _check_pairwise_feasible(prep: _Prepared, tri: _Triads) -> None:
    """Each pair of countries must admit a perfect matching avoiding forbidden pairs."""
    reasons = []
    countries = prep.problem.countries
    for (c, d), forb in tri.forbid.items():
        allowed = ~forb
        for i in np.flatnonzero(~allowed.any(axis=1)):
            pid = prep.people[tri.members[c][i]].id
            reasons.append(
                f"no feasible group for {pid}: every {countries[d]} candidate is excluded by "
                "do-not-match, institution or must-match"
            )
        for j in np.flatnonzero(~allowed.any(axis=0)):
            pid = prep.people[tri.members[d][j]].id
            reasons.append(
                f"no feasible group for {pid}: every {countries[c]} candidate is excluded by "
                "do-not-match, institution or must-match"
            )
        if reasons:
            continue
        match = maximum_bipartite_matching(csr_matrix(allowed.astype(np.int8)), perm_type="column")
        unmatched = np.flatnonzero(match < 0)
        if len(unmatched):
            ids = ", ".join(str(prep.people[tri.members[c][i]].id) for i in unmatched)
            reasons.append(
                f"{countries[c]} and {countries[d]} members cannot all be paired without "
                f"breaking institution/do-not-match/must-match rules; e.g. no partner left "
                f"for {ids}"
            )
    if reasons:
        raise InfeasibleMatching(reasons)


def _lsa(cost: np.ndarray) -> np.ndarray:
    """Column assigned to each row, maximising the total."""
    _, col = linear_sum_assignment(cost, maximize=True)
    return col


#: Rows gathered at once when summing permuted score blocks (bounds the temporaries).
GATHER_ROWS = 512


def _gather_add(out: np.ndarray, mat: np.ndarray, rows: np.ndarray) -> None:
    """``out += mat[rows]`` in row blocks, without an n x n temporary."""
    for s in range(0, len(rows), GATHER_ROWS):
        out[s : s + GATHER_ROWS] += mat[rows[s : s + GATHER_ROWS]]


def _assignment_cost(tri: _Triads, c: int, sol: Mapping[int, np.ndarray]) -> np.ndarray:
    """``cost[g, j]`` = score of country-c member j with the members of group g in ``sol``."""
    cost = np.zeros((tri.n, tri.n))
    for d, s in sol.items():
        if d != c:
            _gather_add(cost, tri.pair(d, c), s)
    return cost


def _construct(tri: _Triads, order: Sequence[int]) -> list[np.ndarray]:
    """Add countries one at a time, each by an optimal assignment to the partial groups."""
    n = tri.n
    sol: dict[int, np.ndarray] = {order[0]: np.arange(n)}
    for c in order[1:]:
        sol[c] = best_assignment(_assignment_cost(tri, c, sol))
    return tri.anchor([sol[c] for c in range(tri.m)])


def _coordinate_ascent(
    tri: _Triads, sol: list[np.ndarray], deadline: float
) -> tuple[list[np.ndarray], float]:
    """Re-assign one country at a time optimally until no country improves."""
    value = tri.value(sol)
    improved = True
    # One step is an n x n assignment (seconds at 5,000 per country): skip the step that
    # would overrun the deadline, predicted from the slowest step so far.
    longest = 0.0
    while improved and time.perf_counter() + longest < deadline:
        improved = False
        for c in range(tri.m):
            t_step = time.perf_counter()
            if t_step + longest >= deadline:
                break
            new = sol.copy()
            new[c] = best_assignment(_assignment_cost(tri, c, dict(enumerate(sol))), sol[c])
            longest = max(longest, 1.1 * (time.perf_counter() - t_step))
            new = tri.anchor(new)
            new_value = tri.value(new)
            if new_value > value + 1e-9:
                sol, value, improved = new, new_value, True
    return sol, value


def _triple_model(
    tri: _Triads,
    groups: np.ndarray,
    sol: list[np.ndarray],
    allowed: np.ndarray | None,
    int_scale: float,
) -> tuple[cp_model.CpModel, dict[tuple[int, ...], cp_model.IntVar], list[np.ndarray]]:
    """CP-SAT model of the sub-problem on ``groups`` (three countries).

    Members of those groups are re-grouped among themselves; ``allowed`` optionally
    restricts the triples (local sub-indices a, b, c). Hints the current assignment.
    """
    sub = [s[groups] for s in sol]  # member local indices per country in the subproblem
    s_n = len(groups)
    w01 = tri.w[0, 1][np.ix_(sub[0], sub[1])]
    w02 = tri.w[0, 2][np.ix_(sub[0], sub[2])]
    w12 = tri.w[1, 2][np.ix_(sub[1], sub[2])]
    f01 = tri.forbid[0, 1][np.ix_(sub[0], sub[1])]
    f02 = tri.forbid[0, 2][np.ix_(sub[0], sub[2])]
    f12 = tri.forbid[1, 2][np.ix_(sub[1], sub[2])]
    ok = ~(f01[:, :, None] | f02[:, None, :] | f12[None, :, :])
    if allowed is not None:
        # ``allowed`` is indexed by member; the model by position in ``sub``.
        ok &= allowed[np.ix_(sub[0], sub[1], sub[2])]
    # Current triples stay available so the hint is feasible.
    ar = np.arange(s_n)
    ok[ar, ar, ar] = True
    cost = w01[:, :, None] + w02[:, None, :] + w12[None, :, :]
    model = cp_model.CpModel()
    y: dict[tuple[int, ...], cp_model.IntVar] = {}
    by_dim: list[list[list[cp_model.IntVar]]] = [[[] for _ in range(s_n)] for _ in range(3)]
    terms = []
    for a, b, c in zip(*np.nonzero(ok), strict=True):
        v = model.new_bool_var("")
        y[int(a), int(b), int(c)] = v
        by_dim[0][a].append(v)
        by_dim[1][b].append(v)
        by_dim[2][c].append(v)
        terms.append((v, round(float(cost[a, b, c]) * int_scale)))
    for dim in by_dim:
        for vs in dim:
            model.add_exactly_one(vs)
    model.maximize(cp_model.LinearExpr.weighted_sum([t[0] for t in terms], [t[1] for t in terms]))
    for key, v in y.items():
        model.add_hint(v, key[0] == key[1] == key[2])
    return model, y, sub


def _apply_triples(
    sol: list[np.ndarray], groups: np.ndarray, sub: list[np.ndarray], chosen: list[tuple]
) -> list[np.ndarray]:
    new = [s.copy() for s in sol]
    for g, (a, b, c) in zip(groups, sorted(chosen), strict=True):
        new[0][g], new[1][g], new[2][g] = sub[0][a], sub[1][b], sub[2][c]
    return new


def _int_scale(tri: _Triads) -> float:
    """Factor making the scores integers for CP-SAT (exact when they have <= 3 decimals)."""
    # Row blocks, not one concatenated copy: at 5,000 per country that copy and the
    # temporaries of the checks took about 3 GB.
    exact = {1.0: True, 1000.0: True}
    top = 0.0
    for x in tri.w.values():
        for s in range(0, x.shape[0], GATHER_ROWS):
            rows = x[s : s + GATHER_ROWS]
            vals = rows[np.abs(rows) < tri.big / 2]
            if not vals.size:
                continue
            top = max(top, float(np.abs(vals).max()))
            for scale, ok in list(exact.items()):
                if ok and not np.allclose(vals * scale, np.round(vals * scale), atol=1e-9):
                    exact[scale] = False
    for scale, ok in exact.items():
        if ok:
            return scale
    return 1e6 / max(top if top else 1.0, 1e-9)


def _lns(  # noqa: PLR0917 -- internal helper, all arguments are required state
    tri: _Triads,
    sol: list[np.ndarray],
    value: float,
    deadline: float,
    rng: np.random.Generator,
    progress: Progress,
    size: int = 8,
    hooks: _Hooks = _NO_HOOKS,
) -> tuple[list[np.ndarray], float, int]:
    """CP-SAT large-neighbourhood search: re-optimise related groups exactly, until
    ``deadline`` or a stop request; each 20 rounds an improved grouping is handed out."""
    n = tri.n
    if n < 3:
        return sol, value, 0
    int_scale = _int_scale(tri)
    size = min(size, n)
    rounds = 0
    start = time.perf_counter()
    total = max(deadline - start, 1e-9)
    stale = 0
    published = value
    while time.perf_counter() < deadline - 0.05 and not hooks.stopped():
        rounds += 1
        g = int(rng.integers(n))
        # Related groups: where the best partners (in the other countries) of g's members sit.
        picked = {g}
        where = [np.argsort(s) for s in sol]  # member -> group
        cands = []
        for c in range(3):
            for d in range(3):
                if c != d:
                    row = tri.pair(c, d)[sol[c][g]]
                    best = np.argpartition(-row, min(size, n - 1))[:size]
                    cands.extend(int(where[d][j]) for j in best)
        rng.shuffle(cands)
        for h in cands:
            if len(picked) >= size:
                break
            picked.add(h)
        while len(picked) < size:
            picked.add(int(rng.integers(n)))
        groups = np.array(sorted(picked))
        model, y, sub = _triple_model(tri, groups, sol, None, int_scale)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, min(0.5, deadline - time.perf_counter()))
        solver.parameters.num_workers = 1
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = [k for k, v in y.items() if solver.boolean_value(v)]
            new = _apply_triples(sol, groups, sub, chosen)
            new_value = tri.value(new)
            if new_value > value + 1e-9:
                sol, value, stale = new, new_value, 0
            else:
                stale += 1
        if rounds % 20 == 0:
            if value > published:
                hooks.triads(tri, sol)
                published = value
            progress(min(1.0, (time.perf_counter() - start) / total), f"search {value:.2f}")
        if stale > 40 * n:
            break
    return sol, value, rounds


def _perturb(tri: _Triads, sol: list[np.ndarray], rng: np.random.Generator, frac: float):
    """Shuffle one country's members among a random fraction of groups."""
    new = [s.copy() for s in sol]
    c = int(rng.integers(1, tri.m))
    g = rng.choice(tri.n, size=max(2, int(frac * tri.n)), replace=False)
    new[c][g] = new[c][rng.permutation(g)]
    return new


def _heuristic(
    tri: _Triads,
    deadline: float,
    rng: np.random.Generator,
    progress: Progress,
    *,
    lns: bool = True,
    hooks: _Hooks = _NO_HOOKS,
) -> tuple[list[np.ndarray], float, str]:
    """Construction + coordinate ascent (+ LNS for three countries) until ``deadline``."""
    start = time.perf_counter()
    best, best_val = None, -math.inf
    orders = list(itertools.permutations(range(tri.m)))[: 6 if tri.m == 3 else 4]
    for order in orders:
        sol = _construct(tri, order)
        sol, val = _coordinate_ascent(tri, sol, deadline)
        if val > best_val:
            best, best_val = sol, val
        if time.perf_counter() > start + 0.25 * (deadline - start):
            break
    if best is None:  # pragma: no cover - the loop runs at least once
        raise RuntimeError("no construction ran")
    hooks.triads(tri, best)
    progress(0.3, f"coordinate ascent {best_val:.2f}")
    method = "lsa+ascent"
    if not lns:
        return best, best_val, method
    if tri.m == 3 and tri.n >= 3:
        best, best_val, rounds = _lns(tri, best, best_val, deadline, rng, progress, hooks=hooks)
        method += f"+lns({rounds})"
    else:
        # More than three countries: iterated coordinate ascent with random kicks.
        while time.perf_counter() < deadline and not hooks.stopped():
            cand, val = _coordinate_ascent(tri, _perturb(tri, best, rng, 0.1), deadline)
            if val > best_val + 1e-9:
                best, best_val = cand, val
                hooks.triads(tri, best)
        method += "+ils"
    return best, best_val, method


def _granularity(tri: _Triads) -> float:
    """Smallest step between objective values (1/q with all scores multiples of 1/q), or 0.

    With a positive step a solution better than ``v`` is worth at least ``v + step``, which
    sharpens reduced-cost fixing and lets the MIP stop at a proven optimum.
    """
    vals = np.concatenate([x.ravel() for x in tri.w.values()])
    vals = vals[np.abs(vals) < tri.big / 2]
    for q in (1, 2, 4, 5, 10, 20, 100, 1000):
        if np.allclose(vals * q, np.round(vals * q), rtol=0, atol=1e-7):
            return 1.0 / q
    return 0.0


def _triple_mip(
    n: int, triples: np.ndarray, cost: np.ndarray, time_limit: float, rel_gap: float
) -> tuple[np.ndarray | None, bool]:
    """Axial 3-AP over ``triples`` as a MIP: (chosen triples or None, proven optimal).

    Uses CBC through OR-Tools (measured 2-3x faster than HiGHS on these reduced models),
    falling back to HiGHS (``scipy.optimize.milp``) if CBC is unavailable.
    """
    solver = pywraplp.Solver.CreateSolver("CBC")
    if solver is None:  # pragma: no cover - CBC ships with OR-Tools wheels
        return _triple_milp_highs(n, triples, cost, time_limit, rel_gap)
    xs = [solver.BoolVar("") for _ in range(len(triples))]
    by_dim: list[list[list]] = [[[] for _ in range(n)] for _ in range(3)]
    for x, (a, b, c) in zip(xs, triples.tolist(), strict=True):
        by_dim[0][a].append(x)
        by_dim[1][b].append(x)
        by_dim[2][c].append(x)
    for dim in by_dim:
        for group in dim:
            solver.Add(solver.Sum(group) == 1)
    objective = solver.Objective()
    for x, value in zip(xs, cost.tolist(), strict=True):
        objective.SetCoefficient(x, value)
    objective.SetMaximization()
    solver.SetTimeLimit(max(100, int(1000 * time_limit)))
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, rel_gap)
    status = solver.Solve(params)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None, False
    chosen = np.array([x.solution_value() > 0.5 for x in xs])
    return triples[chosen], status == pywraplp.Solver.OPTIMAL


def _triple_milp_highs(
    n: int, triples: np.ndarray, cost: np.ndarray, time_limit: float, rel_gap: float
) -> tuple[np.ndarray | None, bool]:
    t = len(triples)
    rows = np.concatenate([triples[:, 0], n + triples[:, 1], 2 * n + triples[:, 2]])
    cols = np.tile(np.arange(t), 3)
    mat = csr_matrix((np.ones(3 * t), (rows, cols)), shape=(3 * n, t))
    res = milp(
        -cost,
        constraints=LinearConstraint(mat, 1, 1),
        integrality=np.ones(t),
        bounds=Bounds(0, 1),
        options={"time_limit": max(0.1, time_limit), "mip_rel_gap": rel_gap},
    )
    if res.x is None:
        return None, False
    return triples[res.x > 0.5], res.status == 0


def _exact_triads(
    tri: _Triads,
    sol: list[np.ndarray],
    value: float,
    deadline: float,
) -> tuple[list[np.ndarray], float, float | None, bool]:
    """LP bound + reduced-cost fixing + MIP (CBC). Returns (sol, value, bound, optimal).

    1. LP relaxation of the axial 3-AP over all n**3 triples (HiGHS): bound ``z_lp`` and
       reduced costs ``r_t``. Any solution using triple t is worth at most ``z_lp - r_t``.
    2. A solution better than the incumbent ``v`` (worth at least ``v + step``) therefore
       uses only triples with ``r_t <= z_lp - v - step``. The MIP over those triples (plus
       the incumbent's) has the global optimum as its optimum.
    3. When the incumbent is poor that set is large, so first solve the MIP over triples
       with ``r_t <= 0.2 % of z_lp`` (fast, usually finds the optimum), raise the incumbent
       and shrink the proof set; repeat while the proof set is not covered.
    """
    n = tri.n
    lp = lp_bound(tri.w[0, 1], tri.w[0, 2], tri.w[1, 2])
    if lp is None:
        return sol, value, None, False
    bound, triples, reduced, _ = lp
    step = _granularity(tri)
    scale = max(1.0, abs(bound))
    tol = 1e-6 * scale
    # HiGHS stops at a relative gap; keep it below one objective step (or tiny).
    rel_gap = (0.5 * step if step > 0 else 1e-9 * scale) / scale
    cost_all = tri.w[0, 1][triples[:, 0], triples[:, 1]] + (
        tri.w[0, 2][triples[:, 0], triples[:, 2]] + tri.w[1, 2][triples[:, 1], triples[:, 2]]
    )
    # Incumbent triples (sol[0] is the identity) stay in every model: the MIP stays feasible.
    inc_index = (sol[0] * n + sol[1]) * n + sol[2]
    flat = (triples[:, 0] * n + triples[:, 1]) * n + triples[:, 2]
    in_inc = np.isin(flat, inc_index)
    threshold = 0.002 * scale
    while True:
        needed = bound - value - step + tol  # proof set: reduced cost up to this
        if needed < 0:
            return sol, value, value, True
        cut = min(needed, threshold)
        keep = (reduced <= cut) | in_inc
        chosen, solved = _triple_mip(
            n, triples[keep], cost_all[keep], deadline - time.perf_counter(), rel_gap
        )
        if chosen is None:
            return sol, value, bound, False
        chosen = chosen[np.argsort(chosen[:, 0])]
        new = [chosen[:, 0], chosen[:, 1], chosen[:, 2]]
        new_value = tri.value(new)
        if new_value > value + tol:
            sol, value = new, new_value
            inc_index = (sol[0] * n + sol[1]) * n + sol[2]
            in_inc = np.isin(flat, inc_index)
        if not solved:
            return sol, value, bound, False
        if cut >= needed or cut >= bound - value - step + tol:
            # Every triple of a strictly better solution was in the model: proven optimal.
            return sol, value, value, True
        if time.perf_counter() >= deadline:
            return sol, value, bound, False
        threshold = 2 * cut


def default_bound_time(n: int) -> float:
    """Default seconds spent on the Lagrangian bound after the groups of a large instance."""
    return min(180.0, 5.0 + 0.09 * n)


def _completion_duals(tri: _Triads, sol: list[np.ndarray]) -> np.ndarray:
    """Country-2 prices that make ``sol``'s country-2 assignment optimal for its pairs."""
    # float32 is enough: any prices give a valid bound, these only warm-start it.
    cost = np.empty((tri.n, tri.n), dtype=np.float32)
    for s in range(0, tri.n, GATHER_ROWS):
        rows = slice(s, s + GATHER_ROWS)
        cost[rows] = tri.w[0, 2][sol[0][rows]] + tri.w[1, 2][sol[1][rows]]
    return completion_duals(cost, sol[2])


def _pairs(sol: list[np.ndarray]) -> np.ndarray:
    """Country-1 member grouped with each country-0 member (starts the sparse bound)."""
    pairs = np.empty(len(sol[0]), dtype=np.int64)
    pairs[sol[0]] = sol[1]
    return pairs


#: From this size on glibc maps each allocation on its own and unmaps it when freed.
MMAP_THRESHOLD = 1 << 20


@functools.cache
def _unmap_large_blocks() -> None:
    """Give freed row blocks back to the system (glibc; elsewhere nothing to do).

    glibc raises its mmap threshold each time a mapped block is freed, up to 32 MB, so the
    10-20 MB row blocks of the ascent and the bound's dense pricing end up in the heaps of
    the threads that made them and stay there: at 5,000 per country the process's resident
    memory was 1,759 MiB against 1,291 MiB of live arrays. A fixed threshold keeps them
    mapped, at the cost of zeroing fresh pages for each block.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


#: Up to this many members per country the Lagrangian heuristic runs inside the solve time.
LAGRANGIAN_HEURISTIC_LIMIT = 5000
#: Further country orders are tried only before this share of the solve time is used.
ORDERS_SHARE = 0.2
#: Time kept for polishing the Lagrangian heuristic's grouping, as a multiple of the
#: first construction and ascent.
POLISH_RESERVE = 0.7


def _large_triads(
    tri: _Triads,
    deadline: float,
    rng: np.random.Generator,
    progress: Progress,
    hooks: _Hooks = _NO_HOOKS,
) -> tuple[list[np.ndarray], float, str, np.ndarray | None]:
    """Groups for instances too large for the exact model, final at ``deadline``.

    Construction + coordinate ascent from several country orders (best kept; no further
    order after ``ORDERS_SHARE`` of the time); then (n <= ``LAGRANGIAN_HEURISTIC_LIMIT``)
    the Lagrangian heuristic until ``POLISH_RESERVE`` x the first order's time is left (at
    least 40 % of the remaining time), its best grouping polished by coordinate ascent;
    then CP-SAT LNS. Returns the multipliers reached (or ``None``) so the bound computed
    afterwards can start there.
    """
    _unmap_large_blocks()
    start = time.perf_counter()
    sol, value = None, -math.inf
    first = 0.0
    for order in itertools.permutations(range(3)):
        # Every country order gives a different local optimum; keep the best.
        t_order = time.perf_counter()
        cand, cand_value = _coordinate_ascent(
            tri, _construct(tri, order), start + 0.5 * (deadline - start)
        )
        first = first or time.perf_counter() - t_order
        if cand_value > value:
            sol, value = cand, cand_value
            hooks.triads(tri, sol)
        if time.perf_counter() > start + ORDERS_SHARE * (deadline - start) or hooks.stopped():
            break
    method = "lsa+ascent"
    progress(0.3, f"coordinate ascent {value:.2f}")
    lam = None
    if tri.n <= LAGRANGIAN_HEURISTIC_LIMIT and not hooks.stopped():
        # The Lagrangian heuristic's groupings, polished by the ascent, beat the other
        # orders' local optima and the LNS: it gets the time up to a reserve for that
        # polish (which took 30-60 % of the first construction and ascent).
        left = deadline - time.perf_counter()
        budget = max(0.4 * left, left - POLISH_RESERVE * first)
        lag = lagrangian_bound(
            tri.w[0, 1],
            tri.w[0, 2],
            tri.w[1, 2],
            lower=value,
            time_limit=budget,
            warm=_completion_duals(tri, sol),
            pairs=_pairs(sol),
        )
        lam = lag.lam
        cand = tri.anchor([np.arange(tri.n), lag.b_of_a, lag.c_of_a])
        cand, cand_value = _coordinate_ascent(tri, cand, deadline)
        if cand_value > value:
            sol, value, method = cand, cand_value, "lagrangian+ascent"
        # Report the grouping with the bound reached so far: the gap is known mid-run.
        hooks.best = -math.inf
        hooks.triads(tri, sol, bound=lag.bound)
        progress(0.6, f"Lagrangian heuristic {value:.2f}")
    sol, value, rounds = _lns(tri, sol, value, deadline, rng, progress, hooks=hooks)
    return sol, value, method + f"+lns({rounds})", lam


def _solve_triads(
    prep: _Prepared,
    *,
    time_limit: float,
    progress: Progress,
    seed: int,
    exact_limit: int,
    bound_time: float | None = None,
    hooks: _Hooks = _NO_HOOKS,
) -> tuple[list[list[int]], float | None, bool, float, str]:
    """k = 1: (groups as global indices, bound on the free part, optimal, bound secs, method).

    ``bound secs`` is the time spent on the bound *after* the groups were final (large
    instances); it is not part of the solve time.
    """
    start = time.perf_counter()
    tri = _build_triads(prep)
    try:
        return _solve_built_triads(
            prep,
            tri,
            start=start,
            time_limit=time_limit,
            progress=progress,
            seed=seed,
            exact_limit=exact_limit,
            bound_time=bound_time,
            hooks=hooks,
        )
    finally:
        tri.release()


def _solve_built_triads(
    prep: _Prepared,
    tri: _Triads,
    *,
    start: float,
    time_limit: float,
    progress: Progress,
    seed: int,
    exact_limit: int,
    bound_time: float | None,
    hooks: _Hooks,
) -> tuple[list[list[int]], float | None, bool, float, str]:
    end = start + time_limit
    if tri.n == 0:
        return [], 0.0, True, 0.0, "locked"
    _check_pairwise_feasible(prep, tri)
    rng = np.random.default_rng(seed)
    bound: float | None = None
    optimal = False
    bound_secs = 0.0
    if tri.m == 2:
        sol = [np.arange(tri.n), _lsa(tri.w[0, 1])]
        value = tri.value(sol)
        bound, optimal, method = value, True, "lsa (exact for two countries)"
    elif tri.m > 3:
        sol, value, method = _heuristic(tri, end, rng, progress, lns=False, hooks=hooks)
        # Valid but loose: each pair of countries contributes at most its own optimum.
        bound = sum(
            float(tri.w[key][*linear_sum_assignment(tri.w[key], maximize=True)].sum())
            for key in tri.w
        )
    else:
        small = tri.n <= exact_limit and tri.n**3 <= MAX_EXACT_TRIPLES
        if small:
            sol, value, method = _heuristic(
                tri, start + 0.05 * time_limit, rng, progress, lns=False, hooks=hooks
            )
            progress(0.3, "exact model")
            sol, value, bound, optimal = _exact_triads(tri, sol, value, end)
            method = "exact lp+milp" if optimal else method + "+exact(timeout)"
        else:
            sol, value, method, lam = _large_triads(tri, end, rng, progress, hooks)
            if hooks.stopped():
                method += " (stopped)"
            elif bound_time is None or bound_time > 0:
                b_start = time.perf_counter()
                budget = bound_time if bound_time is not None else default_bound_time(tri.n)
                progress(0.95, "bound")
                # The warm start (several seconds at 5,000 per country) counts in the budget.
                warm = lam if lam is not None else _completion_duals(tri, sol)
                lag = lagrangian_bound(
                    tri.w[0, 1],
                    tri.w[0, 2],
                    tri.w[1, 2],
                    lower=value,
                    time_limit=budget - (time.perf_counter() - b_start),
                    warm=warm,
                    heuristic=False,
                    pairs=_pairs(sol),
                )
                bound = lag.bound
                bound_secs = time.perf_counter() - b_start
    if tri.violations(sol):
        raise InfeasibleMatching(
            [
                "no grouping satisfying the institution/do-not-match/must-match constraints "
                "together was found within the time limit (the constraints may conflict)"
            ]
        )
    groups = _tri_groups(tri, sol)
    if bound is not None and bound - value <= 1e-6 * max(1.0, abs(value)):
        optimal = True
    return groups, bound, optimal, bound_secs, method


# --------------------------------------------------------------------------- k > 1 (pods)
class _PodsCallback(cp_model.CpSolverSolutionCallback):
    """Hands each improving CP-SAT solution out and stops the search when asked."""

    def __init__(self, x: dict, free: list[int], n_groups: int, hooks: _Hooks, scale: float):
        super().__init__()
        self.x, self.free, self.n_groups, self.hooks, self.scale = x, free, n_groups, hooks, scale

    def on_solution_callback(self) -> None:
        if self.hooks.incumbent is not None:
            groups = [
                [i for i in self.free if self.boolean_value(self.x[i, g])]
                for g in range(self.n_groups)
            ]
            self.hooks.improved(groups, bound=self.best_objective_bound / self.scale)
        if self.hooks.stopped():
            self.stop_search()


def _solve_pods(
    prep: _Prepared,
    time_limit: float,
    progress: Progress,
    seed: int,
    hooks: _Hooks = _NO_HOOKS,
) -> tuple[list[list[int]], float | None, bool, float, str]:
    """CP-SAT group-assignment model for k > 1 (pods of k per country)."""
    k = prep.problem.per_country
    m = len(prep.by_country)
    fixed = {i for g in prep.fixed_groups for i in g}
    free = [i for i in range(len(prep.people)) if i not in fixed]
    n_groups = len(free) // (k * m)
    if n_groups == 0:
        return [], 0.0, True, 0.0, "locked"
    model = cp_model.CpModel()
    x = {(i, g): model.new_bool_var("") for i in free for g in range(n_groups)}
    for i in free:
        model.add_exactly_one(x[i, g] for g in range(n_groups))
    for g in range(n_groups):
        for members in prep.by_country:
            model.add(sum(x[i, g] for i in members if i not in fixed) == k)
    # Symmetry breaking: the t-th free member of country 0 sits in a group <= t // k... any
    # grouping can be relabelled so group labels follow first appearance in country 0.
    first = [i for i in prep.by_country[0] if i not in fixed]
    for t, i in enumerate(first):
        for g in range(t + 1, n_groups):
            model.add(x[i, g] == 0)
    for i, j in prep.forbidden:
        if i in fixed or j in fixed:
            continue
        for g in range(n_groups):
            model.add_at_most_one([x[i, g], x[j, g]])
    for cl in prep.clusters:
        cl_free = [i for i in cl if i not in fixed]
        for a, b in itertools.pairwise(cl_free):
            for g in range(n_groups):
                model.add(x[a, g] == x[b, g])
    scale = 1000.0
    terms = []
    for i, j in itertools.combinations(free, 2):
        s = round(prep.score(i, j) * scale)
        if s == 0 or (min(i, j), max(i, j)) in prep.forbidden:
            continue
        for g in range(n_groups):
            z = model.new_bool_var("")
            if s > 0:
                model.add_implication(z, x[i, g])
                model.add_implication(z, x[j, g])
            else:
                model.add_bool_or([z, x[i, g].Not(), x[j, g].Not()])
            terms.append((z, s))
    model.maximize(cp_model.LinearExpr.weighted_sum([t[0] for t in terms], [t[1] for t in terms]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = seed
    progress(0.1, "pods: CP-SAT")
    status = solver.solve(model, _PodsCallback(x, free, n_groups, hooks, scale))
    if status == cp_model.INFEASIBLE:
        raise InfeasibleMatching(
            [
                "no grouping satisfies the institution/do-not-match/must-match constraints "
                "together (proven by CP-SAT)"
            ]
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleMatching(
            ["no feasible grouping found within the time limit (the constraints may conflict)"]
        )
    groups = [[i for i in free if solver.boolean_value(x[i, g])] for g in range(n_groups)]
    optimal = status == cp_model.OPTIMAL
    bound = solver.best_objective_bound / scale
    return groups, bound, optimal, 0.0, "cp-sat pods"


# ----------------------------------------------------------------- k > 1 at scale (pods)
#: Above this many free groups (three countries, no must-match chains or partial locks)
#: pods are built from triads (below: the exact CP-SAT model).
PODS_EXACT_GROUPS = 12
#: Share of the pods' time limit spent on the triads they start from (the rest: local search).
PODS_TRIADS_SHARE = 0.25


def _pods_at_scale(prep: _Prepared) -> bool:
    """Whether pods are built from triads (large, three countries, no chains or partial
    locks) rather than by the exact CP-SAT model."""
    fixed = {i for g in prep.fixed_groups for i in g}
    if len(prep.by_country) != 3 or any(i not in fixed for cl in prep.clusters for i in cl):
        return False
    n_groups = (len(prep.people) - len(fixed)) // (3 * prep.problem.per_country)
    return n_groups > PODS_EXACT_GROUPS


def _pods_scores(prep: _Prepared, free: np.ndarray) -> tuple[np.ndarray, float]:
    """Scores among the free members (one N x N matrix, N = 3 k groups), forbidden pairs and
    the diagonal at ``-big``. Memory is N**2 floats: 72 MB at 1,000 per country."""
    pos = np.full(len(prep.people), -1, dtype=np.int64)
    pos[free] = np.arange(len(free))
    country = prep.country_index[free]
    loc = prep.local[free]
    s = np.empty((len(free), len(free)))
    m = len(prep.by_country)
    for c in range(m):
        rows = np.flatnonzero(country == c)
        for d in range(m):
            cols = np.flatnonzero(country == d)
            block = prep.blocks[min(c, d), max(c, d)]
            part = (
                block[np.ix_(loc[rows], loc[cols])]
                if c <= d
                else block[np.ix_(loc[cols], loc[rows])].T
            )
            s[np.ix_(rows, cols)] = part
    top = max(float(s.max()), -float(s.min()), 0.0)
    big = (top + 1.0) * 10.0 * len(free)
    np.fill_diagonal(s, -big)
    for i, j in prep.forbidden:
        if pos[i] >= 0 and pos[j] >= 0:
            s[pos[i], pos[j]] = s[pos[j], pos[i]] = -big
    return s, big


def _pods_from_triads(s: np.ndarray, triads: np.ndarray, k: int) -> np.ndarray:
    """Merge triads (rows of member indices into ``s``) k at a time into pods, greedily by
    the scores between them; returns ``pod[member]``."""
    t = len(triads)
    # affinity[a, b] = total score between the members of triads a and b.
    aff = np.zeros((t, t))
    for x in range(3):
        for y in range(3):
            aff += s[np.ix_(triads[:, x], triads[:, y])]
    np.fill_diagonal(aff, -np.inf)
    pod = np.empty(s.shape[0], dtype=np.int64)
    free = np.ones(t, dtype=bool)
    g = 0
    # Start from the triads with the fewest good partners: they are hardest to place late.
    order = np.argsort(np.sort(aff, axis=1)[:, -k:].sum(axis=1))
    for a in order:
        if not free[a]:
            continue
        free[a] = False
        members = [a]
        score = aff[a].copy()
        while len(members) < k:
            score[~free] = -np.inf
            b = int(np.argmax(score))
            free[b] = False
            members.append(b)
            score += aff[b]
        for b in members:
            pod[triads[b]] = g
        g += 1
    return pod


def _pods_value(s: np.ndarray, pod: np.ndarray) -> float:
    same = pod[:, None] == pod[None, :]
    return float(s[same].sum() - np.trace(s)) / 2.0


def _large_pods(
    prep: _Prepared,
    time_limit: float,
    progress: Progress,
    seed: int,
    *,
    hooks: _Hooks = _NO_HOOKS,
    bound_time: float | None = None,
) -> tuple[list[list[int]], float | None, bool, float, str]:
    """Pods (k per country, three countries) at scale: triads first, merged into pods, then
    iterated local search by unit reassignment (:mod:`exchanges.matching.pods`). The bound
    (docs/matching.md) is a Lagrangian bound over fractional triads with pair prices for the
    pairs between countries (:func:`~exchanges.matching.pods.spread_bound` for k = 2,
    :func:`~exchanges.matching.pods.cross_bound` otherwise) plus ``(k - 1) / 2`` x an
    assignment bound per country for the pairs within a country."""
    start = time.perf_counter()
    k = prep.problem.per_country
    fixed = {i for g in prep.fixed_groups for i in g}
    free = np.array([i for i in range(len(prep.people)) if i not in fixed], dtype=np.int64)
    n_pods = len(free) // (k * 3)
    s, big = _pods_scores(prep, free)
    country = prep.country_index[free]
    # 1. Triads among the same people (k * n_pods per country).
    tri = _build_triads(prep)
    try:
        _check_pairwise_feasible(prep, tri)
        rng = np.random.default_rng(seed)
        sol, _value, method, lam = _large_triads(
            # Stop requests reach the triads phase (its triads are not pods: none handed out).
            tri,
            start + PODS_TRIADS_SHARE * time_limit,
            rng,
            progress,
            _Hooks(None, None, hooks.stop),
        )
        pos = np.full(len(prep.people), -1, dtype=np.int64)
        pos[free] = np.arange(len(free))
        triads = np.stack([pos[tri.members[c][sol[c]]] for c in range(3)], axis=1)
        # 2. Merge, 3. iterated local search by unit reassignment (exchanges/matching/pods.py).
        progress(0.3, "pods: merging triads")
        pod = _pods_from_triads(s, triads, k)

        def publish(p: np.ndarray) -> bool:
            # Only groupings that keep every hard rule (no penalised pair) are handed out.
            if _pods_value(s, p) > -big / 2:
                hooks.improved(_pod_groups(free, p, n_pods))
                return True
            return False

        publish(pod)
        progress(0.35, "pods: local search")
        slots, moves = pods_improve(
            s,
            slots_from_pods(country, pod, n_pods, k),
            k,
            deadline=start + time_limit,
            rng=rng,
            stopped=hooks.stopped,
            publish=lambda sl: publish(pods_from_slots(sl, len(free))),
        )
        pod = pods_from_slots(slots, len(free))
        groups = _pod_groups(free, pod, n_pods)
        value = _pods_value(s, pod)
        if value < -big / 2:
            raise InfeasibleMatching(
                [
                    "no grouping satisfying the institution/do-not-match constraints "
                    "together was found within the time limit (the constraints may conflict)"
                ]
            )
        method = f"triads({method})+merge+units({moves})"
        if hooks.stopped():
            method += " (stopped)"
        bound = None
        bound_secs = 0.0
        if not hooks.stopped() and (bound_time is None or bound_time > 0):
            b_start = time.perf_counter()
            budget = bound_time if bound_time is not None else default_bound_time(tri.n)
            progress(0.95, "bound")
            # Between-country value of the pods (the target of the bound's steps).
            within = (country[:, None] == country[None, :]) & (pod[:, None] == pod[None, :])
            np.fill_diagonal(within, False)
            cross_value = value - float(s[within].sum()) / 2
            warm = lam if lam is not None else _completion_duals(tri, sol)
            prices = {"lower": cross_value, "time_limit": budget, "warm": warm}
            scores = (tri.w[0, 1], tri.w[0, 2], tri.w[1, 2])
            if k == 2:
                cross, _iterations = pods_spread_bound(*scores, **prices, pairs=_pairs(sol))
            else:
                cross, _iterations = pods_cross_bound(*scores, k, **prices, pairs=_pairs(sol))
            bound = cross + (k - 1) / 2 * sum(
                _same_country_bound(s[np.ix_(mem, mem)])
                for mem in (np.flatnonzero(country == c) for c in range(3))
            )
            bound_secs = time.perf_counter() - b_start
    finally:
        tri.release()
    return groups, bound, False, bound_secs, method


def _same_country_bound(block: np.ndarray) -> float:
    """Upper bound on the pairs within one country: a (k - 1)-regular union of cliques
    doubles into k - 1 perfect matchings of the bipartite double cover, each worth at most
    the optimal assignment (diagonal forbidden); the caller multiplies by (k - 1) / 2."""
    if len(block) < 2:
        return 0.0
    r, c = linear_sum_assignment(block, maximize=True)
    return float(block[r, c].sum())


def _pod_groups(free: np.ndarray, pod: np.ndarray, n_pods: int) -> list[list[int]]:
    order = np.argsort(pod, kind="stable")
    bounds = np.searchsorted(pod[order], np.arange(n_pods + 1))
    return [[int(free[i]) for i in order[bounds[g] : bounds[g + 1]]] for g in range(n_pods)]


# --------------------------------------------------------------------------- entry point
def solve_groups(
    problem: GroupsProblem,
    *,
    time_limit: float | None = None,
    progress: Progress | None = None,
    seed: int = 0,
    exact_limit: int = EXACT_LIMIT,
    bound_time: float | None = None,
    incumbent: Incumbent | None = None,
    stop: Stop | None = None,
) -> GroupsResult:
    """Best grouping found within ``time_limit`` seconds (default 30), with a bound.

    Raises :class:`InfeasibleMatching` when the hard constraints conflict (or, for very
    constrained large instances, when no feasible grouping was found in time: the message
    says so). ``progress(fraction, message)`` is called now and then.

    Above ``exact_limit`` members per country (k = 1, three countries) the groups are final
    after ``time_limit``; the Lagrangian upper bound is computed afterwards for
    ``bound_time`` seconds (default :func:`default_bound_time`, 0 skips it). The result's
    ``seconds`` is the time to the final groups, ``bound_seconds`` the extra bound time.

    ``incumbent(groups, objective, bound)`` is called with each new best grouping that meets
    every hard constraint (``bound`` when one is known by then, else ``None``), so a caller
    can keep the best so far if the process dies. When ``stop()`` turns true the search ends
    early and the best grouping found is returned (without the bound computed afterwards).
    """
    if problem.leftover != "strict" and not counts_are_even(
        problem.participants, problem.countries, problem.per_country
    ):
        result = solve_with_leftovers(
            problem,
            solve=solve_groups,
            time_limit=time_limit,
            progress=progress,
            seed=seed,
            exact_limit=exact_limit,
            bound_time=bound_time,
            incumbent=incumbent,
            stop=stop,
        )
        problems = validate_groups(
            problem.participants,
            result.groups,
            problem.countries,
            problem.per_country,
            problem.locked_groups,
            leftover=problem.leftover,
        )
        if problems:  # pragma: no cover - defensive: never hand out a violating grouping
            raise InfeasibleMatching(["internal check failed: " + "; ".join(problems)])
        if problem.pair_scores is None:
            result = dataclasses.replace(
                result,
                reasons=group_reasons(problem.participants, result.groups, problem.weights),
            )
        return result
    start = time.perf_counter()
    limit = 30.0 if time_limit is None else float(time_limit)
    report = progress or _noop
    report(0.0, "checking constraints")
    prep = _prepare(problem)
    hooks = _Hooks(prep, incumbent, stop)
    report(0.05, "scores ready")
    if problem.per_country == 1:
        free_groups, bound, optimal, bound_secs, method = _solve_triads(
            prep,
            time_limit=limit - (time.perf_counter() - start),
            progress=report,
            seed=seed,
            exact_limit=exact_limit,
            bound_time=bound_time,
            hooks=hooks,
        )
    elif _pods_at_scale(prep):
        free_groups, bound, optimal, bound_secs, method = _large_pods(
            prep,
            max(1.0, limit - (time.perf_counter() - start)),
            report,
            seed,
            hooks=hooks,
            bound_time=bound_time,
        )
    else:
        free_groups, bound, optimal, bound_secs, method = _solve_pods(
            prep, max(1.0, limit - (time.perf_counter() - start)), report, seed, hooks
        )
    fixed_value = sum(prep.group_value(g) for g in prep.fixed_groups)
    free_value = sum(prep.group_value(g) for g in free_groups)
    all_groups = [*prep.fixed_groups, *free_groups]
    objective = fixed_value + free_value
    ids = [[prep.people[i].id for i in g] for g in all_groups]
    problems = validate_groups(
        prep.people, ids, problem.countries, problem.per_country, problem.locked_groups
    )
    if problems:  # pragma: no cover - defensive: never hand out a violating grouping
        raise InfeasibleMatching(["internal check failed: " + "; ".join(problems)])
    upper = None if bound is None else fixed_value + max(bound, free_value)
    reasons = (
        group_reasons(prep.people, ids, problem.weights) if problem.pair_scores is None else []
    )
    report(1.0, "done")
    return GroupsResult(
        groups=ids,
        objective=_clean(objective),
        upper_bound=None if upper is None else _clean(upper),
        optimal=optimal,
        seconds=time.perf_counter() - start - bound_secs,
        bound_seconds=bound_secs,
        method=method,
        reasons=reasons,
    )


def _clean(x: float) -> float:
    """Round away float noise (scores are sums of a few decimals)."""
    return round(x, 6)


def pair_scores_from_mapping(scores: Mapping[tuple[Id, Id], float]) -> list[tuple[Id, Id, float]]:
    """Helper: ``{(a, b): s}`` -> ``[(a, b, s), ...]``."""
    return [(a, b, s) for (a, b), s in scores.items()]


def objective_of(problem: GroupsProblem, groups: Iterable[Sequence[Id]]) -> float:
    """Objective of any grouping under ``problem``'s scores (feasible or not)."""
    prep = _prepare(problem)
    return _clean(sum(prep.group_value([prep.pos[i] for i in g]) for g in groups))
