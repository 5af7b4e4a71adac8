import datetime as dt
import re
from html import escape
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from exchanges.enums import CampaignStatus, MailStatus, MailTemplateKey
from exchanges.models import Campaign, MailOptOut, MailTemplate, OutgoingMail
from exchanges.services.mail import mail_queue, mail_send, unsubscribe_token
from exchanges.services.surveys import survey_invitation_send
from tests.factories import ApplicantFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.surveys import SurveyFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db


def _mails(count, **kwargs):
    return [
        mail_queue(
            template_key=MailTemplateKey.DECISION_REJECTED,
            idempotency_key=f"test:{n}:{kwargs}",
            recipient=ApplicantFactory(),
            context={"program_name": "Leaders"},
            **kwargs,
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_outbox_list_query_count_is_constant(staff_client, django_assert_num_queries, count):
    _mails(count)

    # session, user, MFA check, template keys, count, page
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("staff:mail_outbox"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count


def test_outbox_list_filters_by_status_and_search(staff_client):
    first, _second = _mails(2)
    OutgoingMail.objects.filter(pk=first.pk).update(status=MailStatus.FAILED)

    response = staff_client.get(
        reverse("staff:mail_outbox"), {"status": "failed", "q": first.recipient_email}
    )

    assert [row.pk for row in response.context["page"]] == [first.pk]


def test_outbox_partner_staff_is_refused(client, partner_staff):
    client.force_login(partner_staff)

    assert client.get(reverse("staff:mail_outbox")).status_code == 403


def test_outbox_detail_shows_sandboxed_html_and_error(staff_client):
    (row,) = _mails(1)
    OutgoingMail.objects.filter(pk=row.pk).update(
        status=MailStatus.FAILED, last_error="SMTP 550: no such user"
    )

    response = staff_client.get(reverse("staff:mail_detail", args=[row.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<iframe sandbox="" srcdoc="&lt;!DOCTYPE html&gt;' in content
    assert "SMTP 550: no such user" in content


def test_outbox_resend_requeues_with_same_message_id(
    staff_client, django_capture_on_commit_callbacks
):
    (row,) = _mails(1)
    OutgoingMail.objects.filter(pk=row.pk).update(status=MailStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("staff:mail_resend", args=[row.pk]))

    assert response.status_code == 302
    assert OutgoingMail.objects.get(pk=row.pk).status == MailStatus.SENT
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_resending_a_survey_invitation_makes_its_expired_link_work_again(
    client, staff_client, django_capture_on_commit_callbacks
):
    sent = timezone.now() - dt.timedelta(days=settings.SURVEY_LINK_DAYS + 1)
    survey = SurveyFactory(
        published=True, opens_at=sent, closes_at=timezone.now() + dt.timedelta(days=5)
    )
    invited = SurveyInvitationFactory(survey=survey, invited_at=None)
    invitation_mail = survey_invitation_send(invitation=invited, now=sent)
    link = re.search(r"(/surveys/[^/\s]+/)", invitation_mail.text_body).group(1)
    before = client.get(link).status_code

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("staff:mail_resend", args=[invitation_mail.pk]))
    after = client.get(link).status_code

    assert (before, after) == (410, 200)
    assert mail.outbox[-1].body == invitation_mail.text_body


def test_template_edit_refuses_syntax_errors(staff_client, cohort):
    url = reverse("staff:mail_template_edit", args=[cohort.pk, "decision_rejected", "en"])

    response = staff_client.post(url, {"subject": "Hi {% if %}", "text_body": "Body"})

    assert response.status_code == 200
    assert MailTemplate.objects.count() == 0
    assert "Template error:" in response.context["form"].errors["subject"][0]


def test_template_edit_saves_override(staff_client, cohort):
    url = reverse("staff:mail_template_edit", args=[cohort.pk, "decision_rejected", "ja"])

    response = staff_client.post(
        url, {"subject": "結果 {{ program_name }}", "text_body": "{{ recipient_name }} 様"}
    )

    assert response.status_code == 302
    saved = MailTemplate.objects.get()
    assert (saved.cohort, saved.language, saved.subject) == (
        cohort,
        "ja",
        "結果 {{ program_name }}",
    )


def test_template_preview_renders_against_a_real_person(staff_client, cohort):
    person = ApplicantFactory(given_name="Minjun", family_name="Kim", local_name="김민준")
    url = reverse("staff:mail_template_preview", args=[cohort.pk, "decision_rejected", "ko"])

    response = staff_client.post(
        url,
        {
            "subject": "{{ recipient_name }}님 {{ cohort_name }}",
            "text_body": "본문",
            "recipient": person.email,
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.context["rendered"].subject == "김민준님 2027년 여름"


def test_template_preview_links_to_the_persons_own_pages(staff_client, cohort):
    application = ApplicationFactory(cohort=cohort)
    url = reverse("staff:mail_template_preview", args=[cohort.pk, "predeparture_reminder", "en"])

    response = staff_client.post(
        url,
        {
            "subject": "s",
            "text_body": "{{ checklist_url }}",
            "recipient": application.applicant.email,
        },
    )
    nudge = staff_client.post(
        reverse("staff:mail_template_preview", args=[cohort.pk, "reviewer_nudge", "en"]),
        {"subject": "s", "text_body": "{{ review_url }}"},
    )

    site = settings.SITE_URL.rstrip("/")
    assert response.context["rendered"].text.startswith(
        f"{site}/applications/{application.pk}/predeparture/"
    )
    assert nudge.context["rendered"].text.startswith(f"{site}/review/?cohort={cohort.pk}")


def test_template_preview_shows_syntax_error(staff_client, cohort):
    url = reverse("staff:mail_template_preview", args=[cohort.pk, "decision_rejected", "en"])

    response = staff_client.post(url, {"subject": "{% if %}", "text_body": "x"})

    assert response.context["error"] == "Template error: Unexpected end of expression in if tag."


@pytest.mark.parametrize("count", [1, 3])
def test_campaign_list_query_count_is_constant(
    staff_client, secretariat, cohort, django_assert_num_queries, count
):
    for n in range(count):
        Campaign.objects.create(
            cohort=cohort, name=f"C{n}", subject_en="S", body_en="B", created_by=secretariat
        )

    with django_assert_num_queries(5):
        response = staff_client.get(reverse("staff:campaigns"))

    assert len(response.context["page"].object_list) == count


def test_campaign_create_send_and_progress(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    korean = ApplicantFactory(country="KR", preferred_language="ko", local_name="김민준")
    american = ApplicantFactory(country="US")
    opted_out = ApplicantFactory(country="KR")
    MailOptOut.objects.create(email=opted_out.email)
    for person in (korean, american, opted_out):
        ApplicationFactory(cohort=cohort, applicant=person, country=person.country)
    ApplicantFactory(country="KR")  # not in the cohort: never addressed

    response = staff_client.post(
        reverse("staff:campaign_create"),
        {
            "name": "Orientation",
            "cohort": cohort.pk,
            "audience_countries": ["KR"],
            "subject_en": "Orientation",
            "body_en": "Hello {{ recipient_name }}",
            "subject_ko": "오리엔테이션 안내",
            "body_ko": "{{ recipient_name }}님, 안녕하십니까.",
            "subject_ja": "",
            "body_ja": "",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("staff:campaign_send", args=[campaign.pk]), {"send_at": ""})
    progress = staff_client.get(reverse("staff:campaign_progress", args=[campaign.pk]))

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert progress.context["progress"]["percent"] == 100
    assert [m.to for m in mail.outbox] == [[korean.email]]
    assert mail.outbox[0].subject == "오리엔테이션 안내"
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_campaign_form_refuses_half_translations(staff_client, cohort):
    response = staff_client.post(
        reverse("staff:campaign_create"),
        {
            "name": "X",
            "cohort": cohort.pk,
            "subject_en": "S",
            "body_en": "B",
            "subject_ja": "件名",
            "body_ja": "",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["body_ja"] == [
        "Give both a subject and a message, or neither."
    ]


def test_unsubscribe_one_click_post_opts_out(client):
    token = unsubscribe_token(email="Person@Example.org")

    response = client.post(
        reverse("mail_unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert list(MailOptOut.objects.values_list("email", flat=True)) == ["person@example.org"]


def test_unsubscribe_bad_token_is_refused(client):
    response = client.get(reverse("mail_unsubscribe", args=["forged"]))

    assert response.status_code == 400


def test_template_edit_starts_from_the_shipped_text(staff_client, cohort):
    url = reverse("staff:mail_template_edit", args=[cohort.pk, "decision_rejected", "ja"])

    response = staff_client.get(url)

    assert response.context["form"].initial["subject"] == "{{ program_name }}選考結果のお知らせ"


def test_campaign_detail_previews_each_language(staff_client, secretariat, cohort):
    campaign = Campaign.objects.create(
        cohort=cohort,
        name="Hello",
        subject_en="Hello",
        body_en="Hi {{ recipient_name }}",
        subject_ja="こんにちは",
        body_ja="{{ recipient_name }} 様",
        created_by=secretariat,
    )

    response = staff_client.get(reverse("staff:campaign_detail", args=[campaign.pk]))

    assert [p["rendered"].subject for p in response.context["previews"]] == [
        "Hello",
        "こんにちは",
        "Hello",
    ]


class _Frames(HTMLParser):
    """The srcdoc of every iframe on a page, as a browser reads the attribute."""

    def __init__(self):
        super().__init__()
        self.srcdocs = []

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.srcdocs.append(dict(attrs).get("srcdoc"))


def _srcdocs(response) -> list[str]:
    parser = _Frames()
    parser.feed(response.content.decode())
    return parser.srcdocs


def test_template_preview_frame_holds_the_whole_email(staff_client, cohort):
    person = ApplicantFactory(preferred_language="ja")
    url = reverse("staff:mail_template_preview", args=[cohort.pk, "decision_rejected", "ja"])

    response = staff_client.post(
        url,
        {
            "subject": "{{ cohort_name }}",
            "recipient": person.email,
            "text_body": '<p>{{ recipient_name }} 様</p><p class="x">"{{ program_name }}"</p>',
        },
        HTTP_HX_REQUEST="true",
    )

    [srcdoc] = _srcdocs(response)
    assert srcdoc.startswith("<!DOCTYPE html>")
    assert srcdoc.rstrip().endswith("</html>")
    assert '<p>"リーダー交流"</p>' in srcdoc
    assert escape(response.context["rendered"].text) in response.content.decode()


def test_campaign_detail_preview_frames_hold_each_language(staff_client, secretariat, cohort):
    campaign = Campaign.objects.create(
        cohort=cohort,
        name="Hello",
        subject_en="Hello",
        body_en='<p>Hi "friend"</p>',
        subject_ja="こんにちは",
        body_ja="<p>{{ program_name }}</p>",
        subject_ko="안녕하세요",
        body_ko="<p>{{ program_name }}</p>",
        created_by=secretariat,
    )

    response = staff_client.get(reverse("staff:campaign_detail", args=[campaign.pk]))

    frames = _srcdocs(response)
    assert len(frames) == 3
    assert all(frame.rstrip().endswith("</html>") for frame in frames)
    assert [
        '<p>Hi "friend"</p>' in frames[0],
        "<p>リーダー交流</p>" in frames[1],
        "<p>리더 교류</p>" in frames[2],
    ] == [True, True, True]


def _sending_campaign(cohort, secretariat, *recipients):
    campaign = Campaign.objects.create(
        cohort=cohort,
        name="Orientation",
        subject_en="S",
        body_en="B",
        created_by=secretariat,
        status=CampaignStatus.SENDING,
        enqueued_at=timezone.now(),
        recipients_total=len(recipients),
    )
    rows = [
        OutgoingMail.objects.create(
            recipient_email=person.email,
            user=person,
            language="en",
            template_key="campaign",
            subject="S",
            text_body="B",
            idempotency_key=f"campaign:{campaign.pk}:{person.pk}",
            message_id=f"<{person.pk}@test>",
            campaign=campaign,
            is_transactional=False,
        )
        for person in recipients
    ]
    return campaign, rows


def _table_rows(response) -> list[list[str]]:
    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in {"td", "th"}:
                self.cell = ""

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

        def handle_endtag(self, tag):
            if tag in {"td", "th"} and self.cell is not None:
                self.rows[-1].append(self.cell.strip())
                self.cell = None

    parser = Cells()
    parser.feed(response.content.decode())
    return parser.rows


def test_campaign_list_shows_sent_and_failed_counts(staff_client, secretariat, cohort):
    people = [ApplicantFactory() for _ in range(4)]
    campaign, rows = _sending_campaign(cohort, secretariat, *people)
    for row, status in zip(
        rows,
        [MailStatus.SENT, MailStatus.SENT, MailStatus.FAILED, MailStatus.CANCELLED],
        strict=True,
    ):
        OutgoingMail.objects.filter(pk=row.pk).update(status=status)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENT)

    response = staff_client.get(reverse("staff:campaigns"))

    assert _table_rows(response) == [
        ["Name", "Cohort", "Status", "Recipients", "Sent", "Failed", "Created by"],
        ["Orientation", str(cohort), "Sent", "4", "2", "1", secretariat.display_name],
    ]


def test_campaign_page_leaves_sending_when_its_last_message_is_sent(
    staff_client, secretariat, cohort
):
    person = ApplicantFactory()
    campaign, [row] = _sending_campaign(cohort, secretariat, person)
    url = reverse("staff:campaign_progress", args=[campaign.pk])
    polling = staff_client.get(url, HTTP_HX_REQUEST="true")

    assert mail_send(mail_id=row.pk).result == "sent"
    finished = staff_client.get(url, HTTP_HX_REQUEST="true")
    page = staff_client.get(campaign.get_absolute_url()).content.decode()

    assert 'hx-trigger="every 2s"' in polling.content.decode()
    assert finished["HX-Redirect"] == campaign.get_absolute_url()
    assert '<span class="badge text-bg-secondary">Sent</span>' in page
    assert "1 sent, 0 failed, 0 waiting, of 1." in page
    assert "Cancel campaign" not in page
    assert 'hx-trigger="every 2s"' not in page


def test_campaign_is_sent_when_its_last_queued_recipient_opts_out(
    client, staff_client, secretariat, cohort
):
    first, last = ApplicantFactory(), ApplicantFactory()
    campaign, [sent, _queued] = _sending_campaign(cohort, secretariat, first, last)
    assert mail_send(mail_id=sent.pk).result == "sent"
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENDING

    client.post(
        reverse("mail_unsubscribe", args=[unsubscribe_token(email=last.email)]),
        {"List-Unsubscribe": "One-Click"},
    )
    page = staff_client.get(campaign.get_absolute_url()).content.decode()

    assert '<span class="badge text-bg-secondary">Sent</span>' in page
    assert "Cancel campaign" not in page
    assert [m.to for m in mail.outbox] == [[first.email]]


def test_templates_page_finds_a_cohort_by_search_not_a_dropdown(staff_client):
    cohorts = CohortFactory.create_batch(12)
    wanted = cohorts[3]
    url = reverse("staff:mail_templates")

    plain = staff_client.get(url)
    found = staff_client.get(url + f"?cohort_q={wanted.name_en}")
    many = staff_client.get(url + "?cohort_q=Cohort")
    chosen = staff_client.get(url + f"?cohort={wanted.pk}")

    assert plain.content.decode().count("cohort-result") == 0
    assert wanted.name_en not in plain.content.decode()
    assert [c.pk for c in found.context["found"]] == [wanted.pk]
    assert f'href="?cohort={wanted.pk}"' in found.content.decode()
    assert many.context["found"].paginator.count == 12
    assert many.content.decode().count('class="list-group-item cohort-result"') == 10
    assert chosen.context["cohort"] == wanted


@pytest.mark.parametrize("count", [1, 30])
def test_templates_page_query_count_does_not_grow_with_cohorts(
    staff_client, count, django_assert_num_queries
):
    CohortFactory.create_batch(count)

    # session, user, MFA check, overrides, search count and page
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("staff:mail_templates") + "?cohort_q=Cohort")

    assert len(response.context["found"].object_list) == min(count, 10)


def test_campaign_preview_is_for_a_member_of_the_audience_in_each_language(
    staff_client, secretariat, cohort
):
    # The first applicant in the database: Korean, accepted, outside the audience.
    ApplicationFactory(
        cohort=cohort,
        status="accepted",
        country="KR",
        applicant=ApplicantFactory(given_name="Minjun", preferred_language="ko"),
    )
    yui = ApplicationFactory(
        cohort=cohort,
        status="waitlisted",
        country="JP",
        applicant=ApplicantFactory(given_name="Yui", preferred_language="ja"),
    ).applicant
    campaign = Campaign.objects.create(
        cohort=cohort,
        name="Waitlist news",
        subject_en="News",
        body_en="Hi {{ recipient_name }}",
        body_ja="{{ recipient_name }} 様",
        body_ko="{{ recipient_name }} 님",
        audience_countries=["JP"],
        audience_statuses=["waitlisted"],
        created_by=secretariat,
    )

    response = staff_client.get(reverse("staff:campaign_detail", args=[campaign.pk]))

    previews = response.context["previews"]
    assert [p["recipient"] for p in previews] == [None, yui, None]
    assert [p["rendered"].text.splitlines()[0] for p in previews] == [
        "Hi Sample Person",
        f"{yui.display_name} 様",
        "홍길동(예시) 님",
    ]


def test_campaign_preview_unsubscribe_link_is_a_sample_that_unsubscribes_nobody(
    client, staff_client, secretariat, cohort
):
    person = ApplicationFactory(cohort=cohort, applicant=ApplicantFactory()).applicant
    campaign = Campaign.objects.create(
        cohort=cohort, name="Hello", subject_en="Hello", body_en="Hi", created_by=secretariat
    )

    response = staff_client.get(reverse("staff:campaign_detail", args=[campaign.pk]))

    sample = reverse("mail_unsubscribe", args=["sample"])
    page = response.content.decode()
    assert response.context["previews"][0]["recipient"] == person
    assert unsubscribe_token(email=person.email) not in page
    assert [sample in p["rendered"].text for p in response.context["previews"]] == [True] * 3
    assert client.post(sample).status_code == 400
    assert MailOptOut.objects.count() == 0


def _in_language(client, user, language, url):
    """GET ``url`` as ``user`` reading the site in ``language``: a signed-in person's stored
    preference is what the locale middleware activates."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return client.get(url)


def test_campaign_pages_name_the_cohort_in_the_staff_member_s_language(
    staff_client, secretariat, cohort
):
    campaign = Campaign.objects.create(
        cohort=cohort, name="Orientation", subject_en="S", body_en="B", created_by=secretariat
    )

    listed = _in_language(staff_client, secretariat, "ko", reverse("staff:campaigns"))
    detail = _in_language(staff_client, secretariat, "ja", campaign.get_absolute_url())
    form = _in_language(staff_client, secretariat, "ja", reverse("staff:campaign_create"))

    assert "<td>리더 교류 – 2027년 여름</td>" in listed.content.decode()
    assert "Leaders Exchange" not in listed.content.decode()
    assert '<dd class="col-sm-9">リーダー交流 – 2027年夏</dd>' in detail.content.decode()
    assert list(form.context["form"].fields["cohort"].choices)[1][1] == "リーダー交流 – 2027年夏"


def test_templates_pages_name_the_cohort_in_the_staff_member_s_language(
    staff_client, secretariat, cohort
):
    url = reverse("staff:mail_templates")

    found = _in_language(staff_client, secretariat, "ja", url + "?cohort_q=2027")
    chosen = _in_language(staff_client, secretariat, "ko", url + f"?cohort={cohort.pk}")
    edit = _in_language(
        staff_client,
        secretariat,
        "ja",
        reverse("staff:mail_template_edit", args=[cohort.pk, "decision_accepted", "en"]),
    )

    assert f'<a href="?cohort={cohort.pk}">リーダー交流 – 2027年夏</a>' in found.content.decode()
    assert "리더 교류 – 2027년 여름" in chosen.content.decode()
    assert "Leaders Exchange" not in chosen.content.decode()
    assert "リーダー交流 – 2027年夏</small>" in edit.content.decode()
