"""Review, offers, pre-departure and surveys in Chromium, as their users meet them.

A reviewer scores an assignment (after a missing score), a Korean applicant accepts an offer
in Korean, a participant fills two checklist sections (after a bad phone number), a
respondent answers a survey through its private link (after a missing answer), and the
secretariat opens the cohort's review, pre-departure and survey pages. Every page gets an axe
check; the applicant pages are also checked on a 390 px wide phone.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exchanges.enums import ApplicationStatus, ReviewAssignmentStatus
from exchanges.models import OutgoingMail, PredepartureChecklist, Review
from exchanges.services.surveys import survey_invitation_token, survey_questions_for
from exchanges.validators import passport_valid_through
from tests.e2e.browser import assert_accessible, sign_in
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.predeparture import ItineraryItemFactory
from tests.factories.reviews import (
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ReviewSettingsFactory,
)
from tests.factories.surveys import SurveyFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def assert_fits_phone(page) -> None:
    """At 390 px nothing makes the page scroll sideways (wide tables scroll in their own
    ``.table-responsive`` box, which does not widen the page)."""
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow == 0, page.url
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def _ko(message: str, **values) -> str:
    with translation.override("ko"):
        text = translation.gettext(message)
    assert text != message, f"No Korean translation for {message!r}"
    return text % values if values else text


def test_reviewer_scores_assignment_after_missing_score(page, live_server, reviewer):
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort)
    criteria = [
        ReviewCriterionFactory(cohort=cohort, name_en=name, position=position)
        for position, name in enumerate(["Motivation", "Experience", "Fit"], 1)
    ]
    assignment = ReviewAssignmentFactory(
        application__cohort=cohort,
        reviewer=reviewer,
        application__applicant__given_name="Jiwoo",
        application__applicant__family_name="Park",
    )
    sign_in(page, live_server, reviewer)

    page.goto(reverse("review:queue"))
    assert_accessible(page)
    row = page.locator("tbody tr").filter(has_text="Jiwoo Park")
    assert row.locator("td").nth(1).inner_text() == "To review"
    row.get_by_role("link", name="Jiwoo Park").click()
    page.wait_for_url(f"**{reverse('review:assignment', args=[assignment.pk])}")
    assert_accessible(page)

    page.get_by_label("Motivation").fill("4")
    page.get_by_label("Fit").fill("3")
    page.get_by_label("Comment").fill("A clear plan for the exchange.")
    page.get_by_role("button", name="Submit the review").click()

    experience = page.get_by_label("Experience")
    assert page.get_by_role("alert").inner_text() == (
        "Please correct the errors below. Your answers are kept."
    )
    assert page.locator(f"#id_score_{criteria[1].pk}_error").inner_text() == (
        "Give a score for this criterion."
    )
    assert experience.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Motivation").input_value() == "4"
    assert page.get_by_label("Fit").input_value() == "3"
    assert page.get_by_label("Comment").input_value() == "A clear plan for the exchange."
    assert_accessible(page)

    experience.fill("5")
    page.get_by_role("button", name="Submit the review").click()
    page.get_by_text("Your review has been saved. Thank you.").wait_for()
    row = page.locator("tbody tr").filter(has_text="Jiwoo Park")
    assert row.locator("td").nth(1).inner_text() == "Reviewed"
    assert_accessible(page)
    review = Review.objects.get(assignment=assignment)
    assert {s.criterion_id: s.score for s in review.scores.all()} == {
        criteria[0].pk: 4,
        criteria[1].pk: 5,
        criteria[2].pk: 3,
    }
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignmentStatus.SUBMITTED


def test_korean_applicant_accepts_offer_and_gets_confirmation(page, live_server):
    cohort = CohortFactory(time_zone="Asia/Seoul")
    respond_by = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    offered = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.ACCEPTED,
        offer_respond_by=respond_by,
        applicant__preferred_language="ko",
        applicant__time_zone="Asia/Seoul",
        applicant__email="minjun@example.kr",
    )
    sign_in(page, live_server, offered.applicant)

    page.goto(reverse("apply:status", args=[offered.pk]))
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("#offer-heading").inner_text() == _ko("Your offer")
    local = timezone.localtime(respond_by, dt.timezone(dt.timedelta(hours=9)))
    deadline = page.locator("#offer-deadline").inner_text()
    assert f"{local.year}년 {local.month}월 {local.day}일" in deadline
    assert "(Asia/Seoul)" in deadline
    assert_accessible(page)
    assert_fits_phone(page)

    page.get_by_role("button", name=_ko("Accept my place")).click()
    page.get_by_text(_ko("You have accepted your place. Welcome to the program!")).wait_for()
    assert page.locator("#confirmed-heading").inner_text() == _ko("Your place is confirmed")
    assert page.get_by_role("button", name=_ko("Accept my place")).count() == 0
    assert_accessible(page)
    assert_fits_phone(page)

    offered.refresh_from_db()
    assert offered.status == ApplicationStatus.CONFIRMED
    assert list(
        OutgoingMail.objects.filter(template_key="application_confirmed").values_list(
            "recipient_email", "language"
        )
    ) == [("minjun@example.kr", "ko")]


def test_participant_fills_passport_and_emergency_contact(page, live_server):
    cohort = CohortFactory()
    ItineraryItemFactory(cohort=cohort, title_en="Welcome dinner")
    application = ApplicationFactory(
        cohort=cohort, from_country="KR", status=ApplicationStatus.CONFIRMED
    )
    sign_in(page, live_server, application.applicant)
    valid_until = passport_valid_through(cohort.ends_on) + dt.timedelta(days=30)

    page.goto(reverse("apply:predeparture", args=[application.pk]))
    progress = page.get_by_role("progressbar")
    assert progress.get_attribute("aria-valuenow") == "0"
    # Choice groups are named by their legend.
    assert page.get_by_role("group", name="Visa status:").get_by_role("radio").count() == 4
    assert_accessible(page)
    assert_fits_phone(page)

    passport = page.locator("#section-passport")
    passport.locator("#id_passport-passport_valid_until").fill(valid_until.isoformat())
    passport.locator("#id_passport-passport_validity_confirmed").check()
    passport.get_by_role("button").click()
    page.get_by_text("Saved: Passport.").wait_for()
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "1"

    emergency = page.locator("#section-emergency_contact")
    emergency.locator("#id_emergency_contact-emergency_name").fill("Kim Soyeon")
    emergency.locator("#id_emergency_contact-emergency_relationship").fill("Mother")
    emergency.locator("#id_emergency_contact-emergency_phone").fill("010-1234")
    emergency.get_by_role("button").click()

    emergency = page.locator("#section-emergency_contact")
    emergency.get_by_role("alert").wait_for()
    phone = emergency.locator("#id_emergency_contact-emergency_phone")
    assert phone.get_attribute("aria-invalid") == "true"
    assert emergency.locator("#id_emergency_contact-emergency_phone_error").is_visible()
    assert phone.input_value() == "010-1234"
    assert emergency.locator("#id_emergency_contact-emergency_name").input_value() == ("Kim Soyeon")
    assert emergency.locator("#id_emergency_contact-emergency_relationship").input_value() == (
        "Mother"
    )
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "1"
    assert_accessible(page)
    assert_fits_phone(page)

    phone.fill("+82 10 1234 5678")
    emergency.get_by_role("button").click()
    page.get_by_text("Saved: Emergency contact.").wait_for()
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "2"
    checklist = PredepartureChecklist.objects.get(application=application)
    assert (checklist.passport_valid_until, checklist.emergency_phone) == (
        valid_until,
        "+821012345678",
    )


def test_respondent_answers_survey_through_private_link(page, live_server):
    survey = SurveyFactory(published=True)
    invited = SurveyInvitationFactory(
        survey=survey, country="KR", application__applicant__preferred_language="en"
    )
    questions = {q.code: q for q in survey_questions_for(survey=survey, country="KR")}
    likert = [q for q in questions.values() if q.kind == "likert"]
    open_text = next(q for q in questions.values() if q.kind == "open_text")

    page.goto(
        reverse("apply:survey", kwargs={"token": survey_invitation_token(invitation=invited)})
    )
    assert page.locator("h1").inner_text() == survey.title_en
    assert_accessible(page)
    assert_fits_phone(page)

    page.locator(f"#id_{questions['thermometer-US'].field_name}").fill("70")
    page.locator(f"#id_{questions['thermometer-JP'].field_name}").fill("65")
    for question in likert:
        page.locator(f"input[name={question.field_name}][value='4']").check()
    page.locator(f"#id_{open_text.field_name}").fill("The home stay in Tokyo.")
    page.get_by_role("button", name="Send my answers").click()

    errors = page.locator("#survey-errors")
    errors.wait_for()
    assert errors.locator("h2").inner_text() == "One answer needs your attention."
    assert page.evaluate("document.activeElement.id") == "survey-errors"
    assert page.locator(f"#id_{questions['nps'].field_name}_error").inner_text() == (
        "Please answer this question."
    )
    assert page.locator(f"#id_{questions['thermometer-US'].field_name}").input_value() == "70"
    assert page.locator(f"#id_{questions['thermometer-JP'].field_name}").input_value() == "65"
    assert all(page.locator(f"input[name={q.field_name}][value='4']").is_checked() for q in likert)
    assert page.locator(f"#id_{open_text.field_name}").input_value() == ("The home stay in Tokyo.")
    assert_accessible(page)
    assert_fits_phone(page)

    page.locator(f"input[name={questions['nps'].field_name}][value='9']").check()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert page.get_by_role("status").inner_text() == (
        "Your answers have been received. Thank you for taking the time to help us improve "
        "the program."
    )
    assert_accessible(page)
    invited.refresh_from_db()
    assert invited.completed_at is not None


def test_secretariat_opens_review_predeparture_and_survey_pages(page, live_server, secretariat):
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort)
    ReviewCriterionFactory(cohort=cohort)
    ReviewAssignmentFactory(application__cohort=cohort)
    ApplicationFactory(cohort=cohort, from_country="KR", status=ApplicationStatus.CONFIRMED)
    ApplicationFactory(cohort=cohort, from_country="JP", status=ApplicationStatus.CONFIRMED)
    ItineraryItemFactory(cohort=cohort)
    survey = SurveyFactory(cohort=cohort, published=True)
    SurveyInvitationFactory(survey=survey, country="US")
    sign_in(page, live_server, secretariat)

    for url, heading in [
        (reverse("staff:review", kwargs={"cohort_id": cohort.pk}), None),
        (reverse("staff:predeparture", kwargs={"cohort_id": cohort.pk}), None),
        (reverse("staff:predeparture_itinerary", kwargs={"cohort_id": cohort.pk}), None),
        (reverse("staff:surveys", kwargs={"cohort_id": cohort.pk}), None),
        (
            reverse("staff:survey", kwargs={"cohort_id": cohort.pk, "pk": survey.pk}),
            survey.title_en,
        ),
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        if heading:
            assert heading in page.locator("h1").inner_text()
        assert_accessible(page)
