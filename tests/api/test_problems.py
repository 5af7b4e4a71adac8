"""Errors are problem details with one shape; pages are capped and stable; bodies limited."""

import json
import re

import pytest
from django.core import mail
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


def test_an_unknown_field_is_reported_with_every_other_failing_field(jp, world):
    response = jp.post(
        NOMINATIONS,
        {"cohort": "1", "name": 5, "email": "bad", "language": "fr", "note": None, "extra": 1},
        format="json",
    )

    body = assert_problem(response, 400, "invalid")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("cohort", "invalid"),
        ("name", "invalid"),
        ("email", "invalid"),
        ("language", "invalid_choice"),
        ("note", "null"),
        ("extra", "unknown_field"),
    ]


@pytest.mark.parametrize("cohort", ["{pk}", "{pk}.0", True])
def test_a_cohort_that_is_not_a_json_integer_is_refused(jp, world, cohort):
    pk = world["cohort"].pk
    value = cohort.format(pk=pk) if isinstance(cohort, str) else cohort
    if value == f"{pk}.0":
        value = float(pk)
    before = Nomination.objects.count()

    response = jp.post(NOMINATIONS, nomination_body(world, cohort=value), format="json")

    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == [
        {"field": "cohort", "code": "invalid", "detail": "A valid integer is required."}
    ]
    assert Nomination.objects.count() == before


@pytest.mark.parametrize(
    "email", ["a@localhost", "a@[127.0.0.1]", "a@example.", "a@127.0.0.1", "a@b..org"]
)
def test_an_address_without_a_full_domain_name_is_refused_and_nobody_is_mailed(
    jp, world, email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = jp.post(NOMINATIONS, nomination_body(world, email=email), format="json")

    body = assert_problem(response, 400, "invalid")
    assert [e["field"] for e in body["errors"]] == ["email"]
    assert not Nomination.objects.filter(email=email).exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Ann\u202egnp.exe", "bidi_control_characters"),
        ("\u202aAnn", "bidi_control_characters"),
        ("Ann\u2067Lee\u2069", "bidi_control_characters"),
        ("An\u200bn", "invisible_characters"),
        ("Ann\u2060", "invisible_characters"),
    ],
)
def test_a_name_with_bidi_controls_or_invisible_characters_is_refused(jp, world, name, code):
    assert re.search(name_pattern(), name) is None
    before = Nomination.objects.count()

    response = jp.post(NOMINATIONS, nomination_body(world, name=name), format="json")

    body = assert_problem(response, 400, "invalid")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("name", code)]
    assert Nomination.objects.count() == before


def test_a_name_with_a_zero_width_joiner_and_a_note_with_rlm_are_accepted(jp, world):
    """Joiners belong to some scripts and emoji, and a direction mark only hints a direction:
    neither reorders the text."""
    name, note = "Ann \U0001f469\u200d\U0001f52c", "\u05e9\u05dc\u05d5\u05dd\u200f 2027"

    response = jp.post(NOMINATIONS, nomination_body(world, name=name, note=note), format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["name"], response.json()["note"]) == (name, note)


def test_a_note_with_a_bidi_override_is_refused(jp, world):
    response = jp.post(NOMINATIONS, nomination_body(world, note="ok \u202e"), format="json")

    body = assert_problem(response, 400, "invalid")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("note", "bidi_control_characters")
    ]


def test_a_field_in_the_body_of_withdraw_is_unknown_and_nothing_is_withdrawn(jp, world):
    nomination = world["JP"].nomination

    response = jp.post(
        f"/api/v1/nominations/{nomination.pk}/withdraw/", {"reason": "x"}, format="json"
    )

    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == [
        {"field": "reason", "code": "unknown_field", "detail": "Unknown field."}
    ]
    nomination.refresh_from_db()
    assert nomination.status == "invited"
    assert (
        jp.post(f"/api/v1/nominations/{nomination.pk}/withdraw/", {}, format="json").json()[
            "status"
        ]
        == "withdrawn"
    )


def test_another_organisations_nomination_is_404_whatever_the_body(jp, world):
    nomination = world["US"].nomination

    response = jp.post(
        f"/api/v1/nominations/{nomination.pk}/withdraw/", {"reason": "x"}, format="json"
    )

    assert_problem(response, 404, "not_found")


def test_options_describes_the_fields_a_nomination_is_posted_with(jp):
    actions = jp.options(NOMINATIONS).json()["actions"]["POST"]

    assert sorted(actions) == ["cohort", "email", "language", "name", "note"]
    assert (actions["cohort"]["type"], actions["cohort"]["read_only"]) == ("integer", False)
    assert actions["email"]["required"] is True
    assert "status" not in actions


def test_options_of_an_action_without_fields_describes_an_empty_body(jp, world):
    nomination = world["JP"].nomination

    response = jp.options(f"/api/v1/nominations/{nomination.pk}/withdraw/")

    assert response.json()["actions"] == {"POST": {}}
