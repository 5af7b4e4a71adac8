"""A real SMTP server on loopback that keeps every message's bytes, for asserting on what a
mail server actually receives (MIME structure, encodings, headers)."""

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from exchanges.services import mail as mail_service


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpSink:
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.raw.append(envelope.content)
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [message for message in self.messages if message["To"] == address]


def part(message: email.message.EmailMessage, subtype: str) -> str:
    """The decoded text of the message's ``text/<subtype>`` part."""
    body = message.get_body(preferencelist=(subtype,))
    assert body is not None, f"no text/{subtype} part"
    assert body.get_content_type() == f"text/{subtype}"
    return body.get_content()


@pytest.fixture
def smtp_sink(settings):
    """Deliver the outbox through Django's SMTP backend to a server on 127.0.0.1."""
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    mail_service._close_connection()
    yield sink
    mail_service._close_connection()
    controller.stop()
