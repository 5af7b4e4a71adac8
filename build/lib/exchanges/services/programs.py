"""Writing programs and cohorts: creating a program, and a cohort with its country quotas."""

from collections.abc import Iterable

from django.db import transaction

from exchanges.activity_types import Activity
from exchanges.models import Cohort, CohortQuota, Program
from exchanges.services.activity import activity_log_record

PROGRAM_FIELDS = frozenset(
    {
        "name_en",
        "name_ja",
        "name_ko",
        "description_en",
        "description_ja",
        "description_ko",
        "kind",
        "countries",
        "sectors",
    }
)
COHORT_FIELDS = frozenset(
    {
        "name_en",
        "name_ja",
        "name_ko",
        "status",
        "opens_at",
        "deadline",
        "time_zone",
        "starts_on",
        "ends_on",
        "host_country",
        "sector_targets",
        "min_age",
        "max_age",
        "age_reference_date",
        "offer_response_days",
        "waitlist_policy",
        "eligible_countries",
        "eligibility_basis",
        "language_requirements",
    }
)


def _unexpected(fields: dict, allowed: frozenset[str], what: str) -> None:
    unexpected = set(fields) - allowed
    if unexpected:
        raise TypeError(f"unexpected {what} fields: {sorted(unexpected)}")


@transaction.atomic
def program_create(
    *,
    actor,
    slug: str,
    partners: Iterable = (),
    staff: Iterable = (),
    **fields,
) -> Program:
    """Create a program (fields as in ``PROGRAM_FIELDS``) with its partner organisations and
    secretariat staff. Raises ``ValidationError`` for invalid or duplicate values."""
    _unexpected(fields, PROGRAM_FIELDS, "program")
    program = Program(slug=slug, **fields)
    program.full_clean()
    program.save()
    program.partners.set(partners)
    program.staff.set(staff)
    activity_log_record(
        actor=actor,
        obj=program,
        action_type=Activity.PROGRAM_CREATED,
        data={"slug": slug, "countries": list(program.countries)},
    )
    return program


@transaction.atomic
def cohort_create(
    *,
    program: Program,
    actor,
    slug: str,
    quotas: dict[str, tuple[int, int]],
    **fields,
) -> Cohort:
    """Create a cohort of ``program`` (fields as in ``COHORT_FIELDS``) with a quota row per
    country in ``quotas`` (country -> (seats, waiting-list size)). Raises ``ValidationError``
    for invalid values (a deadline before the opening, a slug the program already uses)."""
    _unexpected(fields, COHORT_FIELDS, "cohort")
    cohort = Cohort(program=program, slug=slug, **fields)
    cohort.full_clean()
    cohort.save()
    for country, (seats, waitlist_size) in sorted(quotas.items()):
        quota = CohortQuota(
            cohort=cohort, country=country, seats=seats, waitlist_size=waitlist_size
        )
        quota.full_clean()
        quota.save()
    activity_log_record(
        actor=actor,
        obj=cohort,
        action_type=Activity.COHORT_CREATED,
        data={
            "program": program.pk,
            "slug": slug,
            "quotas": {country: list(sizes) for country, sizes in sorted(quotas.items())},
        },
    )
    return cohort
