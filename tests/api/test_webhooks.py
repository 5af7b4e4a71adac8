"""The webhook endpoints: subscriptions with the secret shown once, refused receiver URLs,
idempotent creation, the delivery log at a constant query count, redelivery to a real
receiver, and no organisation seeing another's subscriptions."""

import json

import pytest

from accounts.crypto import decrypt_text
from api.services import api_key_create
from exchanges.enums import ApiScope, WebhookDeliveryStatus
from exchanges.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventRecord,
    WebhookSubscription,
)
from tests.api.conftest import client_for
from tests.api.test_scoping import assert_problem

pytestmark = pytest.mark.django_db

NEW = {
    "url": "https://93.184.215.14/trilink",
    "events": ["application.submitted", "application.decided"],
    "contact_email": "it@jcce.example.jp",
    "contact_language": "ja",
    "description": "Applicant tracker",
}


@pytest.fixture
def jp(world):
    return client_for(world["JP"].token)


def test_creating_a_subscription_shows_its_secret_once(jp, world):
    response = jp.post("/api/v1/webhooks/", NEW, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    subscription = WebhookSubscription.objects.get(pk=body["id"])
    assert body["secret"].startswith("whsec_")
    assert decrypt_text(subscription.encrypted_secret) == body["secret"]
    assert body["secret"] not in subscription.encrypted_secret
    assert {k: body[k] for k in NEW} == {**NEW, "events": sorted(NEW["events"])}
    assert (body["active"], body["consecutive_failures"]) == (True, 0)
    assert subscription.organisation == world["JP"].organisation
    again = jp.get(f"/api/v1/webhooks/{subscription.pk}/").json()
    assert "secret" not in again
    assert again == {k: v for k, v in body.items() if k != "secret"}


def test_a_repeated_create_with_the_same_idempotency_key_creates_one(jp):
    first = jp.post("/api/v1/webhooks/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    second = jp.post("/api/v1/webhooks/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert WebhookSubscription.objects.filter(url=NEW["url"]).count() == 1


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://169.254.169.254/latest/meta-data/", "webhook_private_address"),
        ("https://127.0.0.1:8443/", "webhook_private_address"),
        ("https://10.0.0.8/hook", "webhook_private_address"),
        ("http://93.184.215.14/hook", "webhook_scheme"),
        ("ftp://93.184.215.14/hook", "webhook_scheme"),
    ],
)
def test_a_receiver_off_the_public_internet_is_refused(jp, settings, url, code):
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    response = jp.post("/api/v1/webhooks/", {**NEW, "url": url}, format="json")

    body = assert_problem(response, 409, code)
    assert [error["field"] for error in body["errors"]] == ["url"]
    assert not WebhookSubscription.objects.filter(url=url).exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com:99999/x",
        "https://example.com:0/x",
        5,
        None,
        "not a url",
        "mailto:it@example.jp",
        "https:///path-without-host",
        "//93.184.215.14/hook",
        "https://93.184.215.14/a b",
    ],
)
def test_a_url_of_the_wrong_shape_is_400_naming_url(jp, world, url):
    """The request's shape is 400; 409 is for what the server's policy makes of a
    well-formed URL at the moment (its scheme, where its host resolves)."""
    created = jp.post("/api/v1/webhooks/", {**NEW, "url": url}, format="json")
    subscription = world["JP"].extra["webhook"]
    changed = jp.patch(f"/api/v1/webhooks/{subscription.pk}/", {"url": url}, format="json")

    for response in (created, changed):
        body = assert_problem(response, 400, "invalid")
        assert [error["field"] for error in body["errors"]] == ["url"]
    assert WebhookSubscription.objects.filter(organisation=world["JP"].organisation).count() == 1
    subscription.refresh_from_db()
    assert subscription.url == "https://93.184.215.2/hook"


@pytest.mark.parametrize("active", ["yes", "true", 1, 0, None])
def test_active_must_be_a_json_boolean(jp, world, active):
    subscription = world["JP"].extra["webhook"]
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)

    response = jp.patch(f"/api/v1/webhooks/{subscription.pk}/", {"active": active}, format="json")

    body = assert_problem(response, 400, "invalid")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("active", "null" if active is None else "invalid")
    ]
    subscription.refresh_from_db()
    assert subscription.is_active is False


def test_a_contact_address_without_a_full_domain_name_is_400(jp):
    response = jp.post("/api/v1/webhooks/", {**NEW, "contact_email": "it@localhost"}, format="json")

    body = assert_problem(response, 400, "invalid")
    assert [error["field"] for error in body["errors"]] == ["contact_email"]


def test_fields_in_the_body_of_redeliver_or_delete_are_unknown(jp, world):
    subscription, delivery = world["JP"].extra["webhook"], world["JP"].extra["delivery"]

    redeliver = jp.post(
        f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/", {"now": True}, format="json"
    )
    delete = jp.delete(f"/api/v1/webhooks/{subscription.pk}/", {"force": True}, format="json")

    assert [e["field"] for e in assert_problem(redeliver, 400, "invalid")["errors"]] == ["now"]
    assert [e["field"] for e in assert_problem(delete, 400, "invalid")["errors"]] == ["force"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 10)
    assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()


def test_unknown_events_and_fields_are_400_naming_them(jp):
    event = jp.post("/api/v1/webhooks/", {**NEW, "events": ["application.eaten"]}, format="json")
    field = jp.post("/api/v1/webhooks/", {**NEW, "colour": 1}, format="json")
    empty = jp.post("/api/v1/webhooks/", {**NEW, "events": []}, format="json")

    assert [e["field"] for e in assert_problem(event, 400, "invalid")["errors"]] == ["events.0"]
    assert [e["field"] for e in assert_problem(field, 400, "invalid")["errors"]] == ["colour"]
    assert [e["field"] for e in assert_problem(empty, 400, "invalid")["errors"]] == ["events"]
    assert WebhookSubscription.objects.filter(url=NEW["url"]).count() == 0


def test_patch_changes_fields_and_enables_a_disabled_subscription(jp, world, settings):
    subscription = world["JP"].extra["webhook"]
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=False, consecutive_failures=20
    )

    response = jp.patch(
        f"/api/v1/webhooks/{subscription.pk}/",
        {"active": True, "events": ["survey.closed"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["active"], body["consecutive_failures"], body["events"]) == (
        True,
        0,
        ["survey.closed"],
    )
    assert body["url"] == subscription.url
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    refused = jp.patch(
        f"/api/v1/webhooks/{subscription.pk}/", {"url": "https://192.168.0.2/"}, format="json"
    )
    assert_problem(refused, 409, "webhook_private_address")
    subscription.refresh_from_db()
    assert subscription.url == "https://93.184.215.2/hook"


def test_delete_removes_the_subscription_and_its_log(jp, world):
    subscription = world["JP"].extra["webhook"]

    response = jp.delete(f"/api/v1/webhooks/{subscription.pk}/")

    assert response.status_code == 204
    assert_problem(jp.get(f"/api/v1/webhooks/{subscription.pk}/"), 404, "not_found")
    assert not WebhookDelivery.objects.filter(subscription_id=subscription.pk).exists()


def test_a_key_sees_only_its_organisations_subscriptions(world):
    jp = client_for(world["JP"].token)
    kr_subscription = world["KR"].extra["webhook"]

    listed = [row["id"] for row in jp.get("/api/v1/webhooks/").json()["results"]]

    assert listed == [world["JP"].extra["webhook"].pk]
    assert_problem(jp.get(f"/api/v1/webhooks/{kr_subscription.pk}/"), 404, "not_found")
    assert_problem(jp.get(f"/api/v1/webhooks/{kr_subscription.pk}/deliveries/"), 404)
    kr_delivery = world["KR"].extra["delivery"]
    assert_problem(jp.post(f"/api/v1/webhook-deliveries/{kr_delivery.pk}/redeliver/"), 404)
    assert_problem(jp.patch(f"/api/v1/webhooks/{kr_subscription.pk}/", {}, format="json"), 404)
    assert_problem(jp.delete(f"/api/v1/webhooks/{kr_subscription.pk}/"), 404)
    assert WebhookSubscription.objects.filter(pk=kr_subscription.pk).exists()


def test_a_key_without_the_webhooks_scope_is_refused(world):
    scopes = [s for s in ApiScope.values if s != ApiScope.WEBHOOKS_MANAGE]
    _key, token = api_key_create(organisation=world["JP"].organisation, name="R", scopes=scopes)

    assert_problem(client_for(token).get("/api/v1/webhooks/"), 403, "permission_denied")


def _deliveries(subscription, count: int) -> None:
    for number in range(count):
        event = WebhookEventRecord.objects.create(
            event_type="application.submitted", payload={"n": number}
        )
        delivery = WebhookDelivery.objects.create(event=event, subscription=subscription)
        WebhookAttempt.objects.create(
            delivery=delivery, number=1, status_code=500, error="HTTP 500"
        )


@pytest.mark.parametrize("count", [1, 3])
def test_the_delivery_log_query_count_is_constant(jp, world, count, django_assert_num_queries):
    subscription = world["JP"].extra["webhook"]
    WebhookDelivery.objects.filter(subscription=subscription).delete()
    _deliveries(subscription, count)
    jp.get("/api/v1/me")

    # key, subscription, deliveries with events, attempts
    with django_assert_num_queries(4):
        response = jp.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/")

    rows = response.json()["results"]
    assert [row["payload"] for row in rows] == [{"n": n} for n in reversed(range(count))]
    assert rows[0]["log"][0]["status_code"] == 500
    assert rows[0]["log"][0]["error"] == "HTTP 500"


@pytest.mark.parametrize("count", [1, 3])
def test_the_subscription_list_query_count_is_constant(jp, world, count, django_assert_num_queries):
    for number in range(count - 1):
        jp.post("/api/v1/webhooks/", {**NEW, "url": f"https://93.184.216.{number}/"}, format="json")
    jp.get("/api/v1/me")

    # key, subscriptions
    with django_assert_num_queries(2):
        response = jp.get("/api/v1/webhooks/")

    assert len(response.json()["results"]) == count


def _subscribed(receiver):
    """A JP organisation's client and its new subscription to ``receiver`` (whose secret is
    set so it checks signatures): ``(client, created response)``."""
    from tests.factories import OrganisationFactory  # noqa: PLC0415 -- test isolation: no world here

    organisation = OrganisationFactory(name="Japan Center", country="JP")
    _key, token = api_key_create(
        organisation=organisation, name="Hooks", scopes=[ApiScope.WEBHOOKS_MANAGE]
    )
    client = client_for(token)
    created = client.post("/api/v1/webhooks/", {**NEW, "url": receiver.url}, format="json")
    receiver.secret = created.json()["secret"]
    return client, created


@pytest.mark.django_db(transaction=True)
def test_redelivery_through_the_api_reaches_the_receiver_again(receiver):
    client, created = _subscribed(receiver)
    subscription = WebhookSubscription.objects.get(pk=created.json()["id"])
    event = WebhookEventRecord.objects.create(
        event_type="application.submitted",
        payload={"id": "00000000-0000-0000-0000-000000000001", "type": "application.submitted"},
    )
    delivery = WebhookDelivery.objects.create(
        event=event, subscription=subscription, status=WebhookDeliveryStatus.FAILED, attempts=10
    )

    response = client.post(
        f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/", HTTP_IDEMPOTENCY_KEY="again-1"
    )

    assert response.status_code == 202, response.content
    assert receiver.accepted == ["00000000-0000-0000-0000-000000000001"]
    assert json.loads(receiver.requests[0].body)["type"] == "application.submitted"
    log = client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]
    assert (log[0]["status"], log[0]["attempts"]) == ("succeeded", 11)
    assert [(a["number"], a["status_code"], a["succeeded"]) for a in log[0]["log"]] == [
        (11, 200, True)
    ]


def test_enabling_a_disabled_subscription_sends_the_events_kept_meanwhile(
    receiver, settings, django_capture_on_commit_callbacks
):
    """The PATCH starts the sending on commit. The test runs those callbacks after the
    answer, as a worker would: run eagerly inside the request, the sweeper's loop of tasks
    would trip the test settings' N+1 detector, which watches requests only."""
    from exchanges.services.applications import application_transition  # noqa: PLC0415 -- test isolation: no world here
    from tests.factories import OrganisationFactory  # noqa: PLC0415 -- test isolation: no world here
    from tests.factories.applications import (  # noqa: PLC0415 -- test isolation: no world here
        ApplicationFactory,
        CohortFactory,
    )

    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    cohort = CohortFactory()
    organisation = OrganisationFactory(name="Japan Center", country="JP")
    cohort.program.partners.add(organisation)
    _key, token = api_key_create(
        organisation=organisation, name="Hooks", scopes=[ApiScope.WEBHOOKS_MANAGE]
    )
    client = client_for(token)
    created = client.post("/api/v1/webhooks/", {**NEW, "url": receiver.url}, format="json")
    receiver.secret = created.json()["secret"]
    receiver.answers = [500]
    applications = [ApplicationFactory(cohort=cohort, from_country="JP") for _n in range(3)]
    for application in applications:
        with django_capture_on_commit_callbacks(execute=True):
            application_transition(application=application, to_status="submitted", actor=None)
    disabled = client.get(f"/api/v1/webhooks/{created.json()['id']}/").json()["active"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            f"/api/v1/webhooks/{created.json()['id']}/", {"active": True}, format="json"
        )

    assert response.status_code == 200, response.content
    assert disabled is False
    sent = [json.loads(r.body)["data"]["application"]["id"] for r in receiver.requests]
    assert sent == [applications[0].pk, *(a.pk for a in applications)]
    assert [r.answered for r in receiver.requests] == [500, 200, 200, 200]
    log = client.get(f"/api/v1/webhooks/{created.json()['id']}/deliveries/").json()["results"]
    assert [(row["status"], row["attempts"]) for row in log] == [
        ("succeeded", 1),
        ("succeeded", 1),
        ("succeeded", 2),
    ]


@pytest.mark.django_db(transaction=True)
def test_redelivering_a_delivered_event_through_the_api_leaves_it_delivered(receiver):
    client, created = _subscribed(receiver)
    receiver.answers = [503]
    event = WebhookEventRecord.objects.create(
        event_type="application.submitted",
        payload={"id": "00000000-0000-0000-0000-000000000002", "type": "application.submitted"},
    )
    delivery = WebhookDelivery.objects.create(
        event=event,
        subscription_id=created.json()["id"],
        status=WebhookDeliveryStatus.SUCCEEDED,
        attempts=1,
        delivered_at="2026-11-20T02:01:02Z",
    )

    response = client.post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 202, response.content
    assert [r.answered for r in receiver.requests] == [503]
    row = client.get(f"/api/v1/webhooks/{created.json()['id']}/deliveries/").json()["results"][0]
    assert (row["status"], row["attempts"], row["delivered_at"]) == (
        "succeeded",
        2,
        "2026-11-20T02:01:02Z",
    )
    assert [(a["number"], a["status_code"]) for a in row["log"]] == [(2, 503)]
    subscription = client.get(f"/api/v1/webhooks/{created.json()['id']}/").json()
    assert (subscription["active"], subscription["consecutive_failures"]) == (True, 0)
