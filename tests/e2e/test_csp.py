"""The Content Security Policy in Chromium: the browser tests' violation check itself catches
an inline script, and the pages that used to carry inline code or load third-party scripts
(the API's interactive docs, the outcome report's print button) work under the policy."""

import pytest
from django.urls import reverse

from tests.e2e.browser import sign_in
from tests.factories.applications import CohortFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_inline_script_is_blocked_and_reported(page, csp_violations):
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineRan = true;";
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)

    ran = page.evaluate("() => window.__inlineRan === true")
    reported = list(csp_violations)
    csp_violations.clear()
    assert ran is False
    assert any(v.startswith("script-src-elem inline") for v in reported), reported


def test_swagger_ui_renders_under_the_policy(page):
    page.goto("/api/v1/docs/")

    page.locator(".swagger-ui .info").wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Trilink partner API")


def test_redoc_renders_and_its_cdn_logo_is_refused(page, csp_violations):
    """ReDoc's bundle always asks cdn.redoc.ly for its footer logo; the policy refusing it is
    the point (the docs load nothing from elsewhere). Nothing else may be reported."""
    page.goto("/api/v1/redoc/")
    page.locator(".api-info h1").wait_for()
    page.wait_for_timeout(300)

    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    others = [v for v in csp_violations if logo not in v]
    csp_violations.clear()
    assert page.locator(".api-info h1").inner_text().startswith("Trilink partner API")
    assert others == []


def test_outcome_report_print_button_prints(page, live_server, secretariat):
    cohort = CohortFactory()
    sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:outcome_report", args=[cohort.pk]))
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")

    page.locator("button[data-print]").click()

    assert page.evaluate("() => window.__printed === true") is True
