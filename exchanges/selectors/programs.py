"""Reading programs and cohorts, scoped by who asks."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from exchanges.enums import APPLICATION_SELECTED, CohortStatus
from exchanges.models import Application, Cohort, CohortQuota, Program


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


def cohorts_for_organisation(*, organisation) -> QuerySet[Cohort]:
    """Cohorts of the programs an organisation partners on, each quota with ``filled``: the
    applications of its country holding a seat (accepted, confirmed, participant, alumnus)."""
    filled = (
        Application.objects.filter(
            cohort=OuterRef("cohort"),
            country=OuterRef("country"),
            status__in=APPLICATION_SELECTED,
        )
        .order_by()
        .values("cohort")
        .annotate(count=Count("id"))
        .values("count")
    )
    quotas = CohortQuota.objects.order_by("country").annotate(filled=Coalesce(Subquery(filled), 0))
    return (
        Cohort.objects.filter(program__partners=organisation)
        .select_related("program")
        .prefetch_related(Prefetch("quotas", queryset=quotas))
        .order_by("id")
    )
