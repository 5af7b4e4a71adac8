"""Reading matching runs and groups, scoped by the viewer."""

from django.db.models import F, Prefetch, Q, QuerySet

from accounts.models import User
from exchanges.enums import APPLICATION_MATCHABLE, MatchingRunStatus
from exchanges.models import (
    Application,
    Cohort,
    MatchGroup,
    MatchGroupMember,
    MatchingConstraint,
    MatchingRun,
)
from exchanges.selectors.applications import cohorts_visible_to_staff


def matching_cohorts_visible_to(*, viewer: User) -> QuerySet[Cohort]:
    return cohorts_visible_to_staff(viewer=viewer).order_by("-starts_on", "-id")


def matching_runs_of(*, cohort: Cohort) -> QuerySet[MatchingRun]:
    return (
        MatchingRun.objects.filter(cohort=cohort)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def _members() -> Prefetch:
    return Prefetch(
        "members",
        queryset=MatchGroupMember.objects.select_related(
            "application__applicant", "application__matching_profile"
        ).order_by("application__country", "id"),
    )


def matching_groups_of(*, run: MatchingRun) -> QuerySet[MatchGroup]:
    """The run's groups in order with members, their users and profiles (two queries)."""
    return MatchGroup.objects.filter(run=run).prefetch_related(_members()).order_by("number")


def matching_members_of(*, run: MatchingRun) -> QuerySet[Application]:
    """Applications in the run, for choosing whom to swap."""
    return (
        Application.objects.filter(match_memberships__run=run)
        .select_related("applicant")
        .order_by("country", "applicant__family_name", "id")
    )


def matching_constraints_of(*, cohort: Cohort) -> QuerySet[MatchingConstraint]:
    return (
        MatchingConstraint.objects.filter(cohort=cohort)
        .select_related("first__applicant", "second__applicant")
        .order_by("created_at", "id")
    )


def published_group_for(*, application: Application) -> MatchGroup | None:
    """The application's group in its cohort's published run; ``None`` before publishing."""
    return (
        MatchGroup.objects.filter(
            run__status=MatchingRunStatus.PUBLISHED,
            run__cohort_id=application.cohort_id,
            members__application=application,
        )
        .prefetch_related(_members())
        .first()
    )


def _person_match(term: str) -> Q:
    """Name, email, institution or application number containing ``term``."""
    match = (
        Q(applicant__given_name__icontains=term)
        | Q(applicant__family_name__icontains=term)
        | Q(applicant__local_name__icontains=term)
        | Q(applicant__email__icontains=term)
        | Q(institution__icontains=term)
    )
    if term.isdigit():
        match |= Q(pk=int(term))
    return match


def matching_participants_search(*, cohort: Cohort, term: str) -> QuerySet[Application]:
    """The cohort's matchable participants whose name, email, institution or application
    number matches ``term`` (all of them for an empty term), by name."""
    qs = (
        Application.objects.filter(cohort=cohort, status__in=APPLICATION_MATCHABLE)
        .select_related("applicant")
        .order_by("applicant__family_name", "applicant__given_name", "id")
    )
    term = term.strip()
    if term:
        qs = qs.filter(_person_match(term))
    return qs


def matching_members_search(*, run: MatchingRun, term: str) -> QuerySet[Application]:
    """Members of the run's groups matching ``term`` like the participant search, by name,
    each with the number of their group (``group_number``)."""
    qs = (
        matching_members_of(run=run)
        .annotate(group_number=F("match_memberships__group__number"))
        .order_by("applicant__family_name", "applicant__given_name", "id")
    )
    term = term.strip()
    if term:
        qs = qs.filter(_person_match(term))
    return qs
