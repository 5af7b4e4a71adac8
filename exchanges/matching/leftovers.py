"""Groups when the countries do not have the same number of participants.

Real cohorts are rarely equal: one decline leaves 10, 9 and 8. :func:`solve_with_leftovers`
forms as many full groups (``k`` members from every country) as the smallest country allows,
with the same solver and quality as an even cohort, then places the rest, the *leftovers*, by
the rule staff choose:

* ``extend`` (groups of four): each leftover joins the full group where they add the most
  compatibility, at most one extra member per group; leftovers that no group can take (more
  leftovers than groups, or every group ruled out by a hard constraint) form smaller groups
  as under ``partial``.
* ``partial`` (a country missing): the leftovers form their own groups, with at most ``k``
  members from each country and as many countries as they allow; a leftover who would be
  alone joins a full group as an extra member instead.

Every hard constraint still holds: never two from one institution, never a do-not-match
pair, must-match pairs together, locked groups kept. Which people of a larger country form
the full groups: those tied to others by must-match pairs and locks first, then in input
order (the adapter passes applications in a stable order), so a re-run gives the same split.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace

from .compat import compatibility, norm_institution
from .types import GroupsResult, Id, InfeasibleMatching, Participant

LEFTOVER_RULES = ("strict", "extend", "partial")


def counts_are_even(
    participants: Sequence[Participant], countries: Sequence[str], per_country: int
) -> bool:
    counts = [sum(1 for p in participants if p.country == c) for c in countries]
    return len(set(counts)) == 1 and counts[0] % per_country == 0


def _scorer(problem) -> Callable[[Participant, Participant], float]:
    if problem.pair_scores is not None:
        table: dict[frozenset, float] = {}
        for a, b, s in problem.pair_scores:
            key = frozenset((a, b))
            table[key] = table.get(key, 0.0) + s
        return lambda a, b: table.get(frozenset((a.id, b.id)), 0.0)
    return lambda a, b: compatibility(a, b, problem.weights).score


def _compatible(person: Participant, members: Sequence[Participant]) -> bool:
    for other in members:
        institution = norm_institution(person.institution)
        if institution and institution == norm_institution(other.institution):
            return False
        if other.id in person.do_not_match or person.id in other.do_not_match:
            return False
    return True


def _core_split(problem) -> tuple[list[Participant], list[Participant]]:
    """(core, leftovers): the core has ``m * k`` people from every country."""
    k = problem.per_country
    countries = list(problem.countries)
    by_country = {c: [p for p in problem.participants if p.country == c] for c in countries}
    m = min(len(members) for members in by_country.values()) // k
    tied: set[Id] = set()
    for p in problem.participants:
        if p.must_match:
            tied.add(p.id)
            tied.update(p.must_match)
    for group in problem.locked_groups:
        tied.update(group)
    core, leftovers = [], []
    for country in countries:
        members = by_country[country]
        ordered = [p for p in members if p.id in tied] + [p for p in members if p.id not in tied]
        core += ordered[: m * k]
        leftovers += ordered[m * k :]
    return core, leftovers


def solve_with_leftovers(
    problem,
    *,
    solve: Callable,
    time_limit: float | None,
    progress,
    seed: int,
    exact_limit: int,
    bound_time: float | None,
    incumbent=None,
    stop=None,
) -> GroupsResult:
    """Full groups by ``solve`` (the even-cohort solver), then the leftovers by
    ``problem.leftover``. The bound and optimality speak of the full groups only.

    Each ``incumbent`` of the full groups is handed on completed with the leftovers, so a
    best-so-far grouping always places everyone."""
    rule = problem.leftover
    if rule not in LEFTOVER_RULES or rule == "strict":
        raise InfeasibleMatching([f"unknown leftover rule {rule!r}"])
    k = problem.per_country
    known = {p.id for p in problem.participants}
    locked = [[pid for pid in group if pid in known] for group in problem.locked_groups]

    by_id = {p.id: p for p in problem.participants}

    # Locked groups of an uneven shape (an earlier run's group of four or smaller group) are
    # kept exactly as they are, outside the solve.
    def shaped(group):
        countries = [by_id[pid].country for pid in group]
        return all(countries.count(c) <= k for c in problem.countries)

    kept = [group for group in locked if group and not shaped(group)]
    kept_ids = {pid for group in kept for pid in group}
    rest = replace(
        problem,
        participants=[p for p in problem.participants if p.id not in kept_ids],
        locked_groups=[group for group in locked if group and shaped(group)],
    )
    core, leftovers = _core_split(rest)
    if not core and not leftovers and not kept:
        raise InfeasibleMatching(["no participants to match"])
    score = _scorer(problem)
    locked_sets = [frozenset(group) for group in locked if group]

    def complete(core_groups: list[list[Id]]) -> tuple[list[list[Id]], float]:
        return _place_leftovers(
            problem,
            groups=[list(group) for group in kept] + [list(group) for group in core_groups],
            leftovers=leftovers,
            locked_sets=locked_sets,
            score=score,
            by_id=by_id,
        )

    def completed_incumbent(core_groups, _objective, _bound) -> None:
        try:
            groups, objective = complete(core_groups)
        except InfeasibleMatching:
            return
        incumbent(groups, round(objective, 6), None)

    core_result = None
    if core:
        core_ids = {p.id for p in core}
        core_problem = replace(
            rest,
            participants=core,
            leftover="strict",
            locked_groups=[g for g in rest.locked_groups if set(g) <= core_ids],
        )
        core_result = solve(
            core_problem,
            time_limit=time_limit,
            progress=progress,
            seed=seed,
            exact_limit=exact_limit,
            bound_time=bound_time,
            incumbent=completed_incumbent if incumbent is not None else None,
            stop=stop,
        )
    groups, objective = complete(core_result.groups if core_result else [])
    core_method = core_result.method if core_result else "none"
    return GroupsResult(
        groups=groups,
        objective=round(objective, 6),
        upper_bound=None,
        optimal=False,
        seconds=core_result.seconds if core_result else 0.0,
        bound_seconds=core_result.bound_seconds if core_result else 0.0,
        method=f"{core_method} + leftovers ({rule})",
        reasons=[],
    )


def _place_leftovers(
    problem,
    *,
    groups: list[list[Id]],
    leftovers: list[Participant],
    locked_sets: list[frozenset],
    score,
    by_id: dict,
) -> tuple[list[list[Id]], float]:
    """Place ``leftovers`` around the full ``groups`` by ``problem.leftover``; returns the
    groups and the objective of all of them."""
    rule = problem.leftover
    k = problem.per_country
    full_count = len(groups)
    extras_taken: set[int] = set()

    def takes_extra(index: int, person: Participant) -> bool:
        group = groups[index]
        if index in extras_taken or frozenset(group) in locked_sets:
            return False
        members = [by_id[pid] for pid in group]
        if sum(1 for p in members if p.country == person.country) > k:
            return False
        return _compatible(person, members)

    def partner_group(person: Participant) -> int | None:
        partners = set(person.must_match) | {
            p.id for p in problem.participants if person.id in p.must_match
        }
        for index, group in enumerate(groups):
            if partners & set(group):
                return index
        return None

    placed: list[Participant] = []
    waiting: list[Participant] = []
    for person in leftovers:
        index = partner_group(person)
        if index is not None:
            # A must-match partner decides the group, whatever the rule.
            if not _compatible(person, [by_id[pid] for pid in groups[index]]):
                raise InfeasibleMatching([f"{person.id} cannot join must-match partner's group"])
            groups[index].append(person.id)
            extras_taken.add(index)
            placed.append(person)
        else:
            waiting.append(person)
    if rule == "extend":
        still = []
        for person in waiting:
            options = [i for i in range(full_count) if takes_extra(i, person)]
            if not options:
                still.append(person)
                continue
            best = max(
                options, key=lambda i: (sum(score(person, by_id[pid]) for pid in groups[i]), -i)
            )
            groups[best].append(person.id)
            extras_taken.add(best)
        waiting = still
    # Smaller groups: at most k per country, as many countries as possible, best pairs first.
    small: list[list[Participant]] = []
    pool = list(waiting)
    while pool:
        seed_person = pool.pop(0)
        group = [seed_person]
        while True:
            candidates = [
                p
                for p in pool
                if sum(1 for q in group if q.country == p.country) < k and _compatible(p, group)
            ]
            if not candidates:
                break
            # Prefer a country the group lacks, then the best added score.
            present = {q.country for q in group}
            best = max(
                candidates,
                key=lambda p: (p.country not in present, sum(score(p, q) for q in group)),
            )
            group.append(best)
            pool.remove(best)
        small.append(group)
    for group in small:
        if len(group) > 1 or (not groups and len(small) == 1):
            groups.append([p.id for p in group])
            continue
        (person,) = group
        options = [i for i in range(full_count) if takes_extra(i, person)]
        if not options:
            # Any smaller group with room for the country, else alone.
            options = [
                i
                for i in range(full_count, len(groups))
                if sum(1 for pid in groups[i] if by_id[pid].country == person.country) < k
                and _compatible(person, [by_id[pid] for pid in groups[i]])
            ]
        if options:
            best = max(options, key=lambda i: sum(score(person, by_id[pid]) for pid in groups[i]))
            groups[best].append(person.id)
            extras_taken.add(best)
        else:
            groups.append([person.id])
    objective = sum(
        score(by_id[a], by_id[b]) for group in groups for a, b in itertools.combinations(group, 2)
    )
    return groups, objective
