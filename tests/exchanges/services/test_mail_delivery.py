"""Staff-written mail as a real SMTP server receives it: HTML that is HTML, names in the
recipient's language, a campaign that finishes, and an audience inside the cohort."""

import pytest
from django.urls import reverse

from exchanges.enums import ApplicationStatus, CampaignStatus, MailStatus
from exchanges.models import Campaign, MailTemplate, OutgoingMail
from exchanges.selectors.campaigns import campaign_audience
from exchanges.services.applications import application_transition
from exchanges.services.campaigns import campaign_send
from exchanges.services.mail import unsubscribe_email_from_token
from tests.factories import ApplicantFactory, PartnerStaffFactory, ReviewerFactory
from tests.factories.applications import ApplicationFactory, LeadersCohortFactory
from tests.factories.reviews import PoolMemberFactory
from tests.smtp import part

pytestmark = pytest.mark.django_db

HTML_BODIES = {
    "ja": "<p>{{ recipient_name }} 様</p>\n<p><strong>{{ program_name }}</strong>"
    "（{{ cohort_name }}）のお知らせです。</p>",
    "ko": "<p>{{ recipient_name }}님, 안녕하십니까.</p>\n<p><strong>{{ program_name }}</strong>"
    " ({{ cohort_name }}) 안내입니다.</p>",
}
LOCAL_NAMES = {"ja": ("リーダー交流", "2027年夏"), "ko": ("리더 교류", "2027년 여름")}


def _applicant(cohort, language, country, **names):
    person = ApplicantFactory(preferred_language=language, country=country, **names)
    ApplicationFactory(cohort=cohort, applicant=person, country=country)
    return person


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_campaign_html_and_local_names_reach_the_smtp_server(
    smtp_sink, secretariat, django_capture_on_commit_callbacks, language
):
    cohort = LeadersCohortFactory()
    country = {"ja": "JP", "ko": "KR"}[language]
    person = _applicant(
        cohort, language, country, given_name="Olivia", family_name="<Johnson>", local_name=""
    )
    program_name, cohort_name = LOCAL_NAMES[language]
    campaign = Campaign.objects.create(
        cohort=cohort,
        name="Notice",
        subject_en="About {{ cohort_name }}",
        body_en="Hello",
        **{
            f"subject_{language}": "{{ cohort_name }}のお知らせ",
            f"body_{language}": HTML_BODIES[language],
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=secretariat)

    [message] = smtp_sink.to(person.email)
    html = part(message, "html")
    text = part(message, "plain")
    assert message["Subject"] == f"{cohort_name}のお知らせ"
    assert f"<p><strong>{program_name}</strong>" in html
    assert "&lt;p&gt;" not in html
    assert "&lt;Johnson&gt;" in html  # a value put into the markup is escaped
    assert "<Johnson>" not in html
    assert "<p>" not in text
    assert "<strong>" not in text
    assert f"{program_name}（{cohort_name}）" in text or f"{program_name} ({cohort_name})" in text
    assert "2027 Summer" not in message.as_string()


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_staff_edited_template_sends_html_with_local_names(
    smtp_sink, secretariat, django_capture_on_commit_callbacks, language
):
    cohort = LeadersCohortFactory()
    country = {"ja": "JP", "ko": "KR"}[language]
    person = ApplicantFactory(preferred_language=language, country=country)
    application = ApplicationFactory(
        cohort=cohort, applicant=person, country=country, status=ApplicationStatus.UNDER_REVIEW
    )
    MailTemplate.objects.create(
        cohort=cohort,
        key="decision_rejected",
        language=language,
        subject="{{ cohort_name }} / {{ program_name }}",
        text_body=HTML_BODIES[language],
    )
    program_name, cohort_name = LOCAL_NAMES[language]

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application, to_status=ApplicationStatus.REJECTED, actor=secretariat
        )

    [message] = smtp_sink.to(person.email)
    html = part(message, "html")
    assert message["Subject"] == f"{cohort_name} / {program_name}"
    assert f"<p><strong>{program_name}</strong>" in html
    assert "&lt;p&gt;" not in html
    assert "<p>" not in part(message, "plain")


def test_staff_html_loses_active_content(
    smtp_sink, secretariat, django_capture_on_commit_callbacks
):
    cohort = LeadersCohortFactory()
    person = _applicant(cohort, "en", "US")
    campaign = Campaign.objects.create(
        cohort=cohort,
        name="Notice",
        subject_en="Notice",
        body_en='<p onclick="steal()">Hi</p><script>steal()</script>'
        '<a href="javascript:steal()">x</a>',
    )

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=secretariat)

    html = part(smtp_sink.to(person.email)[0], "html")
    assert "<p>Hi</p>" in html
    assert "script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html


def test_campaign_is_sent_when_its_last_message_is_final(
    smtp_sink, secretariat, staff_client, django_capture_on_commit_callbacks
):
    cohort = LeadersCohortFactory()
    people = [_applicant(cohort, "en", "US") for _ in range(3)]
    campaign = Campaign.objects.create(
        cohort=cohort, name="Notice", subject_en="Notice", body_en="Hello {{ recipient_name }}"
    )

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=secretariat)
    detail = staff_client.get(reverse("staff:campaign_detail", args=[campaign.pk]))

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert campaign.finished_at is not None
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(p.email for p in people)
    body = detail.content.decode()
    assert "3 sent, 0 failed, 0 waiting, of 3." in body
    assert "Cancel campaign" not in body


def test_campaign_with_a_failed_message_still_finishes(
    smtp_sink, secretariat, django_capture_on_commit_callbacks, settings
):
    cohort = LeadersCohortFactory()
    _applicant(cohort, "en", "US")
    settings.EMAIL_PORT = 1  # nothing listens: every attempt fails
    settings.OUTBOX_MAX_ATTEMPTS = 1
    campaign = Campaign.objects.create(
        cohort=cohort, name="Notice", subject_en="Notice", body_en="Hello"
    )

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=secretariat)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert list(OutgoingMail.objects.values_list("status", flat=True)) == [MailStatus.FAILED]


def test_campaign_audience_without_statuses_stays_in_the_cohort():
    cohort = LeadersCohortFactory()
    other = LeadersCohortFactory(slug="2028-winter", name_en="2028 Winter")
    inside = [_applicant(cohort, "en", "US"), _applicant(cohort, "ko", "KR")]
    _applicant(other, "en", "US")
    ApplicantFactory()  # no application at all
    campaign = Campaign.objects.create(cohort=cohort, name="All", subject_en="S", body_en="B")

    audience = list(campaign_audience(campaign=campaign))

    assert audience == sorted(inside, key=lambda person: person.pk)


def test_campaign_audience_staff_roles_are_the_cohorts_own():
    cohort = LeadersCohortFactory()
    other = LeadersCohortFactory(slug="2028-winter", name_en="2028 Winter")
    reviewer = ReviewerFactory()
    PoolMemberFactory(cohort=cohort, reviewer=reviewer)
    PoolMemberFactory(cohort=other, reviewer=ReviewerFactory())
    partner = PartnerStaffFactory(partner_of=cohort.program)
    PartnerStaffFactory()  # an organisation that is not a partner of the program
    campaign = Campaign.objects.create(
        cohort=cohort,
        name="Staff",
        subject_en="S",
        body_en="B",
        audience_roles=["reviewer", "partner_staff"],
    )

    audience = set(campaign_audience(campaign=campaign))

    assert audience == {reviewer, partner}


def test_campaign_count_shown_is_the_count_sent(
    smtp_sink, secretariat, staff_client, django_capture_on_commit_callbacks
):
    cohort = LeadersCohortFactory()
    for language, country in [("en", "US"), ("ja", "JP"), ("ko", "KR")]:
        _applicant(cohort, language, country)
    _applicant(LeadersCohortFactory(slug="2028-winter", name_en="2028 Winter"), "en", "US")
    campaign = Campaign.objects.create(cohort=cohort, name="N", subject_en="S", body_en="B")

    shown = staff_client.get(reverse("staff:campaign_detail", args=[campaign.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=secretariat)

    assert shown.context["audience_count"] == 3
    assert len(smtp_sink.messages) == 3


def test_campaign_unsubscribe_header_and_footer_carry_the_same_working_link(
    smtp_sink, secretariat, django_capture_on_commit_callbacks
):
    cohort = LeadersCohortFactory()
    person = _applicant(cohort, "ko", "KR")
    campaign = Campaign.objects.create(
        cohort=cohort, name="Notice", subject_en="Notice", body_en="Hello", body_ko="안녕하십니까"
    )

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=secretariat)

    [message] = smtp_sink.to(person.email)
    header_url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert header_url in part(message, "plain")
    assert header_url in part(message, "html")
    token = header_url.rstrip("/").rpartition("/")[2]
    assert unsubscribe_email_from_token(token=token) == person.email.lower()
