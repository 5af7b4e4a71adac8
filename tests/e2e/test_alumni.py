"""The alumni directory in a real browser: an alumnus searches the directory, opens another
alumnus's profile and sends a message, which reaches the outbox without the sender's address;
on a phone-sized screen too. axe finds no serious or critical violation on the directory
pages (directory, profile, profile form, messages, and the staff directory and reports)."""

import pytest
from django.urls import reverse

from exchanges.enums import AlumniVisibility
from exchanges.models import AlumniMessage, OutgoingMail
from exchanges.services.alumni import alumni_message_report
from tests.e2e.browser import serious_violations, sign_in
from tests.factories.alumni import AlumniMessageFactory, AlumniProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alumni(db):
    me = AlumniProfileFactory(display_name="Emily Carter", application__from_country="US")
    found = AlumniProfileFactory(
        display_name="Haruka Mori",
        application__from_country="JP",
        sector="media",
        organisation="Asahi Regional Desk",
        organisation_visibility=AlumniVisibility.STAFF,
        interests="Regional revitalisation",
        languages=["ja", "en"],
    )
    AlumniProfileFactory(display_name="Minjun Lee", sector="business", languages=["ko"])
    return me, found


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 375, "height": 740}],
    ids=["desktop", "phone"],
)
def test_alumnus_finds_another_and_sends_a_message(page, live_server, alumni, viewport):
    me, found = alumni
    page.set_viewport_size(viewport)
    sign_in(page, live_server, me.user)

    page.goto(reverse("apply:alumni_directory"))
    assert serious_violations(page) == []
    page.get_by_label("Search", exact=True).fill("revitalisation")
    page.get_by_label("Sector").select_option("media")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**sector=media**")
    cards = page.locator("article.card")
    assert cards.count() == 1
    assert "Asahi Regional Desk" not in page.content()
    cards.get_by_role("link", name="Haruka Mori").click()

    page.wait_for_url(f"**{found.get_absolute_url()}")
    assert serious_violations(page) == []
    page.get_by_role("textbox", name="Message").fill(
        "Could we compare notes on rural energy projects?"
    )
    page.get_by_role("button", name="Send message").click()

    page.wait_for_url(f"**{reverse('apply:alumni_messages')}")
    assert "Your message to Haruka Mori is sent." in page.locator(".messages").inner_text()
    assert serious_violations(page) == []
    message = AlumniMessage.objects.get()
    assert (message.sender_id, message.recipient_id) == (me.user_id, found.user_id)
    mail = OutgoingMail.objects.get()
    assert mail.recipient_email == found.user.email
    assert me.user.email not in mail.subject + mail.text_body + mail.html_body


def test_directory_pages_pass_axe(page, live_server, alumni, secretariat):
    me, found = alumni
    message = AlumniMessageFactory(
        sender=found.user, recipient=me.user, sender_name="Haruka Mori", body="Hello Emily"
    )
    sign_in(page, live_server, me.user)

    page.goto(reverse("apply:alumni_profile_edit"))
    assert serious_violations(page) == []
    page.goto(reverse("apply:alumni_message", kwargs={"pk": message.pk}))
    assert serious_violations(page) == []

    alumni_message_report(message=message, actor=me.user, reason="Test")
    sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:alumni_directory"))
    assert "Asahi Regional Desk" in page.content()
    assert serious_violations(page) == []
    page.goto(reverse("staff:alumni_reports"))
    assert serious_violations(page) == []
