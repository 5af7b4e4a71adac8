"""Reading pre-departure checklists and itineraries, scoped by who asks.

Staff lists show completion only, so they never load the dietary and medical text: those
columns are deferred, and the detail page loads them only for viewers allowed to read them.
"""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from exchanges.enums import APPLICATION_PREDEPARTURE, PlacementKind, PlacementRunStatus
from exchanges.models import (
    Application,
    Cohort,
    ItineraryItem,
    PlacementAssignment,
    PredepartureChecklist,
)
from exchanges.selectors.applications import applications_visible_to

SENSITIVE_CHECKLIST_FIELDS = ("dietary_needs", "dietary_notes", "medical_notes")
_COMPLETE = Q(predeparture_checklist__completed_at__isnull=False)


def _participants(*, viewer: User, cohort: Cohort) -> QuerySet[Application]:
    return (
        applications_visible_to(viewer=viewer)
        .filter(cohort=cohort, status__in=APPLICATION_PREDEPARTURE)
        .select_related("applicant", "predeparture_checklist")
    )


def predeparture_participants(
    *, viewer: User, cohort: Cohort, filters: dict
) -> QuerySet[Application]:
    """The cohort's confirmed participants the viewer may see, with their checklists (or
    none yet), by country and name; ``filters``: ``completion`` and ``country``."""
    qs = _participants(viewer=viewer, cohort=cohort).defer(
        *[f"predeparture_checklist__{field}" for field in SENSITIVE_CHECKLIST_FIELDS]
    )
    if filters.get("completion") == "complete":
        qs = qs.filter(_COMPLETE)
    elif filters.get("completion") == "incomplete":
        qs = qs.exclude(_COMPLETE)
    if filters.get("country"):
        qs = qs.filter(country=filters["country"])
    return qs.order_by("country", "applicant__family_name", "applicant__given_name", "id")


def predeparture_counts(*, viewer: User, cohort: Cohort) -> dict:
    """``total`` and ``complete`` participants the viewer may see (one query)."""
    return (
        applications_visible_to(viewer=viewer)
        .filter(cohort=cohort, status__in=APPLICATION_PREDEPARTURE)
        .aggregate(total=Count("id"), complete=Count("id", filter=_COMPLETE))
    )


def predeparture_participant(*, viewer: User, cohort: Cohort, pk: int) -> Application | None:
    """One participant of the cohort in the viewer's scope, checklist without the dietary and
    medical columns (``predeparture_checklist_of`` reads them for those allowed)."""
    return (
        _participants(viewer=viewer, cohort=cohort)
        .select_related("cohort__program")
        .defer(*[f"predeparture_checklist__{field}" for field in SENSITIVE_CHECKLIST_FIELDS])
        .filter(pk=pk)
        .first()
    )


def predeparture_checklist_of(*, application: Application) -> PredepartureChecklist | None:
    return PredepartureChecklist.objects.filter(application=application).first()


def itinerary_of(*, cohort: Cohort) -> QuerySet[ItineraryItem]:
    return ItineraryItem.objects.filter(cohort=cohort).order_by("day", "start_time", "id")


def predeparture_list(*, viewer: User, cohort: Cohort, kind: str) -> QuerySet[Application]:
    """The rows of a staff list (``arrival``, ``dietary`` or ``rooming``) in the viewer's
    scope, ordered as the list reads; the dietary and medical columns only for ``dietary``
    (the caller checks the permission), the published host only for ``rooming``."""
    qs = _participants(viewer=viewer, cohort=cohort)
    if kind != "dietary":
        qs = qs.defer(*[f"predeparture_checklist__{field}" for field in SENSITIVE_CHECKLIST_FIELDS])
    if kind == "arrival":
        return qs.order_by(
            "predeparture_checklist__arrival_on",
            "predeparture_checklist__arrival_time",
            "applicant__family_name",
            "id",
        )
    if kind == "rooming":
        hosted = PlacementAssignment.objects.filter(
            application=OuterRef("pk"),
            run__cohort=cohort,
            run__kind=PlacementKind.HOSTS,
            run__status=PlacementRunStatus.PUBLISHED,
            host__isnull=False,
        )
        qs = qs.annotate(
            host_name=Subquery(hosted.values("host__name")[:1]),
            host_city=Subquery(hosted.values("host__city")[:1]),
        )
        return qs.order_by("host_name", "applicant__family_name", "id")
    return qs.order_by("country", "applicant__family_name", "applicant__given_name", "id")
