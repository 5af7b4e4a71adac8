"""An email backend standing in for an SMTP server that answers with a chosen error."""

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from exchanges.models import OutgoingMail

# The next errors to raise, one per send; empty means deliver to mail.outbox.
ERRORS: list[Exception] = []


class ScriptedBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if ERRORS:
            raise ERRORS.pop(0)
        mail.outbox.extend(email_messages)
        return len(email_messages)


def smtp_error(code: int, text: str) -> smtplib.SMTPResponseException:
    return smtplib.SMTPResponseException(code, text.encode())


# (Message-ID being sent, {Message-ID: status} of the rows in SEEN_ROWS at that moment).
SEEN: list[tuple[str, dict[str, str]]] = []
SEEN_ROWS: list[int] = []


class StatusRecordingBackend(BaseEmailBackend):
    """Delivers to mail.outbox and notes, at each send, the status of the rows being sent."""

    def send_messages(self, email_messages):
        statuses = dict(
            OutgoingMail.objects.filter(pk__in=SEEN_ROWS).values_list("message_id", "status")
        )
        SEEN.extend((message.extra_headers["Message-ID"], statuses) for message in email_messages)
        mail.outbox.extend(email_messages)
        return len(email_messages)
