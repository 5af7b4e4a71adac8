"""Styles under the Content Security Policy, which refuses style attributes and inline
<style> (settings: style-src 'self', the email layout's hash and a per-page nonce). What the
browser draws is checked, not the markup: a progress bar as wide as its value, an email
preview (also one htmx swapped in) in the layout's colours, a chart in its series colour. The
``page`` fixture fails any test that makes the browser report a violation."""

import datetime as dt

import pytest
from django.urls import reverse

from exchanges.enums import ApplicationStatus, PredepartureSection, SurveyKind
from exchanges.services.predeparture import predeparture_section_save
from exchanges.validators import passport_valid_through
from tests.e2e.browser import sign_in
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    LeadersCohortFactory,
)
from tests.factories.surveys import SurveyFactory, SurveyParticipantFactory, answer

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL_BACKGROUND = "rgb(244, 245, 247)"  # templates/emails/layout.html: body background


def _width(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().width")


def test_checklist_progress_bar_is_as_wide_as_the_sections_done(page, live_server):
    cohort = CohortFactory(starts_on=dt.date(2030, 7, 6), ends_on=dt.date(2030, 7, 26))
    application = ApplicationFactory(cohort=cohort, status=ApplicationStatus.CONFIRMED)
    predeparture_section_save(
        application=application,
        section=PredepartureSection.PASSPORT,
        values={
            "passport_valid_until": passport_valid_through(cohort.ends_on),
            "passport_validity_confirmed": True,
        },
        actor=application.applicant,
    )
    sign_in(page, live_server, application.applicant)

    page.goto(reverse("apply:predeparture", args=[application.pk]))

    track = page.get_by_role("progressbar")
    done = int(track.get_attribute("aria-valuenow"))
    total = int(track.get_attribute("aria-valuemax"))
    assert 0 < done < total
    ratio = _width(page, ".progress-bar") / _width(page, ".progress")
    assert ratio == pytest.approx(done / total, abs=0.01)


def test_email_previews_keep_the_layout_styles(page, live_server, secretariat):
    """The template editor's preview is swapped in by htmx after the page loaded (a nonce of
    that later response could not match the page's policy: the layout is allowed by hash)."""
    cohort = LeadersCohortFactory()
    sign_in(page, live_server, secretariat)

    page.goto(reverse("staff:mail_template_edit", args=[cohort.pk, "application_received", "en"]))
    page.locator("#id_subject").fill("Styled {{ cohort_name }}")
    page.locator("#preview-subject").filter(has_text="Styled").wait_for()

    frame = page.frame_locator("#preview-html")
    background = frame.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")
    card = frame.locator(".card").evaluate("e => getComputedStyle(e).backgroundColor")
    assert (background, card) == (EMAIL_BACKGROUND, "rgb(255, 255, 255)")


def test_outcome_chart_draws_in_its_series_colour(page, live_server, secretariat):
    cohort = CohortFactory()
    pre = SurveyFactory(cohort=cohort, kind=SurveyKind.PRE_PROGRAM, published=True)
    post = SurveyFactory(cohort=cohort, kind=SurveyKind.POST_PROGRAM, published=True)
    for country in ("US", "JP", "KR"):
        for i in range(5):
            person = SurveyParticipantFactory(cohort=cohort, country=country)
            answer(pre, person, thermometer_US=50, thermometer_JP=40 + i, thermometer_KR=45)
            answer(post, person, thermometer_US=55, thermometer_JP=50 + i, thermometer_KR=52)
    sign_in(page, live_server, secretariat)

    page.goto(reverse("staff:outcome_report", args=[cohort.pk]))

    bar = page.locator("svg.outcome-chart .serie-0 .rect, svg.outcome-chart .serie-0 rect").first
    # pygal's stylesheet colours the first series #0d6efd (exchanges/views/charts.py).
    assert bar.evaluate("e => getComputedStyle(e).fill") == "rgb(13, 110, 253)"
