"""Reading programs and cohorts, scoped by who asks."""

from django.db.models import Prefetch, QuerySet

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
