"""Reading campaigns and their audience, scoped to the viewer."""

from collections.abc import Callable

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from accounts.models import User
from exchanges.enums import Language, MailStatus, Role
from exchanges.models import Application, Campaign, MailOptOut, OutgoingMail
from exchanges.rules import is_secretariat

# Extension point for other capabilities: each function narrows a campaign's audience (a
# filter on the queryset, never a per-person query). Register with
# ``campaign_audience_filter_register``. Application statuses are built into the selector.

# Extension point for other capabilities: each function narrows a campaign's audience (a
# filter on the queryset, never a per-person query). Register with
# ``campaign_audience_filter_register``. Application statuses are built into the selector.
AudienceFilter = Callable[[QuerySet[User], Campaign], QuerySet[User]]
_AUDIENCE_FILTERS: list[AudienceFilter] = []


def campaign_audience_filter_register(function: AudienceFilter) -> AudienceFilter:
    if function not in _AUDIENCE_FILTERS:
        _AUDIENCE_FILTERS.append(function)
    return function


def campaign_audience(*, campaign: Campaign) -> QuerySet[User]:
    """The people a campaign goes to, always within its cohort; one query.

    Active people of the chosen roles (applicants when none is chosen), each linked to the
    campaign's cohort by their role: applicants by an application to the cohort (in one of
    ``audience_statuses`` when any is chosen; its country is the delegation it counts
    against), reviewers by the cohort's reviewer pool, partner staff by an organisation that
    partners the cohort's program, secretariat staff by staffing that program. Without the
    addresses that opted out of non-transactional mail. The count shown before sending and
    the rows queued both come from here.
    """
    roles = campaign.audience_roles or [Role.APPLICANT]
    countries = campaign.audience_countries
    links = Q(pk__in=[])
    if Role.APPLICANT in roles:
        applications = Application.objects.filter(
            applicant=OuterRef("pk"), cohort_id=campaign.cohort_id
        )
        if campaign.audience_statuses:
            applications = applications.filter(status__in=campaign.audience_statuses)
        if countries:
            applications = applications.filter(country__in=countries)
        links |= Q(role=Role.APPLICANT) & Q(Exists(applications))
    staff_links = Q(pk__in=[])
    if Role.REVIEWER in roles:
        staff_links |= Q(role=Role.REVIEWER, review_pools__cohort_id=campaign.cohort_id)
    if Role.PARTNER_STAFF in roles:
        staff_links |= Q(
            role=Role.PARTNER_STAFF, organisation__partner_programs__cohorts=campaign.cohort_id
        )
    if Role.SECRETARIAT in roles:
        staff_links |= Q(role=Role.SECRETARIAT, staffed_programs__cohorts=campaign.cohort_id)
    if countries:
        staff_links &= Q(country__in=countries)
    linked_staff = User.objects.filter(staff_links).values("pk")
    qs = User.objects.filter(is_active=True).filter(links | Q(pk__in=linked_staff))
    for audience_filter in _AUDIENCE_FILTERS:
        qs = audience_filter(qs, campaign)
    # Opt-outs are stored lower-cased; an address may not be.
    return (
        qs.annotate(email_lower=Lower("email"))
        .exclude(email_lower__in=MailOptOut.objects.values("email"))
        .order_by("id")
    )


def campaign_preview_recipients(*, campaign: Campaign) -> dict[str, User | None]:
    """For each language, the first member of the audience who reads it, or None when nobody
    does; two queries whatever the audience size. The preview of a language is rendered for
    a person who would receive it in that language, never for someone outside the audience."""
    firsts = (
        campaign_audience(campaign=campaign)
        .order_by()
        .values("preferred_language")
        .annotate(first_id=Min("pk"))
    )
    first_ids = {row["preferred_language"]: row["first_id"] for row in firsts}
    people = User.objects.in_bulk(list(first_ids.values()))
    return {code: people.get(first_ids.get(code)) for code in Language.values}


def campaigns_visible_to(*, viewer: User) -> QuerySet[Campaign]:
    if not is_secretariat(viewer):
        return Campaign.objects.none()
    return Campaign.objects.select_related("cohort__program", "created_by")


def campaigns_list(*, viewer: User) -> QuerySet[Campaign]:
    """The campaigns with how many of their messages were sent and how many failed."""
    return (
        campaigns_visible_to(viewer=viewer)
        .annotate(
            mails_sent=Count("mails", filter=Q(mails__status=MailStatus.SENT)),
            mails_failed=Count("mails", filter=Q(mails__status=MailStatus.FAILED)),
        )
        .order_by("-created_at", "-id")
    )


def campaign_progress(*, campaign: Campaign) -> dict:
    """Counts by status and the percentage of messages that reached a final status."""
    counts = OutgoingMail.objects.filter(campaign=campaign).aggregate(
        queued=Count("id", filter=Q(status=MailStatus.QUEUED)),
        sending=Count("id", filter=Q(status=MailStatus.SENDING)),
        sent=Count("id", filter=Q(status=MailStatus.SENT)),
        failed=Count("id", filter=Q(status=MailStatus.FAILED)),
        cancelled=Count("id", filter=Q(status=MailStatus.CANCELLED)),
    )
    total = max(campaign.recipients_total, sum(counts.values()))
    done = counts["sent"] + counts["failed"] + counts["cancelled"]
    complete = campaign.enqueued_at is not None and counts["queued"] + counts["sending"] == 0
    percent = 100 if complete else (int(done * 100 / total) if total else 0)
    return {**counts, "total": total, "done": done, "percent": percent, "complete": complete}
