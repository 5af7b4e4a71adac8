"""Outcome analytics in Chromium: a Japanese participant answers the post-program survey on a
phone in Japanese, leaves halfway, comes back through the email link and submits; the
secretariat then sees the response counted and the directed matrix updated; a partner sees
"fewer than 5" for a small group. Every analytics page is checked with axe (axe-core bundled
in the axe-playwright-python package, loaded from disk, never from a CDN)."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from exchanges.enums import SurveyKind
from exchanges.models import OutgoingMail, SurveyInvitation
from exchanges.services.surveys import survey_invitation_send, survey_questions_for
from tests.e2e.browser import assert_accessible, sign_in
from tests.e2e.test_workflows import PHONE
from tests.factories.applications import CohortFactory
from tests.factories.surveys import SurveyFactory, SurveyParticipantFactory, answer

pytestmark = pytest.mark.django_db(transaction=True)


def _ja(message: str) -> str:
    with translation.override("ja"):
        text = translation.gettext(message)
    assert text != message, f"No Japanese translation for {message!r}"
    return text


def _cell(page, key: str) -> str:
    return page.locator(f'#matrix-0 td[data-pair="{key}"]').inner_text()


def _responses(page) -> list[str]:
    return page.locator("#responses tbody tr").nth(1).locator("td").all_inner_texts()


def test_japanese_participant_resumes_survey_and_staff_and_partner_see_outcomes(
    page, live_server, chromium_browser, secretariat, partner_staff
):
    cohort = CohortFactory()
    cohort.program.partners.add(partner_staff.organisation)
    pre = SurveyFactory(cohort=cohort, kind=SurveyKind.PRE_PROGRAM, published=True)
    post = SurveyFactory(cohort=cohort, kind=SurveyKind.POST_PROGRAM, published=True)
    for i in range(5):
        person = SurveyParticipantFactory(cohort=cohort, country="JP")
        answer(pre, person, thermometer_KR=40 + i)
        answer(post, person, thermometer_KR=50 + i)
    for _i in range(3):
        person = SurveyParticipantFactory(cohort=cohort, country="KR")
        answer(pre, person, thermometer_JP=35)
        answer(post, person, thermometer_JP=45)
    hana = SurveyParticipantFactory(
        cohort=cohort,
        country="JP",
        applicant__preferred_language="ja",
        applicant__given_name="Hana",
        applicant__family_name="Sato",
    )
    answer(pre, hana, thermometer_KR=30)
    invitation = SurveyInvitation.objects.create(survey=post, application=hana, country="JP")
    survey_invitation_send(invitation=invitation, now=timezone.now())
    email = OutgoingMail.objects.get(user=hana.applicant)
    link = re.search(r"https?://\S+/surveys/\S+/", email.text_body).group(0)
    path = "/" + link.split("/", 3)[3]
    questions = {q.code: q for q in survey_questions_for(survey=post, country="JP")}

    # The secretariat before: five Japanese pairs.
    sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:outcomes", args=[cohort.pk]))
    assert _cell(page, "JP->KR").startswith("10.0")
    assert "n = 5" in _cell(page, "JP->KR")
    assert _responses(page) == ["0", "5", "3", "8"]

    # Hana on her phone, in Japanese: half the answers, then "save and finish later".
    phone = chromium_browser.new_context(
        base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE
    )
    phone.set_default_timeout(15_000)
    survey_page = phone.new_page()
    survey_page.goto(path)
    assert survey_page.locator("h1").inner_text() == post.title_ja
    assert survey_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    assert_accessible(survey_page)
    survey_page.locator(f"#id_{questions['thermometer-US'].field_name}").fill("62")
    survey_page.locator(f"#id_{questions['thermometer-KR'].field_name}").fill("55")
    for code in ("understand-perspectives", "trust-people"):
        survey_page.locator(f"input[name={questions[code].field_name}][value='4']").check()
    survey_page.get_by_role("button", name=_ja("Save and finish later")).click()
    survey_page.locator(".messages").get_by_text(
        _ja(
            "Your answers so far are saved. Open the link in your invitation email again to finish."
        )
    ).wait_for()
    phone.close()
    invitation.refresh_from_db()
    assert invitation.completed_at is None

    # Later, from the email link again: the saved answers are there.
    phone = chromium_browser.new_context(
        base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE
    )
    phone.set_default_timeout(15_000)
    survey_page = phone.new_page()
    survey_page.goto(path)
    assert survey_page.locator("#survey-resumed").inner_text() == _ja(
        "The answers you saved are filled in below. Check them, answer the rest and send."
    )
    assert survey_page.locator(f"#id_{questions['thermometer-KR'].field_name}").input_value() == (
        "55"
    )
    assert survey_page.locator(
        f"input[name={questions['trust-people'].field_name}][value='4']"
    ).is_checked()
    for code in ("cooperation-matters", "personal-contacts"):
        survey_page.locator(f"input[name={questions[code].field_name}][value='5']").check()
    survey_page.locator(f"input[name={questions['nps'].field_name}][value='10']").check()
    survey_page.get_by_role("button", name=_ja("Send my answers")).click()
    survey_page.get_by_role("heading", name=_ja("Thank you")).wait_for()
    assert survey_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    phone.close()

    # The secretariat after: six responses from Japan and the matrix moved.
    page.goto(reverse("staff:outcomes", args=[cohort.pk]))
    assert _responses(page) == ["0", "6", "3", "9"]
    assert "n = 6" in _cell(page, "JP->KR")
    assert _cell(page, "JP->KR").startswith("12.5")  # (5 x 10 + 25) / 6
    assert _cell(page, "KR->JP").startswith("10.0")
    assert_accessible(page)
    for url in (
        reverse("staff:program_outcomes", args=[cohort.program_id]),
        reverse("staff:outcome_open_answers", args=[cohort.pk]),
        reverse("staff:outcome_import", args=[cohort.pk]),
        reverse("staff:outcome_report", args=[cohort.pk]),
    ):
        assert page.goto(url).status == 200, url
        assert_accessible(page)

    # A partner: the three Korean respondents are "fewer than 5", and so is Japan, whose six
    # would give them away from the total of nine, in the responses and in its pairs.
    sign_in(page, live_server, partner_staff)
    page.goto(reverse("staff:outcomes", args=[cohort.pk]))
    assert _cell(page, "KR->JP") == "fewer than 5"
    assert _cell(page, "JP->KR") == "fewer than 5"
    assert _responses(page) == ["0", "fewer than 5", "fewer than 5", "9"]
    assert_accessible(page)
    page.goto(reverse("staff:program_outcomes", args=[cohort.program_id]))
    assert_accessible(page)


def test_printable_report_fits_one_a4_page(page, live_server, secretariat):
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
    assert_accessible(page)
    pdf = page.pdf(format="A4")

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
