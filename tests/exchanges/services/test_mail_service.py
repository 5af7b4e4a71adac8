import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from exchanges.enums import MailStatus, MailTemplateKey
from exchanges.models import MailOptOut, MailTemplate, OutgoingMail
from exchanges.services.mail import (
    TEMPLATE_CONTEXT,
    mail_claim,
    mail_claim_batch,
    mail_queue,
    mail_render,
    mail_resend,
    mail_send,
    mail_send_batch,
    mail_sweep,
    retry_delay,
)
from tests.exchanges import smtp_doubles
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db

HONORIFIC = {"en": "Dear Mina Park,", "ja": "朴 美娜 様", "ko": "朴 美娜님"}


@pytest.fixture
def scripted_backend(settings):
    settings.EMAIL_BACKEND = "tests.exchanges.smtp_doubles.ScriptedBackend"
    smtp_doubles.ERRORS.clear()
    yield smtp_doubles.ERRORS
    smtp_doubles.ERRORS.clear()


def _queue(recipient, key="application_received:1", **kwargs):
    return mail_queue(
        template_key=MailTemplateKey.APPLICATION_RECEIVED,
        idempotency_key=key,
        recipient=recipient,
        context={
            "program_name": "Leaders Exchange",
            "application_url": "https://trilink.example/a/1",
        },
        **kwargs,
    )


@pytest.mark.parametrize("language", ["en", "ja", "ko"])
@pytest.mark.parametrize("template_key", MailTemplateKey.values)
def test_mail_render_every_template_in_every_language(template_key, language):
    context = {name: f"<{name}>" for name in TEMPLATE_CONTEXT[template_key]}
    context["recipient_name"] = "朴 美娜" if language != "en" else "Mina Park"

    rendered = mail_render(template_key=template_key, language=language, context=context)

    assert rendered.subject.strip() == rendered.subject
    assert "\n" not in rendered.subject
    assert rendered.text.startswith(HONORIFIC[language])
    assert f'<html lang="{language}">' in rendered.html
    assert "&lt;program_name&gt;" in rendered.html or "program_name" not in context


def test_mail_queue_renders_in_recipient_language_and_sends_on_commit(
    django_capture_on_commit_callbacks,
):
    recipient = ApplicantFactory(
        given_name="Yui", family_name="Tanaka", local_name="田中結衣", preferred_language="ja"
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = _queue(recipient)

    sent = OutgoingMail.objects.get(pk=queued.pk)
    assert len(callbacks) == 1
    assert sent.status == MailStatus.SENT
    assert sent.language == "ja"
    assert sent.subject == "Leaders Exchangeへのご応募を受け付けました"
    assert sent.text_body.startswith("田中結衣 様\n")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == sent.message_id
    assert mail.outbox[0].to == [recipient.email]


def test_mail_queue_same_idempotency_key_queues_once(django_capture_on_commit_callbacks):
    recipient = ApplicantFactory()

    with django_capture_on_commit_callbacks(execute=True):
        first = _queue(recipient)
        second = _queue(recipient)

    assert first.pk == second.pk
    assert OutgoingMail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_mail_queue_without_commit_dispatches_nothing():
    _queue(ApplicantFactory())

    assert OutgoingMail.objects.get().status == MailStatus.QUEUED
    assert mail.outbox == []


def test_mail_queue_later_due_at_is_left_for_the_sweeper(django_capture_on_commit_callbacks):
    due = timezone.now() + dt.timedelta(hours=2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = _queue(ApplicantFactory(), due_at=due)

    assert callbacks == []
    assert queued.dispatched_at is None
    assert mail_sweep() == {"released": 0, "dispatched": 0}


def test_mail_queue_uses_cohort_override(cohort, django_capture_on_commit_callbacks):
    MailTemplate.objects.create(
        cohort=cohort,
        key=MailTemplateKey.APPLICATION_RECEIVED,
        language="en",
        subject="Thanks, {{ recipient_name }}",
        text_body="Dear {{ recipient_name }},\n\nSee {{ application_url }}",
    )
    recipient = ApplicantFactory(given_name="Olivia", family_name="Johnson")

    with django_capture_on_commit_callbacks(execute=True):
        queued = _queue(recipient, cohort=cohort)

    queued.refresh_from_db()
    assert queued.subject == "Thanks, Olivia Johnson"
    assert queued.text_body == "Dear Olivia Johnson,\n\nSee https://trilink.example/a/1\n"
    assert '<a href="https://trilink.example/a/1"' in queued.html_body


def test_mail_queue_non_transactional_has_unsubscribe_headers_and_skips_opt_outs():
    recipient, opted_out = ApplicantFactory(), ApplicantFactory()
    MailOptOut.objects.create(email=opted_out.email)

    queued = _queue(recipient, is_transactional=False)
    skipped = _queue(opted_out, key="other", is_transactional=False)

    assert skipped is None
    assert queued.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert queued.headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/mail/unsubscribe/")
    assert "To stop receiving these emails, open: http://127.0.0.1:8000/mail/unsubscribe/" in (
        queued.text_body
    )


def test_mail_claim_only_one_caller_wins():
    queued = _queue(ApplicantFactory())

    assert mail_claim(mail_id=queued.pk) is True
    assert mail_claim(mail_id=queued.pk) is False
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.SENDING, 1)


def test_mail_claim_batch_gives_each_row_to_one_caller():
    rows = [_queue(ApplicantFactory(), key=f"k{n}") for n in range(3)]
    ids = [row.pk for row in rows]

    first = mail_claim_batch(mail_ids=ids[:2])
    second = mail_claim_batch(mail_ids=ids)

    assert (sorted(first), second) == (sorted(ids[:2]), [ids[2]])


def test_mail_claim_takes_over_an_expired_claim(settings):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 60
    queued = _queue(ApplicantFactory())
    OutgoingMail.objects.filter(pk=queued.pk).update(
        status=MailStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(seconds=61)
    )

    assert mail_claim(mail_id=queued.pk) is True


def test_mail_send_sent_row_is_a_no_op():
    queued = _queue(ApplicantFactory())
    assert mail_send(mail_id=queued.pk).result == "sent"

    outcome = mail_send(mail_id=queued.pk)

    assert outcome.result == "skipped"
    assert len(mail.outbox) == 1


def test_mail_send_batch_marks_each_message_sent_before_sending_the_next(settings):
    # What keeps a killed worker to at most one duplicate: every earlier row is already
    # marked sent when the next message goes out, the later rows are only claimed.
    settings.EMAIL_BACKEND = "tests.exchanges.smtp_doubles.StatusRecordingBackend"
    rows = [_queue(ApplicantFactory(), key=f"k{n}") for n in range(3)]
    smtp_doubles.SEEN.clear()
    smtp_doubles.SEEN_ROWS[:] = [row.pk for row in rows]

    outcomes = mail_send_batch(mail_ids=[row.pk for row in rows])

    ids = [row.message_id for row in rows]
    assert [outcome.result for outcome in outcomes.values()] == ["sent"] * 3
    assert [message_id for message_id, _statuses in smtp_doubles.SEEN] == ids
    for position, (_message_id, statuses) in enumerate(smtp_doubles.SEEN):
        assert [statuses[i] for i in ids] == (
            [MailStatus.SENT] * position + [MailStatus.SENDING] * (3 - position)
        )


def test_mail_send_transient_error_requeues_with_backoff(settings, scripted_backend):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    queued = _queue(ApplicantFactory())
    scripted_backend.append(smtp_doubles.smtp_error(451, "4.3.0 Try again later"))
    before = timezone.now()

    outcome = mail_send(mail_id=queued.pk)

    queued.refresh_from_db()
    assert (outcome.result, outcome.retry_in) == ("retry", 30)
    assert (queued.status, queued.attempts) == (MailStatus.QUEUED, 1)
    assert queued.last_error == "SMTP 451: 4.3.0 Try again later"
    assert before + dt.timedelta(seconds=30) <= queued.due_at
    assert mail_send(mail_id=queued.pk).result == "skipped"  # not due yet


def test_mail_send_permanent_error_fails_with_reason(scripted_backend):
    queued = _queue(ApplicantFactory())
    scripted_backend.append(smtp_doubles.smtp_error(550, "5.1.1 Mailbox unavailable"))

    outcome = mail_send(mail_id=queued.pk)

    queued.refresh_from_db()
    assert outcome.result == "failed"
    assert (queued.status, queued.last_error) == (
        MailStatus.FAILED,
        "SMTP 550: 5.1.1 Mailbox unavailable",
    )


def test_mail_send_gives_up_after_max_attempts(settings, scripted_backend):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    queued = _queue(ApplicantFactory())
    scripted_backend.extend([ConnectionRefusedError("refused"), ConnectionRefusedError("x")])

    first = mail_send(mail_id=queued.pk)
    OutgoingMail.objects.filter(pk=queued.pk).update(due_at=timezone.now())
    second = mail_send(mail_id=queued.pk)

    queued.refresh_from_db()
    assert (first.result, second.result) == ("retry", "failed")
    assert (queued.status, queued.attempts) == (MailStatus.FAILED, 2)
    assert queued.last_error == "ConnectionRefusedError: x"


def test_retry_delay_doubles_up_to_the_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 200

    assert [retry_delay(attempts=n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_mail_sweep_releases_stuck_claims_and_redelivers_with_same_message_id(settings):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 60
    queued = _queue(ApplicantFactory())
    OutgoingMail.objects.filter(pk=queued.pk).update(
        status=MailStatus.SENDING, attempts=1, claimed_at=timezone.now() - dt.timedelta(minutes=5)
    )

    result = mail_sweep()

    queued.refresh_from_db()
    assert result == {"released": 1, "dispatched": 1}
    assert (queued.status, queued.attempts) == (MailStatus.SENT, 2)
    assert mail.outbox[0].extra_headers["Message-ID"] == queued.message_id


def test_mail_sweep_dispatches_rows_the_broker_never_got():
    queued = _queue(ApplicantFactory())
    OutgoingMail.objects.filter(pk=queued.pk).update(dispatched_at=None)

    assert mail_sweep() == {"released": 0, "dispatched": 1}
    assert OutgoingMail.objects.get(pk=queued.pk).status == MailStatus.SENT


def test_mail_resend_keeps_message_id(
    secretariat, django_capture_on_commit_callbacks, scripted_backend
):
    queued = _queue(ApplicantFactory())
    scripted_backend.append(smtp_doubles.smtp_error(550, "no"))
    mail_send(mail_id=queued.pk)

    with django_capture_on_commit_callbacks(execute=True):
        mail_resend(mail=OutgoingMail.objects.get(pk=queued.pk), actor=secretariat)

    resent = OutgoingMail.objects.get(pk=queued.pk)
    assert (resent.status, resent.attempts) == (MailStatus.SENT, 2)
    assert mail.outbox[0].extra_headers["Message-ID"] == queued.message_id
