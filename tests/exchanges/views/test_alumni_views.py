"""Alumni pages: who may open them, what the directory shows each reader field by field,
search and filters, joining and leaving, messages with reply and report, the staff's reports
page, and query counts of the lists."""

import pytest
from django.urls import reverse

from exchanges.enums import (
    AlumniContact,
    AlumniReportStatus,
    AlumniVisibility,
    ApplicationStatus,
)
from exchanges.models import AlumniMessage, AlumniProfile, AlumniSuspension, OutgoingMail
from exchanges.services.alumni import ALUMNI_MESSAGES_PER_HOUR, alumni_message_report
from tests.conftest import with_mfa
from tests.factories import PartnerStaffFactory, UserFactory
from tests.factories.alumni import (
    AlumniMessageFactory,
    AlumniProfileFactory,
    AlumniRecordFactory,
)
from tests.factories.applications import ApplicationFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("apply:alumni_directory")
STAFF_DIRECTORY = reverse("staff:alumni_directory")
REPORTS = reverse("staff:alumni_reports")
EDIT = reverse("apply:alumni_profile_edit")


@pytest.fixture
def viewer(db):
    """An alumnus in the directory, signed in by the tests."""
    return AlumniProfileFactory(display_name="Viewer Alumnus")


@pytest.fixture
def selective(viewer):
    """An alumnus who shows the sector to alumni, the organisation to staff only and keeps
    the interests and languages to herself."""
    return AlumniProfileFactory(
        display_name="Haruka Mori",
        application__from_country="JP",
        sector="media",
        organisation="Asahi Regional Desk",
        organisation_visibility=AlumniVisibility.STAFF,
        interests="Secret hobby: bonsai",
        interests_visibility=AlumniVisibility.PRIVATE,
        languages=["ja", "fr"],
        languages_visibility=AlumniVisibility.PRIVATE,
    )


def _profile_url(profile) -> str:
    return reverse("apply:alumni_profile", kwargs={"pk": profile.pk})


# --- Who may open the pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [ApplicationStatus.PARTICIPANT, ApplicationStatus.CONFIRMED, ApplicationStatus.SUBMITTED],
)
def test_an_applicant_who_is_not_an_alumnus_gets_403_everywhere(client, selective, status):
    person = ApplicationFactory(status=status).applicant
    message = AlumniMessageFactory(sender=selective.user, recipient=person)
    client.force_login(person)

    codes = [
        client.get(url).status_code
        for url in (
            DIRECTORY,
            EDIT,
            _profile_url(selective),
            reverse("apply:alumni_messages"),
            reverse("apply:alumni_message", kwargs={"pk": message.pk}),
            STAFF_DIRECTORY,
            REPORTS,
        )
    ]
    posted = client.post(_profile_url(selective), {"body": "Hello"})

    assert codes == [403] * 7
    assert posted.status_code == 403
    assert AlumniMessage.objects.count() == 1


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(DIRECTORY)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_alumnus_may_not_open_the_staff_pages(client, viewer):
    client.force_login(viewer.user)

    assert [client.get(url).status_code for url in (STAFF_DIRECTORY, REPORTS)] == [403, 403]


def test_partner_staff_see_the_directory_but_not_the_reports(client, selective):
    partner = with_mfa(
        PartnerStaffFactory(organisation__country="JP", partner_of=selective.cohort.program)
    )
    client.force_login(partner)

    assert [client.get(url).status_code for url in (STAFF_DIRECTORY, REPORTS)] == [200, 403]


# --- What each reader sees ------------------------------------------------------------------


def test_alumni_see_only_fields_shown_to_alumni(client, viewer, selective):
    client.force_login(viewer.user)

    listing = client.get(DIRECTORY).content.decode()
    detail = client.get(_profile_url(selective)).content.decode()

    for page in (listing, detail):
        assert "Haruka Mori" in page
        assert "Media and journalism" in page
        assert "Japan" in page
        assert "Asahi Regional Desk" not in page
        assert "bonsai" not in page
    card = next(c for c in client.get(DIRECTORY).context["cards"] if c["name"] == "Haruka Mori")
    assert sorted(key for key in card if key not in {"profile", "name", "shown"}) == [
        "cohort",
        "country",
        "mentoring",
        "sector",
        "takes_messages",
    ]


def test_staff_see_fields_shown_to_staff_but_not_private_ones(staff_client, selective):
    response = staff_client.get(STAFF_DIRECTORY)

    page = response.content.decode()
    assert "Asahi Regional Desk" in page
    assert "Media and journalism" in page
    assert "bonsai" not in page
    card = next(c for c in response.context["cards"] if c["name"] == "Haruka Mori")
    assert sorted(key for key in card if key not in {"profile", "name", "shown"}) == [
        "cohort",
        "country",
        "mentoring",
        "organisation",
        "sector",
        "takes_messages",
    ]


def test_alumnus_sees_every_field_of_their_own_profile(client, selective):
    client.force_login(selective.user)

    page = client.get(_profile_url(selective)).content.decode()

    assert "Asahi Regional Desk" in page
    assert "bonsai" in page
    assert "French, Japanese" in page


def test_filtering_on_a_hidden_field_does_not_reveal_it(client, secretariat, viewer, selective):
    def names(url, query):
        return [card["name"] for card in client.get(url, query).context["cards"]]

    client.force_login(viewer.user)
    as_alumnus = [
        names(DIRECTORY, query)
        for query in (
            {"q": "Asahi"},
            {"q": "bonsai"},
            {"language": "fr"},
            {"sector": "media"},
            {"country": "JP"},
        )
    ]
    client.force_login(secretariat)
    as_staff = [
        names(STAFF_DIRECTORY, query)
        for query in ({"q": "Asahi"}, {"q": "bonsai"}, {"language": "fr"})
    ]

    assert as_alumnus == [[], [], [], ["Haruka Mori"], ["Haruka Mori"]]
    assert as_staff == [["Haruka Mori"], [], []]


def test_directory_filters_by_cohort_language_and_mentoring(client, viewer, selective):
    mentor = AlumniProfileFactory(
        display_name="Daniel Kim", open_to_mentoring=True, languages=["ko", "de"]
    )
    client.force_login(viewer.user)

    def names(query):
        return [card["name"] for card in client.get(DIRECTORY, query).context["cards"]]

    assert names({"mentoring": "on"}) == ["Daniel Kim"]
    assert names({"language": "de"}) == ["Daniel Kim"]
    assert names({"cohort": str(selective.cohort_id)}) == ["Haruka Mori"]
    assert names({}) == ["Daniel Kim", "Haruka Mori", "Viewer Alumnus"]
    assert mentor.pk


def test_partner_staff_see_only_alumni_of_their_country_in_their_programs(client, selective):
    program = selective.cohort.program
    AlumniProfileFactory(display_name="Korean Alumnus", application__cohort=selective.cohort)
    AlumniProfileFactory(display_name="Other Program", application__from_country="JP")
    partner = with_mfa(PartnerStaffFactory(organisation__country="JP", partner_of=program))
    client.force_login(partner)

    cards = client.get(STAFF_DIRECTORY).context["cards"]

    assert [card["name"] for card in cards] == ["Haruka Mori"]


def test_directory_is_in_the_readers_language(client, viewer, selective):
    viewer.user.preferred_language = "ko"
    viewer.user.save()
    client.force_login(viewer.user)

    page = client.get(DIRECTORY, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "수료생 디렉터리" in page
    assert "일본" in page  # Japan


# --- Joining and leaving --------------------------------------------------------------------


def test_alumnus_joins_through_the_form_and_chooses_visibility(client):
    record = AlumniRecordFactory(from_country="US", institution="Stanford")
    client.force_login(record.applicant)
    form = client.get(EDIT).context["form"]
    assert form.initial["organisation"] == "Stanford"

    response = client.post(
        EDIT,
        {
            "display_name": "Sam Lee",
            "sector": "business",
            "sector_visibility": "alumni",
            "organisation": "Stanford",
            "organisation_visibility": "private",
            "country_visibility": "alumni",
            "cohort_visibility": "staff",
            "languages": ["en", "ko"],
            "languages_visibility": "alumni",
            "interests": "Semiconductors",
            "interests_visibility": "alumni",
            "contact": "messages",
            "open_to_mentoring": "on",
        },
    )

    profile = AlumniProfile.objects.get(user=record.applicant)
    assert response.status_code == 302
    assert response["Location"] == _profile_url(profile)
    assert (profile.organisation_visibility, profile.cohort_visibility, profile.country) == (
        "private",
        "staff",
        "US",
    )
    assert profile.open_to_mentoring is True


def test_invalid_profile_keeps_what_was_typed(client):
    record = AlumniRecordFactory()
    client.force_login(record.applicant)

    response = client.post(
        EDIT,
        {
            "display_name": "   ",
            "organisation": "Typed organisation",
            "interests": "Typed interests",
            "sector_visibility": "everyone",
            "contact": "messages",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert sorted(form.errors) == [
        "cohort_visibility",
        "country_visibility",
        "display_name",
        "interests_visibility",
        "languages_visibility",
        "organisation_visibility",
        "sector_visibility",
    ]
    page = response.content.decode()
    assert "Typed organisation" in page
    assert "Typed interests" in page
    assert AlumniProfile.objects.count() == 0


def test_leaving_removes_the_profile_from_the_directory_at_once(client, viewer, selective):
    client.force_login(selective.user)

    response = client.post(reverse("apply:alumni_leave"))

    assert response.status_code == 302
    assert AlumniProfile.objects.filter(pk=selective.pk).count() == 0
    client.force_login(viewer.user)
    assert [c["name"] for c in client.get(DIRECTORY).context["cards"]] == ["Viewer Alumnus"]
    assert client.get(_profile_url(selective)).status_code == 404


def test_leave_needs_post(client, viewer):
    client.force_login(viewer.user)

    assert client.get(reverse("apply:alumni_leave")).status_code == 405
    assert AlumniProfile.objects.count() == 1


# --- Messages -------------------------------------------------------------------------------


def test_alumnus_sends_a_message_from_the_profile_page(client, viewer, selective):
    client.force_login(viewer.user)

    response = client.post(_profile_url(selective), {"body": "Hello Haruka"})

    assert response.status_code == 302
    message = AlumniMessage.objects.get()
    assert (message.sender_id, message.recipient_id, message.body) == (
        viewer.user_id,
        selective.user_id,
        "Hello Haruka",
    )
    assert list(OutgoingMail.objects.values_list("recipient_email", flat=True)) == [
        selective.user.email
    ]


def test_rate_limit_shows_a_translated_error_and_keeps_the_message(client, viewer, selective):
    AlumniMessageFactory.create_batch(
        ALUMNI_MESSAGES_PER_HOUR, sender=viewer.user, recipient=selective.user
    )
    viewer.user.preferred_language = "ja"
    viewer.user.save()
    client.force_login(viewer.user)

    response = client.post(_profile_url(selective), {"body": "もう一通"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "メッセージは1時間に5件まで送信できます。" in page
    assert "もう一通" in page
    assert AlumniMessage.objects.count() == ALUMNI_MESSAGES_PER_HOUR


def test_no_message_form_for_an_alumnus_who_takes_no_messages(client, viewer):
    quiet = AlumniProfileFactory(contact=AlumniContact.NONE)
    client.force_login(viewer.user)

    response = client.get(_profile_url(quiet))
    posted = client.post(_profile_url(quiet), {"body": "Hi"})

    assert response.context["can_message"] is False
    assert 'name="body"' not in response.content.decode()
    assert posted.status_code == 404
    assert AlumniMessage.objects.count() == 0


def test_the_page_never_shows_an_email_address(client, viewer, selective):
    client.force_login(viewer.user)
    client.post(_profile_url(selective), {"body": "Hi"})
    message = AlumniMessage.objects.get()
    client.force_login(selective.user)

    pages = [
        client.get(url).content.decode()
        for url in (
            DIRECTORY,
            _profile_url(viewer),
            reverse("apply:alumni_messages"),
            reverse("apply:alumni_message", kwargs={"pk": message.pk}),
        )
    ]

    assert [viewer.user.email in page for page in pages] == [False] * 4


def test_recipient_replies_through_trilink(client, viewer, selective):
    message = AlumniMessageFactory(
        sender=viewer.user, recipient=selective.user, sender_name="Viewer Alumnus"
    )
    client.force_login(selective.user)
    url = reverse("apply:alumni_message", kwargs={"pk": message.pk})

    response = client.post(url, {"body": "Thanks!"})

    assert response.status_code == 302
    reply = AlumniMessage.objects.exclude(pk=message.pk).get()
    assert (reply.recipient_id, reply.in_reply_to_id) == (viewer.user_id, message.pk)


def test_another_persons_message_is_404(client, viewer, selective):
    third = AlumniProfileFactory()
    message = AlumniMessageFactory(sender=viewer.user, recipient=third.user)
    client.force_login(selective.user)

    url = reverse("apply:alumni_message", kwargs={"pk": message.pk})
    report = reverse("apply:alumni_report", kwargs={"pk": message.pk})

    assert [client.get(url).status_code, client.post(report).status_code] == [404, 404]


def test_sender_cannot_report_their_own_message(client, viewer, selective):
    message = AlumniMessageFactory(sender=viewer.user, recipient=selective.user)
    client.force_login(viewer.user)

    response = client.post(reverse("apply:alumni_report", kwargs={"pk": message.pk}))

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.report_status == ""


def test_report_flow_from_recipient_to_staff_suspension(client, secretariat, viewer, selective):
    message = AlumniMessageFactory(
        sender=viewer.user, recipient=selective.user, body="Buy my course!"
    )
    client.force_login(selective.user)

    client.post(
        reverse("apply:alumni_report", kwargs={"pk": message.pk}), {"reason": "Advertising"}
    )
    client.force_login(secretariat)
    page = client.get(REPORTS).content.decode()
    suspended = client.post(
        reverse("staff:alumni_suspend", kwargs={"pk": message.pk}), {"reason": "Spam"}
    )
    client.force_login(viewer.user)
    blocked = client.post(_profile_url(selective), {"body": "Another offer"})

    assert "Buy my course!" in page
    assert "Advertising" in page
    assert suspended.status_code == 302
    message.refresh_from_db()
    assert message.report_status == AlumniReportStatus.SUSPENDED
    assert AlumniSuspension.objects.get().reason == "Spam"
    # The suspended sender sees no form and cannot post.
    assert blocked.status_code == 404
    assert AlumniMessage.objects.count() == 1


def test_staff_dismiss_a_report_and_restore_messaging(staff_client, viewer, selective, secretariat):
    message = AlumniMessageFactory(sender=viewer.user, recipient=selective.user)
    alumni_message_report(message=message, actor=selective.user, reason="")
    AlumniSuspension.objects.create(user=viewer.user, suspended_by=secretariat)

    staff_client.post(reverse("staff:alumni_dismiss", kwargs={"pk": message.pk}))
    staff_client.post(reverse("staff:alumni_restore", kwargs={"user_id": viewer.user_id}))

    message.refresh_from_db()
    assert message.report_status == AlumniReportStatus.DISMISSED
    assert AlumniSuspension.objects.count() == 0


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_directory_query_count(client, viewer, count, django_assert_num_queries):
    AlumniProfileFactory.create_batch(count - 1, languages=["en", "ja"])
    client.force_login(viewer.user)
    client.get(DIRECTORY)

    with django_assert_num_queries(9):
        response = client.get(DIRECTORY, {"language": "en", "q": "Alumnus"})

    assert len(response.context["cards"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_staff_directory_query_count(staff_client, count, django_assert_num_queries):
    AlumniProfileFactory.create_batch(count)
    staff_client.get(STAFF_DIRECTORY)

    with django_assert_num_queries(8):
        response = staff_client.get(STAFF_DIRECTORY)

    assert len(response.context["cards"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_inbox_query_count(client, viewer, count, django_assert_num_queries):
    others = AlumniProfileFactory.create_batch(count)
    for other in others:
        AlumniMessageFactory(sender=other.user, recipient=viewer.user)
    AlumniMessageFactory(sender=viewer.user, recipient=others[0].user)
    client.force_login(viewer.user)
    client.get(reverse("apply:alumni_messages"))

    with django_assert_num_queries(5):
        response = client.get(reverse("apply:alumni_messages"))

    assert len(response.context["rows"]) == count + 1


@pytest.mark.parametrize("count", [1, 3])
def test_reports_query_count(staff_client, secretariat, count, django_assert_num_queries):
    for _ in range(count):
        message = AlumniMessageFactory()
        alumni_message_report(message=message, actor=message.recipient, reason="Spam")
        AlumniSuspension.objects.create(user=message.sender, suspended_by=secretariat)
    staff_client.get(REPORTS)

    with django_assert_num_queries(7):
        response = staff_client.get(REPORTS)

    assert len(response.context["page"].object_list) == count
    assert len(response.context["suspensions"].object_list) == count


# --- Ways in --------------------------------------------------------------------------------


def test_an_alumnus_finds_the_directory_from_their_applications(client):
    record = AlumniRecordFactory()
    participant = ApplicationFactory(status=ApplicationStatus.PARTICIPANT)
    client.force_login(record.applicant)
    alumnus_page = client.get(reverse("apply:mine")).content.decode()
    client.force_login(participant.applicant)
    participant_page = client.get(reverse("apply:mine")).content.decode()

    assert f'href="{DIRECTORY}"' in alumnus_page
    assert f'href="{DIRECTORY}"' not in participant_page


def test_staff_menu_links_to_the_staff_directory(staff_client):
    page = staff_client.get(reverse("staff:dashboard")).content.decode()

    assert f'href="{STAFF_DIRECTORY}"' in page


def test_messages_keep_directory_names_after_the_other_side_leaves(client, viewer):
    other = AlumniProfileFactory(display_name="Directory Alias")
    client.force_login(viewer.user)
    client.post(_profile_url(other), {"body": "Hi"})
    client.force_login(other.user)
    client.post(reverse("apply:alumni_leave"))
    client.force_login(viewer.user)

    rows = client.get(reverse("apply:alumni_messages")).context["rows"]

    assert [row["other"] for row in rows] == ["Directory Alias"]
    assert (
        other.user.display_name not in client.get(reverse("apply:alumni_messages")).content.decode()
    )


def test_a_superuser_without_an_alumnus_record_gets_403_not_a_crash(client, selective):
    """Django grants a superuser every permission; the alumni pages test the rule itself, so
    a superuser with no alumnus record is refused like the secretariat (the profile page used
    to crash on the missing record)."""

    superuser = with_mfa(UserFactory(role="secretariat", is_staff=True, is_superuser=True))
    client.force_login(superuser)

    codes = [
        client.get(url).status_code
        for url in (DIRECTORY, EDIT, _profile_url(selective), reverse("apply:alumni_messages"))
    ]
    posted = client.post(EDIT, {"display_name": "Root"})

    assert codes == [403, 403, 403, 403]
    assert posted.status_code == 403
    assert not AlumniProfile.objects.filter(user=superuser).exists()
    assert client.get(STAFF_DIRECTORY).status_code == 200
