"""Screening-round decisions through the API: a partner advances applicants of its own
country from the screening round to the round after it, through the review service."""

import pytest

from api.models import ApiKey
from exchanges.enums import ApiScope
from exchanges.models import ActivityLog, ReviewRound, ReviewRoundEntry
from exchanges.services.reviews import review_round_create
from tests.api.conftest import client_for
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _rounds(cohort, *, screening: bool = True, count: int = 2):
    actor = SecretariatFactory()
    return [
        review_round_create(
            cohort=cohort,
            actor=actor,
            name=f"Round {number}",
            reviews_per_application=1,
            due_at=None,
            own_country_only=screening and number == 1,
            reviewers=[],
            start_anyway=True,
        )
        for number in range(1, count + 1)
    ]


def _advance(client, application, body, **headers):
    return client.post(
        f"/api/v1/applications/{application.pk}/advance/", body, format="json", **headers
    )


def test_partner_advances_its_countrys_applicant_once_and_it_is_logged(world):
    _screening, second = _rounds(world["cohort"])
    jp = client_for(world["JP"].token)
    application = world["JP"].application

    first = _advance(jp, application, {"round": 2})
    again = _advance(jp, application, {"round": 2})

    entry = ActivityLog.objects.get(action_type="exchanges.review.round_advanced")
    prefix = ApiKey.objects.get(organisation=world["JP"].organisation).prefix
    assert (first.status_code, first.json()) == (
        200,
        {"application": application.pk, "round": 2, "advanced": True},
    )
    assert (again.status_code, again.json()["advanced"]) == (200, False)
    assert list(ReviewRoundEntry.objects.values_list("round", "application")) == [
        (second.pk, application.pk)
    ]
    assert entry.data == {
        "number": 2,
        "applications": [application.pk],
        "organisation": world["JP"].organisation.pk,
        "api_key": prefix,
    }
    assert entry.actor is None


def test_another_countrys_application_is_not_found(world):
    _rounds(world["cohort"])
    jp = client_for(world["JP"].token)

    response = _advance(jp, world["KR"].application, {"round": 2})

    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    assert response.json()["code"] == "not_found"
    assert ReviewRoundEntry.objects.count() == 0


@pytest.mark.parametrize(
    "case",
    [
        (True, 2, {"round": 3}, 409, "not_current_round"),
        (True, 3, {"round": 2}, 409, "not_current_round"),
        (False, 2, {"round": 2}, 409, "not_a_screening_round"),
        (True, 2, {"round": 1}, 400, "invalid"),
        (True, 2, {"round": "two"}, 400, "invalid"),
        (True, 2, {"round": 2, "reason": "x"}, 400, "invalid"),
    ],
)
def test_refused_decisions_are_problem_details(world, case):
    screening, count, body, status, code = case
    _rounds(world["cohort"], screening=screening, count=count)
    jp = client_for(world["JP"].token)

    response = _advance(jp, world["JP"].application, body)

    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    assert response.json()["code"] == code
    assert ReviewRoundEntry.objects.count() == 0


def test_an_application_not_in_the_screening_round_is_refused(world):
    _rounds(world["cohort"], count=3)
    # Round 2 screens only what was advanced to it; this one was not.
    ReviewRound.objects.filter(number=2).update(own_country_only=True)
    jp = client_for(world["JP"].token)

    response = _advance(jp, world["JP"].application, {"round": 3})

    assert (response.status_code, response.json()["code"]) == (409, "not_in_screening_round")


def test_a_key_without_the_decisions_scope_gets_403(world):
    _rounds(world["cohort"])
    key = ApiKey.objects.get(organisation=world["JP"].organisation)
    key.scopes = [ApiScope.APPLICATIONS_READ]
    key.save(update_fields=["scopes"])
    jp = client_for(world["JP"].token)

    response = _advance(jp, world["JP"].application, {"round": 2})

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_a_repeat_with_the_same_idempotency_key_replays_the_first_answer(world):
    _rounds(world["cohort"])
    jp = client_for(world["JP"].token)

    first = _advance(jp, world["JP"].application, {"round": 2}, HTTP_IDEMPOTENCY_KEY="adv-1")
    replay = _advance(jp, world["JP"].application, {"round": 2}, HTTP_IDEMPOTENCY_KEY="adv-1")

    assert replay.content == first.content
    assert replay["Idempotent-Replayed"] == "true"
    assert first.json()["advanced"] is True


def test_options_describes_the_action_without_an_error(world):
    jp = client_for(world["JP"].token)

    response = jp.options(f"/api/v1/applications/{world['JP'].application.pk}/advance/")

    assert response.status_code == 200
    assert response.json()["name"] == "Application Advance"


@pytest.mark.parametrize("value", ["2", 2.5, True])  # 2.0 is a JSON Schema integer
def test_a_round_that_is_not_a_json_integer_is_400(world, value):
    _rounds(world["cohort"])
    jp = client_for(world["JP"].token)

    response = _advance(jp, world["JP"].application, {"round": value})

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == [
        {"field": "round", "code": "invalid", "detail": "A valid integer is required."}
    ]
    assert not ReviewRoundEntry.objects.filter(application=world["JP"].application).exists()


def test_options_describes_the_round_a_decision_is_posted_with(world):
    jp = client_for(world["JP"].token)

    response = jp.options(f"/api/v1/applications/{world['JP'].application.pk}/advance/")

    actions = response.json()["actions"]["POST"]
    assert list(actions) == ["round"]
    assert (actions["round"]["type"], actions["round"]["min_value"]) == ("integer", 2)
