"""Outbox attachments as a real SMTP server receives them: the completion email carries the
certificate PDF as its own MIME part (bytes that parse, in the participant's language, with
the verification link), a retry after a transient failure sends it once, the outbox refuses
attachments it would not send safely, and the admin shows their metadata only."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from exchanges.enums import MailStatus
from exchanges.models import Certificate, OutgoingMail, OutgoingMailAttachment
from exchanges.services.attendance import cohort_complete
from exchanges.services.mail import (
    MailAttachment,
    mail_queue_rendered,
    mail_resend,
    mail_send,
    mail_send_batch,
)
from tests.conftest import with_mfa
from tests.exchanges.services.test_attendance import answer_post_survey, attend, participant
from tests.factories import SecretariatFactory
from tests.factories.applications import CohortFactory
from tests.factories.predeparture import ItineraryItemFactory
from tests.smtp import part

pytestmark = pytest.mark.django_db

TITLES = {"ja": "修了証", "ko": "수료증", "en": "Certificate of completion"}
ATTACHED = {
    "ja": "をこのメールに添付しております",
    "ko": "을 이 메일에 첨부하였습니다",
    "en": "is attached to this email",
}


@pytest.fixture
def cohort(db):
    return CohortFactory(
        time_zone="Asia/Seoul", starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10)
    )


@pytest.fixture
def sessions(cohort):
    return [
        ItineraryItemFactory(cohort=cohort, day=cohort.starts_on + dt.timedelta(days=n))
        for n in range(5)
    ]


def _complete(cohort, sessions, actor, language, country="KR"):
    person = participant(cohort, country, language)
    attend(person, sessions, 5, actor)
    answer_post_survey(person)
    return person


def _pdf_parts(message):
    return [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]


@pytest.mark.parametrize("language", ["ja", "ko", "en"])
def test_completion_email_reaches_the_smtp_server_with_the_certificate_pdf(
    smtp_sink, sessions, secretariat, django_capture_on_commit_callbacks, language
):
    cohort = sessions[0].cohort
    person = _complete(cohort, sessions, secretariat, language)

    with django_capture_on_commit_callbacks(execute=True):
        cohort_complete(cohort=cohort, actor=secretariat)

    [message] = smtp_sink.to(person.applicant.email)
    certificate = Certificate.objects.get(application=person)
    assert message.get_content_type() == "multipart/mixed"
    [pdf] = _pdf_parts(message)
    assert pdf.get_content_disposition() == "attachment"
    assert pdf.get_filename() == f"trilink-certificate-{certificate.pk}.pdf"
    assert pdf["Content-Transfer-Encoding"] == "base64"
    data = pdf.get_content()
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == TITLES[language]
    lines = reader.pages[0].extract_text().splitlines()
    assert lines[0] == TITLES[language]
    assert f"/certificates/{certificate.code}/" in lines[-1]
    # The text still carries the verification link, and says the certificate is attached.
    text = part(message, "plain")
    assert ATTACHED[language] in text
    assert f"/certificates/{certificate.code}/" in text
    # What the server got is what the outbox stored.
    stored = OutgoingMailAttachment.objects.get(mail__recipient_email=person.applicant.email)
    assert (bytes(stored.content), stored.size) == (data, len(data))


def test_a_retry_after_a_transient_failure_sends_the_pdf_once(
    smtp_sink, cohort, sessions, secretariat, django_capture_on_commit_callbacks
):
    person = _complete(cohort, sessions, secretariat, "ko")
    refusals = []
    accept = smtp_sink.handle_DATA

    async def busy_once(server, session, envelope):
        if not refusals:
            refusals.append(envelope)
            return "451 4.3.0 Try again later"
        return await accept(server, session, envelope)

    smtp_sink.handle_DATA = busy_once

    with django_capture_on_commit_callbacks(execute=True):
        cohort_complete(cohort=cohort, actor=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_complete(cohort=cohort, actor=secretariat)  # a second run queues nothing

    row = OutgoingMail.objects.get(template_key="program_completed")
    assert (row.status, row.attempts, len(refusals)) == (MailStatus.QUEUED, 1, 1)
    assert row.attachments.count() == 1
    OutgoingMail.objects.filter(pk=row.pk).update(due_at=timezone.now())

    assert mail_send(mail_id=row.pk).result == "sent"
    assert mail_send(mail_id=row.pk).result == "skipped"

    [message] = smtp_sink.to(person.applicant.email)
    assert message["Message-ID"] == row.message_id
    [pdf] = _pdf_parts(message)
    assert PdfReader(io.BytesIO(pdf.get_content())).metadata.title == "수료증"
    assert OutgoingMailAttachment.objects.count() == 1

    # Staff "Send again": the same message, same Message-ID, the same PDF bytes.
    with django_capture_on_commit_callbacks(execute=True):
        mail_resend(mail=row, actor=secretariat)
    first, second = smtp_sink.to(person.applicant.email)
    assert second["Message-ID"] == first["Message-ID"]
    assert _pdf_parts(second)[0].get_content() == pdf.get_content()
    assert OutgoingMailAttachment.objects.count() == 1


def _attachment(n: int) -> MailAttachment:
    return MailAttachment(
        filename=f"note-{n}.csv", mime_type="text/csv", content=f"n\n{n}\n".encode()
    )


def test_a_batch_reads_every_attachment_in_one_query_and_sends_each_its_own(smtp_sink):
    rows = [
        mail_queue_rendered(
            email=f"person{n}@example.org",
            subject=f"Note {n}",
            text="Attached.",
            template_key="note",
            idempotency_key=f"note:{n}",
            language="en",
            attachments=[_attachment(n), _attachment(n + 10)],
        )
        for n in range(3)
    ]
    again = mail_queue_rendered(
        email="person0@example.org",
        subject="Note 0",
        text="Attached.",
        template_key="note",
        idempotency_key="note:0",
        language="en",
        attachments=[_attachment(99)],
    )
    assert again.pk == rows[0].pk
    assert OutgoingMailAttachment.objects.count() == 6

    with CaptureQueriesContext(connection) as queries:
        outcomes = mail_send_batch(mail_ids=[row.pk for row in rows])

    assert {outcome.result for outcome in outcomes.values()} == {"sent"}
    table = OutgoingMailAttachment._meta.db_table
    assert sum(table in query["sql"] for query in queries.captured_queries) == 1
    for n in range(3):
        [message] = smtp_sink.to(f"person{n}@example.org")
        parts = list(message.iter_attachments())
        assert [p.get_filename() for p in parts] == [f"note-{n}.csv", f"note-{n + 10}.csv"]
        assert parts[0].get_content_type() == "text/csv"
        # Text travels in the canonical form of MIME text: lines end in CRLF.
        assert parts[0].get_content() == f"n\r\n{n}\r\n"


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        (MailAttachment("../etc/passwd", "application/pdf", b"x"), "not ASCII-safe"),
        (MailAttachment("証明書.pdf", "application/pdf", b"x"), "not ASCII-safe"),
        (MailAttachment("a.pdf\r\nBcc: x@example.org", "application/pdf", b"x"), "ASCII-safe"),
        (MailAttachment("run.html", "text/html", b"x"), "not allowed"),
        (MailAttachment("big.pdf", "application/pdf", b"x" * 1025), "exceed"),
    ],
)
def test_the_outbox_refuses_attachments_it_would_not_send_safely(settings, attachment, message):
    settings.OUTBOX_MAX_ATTACHMENT_BYTES = 1024

    with pytest.raises(ValueError, match=message):
        mail_queue_rendered(
            email="person@example.org",
            subject="Note",
            text="Attached.",
            template_key="note",
            idempotency_key="note:refused",
            language="en",
            attachments=[attachment],
        )

    assert not OutgoingMail.objects.exists()


def test_authentication_mail_carries_no_attachment():
    with pytest.raises(ValueError, match="no attachments"):
        mail_queue_rendered(
            email="person@example.org",
            subject="Sign in",
            text="Code",
            template_key="account/login_code",
            idempotency_key="login:1",
            language="en",
            is_confidential=True,
            attachments=[_attachment(1)],
        )


def test_admin_shows_attachment_metadata_and_nothing_personal(
    client, cohort, sessions, secretariat
):
    person = _complete(cohort, sessions, secretariat, "ja")
    cohort_complete(cohort=cohort, actor=secretariat)
    row = OutgoingMail.objects.get(template_key="program_completed")
    stored = row.attachments.get()
    certificate = Certificate.objects.get()
    client.force_login(with_mfa(SecretariatFactory(is_superuser=True)))

    pages = [
        client.get(reverse("admin:exchanges_outgoingmailattachment_changelist")),
        client.get(reverse("admin:exchanges_outgoingmailattachment_change", args=[stored.pk])),
        client.get(reverse("admin:exchanges_outgoingmail_change", args=[row.pk])),
    ]

    applicant = person.applicant
    with translation.override("en"):
        name = applicant.display_name
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert stored.filename in html
        assert stored.sha256 in html
        assert "%PDF" not in html
        assert "JVBER" not in html  # base64 of %PDF
        assert certificate.code not in html
    for page in pages[:2]:
        html = page.content.decode()
        assert applicant.email not in html
        assert name not in html
        assert applicant.family_name not in html


def test_staff_outbox_page_lists_the_attachments_without_their_bytes(
    client, cohort, sessions, secretariat
):
    _complete(cohort, sessions, secretariat, "ko")
    cohort_complete(cohort=cohort, actor=secretariat)
    row = OutgoingMail.objects.get(template_key="program_completed")
    stored = row.attachments.get()
    client.force_login(secretariat)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("staff:mail_detail", args=[row.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert f"<code>{stored.filename}</code>" in html
    assert "application/pdf" in html
    assert "JVBER" not in html
    reads = [q["sql"] for q in queries.captured_queries if "outgoingmailattachment" in q["sql"]]
    assert len(reads) == 1
    assert '"content"' not in reads[0]
