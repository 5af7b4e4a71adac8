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


def programs_with_public_cohorts() -> QuerySet[Program]:
    """Programs with the cohorts an anonymous visitor may see (all but drafts)."""
    public = Cohort.objects.exclude(status=CohortStatus.DRAFT)
    return (
        Program.objects.filter(cohorts__in=public)
        .distinct()
        .prefetch_related(
            Prefetch("cohorts", queryset=public.order_by("-starts_on"), to_attr="public_cohorts")
        )
        .order_by("name_en")
    )
