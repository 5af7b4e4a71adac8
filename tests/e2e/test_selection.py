"""Selection in a real browser, the whole flow of issue #11 in one test: two reviewers score
round 1; staff start the panel round and advance the top applicants to it; the panel
reviewer scores them; staff run the proposal, preview the decision emails in Japanese and
accept in bulk; the applicant sees the offer and accepts it."""

from django.urls import reverse
from django.utils import translation

from exchanges.enums import ApplicationStatus
from exchanges.models import OutgoingMail, ReviewRound
from tests.conftest import with_mfa
from tests.e2e.browser import assert_accessible, sign_in
from tests.factories import ReviewerFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.reviews import (
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ReviewSettingsFactory,
)
from tests.factories.selection import quota


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


def test_two_reviewers_score_staff_advance_to_the_panel_decide_in_bulk_applicant_accepts(
    page, live_server, secretariat
):
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort)
    ReviewCriterionFactory(cohort=cohort, name_en="Merit", max_score=10)
    quota(cohort, "KR", seats=1)
    people = {
        "yuna": ("Yuna", "Kang", "ja", "yuna@example.jp"),
        "minho": ("Minho", "Lee", "en", "minho@example.kr"),
        "jisoo": ("Jisoo", "Park", "en", "jisoo@example.kr"),
    }
    apps = {
        key: ApplicationFactory(
            cohort=cohort,
            country="KR",
            status=ApplicationStatus.UNDER_REVIEW,
            applicant__given_name=given,
            applicant__family_name=family,
            applicant__preferred_language=language,
            applicant__email=email,
        )
        for key, (given, family, language, email) in people.items()
    }
    yuna, minho = apps["yuna"], apps["minho"]
    first, second = with_mfa(ReviewerFactory()), with_mfa(ReviewerFactory())

    # 1. Two reviewers score round 1: Yuna, then Minho, then Jisoo.
    for reviewer, marks in ((first, (9, 6, 3)), (second, (8, 7, 4))):
        _score(
            page,
            live_server,
            reviewer,
            {
                key: ReviewAssignmentFactory(application=apps[key], reviewer=reviewer)
                for key in apps
            },
            dict(zip(apps, marks, strict=True)),
        )

    # 2. Staff start the panel round and advance the top 2 of each country to it.
    sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:review_rounds", args=[cohort.pk]))
    assert_accessible(page)
    page.locator("#id_name").fill("Panel")
    page.get_by_label("Reviewers per application").fill("1")
    page.get_by_label("Reviews due").fill("2027-04-01T10:00")
    page.get_by_role("button", name="Create the round").click()
    page.get_by_text("Panel has been created: reviewers now work in it.").wait_for()
    page.get_by_label("Top applicants per country").fill("2")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Advance to Panel").wait_for()
    assert_accessible(page)
    assert page.locator("tbody th").all_inner_texts() == ["Yuna Kang", "Minho Lee"]
    page.get_by_role("button", name="Advance to Panel").click()
    page.get_by_text("2 application(s) advanced to Panel.").wait_for()
    panel = ReviewRound.objects.get(cohort=cohort, number=2)
    assert sorted(panel.entries.values_list("application_id", flat=True)) == sorted(
        [yuna.pk, minho.pk]
    )

    # The panel reviewer scores the two against the panel's rubric (a copy of round 1's).
    panellist = with_mfa(ReviewerFactory())
    _score(
        page,
        live_server,
        panellist,
        {
            key: ReviewAssignmentFactory(application=apps[key], reviewer=panellist, round=panel)
            for key in ("yuna", "minho")
        },
        {"yuna": 9, "minho": 5},
    )

    # 3. Staff run the proposal (on the panel round), preview the Japanese email, accept.
    sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:selection_dashboard", args=[cohort.pk]))
    assert_accessible(page)
    page.goto(reverse("staff:selection", args=[cohort.pk]) + "?country=KR")
    assert_accessible(page)
    rows = page.locator("tbody tr")
    assert rows.count() == 2  # Jisoo stayed in round 1
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

    # 4. The applicant sees the offer, in Japanese, and accepts it.
    sign_in(page, live_server, yuna.applicant)
    page.goto(reverse("apply:status", args=[yuna.pk]))
    assert page.locator("#offer-heading").inner_text() == _ja("Your offer")
    page.get_by_role("button", name=_ja("Accept my place")).click()
    page.get_by_text(_ja("You have accepted your place. Welcome to the program!")).wait_for()
    yuna.refresh_from_db()
    assert yuna.status == ApplicationStatus.CONFIRMED
