"""The outbox against a real Celery worker process, Redis and an SMTP server on loopback."""

import signal
import time
from collections import Counter

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from exchanges.dispatch import dispatch_breaker_reset
from exchanges.enums import CampaignStatus, MailStatus, MailTemplateKey, Role
from exchanges.models import Application, Campaign, OutgoingMail
from exchanges.services.campaigns import campaign_enqueue, campaign_send
from exchanges.services.mail import mail_queue, mail_sweep
from tests.conftest import with_mfa
from tests.factories import ApplicantFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory, LeadersCohortFactory
from tests.integration.conftest import wait_until

SIGNUP = {
    "password1": "a-long-pass-phrase-42",
    "password2": "a-long-pass-phrase-42",
    "given_name": "Yui",
    "family_name": "Tanaka",
    "local_name": "田中結衣",
    "preferred_language": "ja",
    "country": "JP",
    "time_zone": "Asia/Tokyo",
}


def test_signup_verification_is_delivered_exactly_once(client, smtp_server, start_worker):
    _controller, smtp = smtp_server
    start_worker()

    response = client.post(reverse("account_signup"), {"email": "yui@example.org", **SIGNUP})

    assert response.status_code == 302
    wait_until(
        lambda: smtp.count("yui@example.org") >= 1,
        timeout=20,
        message="the verification email never arrived",
    )
    time.sleep(1.5)  # room for a duplicate to show up
    row = OutgoingMail.objects.get()
    assert smtp.count() == 1
    assert (row.status, row.attempts) == (MailStatus.SENT, 1)
    assert smtp.received[0].message_id == row.message_id


def test_worker_killed_mid_campaign_delivers_all_with_bounded_duplicates(
    smtp_server,
    start_worker,
    settings,
):
    _controller, smtp = smtp_server
    smtp.delay = 0.004
    staff = SecretariatFactory()
    people = User.objects.bulk_create(
        [
            User(
                email=f"p{n:03d}@example.org",
                given_name="P",
                family_name=f"{n}",
                role=Role.APPLICANT,
                country="KR",
            )
            for n in range(500)
        ]
    )
    cohort = LeadersCohortFactory()
    # The audience is the cohort's applicants: people without an application are never written to.
    Application.objects.bulk_create(
        [ApplicationFactory.build(applicant=person, cohort=cohort) for person in people]
    )
    campaign = Campaign.objects.create(
        cohort=cohort,
        name="Bulk",
        subject_en="Hello",
        body_en="Hello {{ recipient_name }}",
        created_by=staff,
    )
    worker = start_worker(concurrency=2)

    campaign_send(campaign=campaign, actor=staff)
    wait_until(lambda: smtp.count() >= 120, timeout=60, message="the campaign never started")
    worker.kill()
    delivered_at_kill = smtp.count()
    start_worker(concurrency=2)
    deadline = time.monotonic() + 90
    while len({item.rcpt for item in smtp.received}) < 500 and time.monotonic() < deadline:
        if not Campaign.objects.filter(pk=campaign.pk, enqueued_at__isnull=False).exists():
            campaign_enqueue(campaign_id=campaign.pk)  # what beat's campaigns_tick resumes
        mail_sweep()  # what beat runs every OUTBOX_SWEEP_SECONDS
        time.sleep(1)

    time.sleep(1.5)
    per_recipient = Counter(item.rcpt for item in smtp.received)
    duplicates = {rcpt: n for rcpt, n in per_recipient.items() if n > 1}
    print(
        f"\nkilled after {delivered_at_kill} deliveries; {len(per_recipient)} recipients, "
        f"{smtp.count()} messages, {len(duplicates)} duplicate(s)"
    )
    assert len(per_recipient) == 500
    assert sum(duplicates.values()) - len(duplicates) <= 2  # at most one per pool process
    for rcpt in duplicates:
        assert len({item.message_id for item in smtp.received if item.rcpt == rcpt}) == 1
    assert OutgoingMail.objects.filter(campaign=campaign, status=MailStatus.SENT).count() == 500
    # The worker that sent the last row finished the campaign (no beat runs here).
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT


def test_paused_broker_does_not_delay_signup_and_sweeper_delivers_once(
    client,
    smtp_server,
    broker,
    own_redis,
    start_worker,
):
    _controller, smtp = smtp_server
    broker.use(own_redis.url)
    own_redis.process.send_signal(signal.SIGSTOP)

    started = time.monotonic()
    response = client.post(reverse("account_signup"), {"email": "min@example.org", **SIGNUP})
    elapsed = time.monotonic() - started

    own_redis.process.send_signal(signal.SIGCONT)
    row = OutgoingMail.objects.get()
    assert response.status_code == 302
    assert elapsed < 5, f"signup took {elapsed:.1f} s with the broker paused"
    assert (row.status, row.dispatched_at) == (MailStatus.QUEUED, None)
    broker.use(own_redis.url)  # a fresh connection pool, as a new web process would have
    dispatch_breaker_reset()
    start_worker(broker_url=own_redis.url)
    assert mail_sweep() == {"released": 0, "dispatched": 1}
    wait_until(lambda: smtp.count() >= 1, timeout=20, message="the sweeper never delivered it")
    time.sleep(1.5)
    assert smtp.count("min@example.org") == 1
    assert OutgoingMail.objects.get().status == MailStatus.SENT


def test_smtp_451_is_retried_with_backoff_and_550_fails_visibly(
    client,
    smtp_server,
    start_worker,
):
    _controller, smtp = smtp_server
    smtp.scripts = {
        "grey@example.org": ["451 4.7.1 Greylisted, try again", "451 4.7.1 Again", "250 OK"],
        "gone@example.org": ["550 5.1.1 No such mailbox"],
    }
    grey = ApplicantFactory(email="grey@example.org")
    gone = ApplicantFactory(email="gone@example.org")
    start_worker()

    with transaction.atomic():
        for person in (grey, gone):
            mail_queue(
                template_key=MailTemplateKey.DECISION_REJECTED,
                idempotency_key=f"decision:{person.pk}",
                recipient=person,
                context={"program_name": "Leaders"},
            )

    wait_until(
        lambda: smtp.count("grey@example.org") == 1,
        timeout=30,
        message="the greylisted message was never delivered",
    )
    wait_until(lambda: OutgoingMail.objects.filter(status=MailStatus.FAILED).exists(), timeout=10)
    greylisted = OutgoingMail.objects.get(recipient_email="grey@example.org")
    failed = OutgoingMail.objects.get(recipient_email="gone@example.org")
    tries = smtp.attempts["grey@example.org"]
    assert (greylisted.status, greylisted.attempts) == (MailStatus.SENT, 3)
    assert tries[1] - tries[0] >= 0.5
    assert tries[2] - tries[1] >= 1.0
    assert (failed.status, failed.attempts) == (MailStatus.FAILED, 1)
    assert failed.last_error == "SMTP 550: 5.1.1 No such mailbox"
    assert smtp.count("gone@example.org") == 0

    client.force_login(with_mfa(SecretariatFactory()))
    page = client.get(reverse("staff:mail_detail", args=[failed.pk]))
    assert "SMTP 550: 5.1.1 No such mailbox" in page.content.decode()
