"""Pods (k per country) built from triads at scale: valid groupings, a valid upper bound,
and the exact CP-SAT model kept for small instances."""

import dataclasses
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchanges.matching import groups as solver
from exchanges.matching.generate import random_scores_problem, realistic_problem
from exchanges.matching.groups import GroupsProblem, solve_groups, validate_groups


def _pairings(xs):
    if not xs:
        yield []
        return
    for i in range(1, len(xs)):
        for rest in _pairings(xs[1:i] + xs[i + 1 :]):
            yield [(xs[0], xs[i]), *rest]


def _brute_force_pods(prep) -> float:
    """Best grouping of k = 2 pods over every pairing of every country."""
    per = [list(_pairings(list(map(int, members)))) for members in prep.by_country]
    best = float("-inf")
    for first in per[0]:
        for second in per[1]:
            for second_order in itertools.permutations(second):
                for third in per[2]:
                    for third_order in itertools.permutations(third):
                        value = sum(
                            prep.group_value([*a, *b, *c])
                            for a, b, c in zip(first, second_order, third_order, strict=True)
                        )
                        best = max(best, value)
    return best


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.sampled_from([2, 4]))
def test_pods_from_triads_are_valid_and_bounded_by_the_brute_force_optimum(seed, n):
    problem = random_scores_problem(n, seed=seed, max_score=9, per_country=2)
    prep = solver._prepare(problem)
    groups, bound, _optimal, _secs, method = solver._large_pods(
        prep, 2.0, solver._noop, seed, bound_time=1.0
    )
    ids = [[prep.people[i].id for i in g] for g in groups]
    assert validate_groups(problem.participants, ids, problem.countries, 2) == []
    value = sum(prep.group_value(g) for g in groups)
    optimum = _brute_force_pods(prep)
    assert value <= optimum + 1e-9
    assert bound >= optimum - 1e-6
    assert method.startswith("triads(")


def test_large_pods_keep_every_hard_constraint_and_report_a_bound():
    problem = realistic_problem(30, seed=3, per_country=2)  # 15 pods: built from triads
    people = list(problem.participants)
    by_id = {p.id: p for p in people}
    us = [p for p in people if p.country == "US"]
    jp = [p for p in people if p.country == "JP"]
    # Same institution across and within countries, and a do-not-match pair.
    for p in (us[0], us[1], jp[0]):
        by_id[p.id] = dataclasses.replace(p, institution="Seoul Institute")
    by_id[us[2].id] = dataclasses.replace(us[2], do_not_match=[jp[1].id])
    problem = GroupsProblem(
        participants=[by_id[p.id] for p in people], countries=problem.countries, per_country=2
    )
    result = solve_groups(problem, time_limit=6, bound_time=2)
    assert validate_groups(problem.participants, result.groups, problem.countries, 2) == []
    assert result.method.startswith("triads(")
    assert result.upper_bound >= result.objective
    assert len(result.groups) == 15


def test_small_pods_stay_on_the_exact_model():
    problem = random_scores_problem(6, seed=1, max_score=9, per_country=2)
    result = solve_groups(problem, time_limit=20)
    assert result.method == "cp-sat pods"


def test_large_pods_hand_out_valid_groupings_and_stop_when_asked():
    problem = realistic_problem(30, seed=4, per_country=2)
    seen = []

    def incumbent(groups, objective, bound):
        seen.append((groups, objective))

    result = solve_groups(problem, time_limit=30, incumbent=incumbent, stop=lambda: bool(seen))
    assert seen
    for groups, _objective in seen:
        assert validate_groups(problem.participants, groups, problem.countries, 2) == []
    assert result.method.endswith("(stopped)")
    assert result.seconds < 25
    assert result.objective >= seen[0][1]


def test_large_pods_never_hand_out_a_grouping_that_breaks_a_rule():
    """Many same-institution people: the merged triads may put two of them in one pod
    before the swaps separate them; such a grouping is never handed out as the best so far."""
    problem = realistic_problem(30, seed=5, per_country=2)
    people = [
        dataclasses.replace(p, institution=f"Institute {n % 12}")
        for n, p in enumerate(problem.participants)
    ]
    problem = GroupsProblem(participants=people, countries=problem.countries, per_country=2)
    seen = []
    result = solve_groups(
        problem, time_limit=8, bound_time=0, incumbent=lambda g, o, b: seen.append(g)
    )
    assert seen
    for groups in [*seen, result.groups]:
        assert validate_groups(people, groups, problem.countries, 2) == []
