"""Security headers on real responses under the production settings.

The production settings module is loaded with a complete environment and every setting it
defines is applied to the test process, except the database (the test database), the storages
(the manifest storage needs collectstatic) and the installed apps (the app registry is already
loaded; production's list is the base list the tests use too).
"""

import base64
import hashlib
import re
import runpy
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings

from config.middleware import NoStoreMiddleware
from tests.factories import DEFAULT_PASSWORD
from tests.factories.applications import CohortFactory

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "production-headers-test-" + "k" * 40,
    "ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": "postgres://trilink@db.invalid:5432/trilink",
    "EMAIL_URL": "smtp://mail.invalid:25",
}
KEPT_FROM_TESTS = {"DATABASES", "STORAGES", "INSTALLED_APPS", "PASSWORD_HASHERS"}


def email_style_hash() -> str:
    """The hash source of the <style> of an email's HTML part as rendered, as a browser
    computes it for the preview frames."""
    html = render_to_string("emails/layout.html", {"subject": "s", "body_html": "<p>b</p>"})
    css = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    return f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"


CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": f"'self' {email_style_hash()}",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    pairs = (part.strip().split(" ", 1) for part in header.split(";"))
    return dict(pairs)


@pytest.fixture
def production(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_module("config.settings.production")
    chosen = {k: v for k, v in values.items() if k.isupper() and k not in KEPT_FROM_TESTS}
    with override_settings(**chosen):
        yield chosen


def test_production_anonymous_page_carries_every_security_header(production, client, db):
    response = client.get("/accounts/login/", secure=True)

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == CSP
    assert response["Permissions-Policy"].startswith("accelerometer=(), autoplay=(), camera=()")
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.cookies["csrftoken"]["secure"] is True


def test_production_plain_http_redirects_to_https(production, client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_production_sign_in_sets_a_secure_session_cookie_and_pages_are_not_stored(
    production, client, applicant
):
    signed_in = client.post(
        "/accounts/login/",
        {"login": applicant.email, "password": DEFAULT_PASSWORD},
        secure=True,
    )
    response = client.get("/accounts/profile/", secure=True)

    assert signed_in.status_code == 302
    session_cookie = signed_in.cookies["sessionid"]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert directives(response["Content-Security-Policy"]) == CSP


def test_production_api_response_is_not_stored(production, client, db):
    response = client.get("/api/v1/programs/", secure=True)

    assert response.status_code == 401
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("view_policy", [None, "public, max-age=3600"])
def test_attachment_is_never_stored_whatever_the_view_says(view_policy):
    def view(request):
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="export.csv"'
        if view_policy:
            response["Cache-Control"] = view_policy
        return response

    response = NoStoreMiddleware(view)(RequestFactory().get("/export"))

    assert response["Cache-Control"] == "private, no-store"


def test_page_that_chose_its_caching_keeps_it():
    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response

    response = NoStoreMiddleware(view)(RequestFactory().get("/healthz"))

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_only_redoc_allows_inline_styles_and_charts_carry_the_pages_nonce(client, secretariat):
    """ReDoc injects its styles (its page alone says 'unsafe-inline', without the hash beside
    which a browser would ignore it); a page with pygal charts marks their <style> with the
    nonce its header names, and a page without charts has no nonce in its header."""
    redoc = client.get("/api/v1/redoc/")
    client.force_login(secretariat)
    cohort = CohortFactory()
    report = client.get(f"/staff/cohorts/{cohort.pk}/outcomes/report/")
    home = client.get("/staff/")

    assert directives(redoc["Content-Security-Policy"])["style-src"] == "'self' 'unsafe-inline'"
    policy = directives(report["Content-Security-Policy"])
    nonce = re.search(r"'nonce-([^']+)'", policy["style-src"])
    assert nonce, report["Content-Security-Policy"]
    styles = re.findall(r"<style\b[^>]*>", report.content.decode())
    assert styles and all(f'nonce="{nonce.group(1)}"' in tag for tag in styles), styles
    assert directives(home["Content-Security-Policy"])["style-src"] == CSP["style-src"]


STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def test_templates_hold_no_style_attribute_or_element():
    """The CSP refuses style attributes and inline <style>: styles live in static/css. Kept
    apart: the email layout (allowed by its hash) and ReDoc's page (which allows inline)."""
    kept = {Path("emails/layout.html"), Path("api/redoc.html")}
    offenders = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        if path.relative_to(BASE_DIR / "templates") in kept:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (STYLE_ATTRIBUTE, STYLE_ELEMENT):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(BASE_DIR)}:{line}: {match.group(0)[:60]}")

    assert offenders == []


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def test_templates_hold_no_inline_script_or_event_handler():
    """The CSP refuses inline scripts: JavaScript lives in static/ files loaded by src."""
    offenders = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        if "emails" in path.relative_to(BASE_DIR / "templates").parts:
            continue  # Mail HTML is sanitised and shown only in sandboxed frames.
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(BASE_DIR)}:{line}: {match.group(0)[:60]}")

    assert offenders == []
