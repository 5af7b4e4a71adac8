"""An email backend standing in for an SMTP server that answers with a chosen error."""

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

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
