"""The alumni network's services: joining and leaving the directory, messages with their rate
limits and the mail the recipient's server receives, reports and suspensions, follow-up
surveys after leaving, and the mentor pool."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone, translation

from exchanges.activity_types import Activity
from exchanges.enums import (
    AlumniContact,
    AlumniReportStatus,
    AlumniVisibility,
    ApplicationStatus,
    SurveyKind,
)
from exchanges.exceptions import AlumniMessageRefused, ExchangeError
from exchanges.models import (
    ActivityLog,
    AlumniLanguage,
    AlumniMessage,
    AlumniProfile,
    OutgoingMail,
    SurveyInvitation,
)
from exchanges.services.alumni import (
    ALUMNI_MESSAGES_PER_DAY,
    ALUMNI_MESSAGES_PER_HOUR,
    alumni_message_report,
    alumni_message_send,
    alumni_messaging_restore,
    alumni_messaging_suspend,
    alumni_profile_leave,
    alumni_profile_save,
    alumni_report_dismiss,
)
from exchanges.services.mail import mail_opt_out
from exchanges.services.placement import alumni_mentors
from exchanges.services.surveys import survey_invitations
from tests.factories.alumni import AlumniMessageFactory, AlumniProfileFactory, AlumniRecordFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.surveys import SurveyFactory
from tests.smtp import part

pytestmark = pytest.mark.django_db

PROFILE = {
    "display_name": "  Minji   Park ",
    "sector": "media",
    "organisation": "Busan Daily",
    "interests": "Local news",
    "contact": AlumniContact.MESSAGES,
    "open_to_mentoring": True,
    "languages": ["ko", "en", "ko"],
    "sector_visibility": AlumniVisibility.ALUMNI,
    "organisation_visibility": AlumniVisibility.STAFF,
    "country_visibility": AlumniVisibility.ALUMNI,
    "cohort_visibility": AlumniVisibility.PRIVATE,
    "languages_visibility": AlumniVisibility.ALUMNI,
    "interests_visibility": AlumniVisibility.ALUMNI,
}


# --- Joining and leaving ------------------------------------------------------------------


def test_profile_save_joins_with_country_and_cohort_of_the_alumni_record():
    record = AlumniRecordFactory(from_country="KR")

    profile = alumni_profile_save(user=record.applicant, actor=record.applicant, values=PROFILE)

    profile.refresh_from_db()
    assert (profile.display_name, profile.country, profile.cohort_id, profile.application_id) == (
        "Minji Park",
        "KR",
        record.cohort_id,
        record.pk,
    )
    assert (profile.organisation_visibility, profile.cohort_visibility) == ("staff", "private")
    assert sorted(
        AlumniLanguage.objects.filter(profile=profile).values_list("code", flat=True)
    ) == [
        "en",
        "ko",
    ]
    assert list(ActivityLog.objects.values_list("action_type", flat=True)) == [
        Activity.ALUMNI_PROFILE_JOINED
    ]


def test_profile_save_changes_languages_and_logs_a_change():
    profile = AlumniProfileFactory(languages=["en", "ja"])

    alumni_profile_save(
        user=profile.user, actor=profile.user, values={**PROFILE, "languages": ["ja", "ko"]}
    )

    assert sorted(
        AlumniLanguage.objects.filter(profile=profile).values_list("code", flat=True)
    ) == [
        "ja",
        "ko",
    ]
    assert AlumniProfile.objects.count() == 1
    assert list(ActivityLog.objects.values_list("action_type", flat=True)) == [
        Activity.ALUMNI_PROFILE_CHANGED
    ]


@pytest.mark.parametrize(
    "status",
    [ApplicationStatus.PARTICIPANT, ApplicationStatus.CONFIRMED, ApplicationStatus.SUBMITTED],
)
def test_profile_save_refuses_a_person_who_is_not_an_alumnus(status):
    application = ApplicationFactory(status=status)

    with pytest.raises(ExchangeError) as refused:
        alumni_profile_save(user=application.applicant, actor=application.applicant, values=PROFILE)

    assert str(refused.value.message) == (
        "Only alumni of a Trilink program can join the alumni directory."
    )
    assert AlumniProfile.objects.count() == 0


def test_profile_save_refuses_a_blank_name():
    record = AlumniRecordFactory()

    with pytest.raises(ExchangeError):
        alumni_profile_save(
            user=record.applicant, actor=record.applicant, values={**PROFILE, "display_name": "  "}
        )

    assert AlumniProfile.objects.count() == 0


def test_leave_deletes_the_profile_and_its_languages_at_once():
    profile = AlumniProfileFactory(languages=["en", "ko"])
    record = profile.application

    assert alumni_profile_leave(user=profile.user, actor=profile.user) is True

    assert AlumniProfile.objects.count() == 0
    assert AlumniLanguage.objects.count() == 0
    entry = ActivityLog.objects.get()
    assert (entry.action_type, entry.object_id) == (Activity.ALUMNI_PROFILE_LEFT, record.pk)
    # The alumnus stays an alumnus: only the directory entry is gone.
    record.refresh_from_db()
    assert record.status == ApplicationStatus.ALUMNUS
    assert alumni_profile_leave(user=profile.user, actor=profile.user) is False


# --- Messages -----------------------------------------------------------------------------


def _pair(**recipient):
    sender = AlumniProfileFactory(display_name="Emily Carter")
    other = AlumniProfileFactory(display_name="佐藤 花子", **recipient)
    return sender, other


def test_message_is_stored_logged_and_queued_for_the_recipient_without_the_body_in_the_log(
    django_capture_on_commit_callbacks,
):
    sender, other = _pair()

    message = alumni_message_send(sender=sender.user, recipient_profile=other, body=" Hello! ")

    assert (message.sender_id, message.recipient_id, message.body, message.sender_name) == (
        sender.user_id,
        other.user_id,
        "Hello!",
        "Emily Carter",
    )
    entry = ActivityLog.objects.get()
    assert entry.action_type == Activity.ALUMNI_MESSAGE_SENT
    assert entry.data == {"recipient": other.user_id, "reply": False}
    mail = OutgoingMail.objects.get()
    assert (mail.recipient_email, mail.template_key, mail.idempotency_key) == (
        other.user.email,
        "alumni_message",
        f"alumni-message:{message.pk}",
    )


@pytest.mark.parametrize(
    ("language", "greeting", "subject"),
    [
        ("ja", "佐藤 花子様", "Emily Carter 様から Trilink でメッセージが届きました"),
        ("ko", "佐藤 花子님께", "Emily Carter님이 Trilink에서 메시지를 보냈습니다"),
        ("en", "Dear 佐藤 花子,", "Emily Carter sent you a message on Trilink"),
    ],
)
def test_message_reaches_the_smtp_server_in_the_recipients_language_without_the_senders_address(
    smtp_sink, django_capture_on_commit_callbacks, language, greeting, subject
):
    sender, other = _pair()
    other.user.preferred_language = language
    other.user.time_zone = "Asia/Tokyo"
    other.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        message = alumni_message_send(
            sender=sender.user, recipient_profile=other, body="Shall we meet in Busan?"
        )

    [received] = smtp_sink.to(other.user.email)
    text = part(received, "plain")
    # A long encoded subject is folded after "Subject:", which parses with a leading space.
    assert received["Subject"].strip() == subject
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert received["Reply-To"] is None
    assert text.startswith(greeting)
    assert "Shall we meet in Busan?" in text
    assert f"/alumni/messages/{message.pk}/" in text
    assert "(Asia/Tokyo)" in text
    # Nothing of the sender's address reaches the recipient: not in a header, not in the body.
    [raw] = smtp_sink.raw
    assert sender.user.email.encode() not in raw
    assert sender.user.email.split("@")[0].encode() not in raw


def test_reply_goes_to_the_original_sender_through_trilink(django_capture_on_commit_callbacks):
    sender, other = _pair()
    first = alumni_message_send(sender=sender.user, recipient_profile=other, body="Hi")

    reply = alumni_message_send(sender=other.user, in_reply_to=first, body="Hi back")

    assert (reply.recipient_id, reply.in_reply_to_id, reply.sender_name) == (
        sender.user_id,
        first.pk,
        "佐藤 花子",
    )
    assert list(OutgoingMail.objects.order_by("id").values_list("recipient_email", flat=True)) == [
        other.user.email,
        sender.user.email,
    ]


def test_reply_to_a_message_the_person_did_not_receive_is_refused():
    sender, other = _pair()
    first = alumni_message_send(sender=sender.user, recipient_profile=other, body="Hi")

    with pytest.raises(AlumniMessageRefused):
        alumni_message_send(sender=sender.user, in_reply_to=first, body="Again")


def test_message_to_an_alumnus_who_takes_none_is_refused():
    sender, other = _pair(contact=AlumniContact.NONE)

    with pytest.raises(AlumniMessageRefused) as refused:
        alumni_message_send(sender=sender.user, recipient_profile=other, body="Hi")

    assert str(refused.value.message) == "This alumnus does not take messages."
    assert AlumniMessage.objects.count() == 0


def test_message_from_an_alumnus_outside_the_directory_is_refused():
    other = AlumniProfileFactory()
    outsider = AlumniRecordFactory().applicant

    with pytest.raises(AlumniMessageRefused):
        alumni_message_send(sender=outsider, recipient_profile=other, body="Hi")

    assert OutgoingMail.objects.count() == 0


def test_hourly_rate_limit_refuses_the_next_message_with_a_translated_error():
    sender, other = _pair()
    for n in range(ALUMNI_MESSAGES_PER_HOUR):
        alumni_message_send(sender=sender.user, recipient_profile=other, body=f"Message {n}")

    with pytest.raises(AlumniMessageRefused) as refused:
        alumni_message_send(sender=sender.user, recipient_profile=other, body="One too many")
    with translation.override("ja"), pytest.raises(AlumniMessageRefused) as refused_ja:
        alumni_message_send(sender=sender.user, recipient_profile=other, body="One too many")

    assert refused.value.code == "rate_limit_hour"
    assert str(refused.value.message) == (
        "You can send 5 messages an hour. Please try again later."
    )
    assert str(refused_ja.value.message) == (
        "メッセージは1時間に5件まで送信できます。しばらくしてから再度お試しください。"
    )
    assert AlumniMessage.objects.count() == ALUMNI_MESSAGES_PER_HOUR
    assert OutgoingMail.objects.count() == ALUMNI_MESSAGES_PER_HOUR


def test_hourly_limit_frees_after_an_hour():
    sender, other = _pair()
    now = timezone.now()
    AlumniMessageFactory.create_batch(
        ALUMNI_MESSAGES_PER_HOUR,
        sender=sender.user,
        recipient=other.user,
        sent_at=now - dt.timedelta(minutes=61),
    )

    message = alumni_message_send(sender=sender.user, recipient_profile=other, body="Hi", now=now)

    assert message.pk is not None


def test_daily_rate_limit_counts_the_last_24_hours():
    sender, other = _pair()
    now = timezone.now()
    AlumniMessageFactory.create_batch(
        ALUMNI_MESSAGES_PER_DAY,
        sender=sender.user,
        recipient=other.user,
        sent_at=now - dt.timedelta(hours=3),
    )

    with translation.override("ko"), pytest.raises(AlumniMessageRefused) as refused:
        alumni_message_send(sender=sender.user, recipient_profile=other, body="Hi", now=now)
    later = alumni_message_send(
        sender=sender.user,
        recipient_profile=other,
        body="Hi",
        now=now + dt.timedelta(hours=21, minutes=1),
    )

    assert refused.value.code == "rate_limit_day"
    assert str(refused.value.message) == (
        "메시지는 하루에 20건까지 보낼 수 있습니다. 내일 다시 시도해 주십시오."
    )
    assert later.pk is not None


# --- Reports and suspensions --------------------------------------------------------------


def test_recipient_reports_a_message_once():
    sender, other = _pair()
    message = alumni_message_send(sender=sender.user, recipient_profile=other, body="Spam")

    alumni_message_report(message=message, actor=other.user, reason=" Unwanted  sales ")
    alumni_message_report(message=message, actor=other.user, reason="again")

    message.refresh_from_db()
    assert (message.report_status, message.report_reason) == (
        AlumniReportStatus.OPEN,
        "Unwanted sales",
    )
    assert ActivityLog.objects.filter(action_type=Activity.ALUMNI_MESSAGE_REPORTED).count() == 1


def test_only_the_recipient_may_report():
    sender, other = _pair()
    message = alumni_message_send(sender=sender.user, recipient_profile=other, body="Hi")

    with pytest.raises(ExchangeError):
        alumni_message_report(message=message, actor=sender.user, reason="")

    message.refresh_from_db()
    assert message.report_status == ""


def test_dismissing_a_report_records_the_reviewer(secretariat):
    sender, other = _pair()
    message = alumni_message_send(sender=sender.user, recipient_profile=other, body="Hi")
    alumni_message_report(message=message, actor=other.user, reason="")

    alumni_report_dismiss(message=message, actor=secretariat)

    message.refresh_from_db()
    assert (message.report_status, message.report_reviewed_by_id) == (
        AlumniReportStatus.DISMISSED,
        secretariat.pk,
    )


def test_suspended_sender_cannot_message_until_restored(secretariat):
    sender, other = _pair()
    message = alumni_message_send(sender=sender.user, recipient_profile=other, body="Rude")
    alumni_message_report(message=message, actor=other.user, reason="Rude")

    alumni_messaging_suspend(user=sender.user, actor=secretariat, reason="Abuse", message=message)

    with pytest.raises(AlumniMessageRefused) as refused:
        alumni_message_send(sender=sender.user, recipient_profile=other, body="Again")
    assert refused.value.code == "suspended"
    message.refresh_from_db()
    assert message.report_status == AlumniReportStatus.SUSPENDED
    # Leaving and joining again does not lift a suspension.
    alumni_profile_leave(user=sender.user, actor=sender.user)
    alumni_profile_save(user=sender.user, actor=sender.user, values=PROFILE)
    with pytest.raises(AlumniMessageRefused):
        alumni_message_send(sender=sender.user, recipient_profile=other, body="Again")

    assert alumni_messaging_restore(user=sender.user, actor=secretariat) is True
    assert alumni_message_send(sender=sender.user, recipient_profile=other, body="Sorry").pk


# --- Follow-up surveys --------------------------------------------------------------------


def _followup_survey(cohort):
    return SurveyFactory(cohort=cohort, kind=SurveyKind.FOLLOWUP_12, published=True)


def test_followup_survey_reaches_alumni_who_left_the_directory(django_capture_on_commit_callbacks):
    stayed = AlumniProfileFactory()
    cohort = stayed.cohort
    left = AlumniProfileFactory(application__cohort=cohort)
    never_joined = AlumniRecordFactory(cohort=cohort)
    alumni_profile_leave(user=left.user, actor=left.user)
    _followup_survey(cohort)

    survey_invitations(timezone.now())

    assert sorted(SurveyInvitation.objects.values_list("application_id", flat=True)) == sorted(
        [stayed.application_id, left.application_id, never_joined.pk]
    )
    assert sorted(
        OutgoingMail.objects.filter(template_key="followup_survey").values_list(
            "recipient_email", flat=True
        )
    ) == sorted([stayed.user.email, left.user.email, never_joined.applicant.email])


def test_followup_survey_skips_alumni_who_unsubscribed():
    left = AlumniProfileFactory()
    unsubscribed = AlumniProfileFactory(application__cohort=left.cohort)
    alumni_profile_leave(user=left.user, actor=left.user)
    mail_opt_out(email=unsubscribed.user.email)
    _followup_survey(left.cohort)

    survey_invitations(timezone.now())

    assert list(
        OutgoingMail.objects.filter(template_key="followup_survey").values_list(
            "recipient_email", flat=True
        )
    ) == [left.user.email]


# --- Mentor pool --------------------------------------------------------------------------


def test_mentor_pool_draws_only_alumni_who_opted_in_to_mentoring():
    cohort = CohortFactory()
    volunteer = AlumniProfileFactory(
        application__cohort__program=cohort.program, open_to_mentoring=True
    )
    earlier = volunteer.cohort
    AlumniProfileFactory(application__cohort=earlier, open_to_mentoring=False)
    AlumniRecordFactory(cohort=earlier)  # never joined the directory
    leaver = AlumniProfileFactory(application__cohort=earlier, open_to_mentoring=True)
    alumni_profile_leave(user=leaver.user, actor=leaver.user)

    assert list(alumni_mentors(cohort=cohort).values_list("pk", flat=True)) == [
        volunteer.application_id
    ]
