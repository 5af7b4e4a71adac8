"""Reading the alumni network: alumni records, the directory as each reader may see it,
messages and reports.

The directory is read by three audiences: alumni (fields shown to "alumni and staff"), the
secretariat (also fields shown to "staff only") and partner staff (the same, for alumni of
their country in programs their organisation partners on). A filter or search on a field only
matches profiles whose field the reader may see, so filtering never reveals a hidden value.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from exchanges.enums import (
    ALUMNI_VISIBLE_TO_ALUMNI,
    ALUMNI_VISIBLE_TO_STAFF,
    AlumniReportStatus,
    ApplicationStatus,
    Role,
)
from exchanges.models import (
    AlumniLanguage,
    AlumniMessage,
    AlumniProfile,
    AlumniSuspension,
    Application,
    Cohort,
)
from exchanges.models.alumni import ALUMNI_VISIBILITY_FIELDS

# Reader audiences of a profile.
AUDIENCE_SELF = "self"
AUDIENCE_ALUMNI = "alumni"
AUDIENCE_STAFF = "staff"


def alumni_record_for(*, user: User) -> Application | None:
    """The person's latest alumnus record (the program a profile rests on), or None."""
    if not user.is_authenticated:
        return None
    return (
        Application.objects.filter(applicant=user, status=ApplicationStatus.ALUMNUS)
        .select_related("cohort__program")
        .order_by("-cohort__ends_on", "-id")
        .first()
    )


def alumni_profile_of(*, user: User) -> AlumniProfile | None:
    return (
        AlumniProfile.objects.filter(user=user)
        .select_related("cohort__program")
        .prefetch_related("languages")
        .first()
    )


def alumni_is_suspended(*, user: User) -> bool:
    return AlumniSuspension.objects.filter(user=user).exists()


def alumni_audience(*, viewer: User) -> str:
    return (
        AUDIENCE_STAFF
        if viewer.role in (Role.SECRETARIAT, Role.PARTNER_STAFF) or (viewer.is_superuser)
        else AUDIENCE_ALUMNI
    )


def _visible(audience: str) -> frozenset:
    return ALUMNI_VISIBLE_TO_STAFF if audience == AUDIENCE_STAFF else ALUMNI_VISIBLE_TO_ALUMNI


def _scoped(viewer: User) -> QuerySet[AlumniProfile]:
    profiles = AlumniProfile.objects.all()
    if viewer.role == Role.PARTNER_STAFF and not viewer.is_superuser:
        country = viewer.partner_country
        if not country:
            return profiles.none()
        partnered = Cohort.objects.filter(
            pk=OuterRef("cohort_id"), program__partners=viewer.organisation_id
        )
        profiles = profiles.filter(country=country).filter(Exists(partnered))
    return profiles


def alumni_directory(*, viewer: User, filters: dict | None = None) -> QuerySet[AlumniProfile]:
    """The profiles ``viewer`` may see, filtered, with cohort and languages joined (three
    queries for a page with its count, whatever the number of rows).

    ``filters``: ``q`` (name, and organisation and interests where visible), ``country``,
    ``sector``, ``cohort`` (id), ``language`` (code), ``mentoring`` (bool).
    """
    filters = filters or {}
    visible = _visible(alumni_audience(viewer=viewer))
    profiles = _scoped(viewer)
    if filters.get("country"):
        profiles = profiles.filter(country=filters["country"], country_visibility__in=visible)
    if filters.get("sector"):
        profiles = profiles.filter(sector=filters["sector"], sector_visibility__in=visible)
    if filters.get("cohort"):
        profiles = profiles.filter(cohort_id=filters["cohort"], cohort_visibility__in=visible)
    if filters.get("language"):
        profiles = profiles.filter(
            Exists(AlumniLanguage.objects.filter(profile=OuterRef("pk"), code=filters["language"])),
            languages_visibility__in=visible,
        )
    if filters.get("mentoring"):
        profiles = profiles.filter(open_to_mentoring=True)
    if filters.get("q"):
        q = filters["q"]
        profiles = profiles.filter(
            Q(display_name__icontains=q)
            | Q(organisation__icontains=q, organisation_visibility__in=visible)
            | Q(interests__icontains=q, interests_visibility__in=visible)
        )
    return (
        profiles.select_related("cohort__program")
        .prefetch_related(Prefetch("languages", queryset=AlumniLanguage.objects.order_by("code")))
        .order_by("display_name", "id")
    )


def alumni_directory_entry(*, viewer: User, pk: int) -> AlumniProfile | None:
    return alumni_directory(viewer=viewer).filter(pk=pk).first()


def alumni_directory_cohorts(*, viewer: User) -> QuerySet[Cohort]:
    """Cohorts with at least one profile whose cohort the viewer may see (one query)."""
    visible = _visible(alumni_audience(viewer=viewer))
    shown = _scoped(viewer).filter(cohort_id=OuterRef("pk"), cohort_visibility__in=visible)
    return (
        Cohort.objects.filter(Exists(shown)).select_related("program").order_by("-starts_on", "id")
    )


def alumni_visible_fields(*, profile: AlumniProfile, audience: str) -> dict[str, bool]:
    """Which of the profile's fields ``audience`` sees (its owner sees all)."""
    if audience == AUDIENCE_SELF:
        return dict.fromkeys(ALUMNI_VISIBILITY_FIELDS, True)
    visible = _visible(audience)
    return {
        name: getattr(profile, f"{name}_visibility") in visible for name in ALUMNI_VISIBILITY_FIELDS
    }


# --- Messages --------------------------------------------------------------------------------


def alumni_messages_of(*, user: User) -> QuerySet[AlumniMessage]:
    """Messages the person sent or received, newest first (names are kept on the row)."""
    return AlumniMessage.objects.filter(Q(sender=user) | Q(recipient=user)).order_by(
        "-sent_at", "-id"
    )


def alumni_message_for(*, user: User, pk: int) -> AlumniMessage | None:
    """A message the person sent or received; None for anyone else's."""
    return alumni_messages_of(user=user).filter(pk=pk).first()


def alumni_messages_sent_since(*, sender: User, since: dt.datetime) -> int:
    return AlumniMessage.objects.filter(sender=sender, sent_at__gt=since).count()


def alumni_reports(*, status: str = "") -> QuerySet[AlumniMessage]:
    """Reported messages for staff, open ones first, with both people and any suspension of
    the sender joined."""
    reports = AlumniMessage.objects.exclude(report_status="")
    if status:
        reports = reports.filter(report_status=status)
    suspended = AlumniSuspension.objects.filter(user_id=OuterRef("sender_id"))
    return (
        reports.select_related("sender", "recipient", "report_reviewed_by")
        .annotate(sender_suspended=Exists(suspended))
        .order_by("-reported_at", "-id")
    )


def alumni_open_report_count() -> int:
    return AlumniMessage.objects.filter(report_status=AlumniReportStatus.OPEN).count()


def alumni_suspensions() -> QuerySet[AlumniSuspension]:
    return AlumniSuspension.objects.select_related("user", "suspended_by").order_by(
        "-created_at", "-id"
    )


def alumni_mentor_volunteers() -> QuerySet[AlumniProfile]:
    """Profiles of alumni who offered to mentor participants (the mentor pool's source)."""
    return AlumniProfile.objects.filter(open_to_mentoring=True)
