"""Private links stay out of the logs: Django's request warnings and the development server's
access log through the configured handlers, and gunicorn's access log through its logger
class; and the suite-wide log check (tests/log_secrets.py) notices a secret."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from config.logging import GunicornLogger, RedactPrivateLinks, redact
from tests.log_secrets import SecretWatch

TOKEN = "Zq3-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /referee/{TOKEN}/ HTTP/1.1", "GET /referee/[redacted]/ HTTP/1.1"),
        (f"/guardian-consent/{TOKEN}/", "/guardian-consent/[redacted]/"),
        (f"/surveys/{TOKEN}/?page=2", "/surveys/[redacted]/?page=2"),
        (f"/mail/unsubscribe/{TOKEN}/", "/mail/unsubscribe/[redacted]/"),
        (
            "/accounts/password/reset/key/1-abcdefghijkl/",
            "/accounts/password/reset/key/[redacted]/",
        ),
        # Staff pages with an id are not private links.
        ("/staff/cohorts/3/surveys/12/", "/staff/cohorts/3/surveys/12/"),
    ],
)
def test_redact_hides_the_secret_part_of_private_links(text, expected):
    assert redact(text) == expected


def _console_handler() -> logging.Handler:
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if type(handler) is logging.StreamHandler
        and any(isinstance(f, RedactPrivateLinks) for f in handler.filters)
    ]
    assert len(handlers) == 1
    return handlers[0]


@pytest.fixture
def written():
    handler = _console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["referee", "guardian-consent", "surveys"])
def test_request_to_a_private_link_is_logged_without_its_token(client, written, prefix):
    response = client.get(f"/{prefix}/{TOKEN}/")

    assert response.status_code in (404, 410)
    text = written.getvalue()
    assert f"/{prefix}/[redacted]/" in text
    assert TOKEN not in text


def test_development_server_access_log_line_is_redacted(written):
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /referee/{TOKEN}/ HTTP/1.1", "200", "512"
    )

    assert written.getvalue().endswith('"GET /referee/[redacted]/ HTTP/1.1" 200 512\n')


def test_django_loggers_have_no_handler_of_their_own():
    """Django's default handlers would print unfiltered; both reach the root's instead."""
    for name in ("django", "django.server", "django.request"):
        logger = logging.getLogger(name)
        assert logger.handlers == []
        assert logger.propagate is True


def test_gunicorn_access_log_redacts_path_query_and_referrer():
    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/surveys/{TOKEN}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/surveys/{TOKEN}/",
        "QUERY_STRING": "",
        "HTTP_REFERER": f"https://trilink.example/referee/{TOKEN}/",
        "REMOTE_ADDR": "203.0.113.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))

    assert atoms["r"] == "GET /surveys/[redacted]/ HTTP/1.1"
    assert atoms["U"] == "/surveys/[redacted]/"
    assert atoms["f"] == "https://trilink.example/referee/[redacted]/"
    assert atoms["{referer}i"] == "https://trilink.example/referee/[redacted]/"


@pytest.mark.logs_secrets_on_purpose
def test_log_check_finds_a_password_a_key_and_an_unredacted_link():
    watch = SecretWatch()
    watch.watch("correct-horse-battery-staple")
    logger = logging.getLogger("tests.log_check")
    logger.addHandler(watch)
    try:
        logger.warning("password was %s", "correct-horse-battery-staple")
        logger.warning("key tlk_0123456789ab_%s", "A" * 43)
        watch.lines.append(f"raw /referee/{TOKEN}/")
        logger.warning("fine: /referee/%s/", TOKEN)
    finally:
        logger.removeHandler(watch)

    kinds = [finding.split(":")[0] for finding in watch.findings()]
    assert kinds == ["secret cor…", "API key", "private link"]
