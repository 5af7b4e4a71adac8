"""Webhook delivery end to end: changes write events in their transaction, a real receiver on
loopback gets signed requests (checked with the recipe published in docs/api.md), failures are
retried with backoff, a receiver that keeps failing ends disabled with an email to its contact,
and receiver URLs are checked against server-side request forgery."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone

from exchanges.activity_types import Activity
from exchanges.enums import ApplicationStatus, WebhookDeliveryStatus, WebhookEvent
from exchanges.exceptions import InvalidTransition
from exchanges.models import (
    ActivityLog,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventRecord,
    WebhookSubscription,
)
from exchanges.services.applications import application_transition
from exchanges.services.surveys import survey_close, survey_publish
from exchanges.services.webhooks import (
    WebhookRefused,
    webhook_delivery_redeliver,
    webhook_retry_schedule,
    webhook_signature,
    webhook_subscription_delete,
    webhook_subscription_update,
    webhooks_sweep,
)
from tests.factories import OrganisationFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.surveys import SurveyFactory
from tests.factories.webhooks import subscribe
from tests.receiver import documented_recipe
from tests.smtp import part

pytestmark = pytest.mark.django_db(transaction=True)
S = ApplicationStatus


@pytest.fixture
def cohort():
    return CohortFactory()


@pytest.fixture
def jp_partner(cohort):
    organisation = OrganisationFactory(name="Japan Center", country="JP")
    cohort.program.partners.add(organisation)
    return organisation


@pytest.fixture
def disable_after_three(settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3


def jp_draft(cohort):
    return ApplicationFactory(cohort=cohort, from_country="JP")


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_a_submission_reaches_the_receiver_signed_as_documented(cohort, jp_partner, receiver):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    application = jp_draft(cohort)

    application_transition(application=application, to_status=S.SUBMITTED, actor=None)

    [request] = receiver.requests
    event = WebhookEventRecord.objects.get()
    assert request.signature_valid is True
    assert request.path == "/hooks/trilink"
    assert request.headers["Trilink-Event-Id"] == str(event.event_id)
    assert request.headers["Trilink-Event"] == "application.submitted"
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.body)
    application.refresh_from_db()
    assert body["id"] == str(event.event_id)
    assert body["type"] == "application.submitted"
    assert body["version"] == 1
    assert body["data"] == {
        "application": {
            "id": application.pk,
            "cohort": cohort.pk,
            "program": cohort.program_id,
            "country": "JP",
            "status": "submitted",
            "previous_status": "draft",
            "submitted_at": None,
            "status_changed_at": application.status_changed_at.astimezone(dt.UTC)
            .isoformat()
            .replace("+00:00", "Z"),
        }
    }
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.SUCCEEDED, 1)
    [attempt] = WebhookAttempt.objects.all()
    assert (attempt.number, attempt.status_code, attempt.error, attempt.succeeded) == (
        1,
        200,
        "",
        True,
    )
    assert attempt.response_ms is not None
    assert receiver.accepted == [str(event.event_id)]


def test_a_tampered_body_fails_the_documented_recipe(receiver):
    verify = documented_recipe()
    now = int(timezone.now().timestamp())
    header = webhook_signature(secret="whsec_x", timestamp=now, body=b'{"a":1}')

    assert verify("whsec_x", header, b'{"a":1}') is True
    assert verify("whsec_x", header, b'{"a":2}') is False
    assert verify("whsec_y", header, b'{"a":1}') is False
    old = webhook_signature(secret="whsec_x", timestamp=now - 301, body=b'{"a":1}')
    assert verify("whsec_x", old, b'{"a":1}') is False


def test_only_partners_of_the_applications_country_hear_of_it(cohort, jp_partner, receiver):
    korean = OrganisationFactory(name="Korea Foundation", country="KR")
    cohort.program.partners.add(korean)
    outsider = OrganisationFactory(name="Japan Elsewhere", country="JP")
    subscribe(korean, receiver.url)
    subscribe(outsider, receiver.url)
    _subscription, receiver.secret = subscribe(
        jp_partner, receiver.url, events=[WebhookEvent.APPLICATION_DECIDED]
    )

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)

    assert receiver.requests == []
    assert WebhookEventRecord.objects.count() == 0


def test_an_applicant_who_did_not_consent_is_not_reported(cohort, jp_partner, receiver):
    subscribe(jp_partner, receiver.url)
    private = ApplicationFactory(cohort=cohort, from_country="JP", shares_with_partners=False)

    application_transition(application=private, to_status=S.SUBMITTED, actor=None)

    assert receiver.requests == []
    assert WebhookEventRecord.objects.count() == 0


def test_a_change_that_rolls_back_leaves_no_event(cohort, jp_partner, receiver):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    application = jp_draft(cohort)

    with pytest.raises(RuntimeError), transaction.atomic():
        application_transition(application=application, to_status=S.SUBMITTED, actor=None)
        raise RuntimeError

    assert WebhookEventRecord.objects.count() == 0
    assert receiver.requests == []


def test_decision_and_confirmation_events(cohort, jp_partner, receiver):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    application = ApplicationFactory(cohort=cohort, from_country="JP", submitted=True)

    application_transition(application=application, to_status=S.REJECTED, actor=None)

    [request] = receiver.requests
    body = json.loads(request.body)
    assert (body["type"], body["data"]["application"]["status"]) == (
        "application.decided",
        "rejected",
    )
    assert body["data"]["application"]["previous_status"] == "submitted"


def test_a_receiver_failing_three_times_then_succeeding_gets_the_event_once(
    cohort, jp_partner, receiver
):
    subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    receiver.answers = [500, 503, 500]

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    delivery = WebhookDelivery.objects.get()
    waits = []
    for _retry in range(3):
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 60))
        assert webhooks_sweep(now=timezone.now())["dispatched"] == 0  # not due yet
        webhooks_sweep(now=later(600))

    delivery.refresh_from_db()
    event = WebhookEventRecord.objects.get()
    assert receiver.accepted == [str(event.event_id)]
    assert [r.answered for r in receiver.requests] == [500, 503, 500, 200]
    assert {r.headers["Trilink-Event-Id"] for r in receiver.requests} == {str(event.event_id)}
    assert [r.headers["Trilink-Attempt"] for r in receiver.requests] == ["1", "2", "3", "4"]
    assert waits == [1, 2, 4]
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.SUCCEEDED, 4)
    assert list(delivery.attempt_log.values_list("number", "status_code", "succeeded")) == [
        (1, 500, False),
        (2, 503, False),
        (3, 500, False),
        (4, 200, True),
    ]
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    webhooks_sweep(now=later(600))
    assert len(receiver.requests) == 4


def test_the_retry_schedule_doubles_from_a_minute():
    assert [round(wait / 60) for wait in webhook_retry_schedule()] == [
        1,
        2,
        4,
        8,
        16,
        32,
        64,
        128,
        256,
    ]


@pytest.mark.parametrize(
    "case",
    [
        (
            "en",
            "Dear Japan Center contact,",
            "Webhook disabled after repeated failures",
            "Events that happen in the 30 days after it was disabled are kept",
        ),
        (
            "ja",
            "Japan Center ご担当者様",
            "Webhook を停止しました",
            "停止から 30 日以内に発生したイベントは保存されており",
        ),
        (
            "ko",
            "Japan Center 담당자님께",
            "웹훅을 중지했습니다",
            "중지 후 30일 이내에 발생한 이벤트는 보관되며",
        ),
    ],
)
@pytest.mark.usefixtures("disable_after_three")
def test_an_always_failing_receiver_ends_disabled_and_its_contact_is_emailed(
    cohort, jp_partner, receiver, smtp_sink, case
):
    language, greeting, subject, kept = case
    subscription, receiver.secret = subscribe(
        jp_partner, receiver.url, contact_email="ops@jcce.example.jp", contact_language=language
    )
    receiver.answers = [500] * 50

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    for minutes in (10, 20, 30, 40):
        webhooks_sweep(now=later(minutes))

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (False, 3)
    assert subscription.disabled_at is not None
    assert len(receiver.requests) == 3
    assert receiver.accepted == []
    assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.PENDING
    assert list(
        ActivityLog.objects.filter(action_type=Activity.WEBHOOK_DISABLED).values_list(
            "object_id", "data"
        )
    ) == [(subscription.pk, {"failures": 3})]
    [message] = smtp_sink.to("ops@jcce.example.jp")
    assert subject in message["Subject"]
    text = part(message, "plain")
    assert text.startswith(greeting)
    assert kept in " ".join(text.split())
    assert receiver.url in text
    assert f"/staff/webhooks/{subscription.pk}/" in text
    assert message.get_content_charset() in (None, "utf-8")

    # Enabled again: the kept delivery goes out once the receiver answers.
    receiver.answers = []
    webhook_subscription_update(subscription=subscription, active=True)
    webhooks_sweep(now=later(600))
    assert receiver.accepted == [str(WebhookEventRecord.objects.get().event_id)]


def test_a_redirect_is_a_failure_and_is_not_followed(cohort, jp_partner, receiver):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    receiver.answers = [302]

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)

    [attempt] = WebhookAttempt.objects.all()
    assert (attempt.status_code, attempt.error, attempt.succeeded) == (
        302,
        "Redirects are not followed.",
        False,
    )
    assert len(receiver.requests) == 1


def test_a_slow_receiver_times_out(cohort, jp_partner, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    receiver.delay = 2.0

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)

    [attempt] = WebhookAttempt.objects.all()
    assert (attempt.status_code, attempt.succeeded) == (None, False)
    assert attempt.error.startswith("ReadTimeoutError")
    assert attempt.response_ms < 1500
    assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.PENDING


def test_only_the_start_of_a_huge_answer_is_read(cohort, jp_partner, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1.0
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    # 50 MB announced, 16 KiB sent, then a stall: reading it all would time out.
    receiver.trickle_length = 50_000_000

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)

    [attempt] = WebhookAttempt.objects.all()
    assert (attempt.status_code, attempt.error, attempt.succeeded) == (200, "", True)
    assert attempt.response_ms < 1000


def test_redelivery_sends_the_same_event_again(cohort, jp_partner, receiver):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    delivery = WebhookDelivery.objects.get()

    webhook_delivery_redeliver(delivery=delivery, actor=None)

    event_id = str(WebhookEventRecord.objects.get().event_id)
    assert receiver.accepted == [event_id, event_id]
    assert list(delivery.attempt_log.values_list("number", flat=True)) == [1, 2]
    assert ActivityLog.objects.filter(action_type=Activity.WEBHOOK_REDELIVERED).count() == 1


def test_retries_stop_after_the_last_attempt_and_a_redelivery_is_one_more(
    cohort, jp_partner, receiver, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    receiver.answers = [500] * 3

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    webhooks_sweep(now=later(5))
    webhooks_sweep(now=later(50))
    delivery = WebhookDelivery.objects.get()
    status_after_retries = delivery.status
    webhook_delivery_redeliver(delivery=delivery, actor=None)

    delivery.refresh_from_db()
    assert status_after_retries == WebhookDeliveryStatus.FAILED
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.FAILED, 3)
    assert [r.answered for r in receiver.requests] == [500, 500, 500]
    assert list(delivery.attempt_log.values_list("number", flat=True)) == [1, 2, 3]


def test_redelivery_is_refused_while_the_subscription_is_disabled(cohort, jp_partner, receiver):
    subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    webhook_subscription_update(subscription=subscription, active=False)

    with pytest.raises(InvalidTransition) as refused:
        webhook_delivery_redeliver(delivery=WebhookDelivery.objects.get(), actor=None)

    assert refused.value.code == "webhook_disabled"


def _disabled_after_failures(cohort, jp_partner, receiver):
    """A subscription auto-disabled by three failed attempts at one submission; the receiver
    then answers 200 again. Returns the subscription and the first event's id."""
    subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    receiver.answers = [500] * 3
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    for minutes in (10, 20):
        webhooks_sweep(now=later(minutes))
    subscription.refresh_from_db()
    assert (subscription.is_active, len(receiver.requests)) == (False, 3)
    return subscription, str(WebhookEventRecord.objects.get().event_id)


@pytest.mark.usefixtures("disable_after_three")
def test_events_while_disabled_after_failures_are_kept_and_sent_in_order_once_enabled(
    cohort, jp_partner, receiver, secretariat
):
    subscription, first = _disabled_after_failures(cohort, jp_partner, receiver)
    decided = ApplicationFactory(cohort=cohort, from_country="JP", submitted=True)
    survey = SurveyFactory(cohort=cohort)
    survey_publish(survey=survey, actor=secretariat)

    application_transition(application=decided, to_status=S.REJECTED, actor=None)
    survey_close(survey=survey, actor=secretariat)
    webhooks_sweep(now=later(600))
    held = list(
        WebhookDelivery.objects.filter(subscription=subscription)
        .order_by("id")
        .values_list("event__event_type", "status", "attempts")
    )
    requests_while_disabled = len(receiver.requests)
    webhook_subscription_update(subscription=subscription, active=True)

    kept = [
        str(e) for e in WebhookEventRecord.objects.order_by("id").values_list("event_id", flat=True)
    ]
    assert held == [
        ("application.submitted", WebhookDeliveryStatus.PENDING, 3),
        ("application.decided", WebhookDeliveryStatus.PENDING, 0),
        ("survey.closed", WebhookDeliveryStatus.PENDING, 0),
    ]
    assert requests_while_disabled == 3
    assert kept[0] == first
    assert receiver.accepted == kept
    assert [json.loads(r.body)["type"] for r in receiver.requests[3:]] == [
        "application.submitted",
        "application.decided",
        "survey.closed",
    ]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        WebhookDeliveryStatus.SUCCEEDED
    }


@pytest.mark.usefixtures("disable_after_three")
def test_a_disabled_subscription_keeps_only_what_an_active_one_would_get(
    cohort, jp_partner, receiver
):
    subscription, _first = _disabled_after_failures(cohort, jp_partner, receiver)
    korean = OrganisationFactory(name="Korea Foundation", country="KR")
    cohort.program.partners.add(korean)
    korean_subscription, _secret = subscribe(korean, receiver.url)
    WebhookSubscription.objects.filter(pk=korean_subscription.pk).update(
        is_active=False, disabled_at=timezone.now()
    )
    private = ApplicationFactory(cohort=cohort, from_country="JP", shares_with_partners=False)

    application_transition(application=private, to_status=S.SUBMITTED, actor=None)
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)

    assert list(
        WebhookDelivery.objects.order_by("id").values_list("subscription_id", "status")
    ) == [
        (subscription.pk, WebhookDeliveryStatus.PENDING),
        (subscription.pk, WebhookDeliveryStatus.PENDING),
    ]
    assert WebhookEventRecord.objects.count() == 2


@pytest.mark.parametrize("case", [(29, 1), (31, 0)])
def test_events_are_kept_for_a_disabled_subscription_for_a_limited_time(
    cohort, jp_partner, receiver, settings, case
):
    days_ago, kept = case
    settings.WEBHOOK_KEEP_DISABLED_DAYS = 30
    subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_at=timezone.now() - dt.timedelta(days=days_ago)
    )

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)

    assert WebhookDelivery.objects.filter(subscription=subscription).count() == kept
    assert receiver.requests == []


def test_a_subscription_its_organisation_switched_off_gets_no_events_meanwhile(
    cohort, jp_partner, receiver
):
    subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    webhook_subscription_update(subscription=subscription, active=False)

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    webhook_subscription_update(subscription=subscription, active=True)
    webhooks_sweep(now=later(600))

    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_a_deleted_subscription_gets_nothing(cohort, jp_partner, receiver):
    subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    webhook_subscription_delete(subscription=subscription)

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)

    assert WebhookEventRecord.objects.count() == 0
    assert receiver.requests == []


# --- Redelivery: one more attempt, not a new series ------------------------------------------


def test_redelivering_a_delivered_event_keeps_it_delivered(cohort, jp_partner, receiver):
    subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    delivery = WebhookDelivery.objects.get()
    delivered_at = delivery.delivered_at
    receiver.answers = [500]

    webhook_delivery_redeliver(delivery=delivery, actor=None)
    webhooks_sweep(now=later(600))

    delivery.refresh_from_db()
    subscription.refresh_from_db()
    assert [r.answered for r in receiver.requests] == [200, 500]
    assert (delivery.status, delivery.attempts, delivery.delivered_at) == (
        WebhookDeliveryStatus.SUCCEEDED,
        2,
        delivered_at,
    )
    assert list(delivery.attempt_log.values_list("number", "status_code", "succeeded")) == [
        (1, 200, True),
        (2, 500, False),
    ]
    assert subscription.consecutive_failures == 0


def test_a_redelivery_during_the_retries_does_not_use_up_an_attempt(
    cohort, jp_partner, receiver, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    receiver.answers = [500] * 10
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    delivery = WebhookDelivery.objects.get()
    next_attempt_at = delivery.next_attempt_at

    webhook_delivery_redeliver(delivery=delivery, actor=None)
    delivery.refresh_from_db()
    after_redelivery = (delivery.status, delivery.attempts, delivery.next_attempt_at)
    for minutes in (10, 20, 30, 40):
        webhooks_sweep(now=later(minutes))

    delivery.refresh_from_db()
    assert after_redelivery == (WebhookDeliveryStatus.PENDING, 2, next_attempt_at)
    assert [r.headers["Trilink-Attempt"] for r in receiver.requests] == ["1", "2", "3", "4"]
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.FAILED, 4)


@pytest.mark.usefixtures("disable_after_three")
def test_failed_redeliveries_do_not_disable_the_subscription(
    cohort, jp_partner, receiver, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    receiver.answers = [500] * 10
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    delivery = WebhookDelivery.objects.get()

    for _again in range(4):
        webhook_delivery_redeliver(delivery=delivery, actor=None)

    subscription.refresh_from_db()
    delivery.refresh_from_db()
    assert len(receiver.requests) == 5
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 1)
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.FAILED, 5)
    receiver.answers = []
    webhook_delivery_redeliver(delivery=delivery, actor=None)
    subscription.refresh_from_db()
    delivery.refresh_from_db()
    assert subscription.consecutive_failures == 0
    assert delivery.status == WebhookDeliveryStatus.SUCCEEDED


def test_the_sweeper_makes_a_redelivery_the_broker_did_not_take_once(cohort, jp_partner, receiver):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    delivery = WebhookDelivery.objects.get()
    # What a refused dispatch leaves: the redelivery asked for, no attempt made.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(redelivery_requested_at=timezone.now())

    first = webhooks_sweep(now=later(1))
    second = webhooks_sweep(now=later(2))

    delivery.refresh_from_db()
    assert (first["dispatched"], second["dispatched"]) == (1, 0)
    assert [r.headers["Trilink-Attempt"] for r in receiver.requests] == ["1", "2"]
    assert (delivery.status, delivery.attempts, delivery.redelivery_requested_at) == (
        WebhookDeliveryStatus.SUCCEEDED,
        2,
        None,
    )


def test_a_redelivery_that_died_leaves_a_delivered_delivery_delivered(cohort, jp_partner, receiver):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)
    # A worker claimed a redelivery of the delivered event and died before finishing it.
    WebhookDelivery.objects.update(
        status=WebhookDeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=2
    )

    swept = webhooks_sweep(now=later(60))

    delivery = WebhookDelivery.objects.get()
    assert swept == {"released": 1, "dispatched": 0}
    assert (delivery.status, delivery.claimed_at) == (WebhookDeliveryStatus.SUCCEEDED, None)
    assert len(receiver.requests) == 1


def test_closing_a_survey_tells_the_programs_partners(cohort, jp_partner, receiver, secretariat):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    survey = SurveyFactory(cohort=cohort)
    survey_publish(survey=survey, actor=secretariat)

    survey_close(survey=survey, actor=secretariat)

    [request] = receiver.requests
    body = json.loads(request.body)
    survey.refresh_from_db()
    assert body["type"] == "survey.closed"
    assert body["data"] == {
        "survey": {
            "id": survey.pk,
            "cohort": cohort.pk,
            "kind": survey.kind,
            "closed_at": survey.closes_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        }
    }


# --- Server-side request forgery -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://93.184.215.14/hook", "webhook_scheme"),
        ("ftp://93.184.215.14/hook", "webhook_scheme"),
        ("https://127.0.0.1/hook", "webhook_private_address"),
        ("https://localhost:8443/hook", "webhook_private_address"),
        ("https://[::1]/hook", "webhook_private_address"),
        ("https://[::ffff:127.0.0.1]/hook", "webhook_private_address"),
        ("https://10.1.2.3/hook", "webhook_private_address"),
        ("https://172.16.0.1/hook", "webhook_private_address"),
        ("https://192.168.1.10/hook", "webhook_private_address"),
        ("https://169.254.169.254/latest/meta-data/", "webhook_private_address"),
        ("https://[fe80::1]/hook", "webhook_private_address"),
        ("https://100.64.0.1/hook", "webhook_private_address"),
        ("https://0.0.0.0/hook", "webhook_private_address"),
        ("https://240.0.0.1/hook", "webhook_private_address"),
        ("https://[64:ff9b::a9fe:a9fe]/hook", "webhook_private_address"),
        ("https://[2002:7f00:1::1]/hook", "webhook_private_address"),
        ("https://224.0.0.1/hook", "webhook_private_address"),
        ("https://user:secret@93.184.215.14/hook", "webhook_credentials"),
        ("https://no-such-host.invalid/hook", "webhook_unresolvable"),
    ],
)
def test_production_settings_refuse_receivers_off_the_public_internet(
    jp_partner, settings, url, code
):
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    with pytest.raises(WebhookRefused) as refused:
        subscribe(jp_partner, url)

    assert refused.value.code == code
    assert WebhookSubscription.objects.count() == 0


def test_a_public_https_address_is_accepted(jp_partner, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    subscription, secret = subscribe(jp_partner, "https://93.184.215.14/hook")

    assert subscription.url == "https://93.184.215.14/hook"
    assert secret.startswith("whsec_")
    assert secret not in subscription.encrypted_secret


def test_the_address_is_checked_again_before_each_request(cohort, jp_partner, receiver, settings):
    _subscription, receiver.secret = subscribe(jp_partner, receiver.url)
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    application_transition(application=jp_draft(cohort), to_status=S.SUBMITTED, actor=None)

    assert receiver.requests == []
    [attempt] = WebhookAttempt.objects.all()
    assert (attempt.status_code, attempt.succeeded) == (None, False)
    assert "private, loopback" in attempt.error
