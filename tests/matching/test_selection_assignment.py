"""Reviewer assignment by min-cost flow against a brute-force oracle on small instances."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from exchanges.matching.assignment import AssignmentProblem, assign_reviewers


def _oracle(problem: AssignmentProblem) -> tuple[int, int, int]:
    """(most assignments, least largest load, least square sum) over every assignment that
    gives each application distinct eligible reviewers within the capacities."""
    choices = []
    for a, need in enumerate(problem.needed):
        eligible = [r for r in problem.pools[problem.pool_of[a]] if r not in problem.excluded[a]]
        choices.append(
            [
                c
                for k in range(min(need, len(eligible)) + 1)
                for c in itertools.combinations(eligible, k)
            ]
        )
    best = None
    for combo in itertools.product(*choices):
        added = [0] * len(problem.load)
        for chosen in combo:
            for r in chosen:
                added[r] += 1
        if any(cap is not None and added[r] > cap for r, cap in enumerate(problem.capacity)):
            continue
        loads = [x + y for x, y in zip(problem.load, added, strict=True)]
        key = (-sum(added), max(loads, default=0), sum(x * x for x in loads))
        best = key if best is None or key < best else best
    return -best[0], best[1], best[2]


@st.composite
def problems(draw):
    n_reviewers = draw(st.integers(1, 4))
    n_apps = draw(st.integers(1, 4))
    reviewers = list(range(n_reviewers))
    pools = [
        reviewers,
        *draw(st.lists(st.lists(st.sampled_from(reviewers), unique=True), max_size=1)),
    ]
    return AssignmentProblem(
        needed=draw(st.lists(st.integers(0, 2), min_size=n_apps, max_size=n_apps)),
        pool_of=draw(st.lists(st.integers(0, len(pools) - 1), min_size=n_apps, max_size=n_apps)),
        pools=pools,
        excluded=[
            draw(st.sets(st.sampled_from(reviewers), max_size=n_reviewers)) for _ in range(n_apps)
        ],
        load=draw(st.lists(st.integers(0, 2), min_size=n_reviewers, max_size=n_reviewers)),
        capacity=draw(
            st.lists(st.none() | st.integers(0, 3), min_size=n_reviewers, max_size=n_reviewers)
        ),
    )


def _check(problem: AssignmentProblem, candidate_limit: int) -> None:
    solution = assign_reviewers(problem, candidate_limit=candidate_limit)
    most, least_max, least_squares = _oracle(problem)
    added = [0] * len(problem.load)
    for a, chosen in enumerate(solution.chosen):
        assert len(chosen) == len(set(chosen))  # distinct reviewers
        assert len(chosen) <= problem.needed[a]
        for r in chosen:
            assert r in problem.pools[problem.pool_of[a]]
            assert r not in problem.excluded[a]
            added[r] += 1
    for r, cap in enumerate(problem.capacity):
        assert cap is None or added[r] <= cap
    loads = [x + y for x, y in zip(problem.load, added, strict=True)]
    assert solution.loads == loads
    assert sum(added) == most
    assert max(loads) == least_max
    assert sum(x * x for x in loads) == least_squares


@settings(max_examples=300, deadline=None)
@given(problems())
def test_assignment_matches_brute_force_oracle(problem):
    _check(problem, candidate_limit=100)


@settings(max_examples=300, deadline=None)
@given(problems(), st.integers(1, 3))
def test_windowed_assignment_is_kept_only_when_optimal(problem, limit):
    _check(problem, candidate_limit=limit)


def test_feasible_instance_gives_every_application_all_its_reviewers():
    problem = AssignmentProblem(
        needed=[2, 2, 2],
        pool_of=[0, 0, 0],
        pools=[[0, 1, 2]],
        excluded=[{0}, set(), set()],
        load=[0, 0, 0],
        capacity=[None, None, None],
    )

    solution = assign_reviewers(problem)

    assert solution.chosen == [[1, 2], [0, 1], [0, 2]]
    assert solution.loads == [2, 2, 2]


def test_large_windowed_instance_is_certified_without_the_full_graph():
    n_apps, n_reviewers = 2000, 60
    problem = AssignmentProblem(
        needed=[3] * n_apps,
        pool_of=[0] * n_apps,
        pools=[list(range(n_reviewers))],
        excluded=[{(a * 7) % n_reviewers} for a in range(n_apps)],
        load=[0] * n_reviewers,
        capacity=[None] * n_reviewers,
    )

    solution = assign_reviewers(problem)

    assert solution.full_graph is False
    assert [len(c) for c in solution.chosen] == [3] * n_apps
    assert solution.loads == [100] * n_reviewers
