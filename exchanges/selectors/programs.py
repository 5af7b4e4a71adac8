"""Reading programs and cohorts, scoped by who asks."""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from exchanges.enums import APPLICATION_SELECTED, CohortStatus
from exchanges.models import Application, Cohort, CohortQuota, Program


def quotas_with_fill() -> QuerySet[CohortQuota]:
    """Quotas by country, each with ``filled``: the applications of its country holding a
    seat (accepted, confirmed, participant, alumnus), counted in the same query.

    Every country's fill is shown to every partner: a count per country holds no personal
    data, so it is counted past the caller's query scope (``exchanges.scopes``)."""
    filled = (
        Application.objects.with_scopes_disabled()
        .filter(
            cohort=OuterRef("cohort"),
            country=OuterRef("country"),
            status__in=APPLICATION_SELECTED,
        )
        .order_by()
        .values("cohort")
        .annotate(count=Count("id"))
        .values("count")
    )
    return CohortQuota.objects.order_by("country").annotate(filled=Coalesce(Subquery(filled), 0))


def programs_for_organisation(*, organisation) -> QuerySet[Program]:
    """Programs an organisation partners on, with cohorts and quotas (with ``filled``, see
    ``quotas_with_fill``) fetched in bulk."""
    cohorts = Cohort.objects.order_by("-starts_on").prefetch_related(
        Prefetch("quotas", queryset=quotas_with_fill())
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


def cohorts_search(*, term: str) -> QuerySet[Cohort]:
    """Cohorts whose name or program name (in any language) or slug contains ``term``, the
    most recent first, with their programs."""
    qs = Cohort.objects.select_related("program").order_by("-starts_on", "-id")
    term = term.strip()
    if not term:
        return qs
    match = Q(slug__icontains=term) | Q(program__slug__icontains=term)
    for language in ("en", "ja", "ko"):
        match |= Q(**{f"name_{language}__icontains": term})
        match |= Q(**{f"program__name_{language}__icontains": term})
    return qs.filter(match)


def cohorts_for_organisation(*, organisation) -> QuerySet[Cohort]:
    """Cohorts of the programs an organisation partners on, each quota with ``filled``
    (``quotas_with_fill``)."""
    return (
        Cohort.objects.filter(program__partners=organisation)
        .select_related("program")
        .prefetch_related(Prefetch("quotas", queryset=quotas_with_fill()))
        .order_by("id")
    )
