"""Reading hosts, placement runs and their results, scoped by cohort or by participant."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from exchanges.enums import ApplicationStatus, MatchingRunStatus, PlacementRunStatus
from exchanges.models import (
    Application,
    Cohort,
    Host,
    MatchGroup,
    MatchGroupMember,
    PlacementAssignment,
    PlacementRun,
)
from exchanges.selectors.applications import PARTNER_CONSENT

# An application becomes a participant's record once the offer is accepted.
PARTICIPANT_STATUSES = (
    ApplicationStatus.CONFIRMED,
    ApplicationStatus.PARTICIPANT,
    ApplicationStatus.ALUMNUS,
)


def hosts_of(*, cohort: Cohort) -> QuerySet[Host]:
    return Host.objects.filter(cohort=cohort).order_by("name", "id")


def placement_runs_of(*, cohort: Cohort, kind: str) -> QuerySet[PlacementRun]:
    return (
        PlacementRun.objects.filter(cohort=cohort, kind=kind)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def _placed() -> QuerySet[PlacementAssignment]:
    return PlacementAssignment.objects.select_related(
        "application__applicant", "application__matching_profile"
    ).order_by("application__country", "id")


def placement_hosts_of(*, run: PlacementRun) -> QuerySet[Host]:
    """The cohort's hosts, each with the participants this run placed there (two queries)."""
    return (
        Host.objects.filter(cohort_id=run.cohort_id)
        .order_by("name", "id")
        .prefetch_related(
            Prefetch("assignments", queryset=_placed().filter(run=run), to_attr="placed")
        )
    )


def placement_unplaced_of(
    *, run: PlacementRun, country: str | None = None
) -> QuerySet[PlacementAssignment]:
    """The run's participants nobody could take; of ``country`` only when given (what a
    partner sees before the result is published)."""
    qs = _placed().filter(run=run, host__isnull=True, mentor__isnull=True)
    return qs if country is None else qs.filter(application__country=country)


def mentor_pairs_of(
    *, run: PlacementRun, country: str | None = None
) -> QuerySet[PlacementAssignment]:
    """The run's paired participants with their mentors, mentors' countries first; only
    participants of ``country`` when given (a partner before the result is published)."""
    qs = (
        _placed()
        .filter(run=run, mentor__isnull=False)
        .select_related("mentor__applicant", "mentor__cohort")
        .order_by("mentor__country", "mentor_id", "application__country", "id")
    )
    return qs if country is None else qs.filter(application__country=country)


def published_placements_for(*, application: Application) -> dict[str, PlacementAssignment]:
    """The application's host and mentor in its cohort's published runs (one query);
    empty before publishing."""
    rows = PlacementAssignment.objects.filter(
        application=application,
        run__status=PlacementRunStatus.PUBLISHED,
        run__cohort_id=application.cohort_id,
    ).select_related("run", "host", "mentor__applicant")
    return {row.run.kind: row for row in rows}


def placement_published(*, cohort, kind: str) -> bool:
    """Whether the cohort has a published run of ``kind`` (then no other can be published)."""
    return PlacementRun.objects.filter(
        cohort=cohort, kind=kind, status=PlacementRunStatus.PUBLISHED
    ).exists()


def participants_for_partner(*, organisation) -> QuerySet[Application]:
    """Selected applicants of the organisation's country in the programs it partners on who
    consented to sharing with partners,
    each with ``published_groups`` and ``published_placements`` (host and mentor) of its
    cohort's published runs: four queries whatever the number of rows."""
    placements = PlacementAssignment.objects.filter(
        run__status=PlacementRunStatus.PUBLISHED
    ).select_related("run", "host", "mentor__applicant")
    memberships = MatchGroupMember.objects.filter(
        run__status=MatchingRunStatus.PUBLISHED
    ).select_related("group")
    return (
        Application.objects.filter(
            PARTNER_CONSENT, country=organisation.country, status__in=PARTICIPANT_STATUSES
        )
        .filter(
            Exists(Cohort.objects.filter(pk=OuterRef("cohort_id"), program__partners=organisation))
        )
        .select_related("applicant")
        .prefetch_related(
            Prefetch("placement_assignments", queryset=placements, to_attr="published_placements"),
            Prefetch("match_memberships", queryset=memberships, to_attr="published_groups"),
        )
        .order_by("id")
    )


def groups_for_partner(*, organisation) -> QuerySet[MatchGroup]:
    """Groups of published matchings in the organisation's programs that hold at least one
    participant of its country, with every member as ``roster`` (what the key sees of each
    is ``person_view``'s)."""
    return (
        MatchGroup.objects.filter(
            run__status=MatchingRunStatus.PUBLISHED,
            run__cohort__program__partners=organisation,
            members__application__country=organisation.country,
        )
        .distinct()
        .select_related("run")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=MatchGroupMember.objects.select_related("application__applicant").order_by(
                    "application_id"
                ),
                to_attr="roster",
            )
        )
        .order_by("id")
    )
