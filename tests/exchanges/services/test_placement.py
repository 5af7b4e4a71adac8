"""Host placement and mentor services: stability, capacities, hard filters, reasons,
parameters kept, publishing once and notifications after commit."""

import datetime as dt
import random

import pytest
from django.core import mail
from django.utils import timezone

from exchanges.enums import (
    ApplicationStatus,
    HostGenderRule,
    PlacementKind,
    PlacementRunStatus,
    UnplacedReason,
)
from exchanges.exceptions import ExchangeError, PlacementAlreadyPublished
from exchanges.matching import host_accepts
from exchanges.matching.hosts import host_rank
from exchanges.models import ActivityLog, MatchingProfile, PlacementAssignment
from exchanges.services.matching import matching_profile_save
from exchanges.services.placement import (
    alumni_mentors,
    host_placement_inputs,
    host_placement_run,
    host_save,
    mentor_pairing_run,
    placement_run_publish,
)
from tests.factories.applications import CohortFactory
from tests.factories.matching import MatchingParticipantFactory, triad_cohort
from tests.factories.placement import AlumnusFactory, HostFactory, offer_to_mentor


@pytest.fixture
def cohort(db):
    return CohortFactory()


def _stored(run) -> dict[int, int | None]:
    return dict(
        PlacementAssignment.objects.filter(run=run).values_list("application_id", "host_id")
    )


def _blocking_pairs(cohort, run) -> list[tuple[int, int]]:
    """Participant-host pairs that pass the filters and both prefer each other to the stored
    result (ranks exactly as the solver defines them)."""
    participants, hosts = host_placement_inputs(cohort=cohort)
    stored = _stored(run)
    host_order = [h.id for h in hosts]
    placed_at = {h.id: [pid for pid, hid in stored.items() if hid == h.id] for h in hosts}
    blocking = []
    for person in participants:
        own = list(dict.fromkeys([*person.preferences, *host_order]))
        current = stored[person.id]
        for host in hosts:
            if not host_accepts(host, person) or host.id == current:
                continue
            if current is not None and own.index(host.id) > own.index(current):
                continue
            rank = host_rank(host, participants)
            guests = placed_at[host.id]
            if len(guests) < host.capacity or any(rank[person.id] < rank[g] for g in guests):
                blocking.append((person.id, host.id))
    return blocking


def _prefer(application, hosts, **flags):
    profile = MatchingProfile.objects.get(application=application)
    profile.host_preferences = [h.pk for h in hosts]
    for key, value in flags.items():
        setattr(profile, key, value)
    profile.save()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_stored_placement_has_no_blocking_pair_and_respects_capacities(cohort, secretariat, seed):
    rng = random.Random(seed)
    people = triad_cohort(cohort, groups=4)
    hosts = [
        HostFactory(cohort=cohort, capacity=rng.randint(1, 3), has_pets=rng.random() < 0.3)
        for _ in range(4)
    ]
    for host in hosts:
        host.preferences = [p.pk for p in rng.sample(people, 5)]
        host.save()
    for person in people:
        _prefer(person, rng.sample(hosts, rng.randint(0, 4)), pet_allergy=rng.random() < 0.2)

    run = host_placement_run(cohort=cohort, actor=secretariat)

    stored = _stored(run)
    assert set(stored) == {p.pk for p in people}
    capacity = {h.pk: h.capacity for h in hosts}
    load = {h.pk: sum(1 for hid in stored.values() if hid == h.pk) for h in hosts}
    assert all(load[h] <= capacity[h] for h in capacity)
    assert _blocking_pairs(cohort, run) == []
    assert run.placed_count == sum(1 for hid in stored.values() if hid)
    assert run.participant_count == 12


def test_everyone_placed_when_capacity_allows_and_preferences_honoured(cohort, secretariat):
    us, jp, kr = triad_cohort(cohort)
    first, second = HostFactory(cohort=cohort, capacity=2), HostFactory(cohort=cohort, capacity=2)
    _prefer(us, [second])
    _prefer(jp, [second])
    _prefer(kr, [second])
    second.preferences = [kr.pk, us.pk]
    second.save()

    run = host_placement_run(cohort=cohort, actor=secretariat)

    assert _stored(run) == {us.pk: second.pk, kr.pk: second.pk, jp.pk: first.pk}
    assert _blocking_pairs(cohort, run) == []
    # The checker itself finds the pair a worse result would leave blocking.
    PlacementAssignment.objects.filter(run=run, application=kr).update(host=first)
    PlacementAssignment.objects.filter(run=run, application=jp).update(host=second)
    assert _blocking_pairs(cohort, run) == [(kr.pk, second.pk)]
    assert run.parameters["capacity"] == 4
    assert [h["id"] for h in run.parameters["hosts"]] == [first.pk, second.pk]


def test_hard_filters_come_before_preferences(cohort, secretariat):
    allergic = MatchingParticipantFactory(cohort=cohort, from_country="US", profile__gender="male")
    woman = MatchingParticipantFactory(cohort=cohort, from_country="JP", profile__gender="female")
    korean_only = MatchingParticipantFactory(
        cohort=cohort, from_country="KR", languages={"ko": "native"}
    )
    pets = HostFactory(cohort=cohort, capacity=3, has_pets=True, languages=["en", "ja"])
    women = HostFactory(cohort=cohort, capacity=3, gender_rule=HostGenderRule.FEMALE_ONLY)
    for person in (allergic, woman, korean_only):
        _prefer(person, [pets, women])
    MatchingProfile.objects.filter(application=allergic).update(pet_allergy=True)

    run = host_placement_run(cohort=cohort, actor=secretariat)

    rows = {a.application_id: a for a in PlacementAssignment.objects.filter(run=run)}
    assert rows[woman.pk].host_id == pets.pk
    assert (rows[allergic.pk].host_id, rows[allergic.pk].unplaced_reason) == (
        None,
        UnplacedReason.FILTERS,
    )
    assert (rows[korean_only.pk].host_id, rows[korean_only.pk].unplaced_reason) == (
        None,
        UnplacedReason.FILTERS,
    )


def test_dietary_needs_need_a_host_that_accommodates_them(cohort, secretariat):
    (us,) = [MatchingParticipantFactory(cohort=cohort, from_country="US")]
    plain = HostFactory(cohort=cohort, accommodates_dietary_needs=False)
    able = HostFactory(cohort=cohort)
    _prefer(us, [plain, able], dietary_needs=True)

    run = host_placement_run(cohort=cohort, actor=secretariat)

    assert _stored(run) == {us.pk: able.pk}


def test_unplaced_for_capacity_gets_capacity_reason(cohort, secretariat):
    us, jp, _kr = triad_cohort(cohort)
    host = HostFactory(cohort=cohort, capacity=2, preferences=[])
    host.preferences = [us.pk, jp.pk]
    host.save()

    run = host_placement_run(cohort=cohort, actor=secretariat)

    unplaced = PlacementAssignment.objects.get(run=run, host__isnull=True)
    assert unplaced.unplaced_reason == UnplacedReason.CAPACITY
    assert (run.placed_count, run.unplaced_count) == (2, 1)


def test_placement_needs_participants_and_hosts(cohort, secretariat):
    with pytest.raises(ExchangeError, match="no confirmed participants"):
        host_placement_run(cohort=cohort, actor=secretariat)
    triad_cohort(cohort)
    with pytest.raises(ExchangeError, match="Add hosts"):
        host_placement_run(cohort=cohort, actor=secretariat)


def test_runs_are_kept_with_their_parameters(cohort, secretariat):
    triad_cohort(cohort)
    host = HostFactory(cohort=cohort, capacity=3)
    first = host_placement_run(cohort=cohort, actor=secretariat)
    host_save(cohort=cohort, actor=secretariat, host=host, capacity=1)
    second = host_placement_run(cohort=cohort, actor=secretariat)

    assert first.parameters["capacity"] == 3
    assert second.parameters["capacity"] == 1
    assert (first.placed_count, second.placed_count) == (3, 1)


def test_publish_once_and_notify_after_commit(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    us, jp, kr = triad_cohort(cohort)
    host = HostFactory(cohort=cohort, name="Sato family", city="Tokyo", capacity=2)
    run = host_placement_run(cohort=cohort, actor=secretariat)
    other = host_placement_run(cohort=cohort, actor=secretariat)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        placement_run_publish(run=run, actor=secretariat)
    assert mail.outbox == []
    for callback in callbacks:
        callback()

    run.refresh_from_db()
    assert run.status == PlacementRunStatus.PUBLISHED
    placed = {
        a.application.applicant.email
        for a in PlacementAssignment.objects.filter(run=run, host=host).select_related(
            "application__applicant"
        )
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(placed)
    assert len(mail.outbox) == 2
    assert "Sato family, Tokyo" in mail.outbox[0].body
    with pytest.raises(PlacementAlreadyPublished):
        placement_run_publish(run=run, actor=secretariat)
    with pytest.raises(PlacementAlreadyPublished):
        placement_run_publish(run=other, actor=secretariat)
    assert (
        ActivityLog.objects.filter(action_type="exchanges.placement_run.hosts.published").count()
        == 1
    )
    assert {us.pk, jp.pk, kr.pk} == set(_stored(run))


def test_notification_uses_recipient_language(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    person = MatchingParticipantFactory(cohort=cohort, from_country="JP")
    person.applicant.preferred_language = "ja"
    person.applicant.save()
    HostFactory(cohort=cohort, name="佐藤家", city="東京")
    run = host_placement_run(cohort=cohort, actor=secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        placement_run_publish(run=run, actor=secretariat)

    assert mail.outbox[0].subject.startswith("滞在先のお知らせ")
    assert "佐藤家（東京）" in mail.outbox[0].body


def test_host_save_validates_name_and_preferences(cohort, secretariat):
    us, _jp, _kr = triad_cohort(cohort)
    other = MatchingParticipantFactory(cohort=CohortFactory(), from_country="US")
    host = host_save(
        cohort=cohort,
        actor=secretariat,
        name="  Ito family ",
        kind="family",
        city="Tokyo",
        capacity=2,
        has_pets=False,
        accommodates_dietary_needs=True,
        gender_rule="any",
        languages=["ja"],
        preferences=[us.pk],
    )

    assert (host.name, host.preferences) == ("Ito family", [us.pk])
    with pytest.raises(ExchangeError, match="already has a host with this name"):
        host_save(
            cohort=cohort,
            actor=secretariat,
            name="ito FAMILY",
            kind="family",
            city="Tokyo",
            capacity=1,
        )
    with pytest.raises(ExchangeError, match=f"not confirmed participants.*{other.pk}"):
        host_save(cohort=cohort, actor=secretariat, host=host, preferences=[other.pk])


def test_profile_accepts_only_hosts_of_own_cohort(cohort):
    (us,) = [MatchingParticipantFactory(cohort=cohort, from_country="US")]
    mine = HostFactory(cohort=cohort)
    foreign = HostFactory()

    with pytest.raises(ExchangeError, match="own cohort"):
        matching_profile_save(
            application=us,
            actor=us.applicant,
            interests=[],
            gender="",
            host_preferences=[foreign.pk],
        )
    profile = matching_profile_save(
        application=us,
        actor=us.applicant,
        interests=[],
        gender="",
        host_preferences=[mine.pk],
        pet_allergy=True,
    )

    assert (profile.host_preferences, profile.pet_allergy) == ([mine.pk], True)


# --------------------------------------------------------------------------- mentors
def test_mentors_are_from_another_country_within_capacity(cohort, secretariat):
    people = triad_cohort(cohort, groups=2)
    mentors = [
        AlumnusFactory(alumnus_of=cohort, from_country="US"),
        AlumnusFactory(alumnus_of=cohort, from_country="JP"),
    ]

    run = mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=2)

    rows = list(PlacementAssignment.objects.filter(run=run).select_related("application", "mentor"))
    paired = [r for r in rows if r.mentor_id]
    assert len(rows) == len(people)
    assert all(r.application.country != r.mentor.country for r in paired)
    load = {m.pk: sum(1 for r in paired if r.mentor_id == m.pk) for m in mentors}
    assert load == {mentors[0].pk: 2, mentors[1].pk: 2}
    assert run.kind == PlacementKind.MENTORS
    assert run.parameters["capacity"] == 2
    assert run.objective == pytest.approx(sum(r.score for r in paired))
    assert {r.unplaced_reason for r in rows if not r.mentor_id} == {UnplacedReason.CAPACITY}


def test_mentor_filters_reason_when_only_same_country_alumni(cohort, secretariat):
    (us,) = [MatchingParticipantFactory(cohort=cohort, from_country="US")]
    AlumnusFactory(alumnus_of=cohort, from_country="US")

    run = mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=1)

    row = PlacementAssignment.objects.get(run=run)
    assert (row.mentor_id, row.unplaced_reason) == (None, UnplacedReason.FILTERS)
    assert row.application_id == us.pk


def test_only_alumni_of_earlier_cohorts_of_the_program_mentor(cohort, secretariat):
    triad_cohort(cohort)
    AlumnusFactory(alumnus_of=CohortFactory(), from_country="US")  # another program
    later = CohortFactory(
        program=cohort.program, starts_on=cohort.starts_on + dt.timedelta(days=365)
    )
    late = MatchingParticipantFactory(cohort=later, from_country="US")
    late.status = "alumnus"
    late.save()
    earlier = CohortFactory(
        program=cohort.program, starts_on=cohort.starts_on - dt.timedelta(days=365)
    )
    # took part but is not (yet) an alumnus
    MatchingParticipantFactory(cohort=earlier, from_country="US")

    with pytest.raises(ExchangeError, match="no alumni"):
        mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=1)


def test_mentor_capacity_is_validated(cohort, secretariat):
    triad_cohort(cohort)
    AlumnusFactory(alumnus_of=cohort, from_country="US")

    with pytest.raises(ExchangeError, match="between 1 and 10"):
        mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=0)


def test_mentor_publish_notifies_after_commit(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    us, jp, kr = triad_cohort(cohort)
    mentor = AlumnusFactory(alumnus_of=cohort, from_country="US")
    run = mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=3)

    with django_capture_on_commit_callbacks(execute=True):
        placement_run_publish(run=run, actor=secretariat)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([jp.applicant.email, kr.applicant.email])
    assert mentor.applicant.display_name in mail.outbox[0].body
    assert PlacementAssignment.objects.get(run=run, application=us).unplaced_reason == (
        UnplacedReason.FILTERS
    )


def test_mentor_pool_leaves_out_a_cohort_still_running(cohort):
    today = dt.date(2026, 12, 4)
    running = CohortFactory(
        program=cohort.program,
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=10),
    )
    still_there = MatchingParticipantFactory(cohort=running, from_country="US")
    still_there.status = ApplicationStatus.ALUMNUS
    still_there.save(update_fields=["status"])
    ended = CohortFactory(
        program=cohort.program,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=40),
    )
    came_back = MatchingParticipantFactory(cohort=ended, from_country="JP")
    came_back.status = ApplicationStatus.PARTICIPANT
    came_back.save(update_fields=["status"])
    for person in (still_there, came_back):
        offer_to_mentor(person)
    graduate = AlumnusFactory(alumnus_of=cohort, from_country="KR")

    pool = list(alumni_mentors(cohort=cohort, now=dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC)))

    assert sorted(a.pk for a in pool) == sorted([came_back.pk, graduate.pk])


def test_mentor_pool_counts_a_cohort_ended_only_in_its_own_time_zone(cohort, monkeypatch):
    # 05:00 UTC on 4 December: already the 4th in Seoul and UTC, still the 3rd in Los Angeles.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 4, 5, tzinfo=dt.UTC))
    last_day = dt.date(2026, 12, 3)
    in_los_angeles = CohortFactory(
        program=cohort.program,
        time_zone="America/Los_Angeles",
        starts_on=last_day - dt.timedelta(days=20),
        ends_on=last_day,
    )
    in_seoul = CohortFactory(
        program=cohort.program,
        time_zone="Asia/Seoul",
        starts_on=last_day - dt.timedelta(days=20),
        ends_on=last_day,
    )
    still_on_program = MatchingParticipantFactory(cohort=in_los_angeles, from_country="US")
    finished = MatchingParticipantFactory(cohort=in_seoul, from_country="KR")
    for application in (still_on_program, finished):
        application.status = ApplicationStatus.PARTICIPANT
        application.save(update_fields=["status"])
        offer_to_mentor(application)

    pool = [a.pk for a in alumni_mentors(cohort=cohort)]

    assert pool == [finished.pk]


def test_no_new_placement_run_once_one_of_its_kind_is_published(cohort, secretariat):
    triad_cohort(cohort)
    HostFactory(cohort=cohort, capacity=3)
    AlumnusFactory(alumnus_of=cohort, from_country="US")
    hosts = host_placement_run(cohort=cohort, actor=secretariat)
    placement_run_publish(run=hosts, actor=secretariat)

    with pytest.raises(PlacementAlreadyPublished) as refused:
        host_placement_run(cohort=cohort, actor=secretariat)
    mentors = mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=3)
    placement_run_publish(run=mentors, actor=secretariat)
    with pytest.raises(PlacementAlreadyPublished):
        mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=3)

    assert str(refused.value.message) == (
        "A result of this kind is already published for this cohort."
    )
    assert list(cohort.placement_runs.order_by("id").values_list("kind", "status")) == [
        (PlacementKind.HOSTS, PlacementRunStatus.PUBLISHED),
        (PlacementKind.MENTORS, PlacementRunStatus.PUBLISHED),
    ]
