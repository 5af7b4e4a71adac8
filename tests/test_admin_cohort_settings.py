"""The admin refuses malformed or nonsensical program and cohort settings with a sentence a
person can act on (model validators and constraints, so every other path refuses them too),
and the selection pages survive a malformed value stored before."""

import json

import pytest
from django.urls import reverse

from exchanges.models import Cohort, CohortQuota, Program
from tests.conftest import with_mfa
from tests.factories import SecretariatFactory
from tests.factories.applications import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(with_mfa(SecretariatFactory(is_superuser=True, is_staff=True)))
    return client


def _program_data(**overrides) -> dict:
    data = {
        "slug": "leaders",
        "name_en": "Leaders",
        "kind": "professional",
        "countries": '["US", "JP", "KR"]',
        "sectors": "[]",
        "cohorts-TOTAL_FORMS": "0",
        "cohorts-INITIAL_FORMS": "0",
        "cohorts-MIN_NUM_FORMS": "0",
        "cohorts-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def _cohort_data(program, **overrides) -> dict:
    data = {
        "program": program.pk,
        "slug": "summer",
        "name_en": "Summer",
        "status": "draft",
        "opens_at_0": "2030-01-01",
        "opens_at_1": "09:00:00",
        "deadline_0": "2030-02-01",
        "deadline_1": "09:00:00",
        "time_zone": "Asia/Seoul",
        "starts_on": "2030-07-01",
        "ends_on": "2030-07-20",
        "host_country": "KR",
        "sector_targets": "{}",
        "offer_response_days": "14",
        "waitlist_policy": "automatic",
        "eligible_countries": "[]",
        "eligibility_basis": "either",
        "language_requirements": "{}",
        "quotas-TOTAL_FORMS": "0",
        "quotas-INITIAL_FORMS": "0",
        "quotas-MIN_NUM_FORMS": "0",
        "quotas-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def _errors(response) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {name: list(messages) for name, messages in form.errors.items()}


def test_admin_cohort_valid_settings_are_saved(admin_client):
    program = ProgramFactory()

    response = admin_client.post(
        reverse("admin:exchanges_cohort_add"),
        _cohort_data(
            program,
            sector_targets='{"media": 2}',
            eligible_countries='["JP", "KR"]',
            language_requirements='{"en": "professional"}',
            min_age="18",
            max_age="35",
        ),
    )

    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert (cohort.sector_targets, cohort.eligible_countries, cohort.language_requirements) == (
        {"media": 2},
        ["JP", "KR"],
        {"en": "professional"},
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "sector_targets",
            "[1, 2]",
            'Enter the targets as {"sector": seats}, for example {"media": 2}.',
        ),
        (
            "sector_targets",
            '{"nonexistent": -5}',
            "Unknown codes: nonexistent. Use politics, business, media, academia, education, "
            "civil_society, arts.",
        ),
        (
            "sector_targets",
            '{"media": -5}',
            "Each sector target must be a whole number from 0 to 10000.",
        ),
        (
            "sector_targets",
            '{"media": "two"}',
            "Each sector target must be a whole number from 0 to 10000.",
        ),
        ("eligible_countries", '["ZZ"]', "Unknown codes: ZZ. Use US, JP, KR."),
        ("eligible_countries", '["JP", "JP"]', "Each code may appear only once: JP."),
        (
            "language_requirements",
            "[1]",
            'Enter the requirements as {"language": "level"}, for example {"en": "professional"}.',
        ),
        ("language_requirements", '{"xx": "wizard"}', "Unknown codes: xx. Use en, ja, ko."),
        (
            "language_requirements",
            '{"en": "wizard"}',
            "Each level must be one of none, basic, conversational, professional, native.",
        ),
        ("offer_response_days", "0", "Ensure this value is greater than or equal to 1."),
        ("min_age", "0", "Ensure this value is greater than or equal to 1."),
        ("max_age", "999", "Ensure this value is less than or equal to 120."),
    ],
)
def test_admin_cohort_refuses_malformed_settings(admin_client, field, value, message):
    program = ProgramFactory()

    response = admin_client.post(
        reverse("admin:exchanges_cohort_add"), _cohort_data(program, **{field: value})
    )

    assert response.status_code == 200
    assert Cohort.objects.count() == 0
    assert _errors(response) == {field: [message]}


def test_admin_cohort_refuses_maximum_age_below_minimum(admin_client):
    response = admin_client.post(
        reverse("admin:exchanges_cohort_add"),
        _cohort_data(ProgramFactory(), min_age="40", max_age="18"),
    )

    assert _errors(response) == {
        "max_age": ["The maximum age must not be below the minimum age (40)."]
    }
    assert Cohort.objects.count() == 0


def test_admin_cohort_refuses_eligible_country_outside_the_program(admin_client):
    program = ProgramFactory(countries=["JP", "KR"])

    response = admin_client.post(
        reverse("admin:exchanges_cohort_add"),
        _cohort_data(program, eligible_countries='["US"]'),
    )

    assert _errors(response) == {
        "eligible_countries": ["Not a participating country of the program: US."]
    }


def test_admin_cohort_refuses_host_country_outside_the_program(admin_client):
    program = ProgramFactory(countries=["JP", "KR"])

    response = admin_client.post(
        reverse("admin:exchanges_cohort_add"), _cohort_data(program, host_country="US")
    )

    assert _errors(response) == {
        "host_country": ["The host country must be a participating country of the program."]
    }
    assert Cohort.objects.count() == 0


@pytest.mark.parametrize("deadline", ["2030-07-01", "2030-08-01"])
def test_admin_cohort_refuses_a_deadline_on_or_after_the_start(admin_client, deadline):
    response = admin_client.post(
        reverse("admin:exchanges_cohort_add"),
        _cohort_data(ProgramFactory(), deadline_0=deadline),
    )

    assert _errors(response)["deadline"] == [
        "The application deadline must be before the program starts (July 1, 2030)."
    ]
    assert Cohort.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"ends_on": "2030-06-01"},
            "The program must not end before it starts.",
        ),
        (
            {"deadline_0": "2029-12-01"},
            "The application deadline must be after applications open.",
        ),
    ],
)
def test_admin_cohort_date_order_errors_are_sentences(admin_client, overrides, message):
    response = admin_client.post(
        reverse("admin:exchanges_cohort_add"), _cohort_data(ProgramFactory(), **overrides)
    )

    assert _errors(response) == {"__all__": [message]}


def test_admin_cohort_names_are_unique_per_program_ignoring_case(admin_client):
    program = ProgramFactory()
    CohortFactory(program=program, name_en="Cohort X")
    CohortFactory(name_en="Cohort X")  # another program may use it

    response = admin_client.post(
        reverse("admin:exchanges_cohort_add"),
        _cohort_data(program, slug="another", name_en="cohort x"),
    )

    assert _errors(response) == {
        "__all__": ["This program already has a cohort with this English name."]
    }
    assert Cohort.objects.filter(program=program).count() == 1


def test_admin_cohort_quota_seats_are_bounded(admin_client):
    data = _cohort_data(
        ProgramFactory(),
        **{
            "quotas-TOTAL_FORMS": "1",
            "quotas-0-country": "KR",
            "quotas-0-seats": "9223372036854775807",
            "quotas-0-waitlist_size": "0",
        },
    )

    response = admin_client.post(reverse("admin:exchanges_cohort_add"), data)

    assert response.status_code == 200
    assert (Cohort.objects.count(), CohortQuota.objects.count()) == (0, 0)
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"seats": ["Ensure this value is less than or equal to 10000."]}
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("countries", '["XX", "ZZ", "jp"]', "Unknown codes: XX, ZZ, jp. Use US, JP, KR."),
        ("countries", '{"a": 1}', 'Enter a list of codes, for example ["US", "JP", "KR"].'),
        ("countries", '["US", "US"]', "Each code may appear only once: US."),
        ("sectors", '"foo"', 'Enter a list of codes, for example ["media"].'),
        ("sectors", '[[1, 2], {"a": null}]', 'Enter a list of codes, for example ["media"].'),
        (
            "sectors",
            '["media", "magic"]',
            "Unknown codes: magic. Use politics, business, media, academia, education, "
            "civil_society, arts.",
        ),
    ],
)
def test_admin_program_refuses_malformed_settings(admin_client, field, value, message):
    response = admin_client.post(
        reverse("admin:exchanges_program_add"), _program_data(**{field: value})
    )

    assert response.status_code == 200
    assert Program.objects.count() == 0
    assert _errors(response) == {field: [message]}


def test_admin_program_valid_settings_are_saved(admin_client):
    response = admin_client.post(
        reverse("admin:exchanges_program_add"), _program_data(sectors='["media", "arts"]')
    )

    assert response.status_code == 302
    assert Program.objects.get().sectors == ["media", "arts"]


@pytest.mark.parametrize("stored", [[1, 2], {"nonexistent": -5}, {"media": "x"}, "foo"])
@pytest.mark.parametrize("page", ["staff:selection", "staff:selection_dashboard"])
def test_selection_pages_survive_malformed_stored_sector_targets(staff_client, page, stored):
    cohort = CohortFactory()
    Cohort.objects.filter(pk=cohort.pk).update(sector_targets=stored)

    response = staff_client.get(reverse(page, args=[cohort.pk]))

    assert response.status_code == 200
    assert response.context["proposal"].targets_ignored is True
    assert (
        "This cohort's sector targets are stored in a form that cannot be read, so they are "
        "ignored here." in response.content.decode().replace("&#x27;", "'")
    )


def test_selection_page_reads_valid_sector_targets(staff_client):
    cohort = CohortFactory(sector_targets={"media": 1})

    response = staff_client.get(reverse("staff:selection", args=[cohort.pk]))

    assert response.context["proposal"].targets_ignored is False
    assert json.dumps(cohort.sector_targets) == '{"media": 1}'
