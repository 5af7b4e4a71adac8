"""Program and cohort creation: fields checked, quotas per country, the activity log, and
nothing written when a value is invalid."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from exchanges.enums import CohortStatus, ProgramKind
from exchanges.models import ActivityLog, Cohort, CohortQuota, Program
from exchanges.services.programs import cohort_create, program_create
from tests.factories import OrganisationFactory, SecretariatFactory
from tests.factories.applications import ProgramFactory

pytestmark = pytest.mark.django_db


def _cohort_fields() -> dict:
    now = timezone.now()
    return {
        "name_en": "2030 Summer, hosted in Seoul",
        "status": CohortStatus.OPEN,
        "opens_at": now,
        "deadline": now + dt.timedelta(days=30),
        "time_zone": "Asia/Seoul",
        "starts_on": dt.date(2030, 7, 1),
        "ends_on": dt.date(2030, 7, 21),
        "host_country": "KR",
    }


def test_program_create_sets_partners_staff_and_logs():
    staff = SecretariatFactory()
    partner = OrganisationFactory(country="JP")

    program = program_create(
        actor=staff,
        slug="educators",
        partners=[partner],
        staff=[staff],
        name_en="Educators' Dialogue",
        kind=ProgramKind.PROFESSIONAL,
        countries=["US", "JP", "KR"],
    )

    program.refresh_from_db()
    assert (program.slug, program.name_en, program.countries) == (
        "educators",
        "Educators' Dialogue",
        ["US", "JP", "KR"],
    )
    assert list(program.partners.all()) == [partner]
    assert list(program.staff.all()) == [staff]
    assert list(ActivityLog.objects.values_list("action_type", "actor", "object_id", "data")) == [
        (
            "exchanges.program.created",
            staff.pk,
            program.pk,
            {"slug": "educators", "countries": ["US", "JP", "KR"]},
        )
    ]


def test_program_create_with_a_taken_slug_raises_and_writes_nothing():
    ProgramFactory(slug="educators")

    with pytest.raises(ValidationError):
        program_create(
            actor=SecretariatFactory(),
            slug="educators",
            name_en="Educators' Dialogue",
            kind=ProgramKind.PROFESSIONAL,
            countries=["US"],
        )

    assert (Program.objects.count(), ActivityLog.objects.count()) == (1, 0)


def test_cohort_create_adds_a_quota_per_country_and_logs():
    staff = SecretariatFactory()
    program = ProgramFactory()

    cohort = cohort_create(
        program=program,
        actor=staff,
        slug="2030-summer-seoul",
        quotas={"US": (20, 5), "JP": (15, 3)},
        **_cohort_fields(),
    )

    assert Cohort.objects.get(pk=cohort.pk).name_en == "2030 Summer, hosted in Seoul"
    assert list(
        CohortQuota.objects.filter(cohort=cohort)
        .order_by("country")
        .values_list("country", "seats", "waitlist_size")
    ) == [("JP", 15, 3), ("US", 20, 5)]
    assert list(ActivityLog.objects.values_list("action_type", "object_id", "data")) == [
        (
            "exchanges.cohort.created",
            cohort.pk,
            {
                "program": program.pk,
                "slug": "2030-summer-seoul",
                "quotas": {"JP": [15, 3], "US": [20, 5]},
            },
        )
    ]


def test_cohort_create_with_a_deadline_before_opening_raises_and_writes_nothing():
    fields = _cohort_fields()
    fields["deadline"] = fields["opens_at"] - dt.timedelta(days=1)

    with pytest.raises(ValidationError):
        cohort_create(
            program=ProgramFactory(),
            actor=SecretariatFactory(),
            slug="2030-summer-seoul",
            quotas={"US": (20, 5)},
            **fields,
        )

    assert (Cohort.objects.count(), CohortQuota.objects.count(), ActivityLog.objects.count()) == (
        0,
        0,
        0,
    )


def test_cohort_create_refuses_unknown_fields():
    with pytest.raises(TypeError, match=r"unexpected cohort fields: \['colour'\]"):
        cohort_create(
            program=ProgramFactory(),
            actor=SecretariatFactory(),
            slug="2030",
            quotas={},
            colour="red",
            **_cohort_fields(),
        )

    assert Cohort.objects.count() == 0
