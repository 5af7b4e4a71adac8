"""Hard constraints of the groups solver, and infeasibility explanations."""

import itertools

import numpy as np
import pytest

from exchanges.matching import groups as solver
from exchanges.matching.groups import GroupsProblem, solve_groups, validate_groups
from exchanges.matching.types import InfeasibleMatching, Participant

COUNTRIES = ["US", "JP", "KR"]


def _people(n, **overrides):
    """n bare participants per country, ids like 'US-1'; overrides: id -> field dict."""
    out = []
    for c in COUNTRIES:
        for i in range(1, n + 1):
            pid = f"{c}-{i}"
            out.append(Participant(id=pid, country=c, **overrides.get(pid, {})))
    return out


def _solve(people, scores, per_country=1, locked=(), countries=COUNTRIES):
    problem = GroupsProblem(
        participants=people,
        countries=countries,
        per_country=per_country,
        pair_scores=scores,
        locked_groups=locked,
    )
    result = solve_groups(problem, time_limit=10)
    assert validate_groups(people, result.groups, countries, per_country, locked) == []
    return result


def _as_sets(groups):
    return {frozenset(g) for g in groups}


# Scores that make (X-1, Y-1, ...) the unconstrained best triad, by a wide margin.
FAVOURITE = [("US-1", "JP-1", 100), ("US-1", "KR-1", 100), ("JP-1", "KR-1", 100)]


def test_groups_unconstrained_favourite_is_formed():
    result = _solve(_people(3), FAVOURITE)
    assert frozenset({"US-1", "JP-1", "KR-1"}) in _as_sets(result.groups)
    assert result.optimal is True


def test_groups_never_two_from_same_institution():
    people = _people(
        3,
        **{
            "US-1": {"institution": "Kyoto University"},
            "JP-1": {"institution": " kyoto  university"},
        },
    )
    result = _solve(people, FAVOURITE)
    assert not any({"US-1", "JP-1"} <= set(g) for g in result.groups)
    assert result.objective == 100.0


def test_groups_never_a_do_not_match_pair():
    people = _people(3, **{"KR-1": {"do_not_match": ("US-1",)}})
    result = _solve(people, FAVOURITE)
    assert not any({"US-1", "KR-1"} <= set(g) for g in result.groups)


def test_groups_must_match_pair_always_together():
    people = _people(3, **{"US-1": {"must_match": ("JP-2",)}})
    result = _solve(people, FAVOURITE)
    assert any({"US-1", "JP-2"} <= set(g) for g in result.groups)


def test_groups_locked_group_kept_as_is():
    locked = [["US-1", "JP-2", "KR-3"]]
    result = _solve(_people(3), FAVOURITE, locked=locked)
    assert frozenset(locked[0]) in _as_sets(result.groups)


def test_groups_partial_lock_kept_together():
    result = _solve(_people(3), FAVOURITE, locked=[["JP-1", "KR-2"]])
    assert any({"JP-1", "KR-2"} <= set(g) for g in result.groups)


def test_groups_pods_respect_constraints():
    people = _people(
        4,
        **{
            "US-1": {"institution": "Seoul Nat", "must_match": ("JP-4",)},
            "US-2": {"institution": "Seoul Nat"},
        },
    )
    scores = [(a.id, b.id, 50) for a, b in itertools.combinations(people[:2], 2)]
    scores += [("US-1", "KR-1", 30), ("US-2", "KR-1", 40)]
    result = _solve(people, scores, per_country=2)
    assert len(result.groups) == 2
    assert result.upper_bound >= result.objective


def test_groups_four_countries_k1():
    countries = ["US", "JP", "KR", "CN"]
    people = [Participant(id=f"{c}-{i}", country=c) for c in countries for i in range(4)]
    scores = [
        (a.id, b.id, (hash((a.id, b.id)) % 17))
        for a, b in itertools.combinations(people, 2)
        if a.country != b.country
    ]
    result = _solve(people, scores, countries=countries)
    assert len(result.groups) == 4
    assert result.upper_bound >= result.objective


def test_infeasible_unequal_counts_names_countries():
    people = _people(3)[:-1]
    with pytest.raises(InfeasibleMatching) as exc:
        _solve(people, None)
    assert exc.value.reasons == [
        "countries have unequal numbers of participants: US 3, JP 3, KR 2 "
        "(need the same number in each, a multiple of k=1)"
    ]


def test_infeasible_must_match_same_institution_names_pair():
    people = _people(
        2,
        **{
            "US-1": {"institution": "Kyoto University", "must_match": ("JP-2",)},
            "JP-2": {"institution": "Kyoto University"},
        },
    )
    with pytest.raises(InfeasibleMatching) as exc:
        _solve(people, None)
    assert exc.value.reasons == [
        "must_match pair US-1–JP-2 are from the same institution 'Kyoto University'"
    ]


def test_infeasible_must_match_chain_two_from_one_country():
    people = _people(2, **{"US-1": {"must_match": ("JP-1", "JP-2")}})
    with pytest.raises(InfeasibleMatching) as exc:
        _solve(people, None)
    assert exc.value.reasons == [
        "must_match chain puts 2 JP members in one group with k=1: JP-1, JP-2"
    ]


def test_infeasible_no_candidate_names_participant():
    people = _people(
        2,
        **{
            "US-2": {"do_not_match": ("JP-1",), "institution": "MIT"},
            "JP-2": {"institution": "MIT"},
        },
    )
    with pytest.raises(InfeasibleMatching) as exc:
        _solve(people, None)
    assert exc.value.reasons == [
        "no feasible group for US-2: every JP candidate is excluded by do-not-match, "
        "institution or must-match"
    ]


def test_infeasible_unknown_reference():
    people = _people(1, **{"US-1": {"do_not_match": ("XX-9",)}})
    with pytest.raises(InfeasibleMatching) as exc:
        _solve(people, None)
    assert exc.value.reasons == ["do_not_match of US-1 names unknown participant 'XX-9'"]


def test_validate_groups_reports_each_violation():
    people = _people(
        2, **{"US-1": {"institution": "A", "must_match": ("KR-2",)}, "JP-1": {"institution": "A"}}
    )
    problems = validate_groups(people, [["US-1", "JP-1", "KR-1"], ["US-2", "JP-2"]], COUNTRIES)
    assert problems == [
        "group 0: US-1 and JP-1 share institution 'A'",
        "group 1 has 0 members from KR, not 1",
        "participants not in any group: ['KR-2']",
    ]


def test_penalties_of_forbidden_pairs_are_undone_in_the_shared_score_blocks():
    """Without locked groups the solver shares the score blocks (no 200 MB copies at 5,000 per
    country); the penalties it puts on forbidden pairs are removed again afterwards."""
    people = _people(
        5, **{"US-1": {"do_not_match": ["JP-1", "KR-2"]}, "JP-3": {"institution": "X"}}
    )
    people[-1] = Participant(id="KR-5", country="KR", institution="x ")
    problem = GroupsProblem(participants=people, countries=COUNTRIES, per_country=1)
    prep = solver._prepare(problem)
    before = {key: block.copy() for key, block in prep.blocks.items()}
    tri = solver._build_triads(prep)
    assert tri.w[0, 1] is prep.blocks[0, 1]
    assert (tri.w[0, 1] < -tri.big / 2).sum() == 1
    solver._solve_triads(
        prep, time_limit=5, progress=solver._noop, seed=0, exact_limit=40, bound_time=0
    )
    tri.release()
    assert all(np.array_equal(prep.blocks[key], before[key]) for key in before)
