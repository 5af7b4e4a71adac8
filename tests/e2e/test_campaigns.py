"""Staff send a campaign in the browser, watch it reach 100 % and find it in the outbox."""

import re

from playwright.sync_api import expect

from tests.e2e.browser import sign_in
from tests.factories import ApplicantFactory
from tests.factories.applications import ApplicationFactory, LeadersCohortFactory


def test_staff_send_campaign_and_find_messages(page, secretariat, live_server):
    cohort = LeadersCohortFactory()
    for n in range(3):
        traveller = ApplicantFactory(
            email=f"traveller{n}@example.org", country="JP", preferred_language="ja"
        )
        ApplicationFactory(cohort=cohort, applicant=traveller, country="JP")
    sign_in(page, live_server, secretariat)

    page.goto("/staff/mail/campaigns/new/")
    page.get_by_label("Internal name").fill("Orientation reminder")
    page.get_by_label("Cohort").select_option(str(cohort.pk))
    page.get_by_label("Subject (English)").fill("Orientation on Monday")
    page.get_by_label("Message (English)").fill("Dear {{ recipient_name }}, see you Monday.")
    page.get_by_label("Subject (Japanese)").fill("月曜日のオリエンテーション")
    page.get_by_label("Message (Japanese)").fill(
        "{{ recipient_name }} 様\n月曜日にお会いしましょう。"
    )
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", name=re.compile("Orientation reminder"))).to_be_visible()
    page.get_by_role("button", name="Send or schedule").click()

    progress = page.get_by_role("progressbar", name="Sending progress")
    expect(progress).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#campaign-complete")).to_be_visible()
    page.get_by_role("link", name="See these emails in the outbox").click()

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("月曜日のオリエンテーション")
    expect(rows.first).to_contain_text("Sent")
