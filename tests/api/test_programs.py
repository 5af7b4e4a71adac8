import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiKey
from api.services import api_key_create
from exchanges.models import Cohort, CohortQuota, Program
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/programs/"


def make_program(slug: str, partner=None) -> Program:
    program = Program.objects.create(
        slug=slug, name_en=slug.title(), kind="youth", countries=["US", "JP", "KR"]
    )
    if partner is not None:
        program.partners.add(partner)
    now = timezone.now()
    cohort = Cohort.objects.create(
        program=program,
        slug="c1",
        name_en="Cohort",
        opens_at=now,
        deadline=now + dt.timedelta(days=10),
        starts_on=dt.date(2027, 7, 1),
        ends_on=dt.date(2027, 7, 20),
        host_country="KR",
    )
    for country in ("US", "JP", "KR"):
        CohortQuota.objects.create(cohort=cohort, country=country, seats=10)
    return program


def test_program_list_shows_only_partnered_programs(api_client, partner_org):
    make_program("ours", partner_org)
    make_program("theirs", OrganisationFactory(name="Other", country="KR"))

    response = api_client.get(URL)

    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == ["ours"]
    assert [q["country"] for q in response.json()["results"][0]["cohorts"][0]["quotas"]] == [
        "JP",
        "KR",
        "US",
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_program_list_query_count_is_constant(
    api_client, partner_org, count, django_assert_num_queries
):
    for index in range(count):
        make_program(f"p{index}", partner_org)

    # key lookup, last_used update, programs, cohorts, quotas
    with django_assert_num_queries(5):
        response = api_client.get(URL)

    assert len(response.json()["results"]) == count


def test_program_list_without_key_is_401():
    response = APIClient().get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_program_list_wrong_secret_is_401(api_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token[:-3]}abc")

    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_program_list_expired_key_is_401(api_client, api_token):
    ApiKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = api_client.get(URL)

    assert response.status_code == 401


def test_program_list_key_without_scope_is_403(partner_org):
    _key, token = api_key_create(organisation=partner_org, name="No scopes", scopes=[])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = client.get(URL)

    assert response.status_code == 403


def test_api_key_secret_is_stored_hashed(api_token):
    key = ApiKey.objects.get()

    assert api_token.split("_", 2)[2] not in key.hashed_secret
    assert len(key.hashed_secret) == 64


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/programs/" in schema.content
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_openapi_schema_generates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
