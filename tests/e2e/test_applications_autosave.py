"""Nothing typed is lost when the applicant leaves a step: a step link clicked within the
autosave's one-second delay saves first, and the browser asks before unloading only while an
edit is still unsaved."""

import re

import pytest

from exchanges.models import Answer
from tests.e2e.browser import sign_in
from tests.factories.applications import ApplicationFactory, FormStepFactory, QuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args():
    return {
        "locale": "ko-KR",
        "timezone_id": "Asia/Seoul",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def draft(transactional_db):
    career = FormStepFactory(position=1, title_en="Career", title_ko="경력")
    role = QuestionFactory(
        step=career, position=1, label_en="Current position", label_ko="현재 직책"
    )
    QuestionFactory(step=FormStepFactory(form=career.form, position=2, title_ko="서류"), position=1)
    application = ApplicationFactory(cohort=career.form.cohort)
    application.applicant.preferred_language = "ko"
    application.applicant.save()
    return application, role


def _type(page, role, text: str) -> None:
    field = page.locator(f"input[name=q{role.pk}]")
    field.click()
    field.press_sequentially(text)


@pytest.mark.parametrize("link", ["3. ", "1. "])
def test_step_link_clicked_right_after_typing_saves_the_text(page, live_server, draft, link):
    application, role = draft
    sign_in(page, live_server, application.applicant)
    page.goto(f"/applications/{application.pk}/step/2/")

    _type(page, role, "Reporter")
    page.locator("nav[aria-label] a", has_text=link).click()
    page.wait_for_url(re.compile(r"/step/[13]/$"))

    assert list(Answer.objects.values_list("value", flat=True)) == ["Reporter"]
    page.goto(f"/applications/{application.pk}/step/2/")
    assert page.input_value(f"input[name=q{role.pk}]") == "Reporter"


def test_review_link_saves_the_text_before_the_review_is_shown(page, live_server, draft):
    application, role = draft
    sign_in(page, live_server, application.applicant)
    page.goto(f"/applications/{application.pk}/step/2/")

    _type(page, role, "Editor")
    page.locator(f"a[href='/applications/{application.pk}/review/']").click()
    page.wait_for_url(re.compile(r"/review/$"))

    assert "Editor" in page.inner_text("main")


# Headless Chromium shows no beforeunload prompt, so the tests ask the page's own handler, as
# the browser does: a cancelled beforeunload event is what makes the browser ask.
WOULD_ASK = """() => {
  const event = new Event("beforeunload", {cancelable: true});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def test_browser_asks_before_leaving_only_while_an_edit_is_unsaved(page, live_server, draft):
    application, role = draft
    sign_in(page, live_server, application.applicant)
    page.goto(f"/applications/{application.pk}/step/2/")
    untouched = page.evaluate(WOULD_ASK)

    _type(page, role, "Journalist")
    while_unsaved = page.evaluate(WOULD_ASK)
    page.wait_for_selector("#autosave-status:not(:empty)")
    after_autosave = page.evaluate(WOULD_ASK)

    assert (untouched, while_unsaved, after_autosave) == (False, True, False)
    assert list(Answer.objects.values_list("value", flat=True)) == ["Journalist"]


def test_hiding_the_page_sends_unsaved_text_with_a_beacon(page, live_server, draft):
    application, role = draft
    sign_in(page, live_server, application.applicant)
    page.goto(f"/applications/{application.pk}/step/2/")
    # Only the beacon may save: htmx's own delayed autosave (marked HX-Request) is dropped.
    page.route(
        "**/autosave/",
        lambda route: (
            route.abort() if route.request.headers.get("hx-request") else route.fallback()
        ),
    )

    _type(page, role, "Producer")
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    page.wait_for_function(
        WOULD_ASK.replace("return event.defaultPrevented", "return !event.defaultPrevented")
    )
    for _attempt in range(50):
        if Answer.objects.exists():
            break
        page.wait_for_timeout(100)

    assert list(Answer.objects.values_list("value", flat=True)) == ["Producer"]
