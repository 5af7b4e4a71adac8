"""Reading programs and cohorts, scoped by who asks."""

from django.db.models import Prefetch, QuerySet

from exchanges.enums import CohortStatus
from exchanges.models import Cohort, CohortQuota, Program


def programs_for_organisation(*, organisation) -> QuerySet[Program]:
    """Programs an organisation partners on, with cohorts and quotas fetched in bulk."""
    cohorts = Cohort.objects.order_by("-starts_on").prefetch_related(
        Prefetch("quotas", queryset=CohortQuota.objects.order_by("country"))
    )
    return (
        Program.objects.filter(partners=organisation)
        .prefetch_related(Prefetch("cohorts", queryset=cohorts))
        .order_by("id")
    )


def cohorts_history() -> QuerySet[Cohort]:
    """Public cohorts that are not taking applications (running, in review, finished), the
    most recent first, with their programs."""
    return (
        Cohort.objects.exclude(status__in=[CohortStatus.DRAFT, CohortStatus.OPEN])
        .select_related("program")
        .order_by("-starts_on", "-id")
    )
