"""JSON in/out for the solvers (the format is documented in ``docs/matching.md``).

Ids are kept exactly as given (ints or strings). JSON object keys are always strings, so in
the ``assignments`` objects of the hosts/mentors output an int id appears as its decimal
string; everywhere else ids keep their type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .compat import DEFAULT_WEIGHTS, CompatibilityWeights
from .groups import GroupsProblem, solve_groups
from .hosts import match_hosts
from .mentors import match_mentors
from .types import Host, InfeasibleMatching, Mentor, Participant


def _langs(value: Any) -> dict[str, int]:
    if isinstance(value, Mapping):
        return {str(k): int(v) for k, v in value.items()}
    # A bare list of languages means "fluent" (level 5).
    return {str(k): 5 for k in value or ()}


def participant_from_dict(d: Mapping[str, Any]) -> Participant:
    """Build a :class:`Participant` from its JSON object."""
    return Participant(
        id=d["id"],
        country=str(d.get("country", "")),
        sector=str(d.get("sector") or ""),
        interests=frozenset(d.get("interests") or ()),
        languages=_langs(d.get("languages")),
        age=None if d.get("age") is None else int(d["age"]),
        gender=d.get("gender"),
        institution=d.get("institution"),
        do_not_match=tuple(d.get("do_not_match") or ()),
        must_match=tuple(d.get("must_match") or ()),
        preferences=tuple(d.get("preferences") or ()),
        allergies=frozenset(d.get("allergies") or ()),
    )


def host_from_dict(d: Mapping[str, Any]) -> Host:
    """Build a :class:`Host` from its JSON object."""
    return Host(
        id=d["id"],
        capacity=int(d.get("capacity", 1)),
        preferences=tuple(d.get("preferences") or ()),
        has_pets=bool(d.get("has_pets", False)),
        allergy_friendly=bool(d.get("allergy_friendly", True)),
        gender_rule=str(d.get("gender_rule", "any")),
        languages=_langs(d.get("languages")),
    )


def mentor_from_dict(d: Mapping[str, Any]) -> Mentor:
    """Build a :class:`Mentor` from its JSON object."""
    return Mentor(
        id=d["id"],
        country=str(d.get("country", "")),
        capacity=int(d.get("capacity", 1)),
        interests=frozenset(d.get("interests") or ()),
        languages=_langs(d.get("languages")),
        sector=str(d.get("sector") or ""),
        age=None if d.get("age") is None else int(d["age"]),
        gender=d.get("gender"),
    )


def weights_from_dict(d: Mapping[str, Any] | None) -> CompatibilityWeights:
    """Override default weights with the keys present in ``d``."""
    if not d:
        return DEFAULT_WEIGHTS
    fields = CompatibilityWeights.__dataclass_fields__
    unknown = set(d) - set(fields)
    if unknown:
        raise InfeasibleMatching([f"unknown weight(s): {sorted(unknown)}"])
    return CompatibilityWeights(**{k: v for k, v in d.items() if k in fields})


def groups_problem_from_dict(data: Mapping[str, Any]) -> GroupsProblem:
    """Build a :class:`GroupsProblem` from a ``{"kind": "groups", ...}`` document."""
    scores = data.get("pair_scores")
    return GroupsProblem(
        participants=[participant_from_dict(p) for p in data.get("participants", [])],
        countries=list(data.get("countries") or ("US", "JP", "KR")),
        per_country=int(data.get("per_country", 1)),
        pair_scores=None if scores is None else [(a, b, float(s)) for a, b, s in scores],
        locked_groups=[list(g) for g in data.get("locked_groups") or ()],
        weights=weights_from_dict(data.get("weights")),
        leftover=str(data.get("leftover", "strict")),
    )


def solve_dict(
    data: Mapping[str, Any],
    time_limit: float | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Solve one JSON document; returns the JSON-ready output.

    ``time_limit`` overrides the document's ``time_limit`` (default 30 s). Raises
    :class:`InfeasibleMatching` (with reasons) instead of returning a partial result.
    """
    kind = data.get("kind", "groups")
    participants = [participant_from_dict(p) for p in data.get("participants", [])]
    if kind == "groups":
        limit = time_limit if time_limit is not None else data.get("time_limit", 30)
        result = solve_groups(
            groups_problem_from_dict(data), time_limit=float(limit), progress=progress
        )
        return result.as_dict()
    if kind == "hosts":
        hosts = [host_from_dict(h) for h in data.get("hosts", [])]
        return match_hosts(participants, hosts).as_dict()
    if kind == "mentors":
        mentors = [mentor_from_dict(m) for m in data.get("mentors", [])]
        return match_mentors(
            participants,
            mentors,
            weights=weights_from_dict(data.get("weights")),
            allow_same_country=bool(data.get("allow_same_country", False)),
        ).as_dict()
    raise InfeasibleMatching([f"unknown kind {kind!r} (expected groups, hosts or mentors)"])
