"""Uneven cohorts: full groups as good as an even cohort's, the rest placed by the rule,
every hard constraint kept."""

import random

import pytest

from exchanges.matching.groups import GroupsProblem, objective_of, solve_groups, validate_groups
from exchanges.matching.types import InfeasibleMatching, Participant

COUNTRIES = ["US", "JP", "KR"]


def _people(counts, seed=7):
    rng = random.Random(seed)
    people, n = [], 0
    for country, count in zip(COUNTRIES, counts, strict=True):
        for _ in range(count):
            n += 1
            people.append(
                Participant(
                    id=n,
                    country=country,
                    sector=rng.choice(["academia", "media", "business"]),
                    interests=frozenset(rng.sample(["trade", "climate", "arts", "tech"], 2)),
                    languages={"en": rng.randint(2, 5)},
                    age=rng.randint(22, 40),
                    institution=f"Institution {rng.randint(1, 12)}",
                )
            )
    return people


@pytest.mark.parametrize("rule", ["extend", "partial"])
@pytest.mark.parametrize("counts", [(10, 9, 8), (1, 0, 1), (3, 2, 3), (5, 5, 6), (10, 1, 1)])
def test_uneven_counts_every_hard_constraint_holds_and_everyone_is_placed(counts, rule):
    people = _people(counts)

    result = solve_groups(
        GroupsProblem(participants=people, countries=COUNTRIES, leftover=rule), time_limit=5
    )

    assert validate_groups(people, result.groups, COUNTRIES, 1, leftover=rule) == []
    assert sorted(pid for group in result.groups for pid in group) == [p.id for p in people]
    full = [
        g
        for g in result.groups
        if sorted(p.country for p in people if p.id in g) == sorted(COUNTRIES)
    ]
    assert len(full) >= min(counts) - sum(1 for g in result.groups if len(g) == 4)


def test_uneven_full_groups_are_optimal_for_their_members():
    people = _people((10, 9, 8))
    result = solve_groups(
        GroupsProblem(participants=people, countries=COUNTRIES, leftover="partial"), time_limit=10
    )
    by_id = {p.id: p for p in people}
    full = [
        g for g in result.groups if len(g) == 3 and {by_id[i].country for i in g} == set(COUNTRIES)
    ]
    core = [by_id[i] for g in full for i in g]

    alone = solve_groups(GroupsProblem(participants=core, countries=COUNTRIES), time_limit=10)

    core_problem = GroupsProblem(participants=core, countries=COUNTRIES)
    assert objective_of(core_problem, full) == pytest.approx(alone.objective, rel=1e-6)
    assert alone.optimal is True


def test_uneven_strict_rule_still_refuses():
    with pytest.raises(InfeasibleMatching):
        solve_groups(GroupsProblem(participants=_people((2, 1, 1)), countries=COUNTRIES))


def test_uneven_must_match_leftover_joins_the_partner():
    people = _people((2, 1, 1))
    partner = people[0]
    leftover = Participant(id=99, country="US", must_match=(partner.id,), institution="Elsewhere")

    result = solve_groups(
        GroupsProblem(participants=[*people, leftover], countries=COUNTRIES, leftover="partial"),
        time_limit=5,
    )

    [home] = [g for g in result.groups if 99 in g]
    assert partner.id in home


def test_uneven_do_not_match_is_kept_for_extras():
    people = [
        Participant(id=n, country=c, institution=f"I{n}") for n, c in enumerate(COUNTRIES, start=1)
    ]
    extra = Participant(id=50, country="US", do_not_match=tuple(p.id for p in people))

    result = solve_groups(
        GroupsProblem(participants=[*people, extra], countries=COUNTRIES, leftover="extend"),
        time_limit=5,
    )

    assert sorted(map(sorted, result.groups)) == [[1, 2, 3], [50]]


def test_empty_cohort_is_refused():
    with pytest.raises(InfeasibleMatching):
        solve_groups(GroupsProblem(participants=[], countries=COUNTRIES, leftover="extend"))
