"""Selection in a real browser: two reviewers score, staff look at the dashboard, run the
proposal, preview the decision emails in Japanese and accept in bulk; the applicant sees the
offer and accepts it. Staff start a panel round and advance the top applicants to it."""

from django.urls import reverse
from django.utils import translation

from exchanges.enums import ApplicationStatus
from exchanges.models import OutgoingMail, ReviewRound
from tests.conftest import with_mfa
from tests.e2e.test_workflows import assert_accessible, sign_in
from tests.factories import ReviewerFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.reviews import (
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ReviewSettingsFactory,
)
from tests.factories.selection import quota, reviewed_application, score


def _ja(message: str) -> str:
    with translation.override("ja"):
        text = translation.gettext(message)
    assert text != message, f"No Japanese translation for {message!r}"
    return text


def _score(page, live_server, reviewer, assignments: dict, scores: dict) -> None:
    sign_in(page, live_server, reviewer)
    for name, value in scores.items():
        page.goto(reverse("review:assignment", args=[assignments[name].pk]))
        page.get_by_label("Merit").fill(str(value))
        page.get_by_role("button", name="Submit the review").click()
        page.get_by_text("Your review has been saved. Thank you.").wait_for()


def test_reviewers_score_staff_accept_in_bulk_and_the_applicant_accepts(
    page, live_server, secretariat
):
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort)
    ReviewCriterionFactory(cohort=cohort, name_en="Merit", max_score=10)
    quota(cohort, "KR", seats=1)
    yuna = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.UNDER_REVIEW,
        applicant__given_name="Yuna",
        applicant__family_name="Kang",
        applicant__preferred_language="ja",
        applicant__email="yuna@example.jp",
    )
    minho = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.UNDER_REVIEW,
        applicant__given_name="Minho",
        applicant__family_name="Lee",
    )
    first, second = with_mfa(ReviewerFactory()), with_mfa(ReviewerFactory())
    assignments = {
        (reviewer.pk, name): ReviewAssignmentFactory(application=app, reviewer=reviewer)
        for reviewer in (first, second)
        for name, app in (("yuna", yuna), ("minho", minho))
    }

    _score(
        page,
        live_server,
        first,
        {n: assignments[(first.pk, n)] for n in ("yuna", "minho")},
        {"yuna": 9, "minho": 6},
    )
    _score(
        page,
        live_server,
        second,
        {n: assignments[(second.pk, n)] for n in ("yuna", "minho")},
        {"yuna": 8, "minho": 7},
    )

    sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:selection_dashboard", args=[cohort.pk]))
    assert page.locator("svg[role=img] circle").count() == 2
    assert_accessible(page)
    page.goto(reverse("staff:selection", args=[cohort.pk]) + "?country=KR")
    assert_accessible(page)
    rows = page.locator("tbody tr")
    assert rows.nth(0).locator("th").inner_text() == "Yuna Kang"
    assert rows.nth(0).locator("td").nth(6).inner_text() == "Proposed for selection"
    assert rows.nth(1).locator("th").inner_text() == "Minho Lee"
    assert rows.nth(1).locator("td").nth(6).inner_text() == "Proposed for the waiting list"

    page.get_by_label("Decision").select_option("accepted")
    page.get_by_label("Apply to").select_option("selected")
    page.get_by_role("button", name="Preview the emails").click()
    page.get_by_role("heading", name="Preview the decision emails").wait_for()
    assert_accessible(page)
    japanese = page.locator("section[lang=ja]")
    assert japanese.locator("h2").inner_text() == "日本語"
    subject = japanese.locator("strong").inner_text()
    # The name in the order Japanese uses, with the honorific.
    assert japanese.locator("pre").inner_text().startswith("Kang Yuna 様\n")
    assert OutgoingMail.objects.count() == 0
    page.get_by_role("button", name="Confirm: Accept (make an offer) (1 application)").click()
    page.get_by_text("1 application(s) decided: Accept (make an offer).").wait_for()

    yuna.refresh_from_db()
    minho.refresh_from_db()
    assert (yuna.status, minho.status) == (
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.UNDER_REVIEW,
    )
    mail = OutgoingMail.objects.get(recipient_email="yuna@example.jp")
    assert (mail.language, mail.subject) == ("ja", subject)

    sign_in(page, live_server, yuna.applicant)
    page.goto(reverse("apply:status", args=[yuna.pk]))
    assert page.locator("#offer-heading").inner_text() == _ja("Your offer")
    page.get_by_role("button", name=_ja("Accept my place")).click()
    page.get_by_text(_ja("You have accepted your place. Welcome to the program!")).wait_for()
    yuna.refresh_from_db()
    assert yuna.status == ApplicationStatus.CONFIRMED


def test_staff_advance_the_top_applicants_to_the_panel_round(page, live_server, secretariat):
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort)
    reviewer = ReviewerFactory()
    names = {}
    for country, given, value in (
        ("KR", "Yuna", 80), ("KR", "Minho", 90), ("KR", "Jisoo", 70),
        ("US", "Emma", 60), ("US", "Noah", 75),
    ):  # fmt: skip
        application = reviewed_application(
            cohort, from_country=country, applicant__given_name=given,
            applicant__family_name="Test",
        )  # fmt: skip
        score(application, reviewer, value)
        names[given] = application

    sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:review_rounds", args=[cohort.pk]))
    assert_accessible(page)
    page.locator("#id_name").fill("Panel")
    page.get_by_label("Reviewers per application").fill("3")
    page.get_by_label("Reviews due").fill("2027-04-01T10:00")
    page.get_by_role("button", name="Create the round").click()
    page.get_by_text("Panel has been created: reviewers now work in it.").wait_for()
    page.get_by_label("Top applicants per country").fill("1")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Advance to Panel").wait_for()
    assert_accessible(page)
    assert page.locator("tbody th").all_inner_texts() == ["Minho Test", "Noah Test"]
    page.get_by_role("button", name="Advance to Panel").click()
    page.get_by_text("2 application(s) advanced to Panel.").wait_for()

    panel = ReviewRound.objects.get(cohort=cohort, number=2)
    assert (panel.name, panel.reviews_per_application) == ("Panel", 3)
    assert sorted(panel.entries.values_list("application_id", flat=True)) == sorted(
        [names["Minho"].pk, names["Noah"].pk]
    )
    rows = page.locator("tbody tr")
    assert rows.nth(0).locator("th").inner_text() == "1. Round 1"
    assert rows.nth(1).locator("th").inner_text() == "2. Panel"
    assert rows.nth(1).locator("td").nth(2).inner_text() == "2"
