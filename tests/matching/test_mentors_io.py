"""Mentor assignment, JSON I/O and the CLI helpers."""

import json

import pytest

from exchanges.matching.cli import solve_file
from exchanges.matching.io import solve_dict
from exchanges.matching.mentors import match_mentors
from exchanges.matching.types import InfeasibleMatching, Mentor, Participant


def test_mentors_cross_country_capacity_and_best_total():
    people = [
        Participant(id="US-1", country="US", interests=frozenset({"film"})),
        Participant(id="JP-1", country="JP", interests=frozenset({"film"})),
        Participant(id="KR-1", country="KR", interests=frozenset({"trade"})),
    ]
    mentors = [
        Mentor(id="m-jp", country="JP", capacity=1, interests=frozenset({"film"})),
        Mentor(id="m-us", country="US", capacity=2, interests=frozenset({"trade"})),
    ]
    result = match_mentors(people, mentors)
    assert result.assignments == {"US-1": "m-jp", "JP-1": "m-us", "KR-1": "m-us"}
    assert result.unassigned == []


def test_mentors_same_country_excluded_leaves_unassigned():
    people = [Participant(id=1, country="JP")]
    result = match_mentors(people, [Mentor(id="m", country="JP", capacity=3)])
    assert result.assignments == {}
    assert result.unassigned == [1]


def _groups_doc():
    people = [{"id": i, "country": c} for i, c in enumerate(["US", "US", "JP", "JP", "KR", "KR"])]
    return {
        "kind": "groups",
        "per_country": 1,
        "countries": ["US", "JP", "KR"],
        "participants": people,
        "pair_scores": [[0, 2, 10], [2, 4, 7], [0, 5, 3]],
        "time_limit": 5,
    }


def test_io_groups_output_format_keeps_int_ids(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(_groups_doc()))
    out = tmp_path / "out.json"
    result = solve_file(path, out)
    assert sorted(map(sorted, result["groups"])) == [[0, 2, 4], [1, 3, 5]]
    assert result["objective"] == 17.0
    assert result["upper_bound"] == 17.0
    assert result["optimal"] is True
    assert json.loads(out.read_text())["groups"] == result["groups"]


def test_io_hosts_document():
    doc = {
        "kind": "hosts",
        "participants": [
            {"id": "p1", "country": "US", "preferences": ["h1"]},
            {"id": "p2", "country": "US", "preferences": ["h1"]},
        ],
        "hosts": [{"id": "h1", "capacity": 1, "preferences": ["p2", "p1"]}],
    }
    assert solve_dict(doc) == {"assignments": {"p2": "h1"}, "unassigned": ["p1"]}


def test_io_infeasible_raises_typed_error():
    doc = _groups_doc()
    doc["participants"][0]["must_match"] = [1]
    with pytest.raises(InfeasibleMatching) as exc:
        solve_dict(doc)
    assert exc.value.reasons == ["must_match chain puts 2 US members in one group with k=1: 0, 1"]
