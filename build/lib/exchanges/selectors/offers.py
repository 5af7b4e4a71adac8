"""Reading quotas and offers: seat usage per country, scoped like the applications."""

from django.db.models import Count, Q

from accounts.models import User
from exchanges.enums import APPLICATION_HOLDING_SEAT, ApplicationStatus, Country, Role
from exchanges.models import Application, Cohort, CohortQuota


def viewer_manages_country(*, viewer: User, country: str) -> bool:
    """Secretariat: every country; partner staff: their organisation's country."""
    if viewer.role == Role.SECRETARIAT or viewer.is_superuser:
        return True
    return viewer.role == Role.PARTNER_STAFF and viewer.partner_country == country


def _row(quota: CohortQuota, taken: int, waiting: int) -> dict:
    labels = dict(Country.choices)
    free = max(0, quota.seats - taken)
    return {
        "country": quota.country,
        "label": labels.get(quota.country, quota.country),
        "seats": quota.seats,
        "taken": taken,
        "free": free,
        "waiting": waiting,
        "waitlist_size": quota.waitlist_size,
        "can_promote": bool(free and waiting),
    }


def quota_usage(*, viewer: User, cohort: Cohort, counts: list[dict]) -> list[dict]:
    """One row per country quota the viewer may see: seats taken (offers out and accepted)
    of the total, the waiting list and whether a seat could be offered to it.

    ``counts`` are the viewer's ``pipeline_counts`` rows (status, country, total), so this
    costs one query (the quota rows).
    """
    totals = {(row["status"], row["country"]): row["total"] for row in counts}
    quotas = CohortQuota.objects.filter(cohort=cohort).order_by("country")
    if not (viewer.role == Role.SECRETARIAT or viewer.is_superuser):
        quotas = quotas.filter(country=viewer.partner_country or "")
    return [
        _row(
            quota,
            sum(totals.get((status, quota.country), 0) for status in APPLICATION_HOLDING_SEAT),
            totals.get((ApplicationStatus.WAITLISTED, quota.country), 0),
        )
        for quota in quotas
    ]


def quota_usage_for_application(*, application: Application) -> dict | None:
    """The seat usage of the application's cohort and country (two queries), or None."""
    quota = CohortQuota.objects.filter(
        cohort_id=application.cohort_id, country=application.country
    ).first()
    if quota is None:
        return None
    counts = Application.objects.filter(
        cohort_id=application.cohort_id, country=application.country
    ).aggregate(
        taken=Count("id", filter=Q(status__in=APPLICATION_HOLDING_SEAT)),
        waiting=Count("id", filter=Q(status=ApplicationStatus.WAITLISTED)),
    )
    return _row(quota, counts["taken"], counts["waiting"])
