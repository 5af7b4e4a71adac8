"""Host placement: participant-proposing deferred acceptance with capacities.

Hard filters are applied before preferences: a participant may only be placed with a host
that passes :func:`host_accepts`. Participants propose down their own ``preferences``
(then any hosts they did not list, in input order, so nobody is left out merely for a short
list); each
host keeps its ``capacity`` best proposers by its ``preferences`` ranking (unlisted
participants rank after listed ones, in input order). The result is stable: no participant
and host that pass the filters both prefer each other to their outcome.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from .types import Host, HostsResult, Id, InfeasibleMatching, Participant

PET_ALLERGIES = frozenset({"pets", "cats", "dogs", "animals", "pet dander"})
USABLE_LEVEL = 3


def host_accepts(host: Host, person: Participant) -> bool:
    """Whether ``person`` may be placed with ``host`` (allergies, pets, gender, language)."""
    allergies = {a.casefold() for a in person.allergies}
    if allergies and not host.allergy_friendly:
        return False
    if host.has_pets and allergies & PET_ALLERGIES:
        return False
    gender = (person.gender or "").casefold()
    if host.gender_rule == "female_only" and gender != "female":
        return False
    if host.gender_rule == "male_only" and gender != "male":
        return False
    if host.languages:
        host_langs = {lang for lang, lvl in host.languages.items() if lvl >= USABLE_LEVEL}
        mine = {lang for lang, lvl in person.languages.items() if lvl >= USABLE_LEVEL}
        if not host_langs & mine:
            return False
    return True


def host_rank(host: Host, participants: Sequence[Participant]) -> dict[Id, int]:
    """Host's rank of every participant (lower is better)."""
    rank = {pid: r for r, pid in enumerate(host.preferences)}
    base = len(rank)
    for i, p in enumerate(participants):
        rank.setdefault(p.id, base + i)
    return rank


def match_hosts(participants: Sequence[Participant], hosts: Sequence[Host]) -> HostsResult:
    """Stable, capacity-respecting placement (participant-optimal among stable matchings).

    Raises :class:`InfeasibleMatching` on malformed input (duplicate ids, negative capacity,
    unknown gender rule). Participants nobody can take end up in ``unassigned``.
    """
    reasons = []
    by_host = {h.id: h for h in hosts}
    if len(by_host) != len(hosts):
        reasons.append("duplicate host id")
    if len({p.id for p in participants}) != len(participants):
        reasons.append("duplicate participant id")
    for h in hosts:
        if h.capacity < 0:
            reasons.append(f"host {h.id} has negative capacity {h.capacity}")
        if h.gender_rule not in ("any", "female_only", "male_only"):
            reasons.append(f"host {h.id} has unknown gender rule {h.gender_rule!r}")
    if reasons:
        raise InfeasibleMatching(reasons)
    ranks = {h.id: host_rank(h, participants) for h in hosts}
    by_pid = {p.id: p for p in participants}
    # Each participant's acceptable list, in their order, filtered by the hard rules.
    lists = {}
    for p in participants:
        order = list(dict.fromkeys([*p.preferences, *by_host]))
        lists[p.id] = [hid for hid in order if hid in by_host and host_accepts(by_host[hid], p)]
    nxt = dict.fromkeys(by_pid, 0)
    held: dict[Id, list[tuple[int, Id]]] = {h.id: [] for h in hosts}  # max-heap via -rank
    free = [p.id for p in reversed(participants)]
    while free:
        pid = free.pop()
        options = lists[pid]
        if nxt[pid] >= len(options):
            continue  # exhausted: stays unassigned
        hid = options[nxt[pid]]
        nxt[pid] += 1
        heap = held[hid]
        heapq.heappush(heap, (-ranks[hid][pid], pid))
        if len(heap) > by_host[hid].capacity:
            _, rejected = heapq.heappop(heap)  # the worst-ranked proposer
            free.append(rejected)
    assignments = {pid: hid for hid, heap in held.items() for _, pid in heap}
    ordered = {p.id: assignments[p.id] for p in participants if p.id in assignments}
    unassigned = [p.id for p in participants if p.id not in assignments]
    return HostsResult(assignments=ordered, unassigned=unassigned)
