"""A log check over the whole suite: no password, token, private link, API key or TOTP secret
in any log record a test causes.

Every record that reaches the root logger is formatted as the configured handlers would write
it (after their filters, which redact private links) and searched for the secrets the test
created: raw passwords given to ``make_password``, values of ``secrets.token_urlsafe`` (link
tokens and API key secrets), TOTP secrets, plus patterns of an unredacted private link, a full
API key and an ``otpauth://`` URI. No passport number is collected by Trilink (only the date
a passport is valid until), so there is none to search for.
"""

import logging
import re
import secrets

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import base_user

from config.logging import PRIVATE_LINK, REDACTED, RedactPrivateLinks
from tests.factories import DEFAULT_PASSWORD

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests/conftest.py's

PATTERNS = {
    "private link": re.compile(PRIVATE_LINK.pattern),
    "API key": re.compile(r"\btlk_[0-9a-f]{12}_[A-Za-z0-9_\-]{20,}"),
    "TOTP URI": re.compile(r"otpauth://", re.IGNORECASE),
}
# Shorter strings (a wrong guess such as "wrong") would match ordinary words in log text.
MIN_SECRET_LENGTH = 10


class SecretWatch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(RedactPrivateLinks())
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []
        self.secrets: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 -- a record that cannot be formatted is not written either
            self.lines.append(f"{record.name} unformattable record")

    def watch(self, value) -> None:
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            self.secrets.add(value)

    def findings(self) -> list[str]:
        found = []
        for line in self.lines:
            for name, pattern in PATTERNS.items():
                match = pattern.search(line)
                if match and REDACTED not in match.group(0):
                    found.append(f"{name}: {line[:200]}")
            found.extend(
                f"secret {secret[:3]}…: {line[:200]}" for secret in self.secrets if secret in line
            )
        return found


@pytest.fixture(autouse=True)
def _no_secrets_in_logs(request, monkeypatch):
    if request.node.get_closest_marker("logs_secrets_on_purpose"):
        yield None
        return
    watch = SecretWatch()
    for known in (settings.TRILINK_DEMO_PASSWORD, DEFAULT_PASSWORD, TOTP_SECRET):
        watch.watch(known)

    original_token = secrets.token_urlsafe
    original_make_password = base_user.make_password
    original_check_password = base_user.check_password
    original_activate = TOTP.activate.__func__

    def token_urlsafe(*args, **kwargs):
        value = original_token(*args, **kwargs)
        watch.watch(value)
        return value

    def make_password(password, *args, **kwargs):
        watch.watch(password)
        return original_make_password(password, *args, **kwargs)

    def check_password(password, *args, **kwargs):
        watch.watch(password)
        return original_check_password(password, *args, **kwargs)

    def activate(cls, user, secret):
        watch.watch(secret)
        return original_activate(cls, user, secret)

    monkeypatch.setattr(secrets, "token_urlsafe", token_urlsafe)
    monkeypatch.setattr(base_user, "make_password", make_password)
    monkeypatch.setattr(base_user, "check_password", check_password)
    monkeypatch.setattr(TOTP, "activate", classmethod(activate))
    root = logging.getLogger()
    root.addHandler(watch)
    try:
        yield watch
    finally:
        root.removeHandler(watch)
    findings = watch.findings()
    if findings:
        pytest.fail("Secrets written to the logs:\n" + "\n".join(findings), pytrace=False)
