"""Host placement: stability, capacities, filters (hypothesis property tests)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from exchanges.matching.hosts import host_accepts, host_rank, match_hosts
from exchanges.matching.types import Host, Participant


@st.composite
def markets(draw, filters=True):
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 5))
    hosts = []
    for h in range(m):
        prefs = draw(st.permutations(list(range(n))))
        hosts.append(
            Host(
                id=f"h{h}",
                capacity=draw(st.integers(0, 3)),
                preferences=tuple(prefs),
                has_pets=draw(st.booleans()) if filters else False,
                allergy_friendly=draw(st.booleans()) if filters else True,
                gender_rule=draw(st.sampled_from(["any", "female_only", "male_only"]))
                if filters
                else "any",
                languages=draw(st.sampled_from([{}, {"ja": 5}, {"en": 4}])) if filters else {},
            )
        )
    people = []
    for i in range(n):
        prefs = draw(st.permutations([h.id for h in hosts]))
        people.append(
            Participant(
                id=i,
                country="US",
                preferences=tuple(prefs[: draw(st.integers(0, m))]),
                gender=draw(st.sampled_from(["female", "male", None])),
                allergies=draw(
                    st.sampled_from([frozenset(), frozenset({"pets"}), frozenset({"nuts"})])
                )
                if filters
                else frozenset(),
                languages=draw(st.sampled_from([{"en": 5}, {"ja": 3}, {"en": 2, "ko": 5}])),
            )
        )
    return people, hosts


def _participant_rank(p, hosts):
    order = list(dict.fromkeys([*p.preferences, *(h.id for h in hosts)]))
    return {hid: r for r, hid in enumerate(order)}


@settings(max_examples=200, deadline=None)
@given(markets())
def test_hosts_stable_capacity_and_filters(market):
    people, hosts = market
    result = match_hosts(people, hosts)
    by_host = {h.id: h for h in hosts}
    load = {h.id: 0 for h in hosts}
    for pid, hid in result.assignments.items():
        load[hid] += 1
        assert host_accepts(by_host[hid], people[pid])
    assert all(load[h.id] <= h.capacity for h in hosts)
    assert sorted([*result.assignments, *result.unassigned]) == [p.id for p in people]
    for p in people:
        prank = _participant_rank(p, hosts)
        mine = result.assignments.get(p.id)
        for h in hosts:
            if not host_accepts(h, p) or h.id == mine:
                continue
            if mine is not None and prank[h.id] > prank[mine]:
                continue  # p prefers its own host
            hrank = host_rank(h, people)
            held = [q for q, hid in result.assignments.items() if hid == h.id]
            worse = [q for q in held if hrank[q] > hrank[p.id]]
            assert len(held) == h.capacity and not worse, (p.id, h.id)


@settings(max_examples=100, deadline=None)
@given(markets(filters=False))
def test_hosts_everyone_placed_when_capacity_allows(market):
    people, hosts = market
    if sum(h.capacity for h in hosts) < len(people):
        return
    result = match_hosts(people, hosts)
    assert result.unassigned == []


def test_hosts_filters_exclude_pets_gender_language():
    host = Host(id="h", capacity=1, has_pets=True, gender_rule="female_only", languages={"ja": 5})
    assert host_accepts(host, Participant(id=1, country="US", gender="female", languages={"ja": 3}))
    assert not host_accepts(
        host, Participant(id=2, country="US", gender="male", languages={"ja": 3})
    )
    assert not host_accepts(
        host, Participant(id=3, country="US", gender="female", languages={"ja": 2})
    )
    assert not host_accepts(
        host,
        Participant(
            id=4, country="US", gender="female", languages={"ja": 4}, allergies=frozenset({"pets"})
        ),
    )


def test_hosts_participant_proposing_outcome():
    hosts = [
        Host(id="A", capacity=1, preferences=(2, 1)),
        Host(id="B", capacity=1, preferences=(1, 2)),
    ]
    people = [
        Participant(id=1, country="US", preferences=("A", "B")),
        Participant(id=2, country="US", preferences=("B", "A")),
    ]
    assert match_hosts(people, hosts).as_dict() == {
        "assignments": {1: "A", 2: "B"},
        "unassigned": [],
    }
