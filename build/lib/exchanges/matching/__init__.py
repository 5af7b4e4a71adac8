"""Pure-Python matching solvers (no Django imports): groups, hosts and mentors.

Public API: :func:`solve_groups`, :func:`validate_groups`, :func:`match_hosts`,
:func:`match_mentors`, :func:`compatibility`, the dataclasses in :mod:`.types` and the
:class:`InfeasibleMatching` exception. See ``docs/matching.md``.
"""

from .compat import DEFAULT_WEIGHTS, Compatibility, CompatibilityWeights, compatibility
from .groups import GroupsProblem, solve_groups, validate_groups
from .hosts import host_accepts, match_hosts
from .mentors import match_mentors
from .types import (
    GroupsResult,
    Host,
    HostsResult,
    InfeasibleMatching,
    Mentor,
    MentorsResult,
    Participant,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "Compatibility",
    "CompatibilityWeights",
    "GroupsProblem",
    "GroupsResult",
    "Host",
    "HostsResult",
    "InfeasibleMatching",
    "Mentor",
    "MentorsResult",
    "Participant",
    "compatibility",
    "host_accepts",
    "match_hosts",
    "match_mentors",
    "solve_groups",
    "validate_groups",
]
