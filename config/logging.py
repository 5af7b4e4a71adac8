"""Keep private links out of logs: the development server's and gunicorn's access logs, and
Django's request warnings (``Not Found: /referee/<token>/``).

A private link (referee upload, guardian consent, survey, unsubscribe, password reset, email
confirmation) is a bearer secret: whoever reads a log line with it can act as the person. The
secret part of such a path is replaced by ``[redacted]``; the rest of the line stays useful.
"""

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
PRIVATE_LINK = re.compile(
    r"(/(?:referee|guardian-consent|surveys|mail/unsubscribe|accounts/password/reset/key"
    r"|accounts/confirm-email)/)[^/\s?#\"']{10,}"
)


def redact(text: str) -> str:
    return PRIVATE_LINK.sub(rf"\1{REDACTED}", text)


class RedactPrivateLinks(logging.Filter):
    """A handler filter: the record's message is formatted with its arguments, redacted, and
    stored in their place (a link can be split between the template and an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        # django.server and django.request attach the request; its repr shows the path.
        if hasattr(record, "request"):
            record.request = REDACTED
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with private links redacted from every access-log atom that can hold a
    path: the request line, the path, the query string and the referrer."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
