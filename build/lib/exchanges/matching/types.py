"""Typed inputs and outputs of the matching solvers.

Everything here is plain data (frozen dataclasses) so the solvers stay independent of Django:
an adapter in the services layer turns model rows into these objects and back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Participant, host and mentor ids are kept exactly as given (ints or strings).
Id = int | str

GENDER_RULES = ("any", "female_only", "male_only")


class InfeasibleMatching(Exception):
    """No assignment satisfies every hard constraint.

    ``reasons`` lists each conflict found, in plain English and naming the ids involved, so
    staff can fix the input. The solvers raise this instead of returning a partial result.
    """

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons: list[str] = list(reasons)
        super().__init__("; ".join(self.reasons) or "infeasible matching")


@dataclass(frozen=True, slots=True)
class Participant:
    """A selected participant.

    ``languages`` maps a language name to a self-assessed level 1-5 (3 = usable in
    conversation). ``do_not_match`` and ``must_match`` hold other participants' ids; either
    side may list the pair. ``preferences`` (ordered host ids) and ``allergies`` only matter
    for host placement.
    """

    id: Id
    country: str
    sector: str = ""
    interests: frozenset[str] = frozenset()
    languages: Mapping[str, int] = field(default_factory=dict)
    age: int | None = None
    gender: str | None = None
    institution: str | None = None
    do_not_match: tuple[Id, ...] = ()
    must_match: tuple[Id, ...] = ()
    preferences: tuple[Id, ...] = ()
    allergies: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Host:
    """A host family or institution with ``capacity`` places.

    ``preferences`` is the host's ranking of participant ids (unlisted participants are
    acceptable but ranked after every listed one, in input order). Hard filters:
    ``has_pets`` excludes participants allergic to pets, ``allergy_friendly`` is required for
    participants with any allergy, ``gender_rule`` is one of :data:`GENDER_RULES` and
    ``languages`` (if non-empty) must share a language with the participant at level >= 3.
    """

    id: Id
    capacity: int
    preferences: tuple[Id, ...] = ()
    has_pets: bool = False
    allergy_friendly: bool = True
    gender_rule: str = "any"
    languages: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Mentor:
    """An alumni mentor who can take up to ``capacity`` participants."""

    id: Id
    country: str
    capacity: int = 1
    interests: frozenset[str] = frozenset()
    languages: Mapping[str, int] = field(default_factory=dict)
    sector: str = ""
    age: int | None = None
    gender: str | None = None


@dataclass(frozen=True, slots=True)
class GroupsResult:
    """Outcome of :func:`exchanges.matching.groups.solve_groups`.

    ``objective`` is the total pairwise score inside the groups; ``upper_bound`` is a proven
    upper bound on the best possible objective (``None`` if none was computed); ``optimal``
    is true only when optimality was proven. ``reasons`` maps the group index to the
    human-readable reasons the group scores well (built-in compatibility only).
    """

    groups: list[list[Id]]
    objective: float
    upper_bound: float | None
    optimal: bool
    seconds: float
    bound_seconds: float = 0.0
    method: str = ""
    reasons: list[list[str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the documented output format."""
        return {
            "groups": self.groups,
            "objective": self.objective,
            "upper_bound": self.upper_bound,
            "optimal": self.optimal,
            "seconds": round(self.seconds, 3),
            "bound_seconds": round(self.bound_seconds, 3),
            "method": self.method,
            "reasons": self.reasons,
        }


@dataclass(frozen=True, slots=True)
class HostsResult:
    """Host placement: participant id -> host id, plus participants left unplaced."""

    assignments: dict[Id, Id]
    unassigned: list[Id]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the documented output format."""
        return {"assignments": self.assignments, "unassigned": self.unassigned}


@dataclass(frozen=True, slots=True)
class MentorsResult:
    """Mentor assignment: participant id -> mentor id, with the total compatibility."""

    assignments: dict[Id, Id]
    unassigned: list[Id]
    objective: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the documented output format."""
        return {
            "assignments": self.assignments,
            "unassigned": self.unassigned,
            "objective": self.objective,
        }
