"""Every operation of the schema, called with a Japanese partner's key: nothing of the Korean
or US partners can be listed or fetched, and dead or under-scoped keys are refused, always
as problem details."""

import datetime as dt

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from api.models import ApiKey
from api.services import api_key_create, api_key_revoke
from exchanges.enums import ApiScope
from exchanges.models import WebhookSubscription
from tests.api.conftest import client_for
from tests.factories import OrganisationFactory
from tests.factories.applications import CohortFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "instance", "errors"}
# A 403 for a missing scope names it (an RFC 9457 extension member).
SCOPE_PROBLEM_FIELDS = PROBLEM_FIELDS | {"required_scopes"}


def operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )


def foreign_ids(world, resource: str, country: str) -> list[int]:
    data = world[country]
    return {
        "applications": [data.application.pk, data.participant.pk],
        "documents": [data.document.pk],
        "nominations": [data.nomination.pk],
        "participants": [data.participant.pk],
        "groups": [data.group.pk],
        "webhooks": [data.extra["webhook"].pk],
        "webhook-deliveries": [data.extra["delivery"].pk],
    }[resource]


def own_ids(world, resource: str) -> list[int]:
    return foreign_ids(world, resource, "JP")


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert set(body) == (SCOPE_PROBLEM_FIELDS if status == 403 else PROBLEM_FIELDS)
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body


def url(path: str, pk: int) -> str:
    return path.replace("{id}", str(pk))


# The resource each path of the schema exposes; a new path fails the test until listed here.
RESOURCES = {
    "/api/v1/me": None,
    "/api/v1/programs/": "programs",
    "/api/v1/programs/{id}/": "programs",
    "/api/v1/cohorts/": "cohorts",
    "/api/v1/cohorts/{id}/": "cohorts",
    "/api/v1/cohorts/{id}/outcomes/": "cohorts",
    "/api/v1/applications/": "applications",
    "/api/v1/applications/{id}/": "applications",
    "/api/v1/applications/{id}/advance/": "applications",
    "/api/v1/documents/{id}/file/": "documents",
    "/api/v1/nominations/": "nominations",
    "/api/v1/nominations/{id}/": "nominations",
    "/api/v1/nominations/{id}/withdraw/": "nominations",
    "/api/v1/participants/": "participants",
    "/api/v1/participants/{id}/": "participants",
    "/api/v1/groups/": "groups",
    "/api/v1/groups/{id}/": "groups",
    "/api/v1/webhooks/": "webhooks",
    "/api/v1/webhooks/{id}/": "webhooks",
    "/api/v1/webhooks/{id}/deliveries/": "webhooks",
    "/api/v1/webhook-deliveries/{id}/redeliver/": "webhook-deliveries",
}


def test_every_operation_is_covered_by_this_test():
    assert sorted({path for _method, path in operations()}) == sorted(RESOURCES)


def test_japanese_key_cannot_reach_korean_or_us_objects(world):
    jp = client_for(world["JP"].token)
    # A program and cohort the Japanese partner has no part in.
    other_cohort = CohortFactory()
    other_cohort.program.partners.add(world["KR"].organisation)
    checked = 0
    for method, path in operations():
        resource = RESOURCES[path]
        if resource in ("programs", "cohorts"):
            foreign = [other_cohort.program.pk if resource == "programs" else other_cohort.pk]
        elif resource is None:
            continue
        else:
            foreign = [
                pk for country in ("US", "KR") for pk in foreign_ids(world, resource, country)
            ]
        if "{id}" in path:
            for pk in foreign:
                response = jp.generic(method, url(path, pk))
                assert_problem(response, 404, "not_found")
                checked += 1
        elif method == "GET":
            response = jp.get(path, {"page_size": 100})
            listed = {row.get("id", row.get("application")) for row in response.json()["results"]}
            assert response.status_code == 200
            assert listed.isdisjoint(foreign), path
            if resource not in ("programs", "cohorts"):
                expected = set(own_ids(world, resource))
                if resource == "applications":
                    expected.add(world["JP"].participant.pk)
                assert expected <= listed, path
            checked += 1
        elif path == "/api/v1/webhooks/":  # POST: the new subscription is the key's own.
            response = jp.post(
                path,
                {
                    "url": "https://93.184.215.9/hook",
                    "events": ["application.submitted"],
                    "contact_email": "it@example.jp",
                },
                format="json",
            )
            assert response.status_code == 201, response.content
            assert WebhookSubscription.objects.get(pk=response.json()["id"]).organisation == (
                world["JP"].organisation
            )
            checked += 1
        else:  # POST /nominations/: another partner's cohort is not found.
            response = jp.post(
                path,
                {"cohort": other_cohort.pk, "name": "A", "email": "a@example.org"},
                format="json",
            )
            assert_problem(response, 404, "cohort_not_found")
            checked += 1
    assert checked == 40


@pytest.mark.parametrize("state", ["revoked", "expired", "missing", "wrong secret"])
def test_every_operation_refuses_a_dead_key_with_401(world, state):
    key, token = api_key_create(
        organisation=world["JP"].organisation, name="Dead", scopes=list(ApiKey().scopes or [])
    )
    if state == "revoked":
        api_key_revoke(key=key, actor=None)
    elif state == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif state == "wrong secret":
        token = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    client = client_for(token) if state != "missing" else client_for("")
    if state == "missing":
        client.credentials()
    for method, path in operations():
        response = client.generic(method, url(path, world["JP"].application.pk))
        body = assert_problem(response, 401)
        assert response["WWW-Authenticate"] == "Bearer"
        # Credentials were sent unless the header is missing.
        assert body["code"] == (
            "not_authenticated" if state == "missing" else "authentication_failed"
        )


def scope_of(method: str, path: str) -> str:
    """The scope docs/api.md's table gives an operation."""
    resource = path.removeprefix("/api/v1/").split("/")[0]
    if path.endswith("/outcomes/"):
        return ApiScope.OUTCOMES_READ
    if path.endswith("/advance/"):
        return ApiScope.DECISIONS_WRITE
    if resource == "nominations":
        return ApiScope.NOMINATIONS_WRITE if method == "POST" else ApiScope.NOMINATIONS_READ
    return {
        "programs": ApiScope.PROGRAMS_READ,
        "cohorts": ApiScope.PROGRAMS_READ,
        "applications": ApiScope.APPLICATIONS_READ,
        "documents": ApiScope.APPLICATIONS_READ,
        "participants": ApiScope.PARTICIPANTS_READ,
        "groups": ApiScope.PARTICIPANTS_READ,
        "webhooks": ApiScope.WEBHOOKS_MANAGE,
        "webhook-deliveries": ApiScope.WEBHOOKS_MANAGE,
    }[resource]


def test_every_operation_but_me_refuses_a_key_without_its_scope_with_403_naming_it(world):
    _key, token = api_key_create(organisation=world["JP"].organisation, name="None", scopes=[])
    client = client_for(token)
    for method, path in operations():
        response = client.generic(method, url(path, world["JP"].application.pk))
        if path == "/api/v1/me":
            assert response.status_code == 200
        else:
            body = assert_problem(response, 403, "permission_denied")
            scope = scope_of(method, path)
            assert (body["required_scopes"], body["detail"]) == (
                [scope],
                f"This API key lacks the scope this operation needs: {scope}.",
            ), (method, path)


def test_a_key_of_an_organisation_partnering_on_nothing_sees_empty_lists(world):
    _key, token = api_key_create(
        organisation=OrganisationFactory(name="Lonely", country="JP"),
        name="K",
        scopes=list(world["JP"].organisation.api_keys.get().scopes),
    )
    client = client_for(token)
    for method, path in operations():
        if method == "GET" and "{id}" not in path and path != "/api/v1/me":
            assert client.get(path).json()["results"] == [], path
