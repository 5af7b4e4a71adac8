"""Host placement and alumni mentors in the product: adapters to the pure solvers.

``host_placement_run`` places the cohort's participants with its hosts by participant-proposing
deferred acceptance (``exchanges.matching.match_hosts``: hard filters first, then both sides'
preferences, stable and capacity-respecting); ``mentor_pairing_run`` pairs them with alumni of
earlier cohorts of the same program from another country (``match_mentors``). Both solvers
are fast (milliseconds for a cohort), so runs are synchronous. ``placement_run_publish``
publishes one run of each kind per cohort and notifies participants after commit.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.activity_types import Activity
from exchanges.enums import (
    ApplicationStatus,
    PlacementKind,
    PlacementRunStatus,
    UnplacedReason,
)
from exchanges.exceptions import ExchangeError, PlacementAlreadyPublished
from exchanges.matching import Host as SolverHost
from exchanges.matching import Mentor as SolverMentor
from exchanges.matching import Participant, host_accepts, match_hosts, match_mentors
from exchanges.matching.compat import compatibility
from exchanges.models import (
    Application,
    Cohort,
    Host,
    MatchingProfile,
    PlacementAssignment,
    PlacementRun,
)
from exchanges.selectors.alumni import alumni_mentor_volunteers
from exchanges.selectors.placement import placement_published
from exchanges.services.activity import activity_log_record
from exchanges.services.matching import (
    DEFAULT_PARAMETERS,
    matching_applications,
    participant_for,
    weights_of,
)
from exchanges.services.notify import notify_hosts_published, notify_mentors_published

_RUN_ACTIVITY = {
    PlacementKind.HOSTS: Activity.PLACEMENT_RUN_HOSTS,
    PlacementKind.MENTORS: Activity.PLACEMENT_RUN_MENTORS,
}
_PUBLISHED_ACTIVITY = {
    PlacementKind.HOSTS: Activity.PLACEMENT_RUN_HOSTS_PUBLISHED,
    PlacementKind.MENTORS: Activity.PLACEMENT_RUN_MENTORS_PUBLISHED,
}
HOST_LANGUAGE_LEVEL = 5  # a host's household language counts as fluent
MENTOR_MAX_CAPACITY = 10
HOST_FIELDS = (
    "name",
    "kind",
    "city",
    "city_ja",
    "city_ko",
    "capacity",
    "has_pets",
    "accommodates_dietary_needs",
    "gender_rule",
    "languages",
    "preferences",
)


# --------------------------------------------------------------------------- hosts
def _clean_host_preferences(cohort: Cohort, preferences: list[int]) -> list[int]:
    preferences = list(dict.fromkeys(int(p) for p in preferences))
    known = set(
        matching_applications(cohort=cohort).filter(pk__in=preferences).values_list("pk", flat=True)
    )
    unknown = [p for p in preferences if p not in known]
    if unknown:
        raise ExchangeError(
            _(
                "These application numbers are not confirmed participants of this cohort: "
                "%(numbers)s"
            )
            % {"numbers": ", ".join(str(p) for p in unknown)}
        )
    return preferences


@transaction.atomic
def host_save(*, cohort: Cohort, actor, host: Host | None = None, **fields) -> Host:
    """Create a host of ``cohort`` (``host`` None) or change one; fields as in ``HOST_FIELDS``."""
    unexpected = set(fields) - set(HOST_FIELDS)
    if unexpected:
        raise TypeError(f"unexpected host fields: {sorted(unexpected)}")
    if host is not None and host.cohort_id != cohort.pk:
        raise ExchangeError(_("This host belongs to another cohort."))
    name = (fields.get("name") or (host.name if host else "")).strip()
    clash = Host.objects.filter(cohort=cohort, name__iexact=name)
    if host is not None:
        clash = clash.exclude(pk=host.pk)
    if clash.exists():
        raise ExchangeError(_("This cohort already has a host with this name."))
    if "preferences" in fields:
        fields["preferences"] = _clean_host_preferences(cohort, fields["preferences"] or [])
    fields["name"] = name
    created = host is None
    if created:
        host = Host(cohort=cohort)
    for key, value in fields.items():
        setattr(host, key, value)
    host.updated_at = timezone.now()
    host.full_clean()
    host.save()
    activity_log_record(
        actor=actor,
        obj=host,
        action_type=Activity.HOST_CREATED if created else Activity.HOST_CHANGED,
        data={"cohort": cohort.pk, "fields": sorted(fields)},
    )
    return host


def solver_host(host: Host) -> SolverHost:
    return SolverHost(
        id=host.pk,
        capacity=host.capacity,
        preferences=tuple(host.preferences or ()),
        has_pets=host.has_pets,
        allergy_friendly=host.accommodates_dietary_needs,
        gender_rule=host.gender_rule,
        languages=dict.fromkeys(host.languages or (), HOST_LANGUAGE_LEVEL),
    )


def host_participant_for(
    application: Application, *, cohort: Cohort, host_ids: set[int]
) -> Participant:
    """The solver's view of a participant for host placement (preferences and allergies)."""
    base = participant_for(application, cohort=cohort)
    try:
        profile = application.matching_profile
    except MatchingProfile.DoesNotExist:
        profile = None
    allergies = set()
    if profile is not None and profile.pet_allergy:
        allergies.add("pets")
    if profile is not None and profile.dietary_needs:
        allergies.add("dietary")
    preferences = [h for h in (profile.host_preferences if profile else []) if h in host_ids]
    return Participant(
        id=base.id,
        country=base.country,
        sector=base.sector,
        interests=base.interests,
        languages=base.languages,
        age=base.age,
        gender=base.gender,
        institution=base.institution,
        preferences=tuple(preferences),
        allergies=frozenset(allergies),
    )


def host_placement_inputs(*, cohort: Cohort) -> tuple[list[Participant], list[SolverHost]]:
    """Solver inputs from the database, in a stable order (three queries)."""
    hosts = [solver_host(h) for h in Host.objects.filter(cohort=cohort).order_by("id")]
    host_ids = {h.id for h in hosts}
    participants = [
        host_participant_for(a, cohort=cohort, host_ids=host_ids)
        for a in matching_applications(cohort=cohort)
    ]
    return participants, hosts


def _refuse_if_published(*, cohort: Cohort, kind: str) -> None:
    # Publishing is final (participants were told): a new run of that kind could never be
    # published, so none is started.
    if placement_published(cohort=cohort, kind=kind):
        raise PlacementAlreadyPublished


def _create_run(
    *,
    cohort: Cohort,
    actor,
    kind: str,
    parameters: dict,
    participants: list,
    assignments: list[PlacementAssignment],
    objective: float | None,
) -> PlacementRun:
    run = PlacementRun.objects.create(
        cohort=cohort,
        kind=kind,
        parameters=parameters,
        created_by=actor,
        participant_count=len(participants),
        placed_count=sum(1 for a in assignments if a.host_id or a.mentor_id),
        objective=objective,
    )
    for assignment in assignments:
        assignment.run = run
    PlacementAssignment.objects.bulk_create(assignments)
    activity_log_record(
        actor=actor,
        obj=run,
        action_type=_RUN_ACTIVITY[kind],
        data={
            "cohort": cohort.pk,
            "placed": run.placed_count,
            "participants": run.participant_count,
        },
    )
    return run


@transaction.atomic
def host_placement_run(*, cohort: Cohort, actor) -> PlacementRun:
    """Place the cohort's participants with its hosts and store the run.

    Participants nobody may take are stored with the reason: ``filters`` when no host passes
    the hard rules for them, ``capacity`` when every host that does is full with people it
    ranks higher (deferred acceptance leaves nobody out otherwise).
    """
    _refuse_if_published(cohort=cohort, kind=PlacementKind.HOSTS)
    participants, hosts = host_placement_inputs(cohort=cohort)
    if not participants:
        raise ExchangeError(_("This cohort has no confirmed participants to place yet."))
    if not hosts:
        raise ExchangeError(_("Add hosts to this cohort before running the placement."))
    result = match_hosts(participants, hosts)
    rows = []
    for person in participants:
        host_id = result.assignments.get(person.id)
        reason = ""
        if host_id is None:
            reason = (
                UnplacedReason.CAPACITY
                if any(host_accepts(h, person) for h in hosts)
                else UnplacedReason.FILTERS
            )
        rows.append(
            PlacementAssignment(application_id=person.id, host_id=host_id, unplaced_reason=reason)
        )
    parameters = {
        "hosts": [
            {
                "id": h.id,
                "capacity": h.capacity,
                "has_pets": h.has_pets,
                "allergy_friendly": h.allergy_friendly,
                "gender_rule": h.gender_rule,
                "languages": sorted(h.languages),
                "preferences": list(h.preferences),
            }
            for h in hosts
        ],
        "capacity": sum(h.capacity for h in hosts),
    }
    return _create_run(
        cohort=cohort,
        actor=actor,
        kind=PlacementKind.HOSTS,
        parameters=parameters,
        participants=participants,
        assignments=rows,
        objective=None,
    )


# --------------------------------------------------------------------------- mentors
def alumni_mentors(*, cohort: Cohort, now: dt.datetime | None = None):
    """Alumni of the cohort's program, who may mentor its participants: confirmed participants
    (status participant or alumnus, whether or not it has been moved on yet) of an earlier
    cohort whose program has ended, i.e. whose last day is before today in that cohort's own
    time zone. A cohort still in its last day somewhere has participants, not alumni. Only
    people who offered to mentor on their alumni directory profile are in the pool."""
    now = now or timezone.now()
    # Cohorts keep their own time zone, so "ended" cannot be one date filter; a program has
    # few cohorts, so they are compared here (one small query).
    earlier = Cohort.objects.filter(
        program_id=cohort.program_id, starts_on__lt=cohort.starts_on
    ).exclude(pk=cohort.pk)
    ended = [
        c.pk
        for c in earlier.only("pk", "ends_on", "time_zone")
        if c.ends_on < now.astimezone(c.zone).date()
    ]
    return (
        Application.objects.filter(
            cohort_id__in=ended,
            status__in=[ApplicationStatus.PARTICIPANT, ApplicationStatus.ALUMNUS],
        )
        .filter(Exists(alumni_mentor_volunteers().filter(user_id=OuterRef("applicant_id"))))
        .select_related("applicant", "matching_profile", "cohort")
        .order_by("country", "id")
    )


def solver_mentor(application: Application, *, cohort: Cohort, capacity: int) -> SolverMentor:
    person = participant_for(application, cohort=cohort)
    return SolverMentor(
        id=person.id,
        country=person.country,
        capacity=capacity,
        interests=person.interests,
        languages=person.languages,
        sector=person.sector,
        age=person.age,
        gender=person.gender,
    )


@transaction.atomic
def mentor_pairing_run(*, cohort: Cohort, actor, capacity: int) -> PlacementRun:
    """Pair each participant with an alumni mentor from another country, at most
    ``capacity`` participants per mentor, maximising total compatibility."""
    if not 1 <= capacity <= MENTOR_MAX_CAPACITY:
        raise ExchangeError(
            _("A mentor can take between 1 and %(max)s participants.")
            % {"max": MENTOR_MAX_CAPACITY}
        )
    _refuse_if_published(cohort=cohort, kind=PlacementKind.MENTORS)
    participants = [participant_for(a, cohort=cohort) for a in matching_applications(cohort=cohort)]
    if not participants:
        raise ExchangeError(_("This cohort has no confirmed participants to pair yet."))
    mentors = [
        solver_mentor(a, cohort=cohort, capacity=capacity) for a in alumni_mentors(cohort=cohort)
    ]
    if not mentors:
        raise ExchangeError(
            _(
                "This program has no alumni of earlier cohorts who offered to be mentors. "
                "Alumni offer on their alumni directory profile."
            )
        )
    weights = weights_of(DEFAULT_PARAMETERS)
    result = match_mentors(participants, mentors, weights=weights)
    by_mentor = {m.id: m for m in mentors}
    rows = []
    for person in participants:
        mentor_id = result.assignments.get(person.id)
        if mentor_id is None:
            reason = (
                UnplacedReason.CAPACITY
                if any(m.country != person.country for m in mentors)
                else UnplacedReason.FILTERS
            )
            rows.append(PlacementAssignment(application_id=person.id, unplaced_reason=reason))
            continue
        score = compatibility(person, by_mentor[mentor_id], weights).score
        rows.append(
            PlacementAssignment(
                application_id=person.id, mentor_id=mentor_id, score=round(score, 6)
            )
        )
    parameters = {
        "capacity": capacity,
        "mentors": sorted(by_mentor),
        "weights": DEFAULT_PARAMETERS["weights"],
    }
    return _create_run(
        cohort=cohort,
        actor=actor,
        kind=PlacementKind.MENTORS,
        parameters=parameters,
        participants=participants,
        assignments=rows,
        objective=result.objective,
    )


# --------------------------------------------------------------------------- publishing
@transaction.atomic
def placement_run_publish(*, run: PlacementRun, actor) -> PlacementRun:
    """Publish a run (one per cohort and kind) and notify its placed participants after
    commit."""
    Cohort.objects.select_for_update().filter(pk=run.cohort_id).first()
    locked = PlacementRun.objects.select_for_update().get(pk=run.pk)
    if locked.status == PlacementRunStatus.PUBLISHED or placement_published(
        cohort=run.cohort_id, kind=run.kind
    ):
        raise PlacementAlreadyPublished
    locked.status = PlacementRunStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    activity_log_record(
        actor=actor,
        obj=locked,
        action_type=_PUBLISHED_ACTIVITY[run.kind],
        data={"cohort": run.cohort_id},
    )
    notify = notify_hosts_published if run.kind == PlacementKind.HOSTS else notify_mentors_published
    notify(placement_run=locked)
    run.status, run.published_at = locked.status, locked.published_at
    return run
