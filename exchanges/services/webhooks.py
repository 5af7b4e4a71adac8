"""Webhooks: subscriptions, the event outbox, signed delivery with retries, redelivery and
automatic disabling.

The outbox: ``webhooks_emit_application`` and ``webhooks_emit_survey_closed`` run inside the
transaction of the change they report and write one ``WebhookEventRecord`` with one
``WebhookDelivery`` per matching subscription, then hand each delivery to
``exchanges.deliver_webhook`` on commit. A change that rolls back leaves no event; a broker
that is down leaves pending rows that the beat sweeper (``webhooks_sweep``) sends.

Delivery: a conditional UPDATE claims a pending row, so a duplicate task or a retry never
sends it twice at once. The request is signed (``webhook_signature``), goes only to the address
checked against server-side request forgery at that moment, waits at most
``WEBHOOK_TIMEOUT_SECONDS``, follows no redirect and reads at most
``WEBHOOK_MAX_RESPONSE_BYTES``. A 2xx answer is success; anything else is logged and retried
with exponential backoff (``webhook_retry_delay``) until ``WEBHOOK_MAX_ATTEMPTS``. After
``WEBHOOK_DISABLE_AFTER_FAILURES`` failed attempts in a row the subscription is disabled and
its contact is emailed through the mail outbox.

Held events: a subscription disabled after failures still gets a delivery of each new event
for ``WEBHOOK_KEEP_DISABLED_DAYS`` after its disabling, held (pending, not sent) until it is
enabled again; enabling it hands its pending deliveries to the sweeper at once, oldest first.
A subscription its organisation switched off gets no deliveries of new events meanwhile, and
a deleted one nothing.

Redelivery: one manual attempt (``exchanges.redeliver_webhook``), outside the automatic
series: it does not use up an automatic attempt, never schedules a retry, leaves a delivered
delivery delivered (``delivered_at`` kept) and a failed one failed, and its failure does not
count toward disabling the subscription.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.crypto import decrypt_text, encrypt_text
from accounts.models import Organisation
from exchanges.activity_types import Activity
from exchanges.dispatch import dispatch, dispatch_on_commit
from exchanges.enums import ApplicationStatus, WebhookDeliveryStatus, WebhookEvent
from exchanges.exceptions import ExchangeError, InvalidTransition
from exchanges.models import (
    Application,
    Survey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventRecord,
    WebhookSubscription,
)
from exchanges.services.activity import activity_log_record
from exchanges.services.notify import notify_webhook_disabled
from exchanges.tasks import task_deliver_webhook, task_redeliver_webhook, task_sweep_webhooks
from exchanges.validators import WebhookTarget, validate_webhook_events, webhook_target

logger = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
SIGNATURE_HEADER = "Trilink-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 -- a marker for people, not a secret
# An organisation's subscriptions are for its systems, not a fan-out service.
MAX_SUBSCRIPTIONS_PER_ORGANISATION = 10
CHANGEABLE_FIELDS = ("url", "events", "description", "contact_email", "contact_language", "active")
D = WebhookDeliveryStatus

# Application statuses whose arrival is reported, and as which event.
STATUS_EVENTS = {
    ApplicationStatus.SUBMITTED: WebhookEvent.APPLICATION_SUBMITTED,
    ApplicationStatus.ACCEPTED: WebhookEvent.APPLICATION_DECIDED,
    ApplicationStatus.WAITLISTED: WebhookEvent.APPLICATION_DECIDED,
    ApplicationStatus.REJECTED: WebhookEvent.APPLICATION_DECIDED,
    ApplicationStatus.CONFIRMED: WebhookEvent.PARTICIPANT_CONFIRMED,
}


class WebhookRefused(ExchangeError):
    """A receiver URL or event list the server's policy refuses; ``errors`` names the field.

    409 rather than 400: the request is well formed, and whether a host resolves to a public
    address is a fact of the moment, not of the request's shape."""

    status_code = 409
    default_message = _("The webhook subscription could not be saved.")

    def __init__(self, message=None, *, field: str = "", code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.errors = {field: [message]} if field else {}


class WebhookLimitReached(ExchangeError):
    status_code = 409
    default_message = _("Your organisation has as many webhook subscriptions as it may have.")


# --- Signing ---------------------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The ``Trilink-Signature`` header: HMAC-SHA256 with the subscription's secret over
    ``f"{timestamp}.".encode() + body``, as ``t=<timestamp>,v1=<hex digest>``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_secret(subscription: WebhookSubscription) -> str:
    return decrypt_text(subscription.encrypted_secret)


# --- Subscriptions ---------------------------------------------------------------------------


def webhook_check_url(url: str) -> WebhookTarget:
    """``url`` checked against server-side request forgery under the current settings;
    raises ``ValidationError``."""
    return webhook_target(url, allow_loopback=settings.WEBHOOK_ALLOW_LOOPBACK)


def _checked(url: str | None = None, events=None) -> None:
    for field, value, check in (
        ("url", url, webhook_check_url),
        ("events", events, validate_webhook_events),
    ):
        if value is None:
            continue
        try:
            check(value)
        except ValidationError as error:
            message = " ".join(error.messages)
            raise WebhookRefused(message, field=field, code=error.code or "invalid") from error


@transaction.atomic
def webhook_subscription_create(
    *,
    organisation: Organisation,
    url: str,
    events: list[str],
    contact_email: str,
    contact_language: str = "en",
    description: str = "",
    actor=None,
    via: dict | None = None,
) -> tuple[WebhookSubscription, str]:
    """Create a subscription and return it with its signing secret, which is shown once.

    Raises ``WebhookRefused`` for a receiver URL that fails the forgery checks or an unknown
    event, and ``WebhookLimitReached`` past ``MAX_SUBSCRIPTIONS_PER_ORGANISATION``.
    """
    _checked(url, events)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if organisation.webhook_subscriptions.count() >= MAX_SUBSCRIPTIONS_PER_ORGANISATION:
        raise WebhookLimitReached(
            _("Your organisation already has %(count)d webhook subscriptions; delete one first.")
            % {"count": MAX_SUBSCRIPTIONS_PER_ORGANISATION},
            code="webhook_limit",
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    subscription = WebhookSubscription.objects.create(
        organisation=organisation,
        url=url,
        events=sorted(set(events)),
        description=description,
        contact_email=contact_email,
        contact_language=contact_language,
        encrypted_secret=encrypt_text(secret),
    )
    activity_log_record(
        actor=actor,
        obj=subscription,
        action_type=Activity.WEBHOOK_CREATED,
        data={"organisation": organisation.pk, "events": subscription.events, **(via or {})},
    )
    return subscription, secret


@transaction.atomic
def webhook_subscription_update(
    *, subscription: WebhookSubscription, actor=None, via: dict | None = None, **changes
) -> WebhookSubscription:
    """Change a subscription; ``active=True`` re-enables a disabled one and starts its count
    of failures afresh. Its pending deliveries (the events held while it was disabled, and
    retries that were waiting) become due at once and the sweeper is started on commit, so
    they go out oldest first."""
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not changeable: {sorted(unknown)}")
    _checked(changes.get("url"), changes.get("events"))
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    changed: dict[str, list] = {}
    if "events" in changes:
        changes["events"] = sorted(set(changes["events"]))
    active = changes.pop("active", None)
    for field, value in changes.items():
        if getattr(subscription, field) != value:
            changed[field] = [getattr(subscription, field), value]
            setattr(subscription, field, value)
    fields = list(changed)
    if active is not None and active != subscription.is_active:
        changed["active"] = [subscription.is_active, active]
        subscription.is_active = active
        fields.append("is_active")
        if active:
            subscription.consecutive_failures = 0
            subscription.disabled_at = None
            fields += ["consecutive_failures", "disabled_at"]
            # One due time for all: the sweeper then takes them in id order, oldest first.
            WebhookDelivery.objects.filter(subscription=subscription, status=D.PENDING).update(
                next_attempt_at=timezone.now()
            )
            dispatch_on_commit(task_sweep_webhooks)
    if changed:
        subscription.save(update_fields=fields)
        # The contact's address is personal data: the log says it changed, not to what.
        if "contact_email" in changed:
            changed["contact_email"] = ["…", "…"]
        activity_log_record(
            actor=actor,
            obj=subscription,
            action_type=Activity.WEBHOOK_CHANGED,
            data={"changes": changed, **(via or {})},
        )
    return subscription


@transaction.atomic
def webhook_subscription_delete(
    *, subscription: WebhookSubscription, actor=None, via: dict | None = None
) -> None:
    """Delete a subscription with its deliveries and their log."""
    activity_log_record(
        actor=actor,
        obj=subscription,
        action_type=Activity.WEBHOOK_DELETED,
        data={"organisation": subscription.organisation_id, **(via or {})},
    )
    subscription.delete()


# --- The outbox ------------------------------------------------------------------------------


def _envelope(*, event_id: uuid.UUID, event_type: str, data: dict) -> dict:
    return {
        "id": str(event_id),
        "type": event_type,
        "version": PAYLOAD_VERSION,
        "created_at": timezone.now().astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }


def _iso(value) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def _receiving() -> Q:
    """The subscriptions that get a delivery of a new event: the active ones, and those
    disabled after failures less than ``WEBHOOK_KEEP_DISABLED_DAYS`` ago (their deliveries
    are held until they are enabled again). One its organisation switched off has no
    ``disabled_at`` and gets nothing meanwhile."""
    kept_since = timezone.now() - dt.timedelta(days=settings.WEBHOOK_KEEP_DISABLED_DAYS)
    return Q(is_active=True) | Q(is_active=False, disabled_at__gte=kept_since)


def _record(*, subscriptions: list[WebhookSubscription], event_type: str, data: dict):
    """Write the event and one delivery per subscription listening to it; dispatch on commit
    those of active subscriptions (a disabled one's wait, pending, until it is enabled)."""
    listening = [s for s in subscriptions if event_type in s.events]
    if not listening:
        return None
    event_id = uuid.uuid4()
    event = WebhookEventRecord.objects.create(
        event_id=event_id,
        event_type=event_type,
        payload=_envelope(event_id=event_id, event_type=event_type, data=data),
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, subscription=s) for s in listening]
    )
    for delivery in deliveries:
        if delivery.subscription.is_active:
            dispatch_on_commit(task_deliver_webhook, delivery.pk)
    return event


def webhooks_emit_application(*, application: Application, from_status: str) -> None:
    """Called by ``application_transition`` in its transaction: report the application's new
    status to the subscriptions of the organisations that may see it (partners of its
    program in its country). The payload holds ids and statuses, never personal data; a
    receiver fetches the rest through the API with its own key's scope. Nothing is reported
    of an applicant who did not consent to sharing with partners: the API answers 404 for
    that application, and a stream of its statuses would still tell a partner about them.
    The same rule holds for the deliveries held for a disabled subscription."""
    event_type = STATUS_EVENTS.get(application.status)
    if event_type is None or not application.shares_with_partners:
        return
    cohort = application.cohort
    subscriptions = list(
        WebhookSubscription.objects.filter(
            _receiving(),
            organisation__country=application.country,
            organisation__partner_programs__cohorts=cohort.pk,
        ).distinct()
    )
    _record(
        subscriptions=subscriptions,
        event_type=event_type,
        data={
            "application": {
                "id": application.pk,
                "cohort": cohort.pk,
                "program": cohort.program_id,
                "country": application.country,
                "status": application.status,
                "previous_status": from_status,
                "submitted_at": _iso(application.submitted_at),
                "status_changed_at": _iso(application.status_changed_at),
            }
        },
    )


def webhooks_emit_survey_closed(*, survey: Survey) -> None:
    """Called by ``survey_close`` in its transaction: tell the partners of the survey's
    program that it closed (no answers: aggregates are read through the API)."""
    subscriptions = list(
        WebhookSubscription.objects.filter(
            _receiving(), organisation__partner_programs__cohorts=survey.cohort_id
        ).distinct()
    )
    _record(
        subscriptions=subscriptions,
        event_type=WebhookEvent.SURVEY_CLOSED,
        data={
            "survey": {
                "id": survey.pk,
                "cohort": survey.cohort_id,
                "kind": survey.kind,
                "closed_at": _iso(survey.closes_at),
            }
        },
    )


# --- Delivery --------------------------------------------------------------------------------


def webhook_retry_delay(*, attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: base * 2**(attempts-1), capped."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return min(settings.WEBHOOK_RETRY_MAX_SECONDS, base * (2 ** max(0, attempts - 1)))


def webhook_retry_schedule() -> list[float]:
    """The waits between the attempts of one delivery, in seconds (for the docs and pages)."""
    return [webhook_retry_delay(attempts=n) for n in range(1, settings.WEBHOOK_MAX_ATTEMPTS)]


def _claim(delivery_id: int, now: dt.datetime, *, manual: bool = False) -> bool:
    """Mark the delivery as being sent and count the attempt; False when another attempt
    runs, the subscription is disabled, or there is nothing to send: an automatic attempt
    needs a pending delivery (or an abandoned claim of an undelivered one), a manual one a
    redelivery asked for and not made yet, which the claim consumes."""
    expired = now - dt.timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    rows = WebhookDelivery.objects.filter(pk=delivery_id, subscription__is_active=True)
    if manual:
        rows = rows.filter(redelivery_requested_at__isnull=False).exclude(
            status=D.SENDING, claimed_at__gte=expired
        )
        counted = {"manual_attempts": F("manual_attempts") + 1, "redelivery_requested_at": None}
    else:
        rows = rows.filter(
            Q(status=D.PENDING)
            | Q(status=D.SENDING, claimed_at__lt=expired, delivered_at__isnull=True)
        )
        counted = {}
    claimed = rows.update(status=D.SENDING, claimed_at=now, attempts=F("attempts") + 1, **counted)
    return claimed == 1


def _pool(target: WebhookTarget):
    timeout = urllib3.Timeout(
        total=settings.WEBHOOK_TIMEOUT_SECONDS,
        connect=settings.WEBHOOK_TIMEOUT_SECONDS,
        read=settings.WEBHOOK_TIMEOUT_SECONDS,
    )
    common = {"port": target.port, "timeout": timeout, "retries": False, "maxsize": 1}
    if target.scheme == "https":
        # Connect to the checked address; the certificate must still name the host.
        return urllib3.HTTPSConnectionPool(
            target.address,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **common,
        )
    return urllib3.HTTPConnectionPool(target.address, **common)


def _post(target: WebhookTarget, *, headers: dict, body: bytes) -> int:
    """POST ``body`` to the checked address; the status code. Reads at most
    ``WEBHOOK_MAX_RESPONSE_BYTES`` of the answer and follows no redirect."""
    default_port = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != default_port:
        host = f"{host}:{target.port}"
    with _pool(target) as pool:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            response.read(settings.WEBHOOK_MAX_RESPONSE_BYTES, decode_content=False)
        finally:
            response.release_conn()
            response.close()
    return response.status


def webhook_request(*, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Send one attempt of ``delivery``: (status code or None, error text or "")."""
    subscription = delivery.subscription
    body = json.dumps(delivery.event.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Trilink-Webhooks/{PAYLOAD_VERSION}",
        "Trilink-Event-Id": str(delivery.event.event_id),
        "Trilink-Event": delivery.event.event_type,
        "Trilink-Delivery": str(delivery.pk),
        "Trilink-Attempt": str(delivery.attempts),
        SIGNATURE_HEADER: webhook_signature(
            secret=webhook_secret(subscription), timestamp=timestamp, body=body
        ),
    }
    try:
        target = webhook_check_url(subscription.url)
    except ValidationError as error:
        return None, " ".join(str(m) for m in error.messages)[:300]
    try:
        status_code = _post(target, headers=headers, body=body)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        # The error's class and text: about the receiver, never about people.
        return None, f"{error.__class__.__name__}: {error}"[:300]
    if 200 <= status_code < 300:
        return status_code, ""
    if 300 <= status_code < 400:
        return status_code, "Redirects are not followed."
    return status_code, f"HTTP {status_code}"


def webhook_delivery_attempt(*, delivery_id: int, manual: bool = False) -> str:
    """Claim and send one pending delivery; the outcome (``succeeded``, ``retry``,
    ``failed``), or ``skipped`` for a missing, finished, claimed or disabled one.

    ``manual``: the one attempt a redelivery asked for, made whatever the delivery's status;
    its failure (``failed``) leaves the status, the next automatic attempt and the
    subscription's count of failures as they were."""
    if not _claim(delivery_id, timezone.now(), manual=manual):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("event", "subscription").get(pk=delivery_id)
    started = time.monotonic()
    status_code, error = webhook_request(delivery=delivery)
    elapsed_ms = round((time.monotonic() - started) * 1000)
    return _finish(
        delivery=delivery,
        status_code=status_code,
        error=error,
        elapsed_ms=elapsed_ms,
        manual=manual,
    )


def _settled_status(delivery: WebhookDelivery) -> str:
    """The status a delivery returns to after a failed manual attempt: delivered once stays
    delivered; out of automatic attempts stays failed; otherwise its retries go on."""
    if delivery.delivered_at is not None:
        return D.SUCCEEDED
    if delivery.attempts - delivery.manual_attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        return D.FAILED
    return D.PENDING


@transaction.atomic
def _finish(
    *,
    delivery: WebhookDelivery,
    status_code: int | None,
    error: str,
    elapsed_ms: int,
    manual: bool,
):
    now = timezone.now()
    succeeded = not error
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        status_code=status_code,
        response_ms=elapsed_ms,
        error=error,
        succeeded=succeeded,
    )
    subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
    if succeeded:
        # A redelivery of a delivered event keeps the time it was first delivered.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=D.SUCCEEDED, delivered_at=delivery.delivered_at or now, claimed_at=None
        )
        if subscription.consecutive_failures:
            subscription.consecutive_failures = 0
            subscription.save(update_fields=["consecutive_failures"])
        return "succeeded"
    if manual:
        # One more attempt, not a new series: no retry is scheduled (a pending delivery
        # keeps its next automatic attempt), and the count that disables a subscription is
        # left to the automatic attempts.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=_settled_status(delivery), claimed_at=None
        )
        return "failed"
    if delivery.attempts - delivery.manual_attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        outcome = "failed"
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=D.FAILED, claimed_at=None)
    else:
        outcome = "retry"
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=D.PENDING,
            claimed_at=None,
            next_attempt_at=now
            + dt.timedelta(seconds=webhook_retry_delay(attempts=delivery.attempts)),
        )
    subscription.consecutive_failures += 1
    subscription.save(update_fields=["consecutive_failures"])
    if (
        subscription.is_active
        and subscription.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES
    ):
        _disable(subscription, now)
    return outcome


def _disable(subscription: WebhookSubscription, now: dt.datetime) -> None:
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.save(update_fields=["is_active", "disabled_at"])
    activity_log_record(
        actor=None,
        obj=subscription,
        action_type=Activity.WEBHOOK_DISABLED,
        data={"failures": subscription.consecutive_failures},
    )
    notify_webhook_disabled(subscription=subscription, disabled_at=now)


@transaction.atomic
def webhook_delivery_redeliver(
    *, delivery: WebhookDelivery, actor=None, via: dict | None = None
) -> WebhookDelivery:
    """Send a delivery again now, with the same event id (receivers drop duplicates by it):
    one manual attempt on commit (``exchanges.redeliver_webhook``; the sweeper makes it if the
    broker refused), whatever the delivery's status, which it leaves as it is until the
    attempt succeeds (see ``webhook_delivery_attempt``).

    Raises ``InvalidTransition`` while an attempt is running or a redelivery of it waits to
    be made, and when the subscription is disabled (re-enable it first).
    """
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("subscription")
        .get(pk=delivery.pk)
    )
    if not delivery.subscription.is_active:
        raise InvalidTransition(
            _("This subscription is disabled; enable it before asking for a redelivery."),
            code="webhook_disabled",
        )
    if delivery.status == D.SENDING or delivery.redelivery_requested_at is not None:
        raise InvalidTransition(
            _("This delivery is being sent right now."), code="webhook_delivery_in_progress"
        )
    delivery.redelivery_requested_at = timezone.now()
    delivery.save(update_fields=["redelivery_requested_at"])
    activity_log_record(
        actor=actor,
        obj=delivery.subscription,
        action_type=Activity.WEBHOOK_REDELIVERED,
        data={"delivery": delivery.pk, "event": str(delivery.event_id), **(via or {})},
    )
    dispatch_on_commit(task_redeliver_webhook, delivery.pk)
    return delivery


def webhooks_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Beat: release claims of dead workers and send the pending deliveries that are due
    (retries, and rows whose dispatch the broker refused), oldest due first, and the
    redeliveries asked for and not made (their dispatch refused too). A released claim of a
    delivered delivery (a redelivery that died) stays delivered."""
    now = now or timezone.now()
    expired = now - dt.timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    released = WebhookDelivery.objects.filter(status=D.SENDING, claimed_at__lt=expired).update(
        status=Case(
            When(delivered_at__isnull=False, then=Value(D.SUCCEEDED)), default=Value(D.PENDING)
        ),
        claimed_at=None,
    )
    ids = list(
        WebhookDelivery.objects.filter(
            status=D.PENDING, next_attempt_at__lte=now, subscription__is_active=True
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[: settings.WEBHOOK_SWEEP_BATCH]
    )
    dispatched = sum(1 for delivery_id in ids if dispatch(task_deliver_webhook, delivery_id))
    redeliveries = list(
        WebhookDelivery.objects.filter(
            redelivery_requested_at__lte=now, subscription__is_active=True
        )
        .exclude(status=D.SENDING)
        .order_by("redelivery_requested_at", "id")
        .values_list("id", flat=True)[: settings.WEBHOOK_SWEEP_BATCH]
    )
    dispatched += sum(
        1 for delivery_id in redeliveries if dispatch(task_redeliver_webhook, delivery_id)
    )
    ids += redeliveries
    if released or ids:
        logger.info("Webhook sweep: %d released, %d dispatched", released, dispatched)
    return {"released": released, "dispatched": dispatched}
