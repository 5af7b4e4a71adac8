"""Bearer authentication: what a client sent decides between "no credentials" and "wrong
credentials", and the key never reaches a log."""

import logging

import pytest

from api.services import api_key_create
from exchanges.enums import ApiScope
from tests.api.conftest import client_for
from tests.api.test_scoping import assert_problem

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


def with_header(value: str):
    client = client_for("")
    client.credentials(HTTP_AUTHORIZATION=value)
    return client


@pytest.mark.parametrize(
    "header",
    [
        "Bearer bogus",
        "Bearer a b",
        "Bearer",
        "Bearer ",
        "Bearer tlk_",
        "Bearer tlk_nope",
        "Bearer tlk_0123456789ab_",
        "Bearer tlk_0123456789ab_wrong",
        "Bearer tlk_01\x00_secret",
        "Bearer tlk_" + "a" * 200 + "_secret",
    ],
)
def test_a_bearer_token_that_is_no_valid_key_is_authentication_failed(api_token, header):
    """Credentials were sent, so the answer says they are wrong, not that none came."""
    response = with_header(header).get(ME)

    body = assert_problem(response, 401, "authentication_failed")
    assert (body["detail"], response["WWW-Authenticate"]) == ("Invalid API key.", "Bearer")


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(partner_org, api_token, scheme):
    response = with_header(f"{scheme} {api_token}").get(ME)

    assert (response.status_code, response.json()["organisation"]["name"]) == (
        200,
        partner_org.name,
    )


@pytest.mark.parametrize("header", ["", "Basic dXNlcjpwYXNz", "Token abc"])
def test_no_bearer_header_is_not_authenticated(api_token, header):
    response = with_header(header).get(ME)

    body = assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"
    assert body["detail"] == "Authentication credentials were not provided."


@pytest.mark.parametrize(
    ("language", "detail"), [("ja", "APIキーが無効です。"), ("ko", "API 키가 유효하지 않습니다.")]
)
def test_an_invalid_key_is_explained_in_the_requests_language(api_token, language, detail):
    response = with_header("Bearer bogus").get(ME, HTTP_ACCEPT_LANGUAGE=language)

    assert assert_problem(response, 401, "authentication_failed")["detail"] == detail


def test_a_refused_or_accepted_key_is_never_logged(partner_org, api_token, caplog):
    wrong = api_token[:-4] + "zzzz"
    caplog.set_level(logging.DEBUG)

    with_header(f"bearer {wrong}").get(ME)
    with_header(f"Bearer {api_token}").get("/api/v1/nominations/")

    secrets = (api_token.rsplit("_", 1)[1], wrong.rsplit("_", 1)[1])
    assert [r for r in caplog.records if any(s in r.getMessage() for s in secrets)] == []


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "This API key lacks the scope this operation needs: nominations:write."),
        (
            "ja",
            "この操作には nominations:write のスコープが必要ですが、このAPIキーにはありません。",
        ),
        ("ko", "이 작업에는 nominations:write 범위가 필요하지만 이 API 키에는 없습니다."),
    ],
)
def test_a_missing_scope_is_named_in_the_403(partner_org, language, detail):
    _key, token = api_key_create(
        organisation=partner_org, name="Reader", scopes=[ApiScope.NOMINATIONS_READ]
    )

    response = client_for(token).post(
        "/api/v1/nominations/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )

    body = assert_problem(response, 403, "permission_denied")
    assert (body["detail"], body["required_scopes"]) == (detail, ["nominations:write"])
