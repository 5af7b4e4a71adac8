"""Staff see in the browser what a staff-written email will look like: the template editor's
live preview and the campaign composer's previews show formatted HTML (real elements inside
the iframe, not literal tags), in the recipient's language, at desktop and phone widths, and
the pages pass axe without serious or critical violations."""

import pytest
from django.urls import reverse

from tests.e2e.browser import assert_accessible, sign_in
from tests.factories import ApplicantFactory
from tests.factories.applications import LeadersCohortFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
    pytest.param({"width": 390, "height": 844}, id="phone"),
]


def _frame_html(page, selector: str) -> tuple[str, str]:
    """(the <strong> text, the body text) inside the preview iframe ``selector``."""
    frame = page.frame_locator(selector)
    return frame.locator("strong").first.inner_text(), frame.locator("body").inner_text()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_template_editor_preview_shows_formatted_html(page, live_server, secretariat, viewport):
    cohort = LeadersCohortFactory()
    ApplicantFactory(given_name="Olivia", family_name="Johnson", preferred_language="ja")
    page.set_viewport_size(viewport)
    sign_in(page, live_server, secretariat)

    page.goto(reverse("staff:mail_template_edit", args=[cohort.pk, "application_received", "ja"]))
    page.locator("#id_subject").fill("{{ cohort_name }} のお知らせ")
    page.locator("#id_text_body").fill(
        "<p>{{ recipient_name }} 様</p><p><strong>{{ program_name }}</strong>へようこそ。</p>"
    )

    page.locator("#preview-subject").filter(has_text="2027年夏 のお知らせ").wait_for()
    strong, body = _frame_html(page, "#preview-html")
    assert strong == "リーダー交流"
    assert body == "Trilink\n\nOlivia Johnson 様\n\nリーダー交流へようこそ。"
    assert_accessible(page)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_campaign_composer_preview_shows_formatted_html(page, live_server, secretariat, viewport):
    cohort = LeadersCohortFactory()
    page.set_viewport_size(viewport)
    sign_in(page, live_server, secretariat)

    page.goto(reverse("staff:campaign_create"))
    assert_accessible(page)
    page.get_by_label("Internal name").fill("Orientation")
    page.get_by_label("Cohort").select_option(str(cohort.pk))
    page.get_by_label("Subject (English)").fill("About {{ cohort_name }}")
    page.get_by_label("Message (English)").fill(
        "<p>Dear {{ recipient_name }},</p><p><strong>{{ program_name }}</strong> starts.</p>"
    )
    page.get_by_label("Subject (Korean)").fill("{{ cohort_name }} 안내")
    page.get_by_label("Message (Korean)").fill(
        "<p>{{ recipient_name }} 님</p><p><strong>{{ program_name }}</strong>이 시작됩니다.</p>"
    )
    page.get_by_role("button", name="Save and preview").click()

    page.locator("#preview-ko-subject").wait_for()
    assert page.locator("#preview-ko-subject").inner_text() == "2027년 여름 안내"
    assert page.locator("#preview-en-subject").inner_text() == "About 2027 Summer"
    assert _frame_html(page, "#preview-ko-html")[0] == "리더 교류"
    strong, body = _frame_html(page, "#preview-en-html")
    assert strong == "Leaders Exchange"
    # Nobody is in the audience yet: the preview greets a made-up sample person.
    assert body == (
        "Trilink\n\nDear Sample Person,\n\nLeaders Exchange starts.\n\n"
        "Unsubscribe from these emails"
    )
    assert_accessible(page)
