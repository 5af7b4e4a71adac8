"""Errors are problem details with one shape; pages are capped and stable; bodies limited."""

import base64
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


def test_malformed_json_is_a_400_problem_naming_the_body_and_the_position(jp):
    response = jp.post(NOMINATIONS, '{"name": ', content_type="application/json")

    body = assert_problem(response, 400, "parse_error")
    assert (body["detail"], body["errors"]) == (
        "The request body is not valid JSON.",
        [{"field": "", "code": "parse_error", "detail": "Invalid JSON at line 1, column 10."}],
    )


@pytest.mark.parametrize(
    ("language", "detail", "error"),
    [
        (
            "ja",
            "リクエスト本文が正しいJSONではありません。",
            "JSONの2行目、3列目が正しくありません。",
        ),
        (
            "ko",
            "요청 본문이 올바른 JSON이 아닙니다.",
            "JSON의 2행 3열이 올바르지 않습니다.",
        ),
    ],
)
def test_malformed_json_is_explained_in_the_requests_language(jp, language, detail, error):
    response = jp.post(
        NOMINATIONS,
        '{"name": 1,\n  ]',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    body = assert_problem(response, 400, "parse_error")
    assert (body["detail"], body["errors"]) == (
        detail,
        [{"field": "", "code": "parse_error", "detail": error}],
    )


@pytest.mark.parametrize(
    ("raw", "content_type", "error"),
    [
        (b'{"note": NaN}', "application/json", "NaN and Infinity are not JSON numbers."),
        (b'{"note": "\xff"}', "application/json", "The body is not valid utf-8 text."),
        (
            b'{"note": "x"}',
            "application/json; charset=bz2_codec",
            "The charset of the Content-Type is not supported.",
        ),
    ],
)
def test_json_the_api_cannot_read_is_a_400_problem_saying_why(jp, raw, content_type, error):
    body = assert_problem(jp.post(NOMINATIONS, raw, content_type=content_type), 400, "parse_error")

    assert body["errors"] == [{"field": "", "code": "parse_error", "detail": error}]


def test_json_nested_deeper_than_the_limit_is_a_400_problem_not_a_500(jp, world):
    """A few thousand brackets, far under the size limit, exhausted Python's stack."""
    before = Nomination.objects.count()
    fields = json.dumps(nomination_body(world, email="deep@example.org"))
    raw = fields[:-1] + ', "note": ' + "[" * 3000 + "]" * 3000 + "}"

    response = jp.post(NOMINATIONS, raw, content_type="application/json")

    body = assert_problem(response, 400, "parse_error")
    assert body["errors"] == [
        {
            "field": "",
            "code": "parse_error",
            "detail": "Arrays and objects nest deeper than 32 levels.",
        }
    ]
    assert Nomination.objects.count() == before


@pytest.mark.parametrize(
    "raw", ["[" * 3000, '{"note": ' + "[{" * 1500, '["' + "[" * 100 + '"]' * 3]
)
def test_json_cut_off_inside_deep_nesting_is_a_400_problem(jp, raw):
    """Python's parser recurses on each opening bracket before it sees the body end; brackets
    inside a string do not count (the last body is refused as malformed, not as deep)."""
    body = assert_problem(jp.post(NOMINATIONS, raw, content_type="application/json"), 400)

    assert body["code"] == "parse_error"
    assert [e["detail"].split(" ")[0] for e in body["errors"]] == [
        "Invalid" if raw.startswith('["') else "Arrays"
    ]


def test_json_nested_up_to_the_limit_is_parsed_and_brackets_in_strings_do_not_count(jp, world):
    # The body object is level 1, so the note holds 31 more.
    at_limit = '{"note": ' + "[" * 31 + "]" * 31 + "}"
    in_text = nomination_body(world, note="[" * 40 + "{" * 40 + '\\"[')

    nested = jp.post(NOMINATIONS, at_limit, content_type="application/json")
    created = jp.post(NOMINATIONS, in_text, format="json")

    assert ("note", "invalid") in [(e["field"], e["code"]) for e in nested.json()["errors"]]
    assert (created.status_code, created.json()["note"]) == (201, in_text["note"])


def test_an_empty_body_without_content_type_reads_as_an_empty_object(jp, world):
    """What docs/api.md says: an action without a body needs no Content-Type, and a create
    sent without one names each required field; only a body that is not JSON is 415."""
    created = jp.generic("POST", NOMINATIONS, b"", content_type="")
    withdrawn = jp.generic(
        "POST", f"/api/v1/nominations/{world['JP'].nomination.pk}/withdraw/", b"", content_type=""
    )
    untyped = jp.generic("POST", NOMINATIONS, b'{"name": "a"}', content_type="")

    body = assert_problem(created, 400, "invalid")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("cohort", "required"),
        ("name", "required"),
        ("email", "required"),
    ]
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    assert_problem(untyped, 415, "unsupported_media_type")


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


def cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


def list_paths(world) -> list[str]:
    return [
        "/api/v1/applications/",
        "/api/v1/nominations/",
        "/api/v1/participants/",
        "/api/v1/groups/",
        "/api/v1/programs/",
        "/api/v1/cohorts/",
        "/api/v1/webhooks/",
        f"/api/v1/webhooks/{world['JP'].extra['webhook'].pk}/deliveries/",
    ]


BAD_CURSORS = [
    cursor("p=abc"),
    cursor("p="),
    cursor("p=1.5"),
    cursor("p=1e3"),
    cursor("p=-1"),
    cursor("p=%00"),
    cursor("p=" + "9" * 19),
    cursor("r=x"),
    cursor("o=-1"),
    "notbase64!!",
    "garbage",
    "\u00e9",
]


def test_a_cursor_the_api_did_not_give_out_is_a_404_problem_never_a_500(jp, world):
    """A tampered position reached the query and raised a 500. Any cursor the API did not
    give out is now the page that does not exist: 404, like an undecodable one always was
    (a cursor is a plain string in the schema, so a client cannot tell a made-up one from
    a real one before asking; a 400 would refuse schema-valid input)."""
    for value in BAD_CURSORS:
        for path in list_paths(world):
            response = jp.get(path, {"page_size": 3, "cursor": value})

            body = assert_problem(response, 404, "not_found")
            assert body["detail"] == "Not found.", (path, value)


def test_a_cursor_the_api_gave_out_still_pages_every_list(jp, world):
    for path in list_paths(world):
        response = jp.get(path, {"cursor": cursor("p=0")})
        assert response.status_code == 200, path


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
    assert body["detail"] == f"Too many requests. Retry in {limited['Retry-After']} seconds."
    assert other.status_code == 200
    cache.clear()


@override_settings(API_RATE_LIMIT="1/hour")
@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("ja", "リクエストが多すぎます。{wait}秒後に再試行してください。"),
        ("ko", "요청이 너무 많습니다. {wait}초 후에 다시 시도하십시오."),
    ],
)
def test_the_throttled_answer_is_translated_with_the_wait(world, language, detail):
    """DRF's catalogues translate only its first sentence ("… Expected available in …")."""
    from django.core.cache import cache  # noqa: PLC0415 -- test isolation: the throttle counts

    cache.clear()
    jp = client_for(world["JP"].token)
    jp.get("/api/v1/me")

    limited = jp.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE=language)

    body = assert_problem(limited, 429, "throttled")
    assert body["detail"] == detail.format(wait=limited["Retry-After"])
    assert 3590 < int(limited["Retry-After"]) <= 3600
    cache.clear()


def test_problem_content_type_and_fields_are_the_same_for_every_error(jp, world):
    responses = [
        jp.get("/api/v1/applications/999999/"),
        jp.post(NOMINATIONS, "{", content_type="application/json"),
        client_for("tlk_nope_nope").get("/api/v1/me"),
    ]

    assert [r["Content-Type"] for r in responses] == [PROBLEM] * 3
    assert [set(json.loads(r.content)) for r in responses] == [PROBLEM_FIELDS] * 3


def not_found_paths(world) -> list[str]:
    """Every kind of missing object: DRF's get_object, Django's get_object_or_404 (documents,
    outcomes, a subscription's deliveries) and another organisation's row."""
    return [
        "/api/v1/nominations/999999/",
        "/api/v1/webhooks/999999/",
        "/api/v1/webhooks/999999/deliveries/",
        f"/api/v1/webhooks/{world['KR'].extra['webhook'].pk}/",
        "/api/v1/documents/999999/file/",
        "/api/v1/cohorts/999999/outcomes/",
        "/api/v1/nothing-here/",
    ]


@pytest.mark.parametrize(
    ("language", "detail"),
    [("en", "Not found."), ("ja", "見つかりませんでした。"), ("ko", "찾을 수 없습니다.")],
)
def test_every_404_is_the_same_translated_answer_naming_no_model(jp, world, language, detail):
    """Http404's text ("No WebhookSubscription matches the given query.") leaked the model's
    name and was English in every language."""
    for path in not_found_paths(world):
        response = jp.get(path, HTTP_ACCEPT_LANGUAGE=language)

        body = assert_problem(response, 404, "not_found")
        assert body["detail"] == detail, path


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


@pytest.mark.parametrize("cohort", ["{pk}", "{pk}.5", True])
def test_a_cohort_that_is_not_a_json_integer_is_refused(jp, world, cohort):
    """A string, a boolean or a number with a fraction. (``3.0`` is an integer in JSON
    Schema's terms and is taken: the next test.)"""
    pk = world["cohort"].pk
    value = cohort.format(pk=pk) if isinstance(cohort, str) else cohort
    if value == f"{pk}.5":
        value = pk + 0.5
    before = Nomination.objects.count()

    response = jp.post(NOMINATIONS, nomination_body(world, cohort=value), format="json")

    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == [
        {"field": "cohort", "code": "invalid", "detail": "A valid integer is required."}
    ]
    assert Nomination.objects.count() == before


def test_a_cohort_written_as_a_number_without_a_fraction_is_taken(jp, world):
    response = jp.post(
        NOMINATIONS, nomination_body(world, cohort=float(world["cohort"].pk)), format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["cohort"] == world["cohort"].pk


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
