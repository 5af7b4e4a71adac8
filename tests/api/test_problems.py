"""Errors are problem details with one shape; pages are capped and stable; bodies limited."""

import json
import re

import pytest
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator

from exchanges.models import Application, Nomination
from tests.api.conftest import client_for, submitted
from tests.api.test_scoping import PROBLEM, PROBLEM_FIELDS, assert_problem

pytestmark = pytest.mark.django_db
NOMINATIONS = "/api/v1/nominations/"


@pytest.fixture
def jp(world):
    return client_for(world["JP"].token)


def name_pattern() -> str:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema["components"]["schemas"]["NominationCreateInputRequest"]["properties"]["name"][
        "pattern"
    ]


def nomination_body(world, **changes) -> dict:
    return {
        "cohort": world["cohort"].pk,
        "name": "Sato Hana",
        "email": "hana@example.jp",
        **changes,
    }


def test_unknown_path_under_api_is_a_404_problem(jp):
    body = assert_problem(jp.get("/api/v1/nothing-here/"), 404, "not_found")

    assert body == {
        "type": "https://trilink.example/problems/not_found",
        "title": "Not found",
        "status": 404,
        "detail": "Not found.",
        "code": "not_found",
        "instance": "/api/v1/nothing-here/",
        "errors": [],
    }


def test_wrong_method_is_a_405_problem_with_allow(jp):
    response = jp.delete("/api/v1/applications/")

    assert_problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_non_json_body_is_a_415_problem(jp, world):
    response = jp.post(NOMINATIONS, "cohort=1", content_type="application/x-www-form-urlencoded")

    assert_problem(response, 415, "unsupported_media_type")


def test_malformed_json_is_a_400_problem(jp):
    response = jp.post(NOMINATIONS, '{"name": ', content_type="application/json")

    body = assert_problem(response, 400, "parse_error")
    assert body["detail"].startswith("JSON parse error")


def test_unknown_fields_are_named_in_a_400_problem(jp, world):
    response = jp.post(NOMINATIONS, nomination_body(world, nickname="H", age=3), format="json")

    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == [
        {"field": "age", "code": "unknown_field", "detail": "Unknown field."},
        {"field": "nickname", "code": "unknown_field", "detail": "Unknown field."},
    ]


def test_wrong_types_are_named_in_a_400_problem(jp, world):
    response = jp.post(
        NOMINATIONS, nomination_body(world, cohort="first", email=5, language="fr"), format="json"
    )

    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == [
        {"field": "cohort", "code": "invalid", "detail": "A valid integer is required."},
        {"field": "email", "code": "invalid", "detail": "Enter a valid email address."},
        {"field": "language", "code": "invalid_choice", "detail": '"fr" is not a valid choice.'},
    ]


def test_a_json_array_instead_of_an_object_is_a_400_problem(jp):
    response = jp.post(NOMINATIONS, [1, 2], format="json")

    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == [
        {
            "field": "",
            "code": "invalid",
            "detail": "Invalid data. Expected a dictionary, but got list.",
        }
    ]


@override_settings(API_MAX_BODY_BYTES=1000)
def test_a_body_over_the_limit_is_a_413_problem_and_creates_nothing(jp, world):
    response = jp.post(NOMINATIONS, nomination_body(world, note="x" * 1000), format="json")

    assert_problem(response, 413, "request_too_large")
    assert world["JP"].organisation.nominations.count() == 1


def test_an_invalid_filter_value_is_a_400_problem(jp):
    response = jp.get("/api/v1/applications/", {"status": "sleeping", "updated_since": "soon"})

    body = assert_problem(response, 400, "invalid")
    assert [error["field"] for error in body["errors"]] == ["status", "updated_since"]


@pytest.mark.parametrize("value", ["0", "-3", "many", ""])
def test_a_page_size_that_is_not_a_positive_integer_is_a_400_problem(jp, value):
    body = assert_problem(jp.get("/api/v1/cohorts/", {"page_size": value}), 400, "invalid")

    assert [error["field"] for error in body["errors"]] == ["page_size"]


def test_ids_beyond_64_bits_are_404_or_match_nothing(jp):
    assert_problem(jp.get("/api/v1/applications/" + "9" * 30 + "/"), 404, "not_found")
    response = jp.get("/api/v1/applications/", {"cohort": "9" * 30})
    assert (response.status_code, response.json()["results"]) == (200, [])


def test_an_invalid_cursor_is_a_404_problem(jp):
    assert_problem(jp.get("/api/v1/applications/", {"cursor": "garbage"}), 404, "not_found")


@override_settings(API_MAX_PAGE_SIZE=3)
def test_page_size_is_capped_whatever_the_query_asks(jp, world):
    for _ in range(4):
        submitted(world["cohort"], "JP", world["cohort"].form.steps.get().questions.get())

    response = jp.get("/api/v1/applications/", {"page_size": 1000})

    assert len(response.json()["results"]) == 3
    assert response.json()["next"] is not None


def test_cursor_pages_are_stable_under_inserts(jp, world):
    question = world["cohort"].form.steps.get().questions.get()
    for _ in range(4):
        submitted(world["cohort"], "JP", question)
    expected = list(
        Application.objects.filter(country="JP")
        .exclude(status="draft")
        .order_by("id")
        .values_list("id", flat=True)
    )
    seen = []
    page = jp.get("/api/v1/applications/", {"page_size": 2}).json()
    seen += [row["id"] for row in page["results"]]
    # Rows inserted while paging come after every row already there (ids only grow).
    inserted = [submitted(world["cohort"], "JP", question)[0].pk for _ in range(3)]
    while page["next"]:
        page = jp.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]

    assert seen == expected + inserted
    assert len(set(seen)) == len(seen)


@override_settings(API_RATE_LIMIT="3/minute")
def test_each_key_is_throttled_separately(world):
    from django.core.cache import cache  # noqa: PLC0415 -- test isolation: the throttle counts

    cache.clear()
    jp, kr = client_for(world["JP"].token), client_for(world["KR"].token)
    statuses = [jp.get("/api/v1/me").status_code for _ in range(4)]
    limited = jp.get("/api/v1/me")
    other = kr.get("/api/v1/me")

    assert statuses == [200, 200, 200, 429]
    body = assert_problem(limited, 429, "throttled")
    assert int(limited["Retry-After"]) > 0
    assert body["detail"].startswith("Request was throttled.")
    assert other.status_code == 200
    cache.clear()


def test_problem_content_type_and_fields_are_the_same_for_every_error(jp, world):
    responses = [
        jp.get("/api/v1/applications/999999/"),
        jp.post(NOMINATIONS, "{", content_type="application/json"),
        client_for("tlk_nope_nope").get("/api/v1/me"),
    ]

    assert [r["Content-Type"] for r in responses] == [PROBLEM] * 3
    assert [set(json.loads(r.content)) for r in responses] == [PROBLEM_FIELDS] * 3


def test_an_empty_filter_value_is_a_400_problem(jp):
    body = assert_problem(jp.get("/api/v1/applications/", {"updated_since": ""}), 400, "invalid")

    assert body["errors"] == [
        {"field": "updated_since", "code": "required", "detail": "Send a value."}
    ]


def test_a_path_with_a_newline_is_a_404_problem(jp):
    assert_problem(jp.get("/api/v1/programs/%0A/"), 404, "not_found")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("\r", "blank"),
        ("\ufeff", "blank"),
        ("\u3000\x85 ", "blank"),
        ("\x1cAnn", "control_characters"),
        (5, "invalid"),
    ],
)
def test_a_name_the_schema_refuses_is_refused_and_nothing_is_created(jp, world, name, code):
    """The schema's pattern for ``name`` and the service agree (Schemathesis found ``"\\r"``
    passing the schema's ``minLength`` and then refused as blank once trimmed)."""
    schema_pattern = name_pattern()
    if isinstance(name, str):
        assert re.search(schema_pattern, name) is None
    before = Nomination.objects.count()

    response = jp.post(NOMINATIONS, nomination_body(world, name=name), format="json")

    body = assert_problem(response, 400, "invalid")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("name", code)]
    assert Nomination.objects.count() == before


def test_a_name_with_spaces_around_it_is_trimmed_and_matches_the_schema(jp, world):
    schema_pattern = name_pattern()
    assert re.search(schema_pattern, "\u3000Kim Minji\n")

    response = jp.post(NOMINATIONS, nomination_body(world, name="\u3000Kim Minji\n"), format="json")

    assert response.status_code == 201
    assert response.json()["name"] == "Kim Minji"
