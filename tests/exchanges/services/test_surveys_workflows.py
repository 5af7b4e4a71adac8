"""The survey beat workflows: invitations once when a survey opens (and later for people who
become eligible), reminders 3 days and 1 day before the close at 09:00 local time, none after
answering or closing, and opt-outs for alumni follow-ups."""

import datetime as dt
import re

import pytest
from django.conf import settings

from exchanges.enums import ApplicationStatus, MailTemplateKey, SurveyKind
from exchanges.models import OutgoingMail, Survey, SurveyInvitation
from exchanges.services import surveys
from exchanges.services.mail import mail_opt_out
from exchanges.services.surveys import (
    survey_invitation_for_token,
    survey_questions_for,
    survey_response_submit,
)
from tests.beat import at, beat_tick, outbox_keys
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.surveys import SurveyFactory

pytestmark = pytest.mark.django_db


def keys(prefix: str) -> list[str]:
    return outbox_keys(prefix)


def survey_link(mail: OutgoingMail) -> str:
    return re.search(r"/surveys/([^/\s]+)/", mail.text_body).group(1)


@pytest.fixture
def cohort(db):
    return CohortFactory(
        deadline=at(2030, 1, 10), starts_on=dt.date(2030, 2, 1), ends_on=dt.date(2030, 2, 20)
    )


@pytest.fixture
def upcoming(db):
    """A cohort whose program starts after ``_survey``'s surveys close: a pre-program survey
    takes no answers (and sends no emails) from the first program day."""
    return CohortFactory(
        deadline=at(2030, 1, 10), starts_on=dt.date(2030, 4, 1), ends_on=dt.date(2030, 4, 20)
    )


def _survey(cohort, kind=SurveyKind.POST_PROGRAM):
    # Closes at 15:00 UTC on 20 March: 00:00 on 21 March in Seoul, 08:00 on 20 March in LA.
    return SurveyFactory(
        cohort=cohort,
        kind=kind,
        opens_at=at(2030, 3, 1, 0, 0),
        closes_at=at(2030, 3, 20, 15, 0),
        published=True,
    )


def _invitation(survey, application) -> SurveyInvitation:
    return SurveyInvitation.objects.get(survey=survey, application=application)


def test_invitation_goes_out_once_when_the_survey_opens(monkeypatch, cohort):
    survey = _survey(cohort)
    seoul = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.PARTICIPANT,
        applicant__time_zone="Asia/Seoul",
        applicant__preferred_language="ko",
    )
    # not asked after the program
    ApplicationFactory(
        cohort=cohort, status=ApplicationStatus.CONFIRMED, country="JP", applicant__country="JP"
    )

    ticks = [
        at(2030, 2, 28, 23, 45),
        at(2030, 3, 1, 0, 0),
        at(2030, 3, 1, 0, 15),
        at(2030, 3, 5, 12, 0),
    ]
    results = [beat_tick(monkeypatch, now)["survey-invitation"] for now in ticks]

    invited = _invitation(survey, seoul)
    mail = OutgoingMail.objects.get()
    assert results == [0, 1, 0, 0]
    assert keys("survey-invitation:") == [f"survey-invitation:{invited.pk}:invite"]
    assert invited.invited_at == at(2030, 3, 1, 0, 0)
    assert (mail.template_key, mail.language, mail.recipient_email, mail.is_transactional) == (
        MailTemplateKey.SURVEY_INVITATION,
        "ko",
        seoul.applicant.email,
        True,
    )
    assert "2030년 3월 20일 오후 11:59 (Asia/Seoul)" in mail.text_body
    assert f"{settings.SITE_URL}/surveys/" in mail.text_body
    assert "unsubscribe" not in mail.text_body


def test_people_who_become_eligible_later_are_invited_on_a_later_tick(monkeypatch, upcoming):
    survey = _survey(upcoming, SurveyKind.PRE_PROGRAM)
    late = ApplicationFactory(
        cohort=upcoming, status=ApplicationStatus.WAITLISTED, country="US", applicant__country="US"
    )
    beat_tick(monkeypatch, at(2030, 3, 2, 0, 0))
    late.status = ApplicationStatus.CONFIRMED
    late.save()

    results = [
        beat_tick(monkeypatch, now)["survey-invitation"]
        for now in (at(2030, 3, 2, 0, 15), at(2030, 3, 2, 0, 30))
    ]

    assert results == [1, 0]
    assert keys("survey-invitation:") == [
        f"survey-invitation:{_invitation(survey, late).pk}:invite"
    ]


def test_no_invitation_for_drafts_closed_surveys_or_withdrawn_people(monkeypatch, cohort, upcoming):
    draft = _survey(cohort)
    draft.published_at = None
    draft.save()
    published = _survey(upcoming, SurveyKind.PRE_PROGRAM)
    ApplicationFactory(cohort=cohort, status=ApplicationStatus.PARTICIPANT)
    ApplicationFactory(cohort=published.cohort, status=ApplicationStatus.CONFIRMED)
    ApplicationFactory(
        cohort=published.cohort,
        status=ApplicationStatus.WITHDRAWN,
        country="JP",
        applicant__country="JP",
    )

    after_close = beat_tick(monkeypatch, at(2030, 3, 20, 15, 0))["survey-invitation"]
    while_open = beat_tick(monkeypatch, at(2030, 3, 10, 0, 0))["survey-invitation"]

    assert (after_close, while_open) == (0, 1)
    assert SurveyInvitation.objects.filter(survey=published).count() == 1
    assert SurveyInvitation.objects.filter(survey=draft).count() == 0


def test_follow_up_invitation_names_the_months_and_honours_opt_outs(monkeypatch, cohort):
    survey = _survey(cohort, SurveyKind.FOLLOWUP_6)
    alumnus = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.ALUMNUS,
        country="JP",
        applicant__country="JP",
        applicant__preferred_language="ja",
        applicant__time_zone="Asia/Tokyo",
    )
    opted_out = ApplicationFactory(
        cohort=cohort, status=ApplicationStatus.ALUMNUS, country="US", applicant__country="US"
    )
    mail_opt_out(email=opted_out.applicant.email.upper())
    tried = []
    send = surveys.survey_invitation_send
    monkeypatch.setattr(
        surveys,
        "survey_invitation_send",
        lambda *, invitation, now: (
            tried.append(invitation.application_id),
            send(invitation=invitation, now=now),
        )[1],
    )

    results = [
        beat_tick(monkeypatch, now)["survey-invitation"]
        for now in (at(2030, 3, 1, 0, 0), at(2030, 3, 1, 0, 15))
    ]

    mail = OutgoingMail.objects.get()
    assert results == [1, 0]
    assert (mail.template_key, mail.recipient_email, mail.is_transactional) == (
        MailTemplateKey.FOLLOWUP_SURVEY,
        alumnus.applicant.email,
        False,
    )
    assert "から6か月" in mail.subject
    assert "/mail/unsubscribe/" in mail.text_body
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _invitation(survey, opted_out).invited_at is None
    assert tried == [alumnus.pk]  # the opted-out alumnus is not even looked at


def test_reminders_at_nine_in_each_respondents_time_zone(monkeypatch, cohort):
    survey = _survey(cohort)
    seoul = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.PARTICIPANT,
        applicant__time_zone="Asia/Seoul",
        applicant__preferred_language="ko",
    )
    los_angeles = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.PARTICIPANT,
        country="US",
        applicant__country="US",
        applicant__time_zone="America/Los_Angeles",
    )
    beat_tick(monkeypatch, at(2030, 3, 1, 0, 0))
    seoul_invite, la_invite = _invitation(survey, seoul), _invitation(survey, los_angeles)

    def reminders():
        return sorted(keys("survey-reminder:"))

    beat_tick(monkeypatch, at(2030, 3, 17, 15, 45))  # 08:45 PDT on 17 March
    assert reminders() == []
    beat_tick(monkeypatch, at(2030, 3, 17, 16, 0))  # 09:00 PDT; 01:00 on 18 March in Seoul
    assert reminders() == [f"survey-reminder:{la_invite.pk}:3d:2030-03-21"]
    beat_tick(monkeypatch, at(2030, 3, 17, 23, 45))  # 08:45 in Seoul
    assert reminders() == [f"survey-reminder:{la_invite.pk}:3d:2030-03-21"]
    beat_tick(monkeypatch, at(2030, 3, 18, 0, 0))  # 09:00 in Seoul
    beat_tick(monkeypatch, at(2030, 3, 18, 0, 15))
    assert reminders() == sorted(
        [
            f"survey-reminder:{la_invite.pk}:3d:2030-03-21",
            f"survey-reminder:{seoul_invite.pk}:3d:2030-03-21",
        ]
    )
    beat_tick(monkeypatch, at(2030, 3, 19, 16, 0))  # 09:00 PDT on 19 March
    beat_tick(monkeypatch, at(2030, 3, 20, 0, 0))  # 09:00 on 20 March in Seoul
    assert reminders() == sorted(
        [
            f"survey-reminder:{la_invite.pk}:3d:2030-03-21",
            f"survey-reminder:{la_invite.pk}:1d:2030-03-21",
            f"survey-reminder:{seoul_invite.pk}:3d:2030-03-21",
            f"survey-reminder:{seoul_invite.pk}:1d:2030-03-21",
        ]
    )

    korean = OutgoingMail.objects.get(
        idempotency_key=f"survey-reminder:{seoul_invite.pk}:3d:2030-03-21"
    )
    english = OutgoingMail.objects.get(
        idempotency_key=f"survey-reminder:{la_invite.pk}:1d:2030-03-21"
    )
    assert (korean.template_key, korean.language, english.language) == (
        MailTemplateKey.SURVEY_REMINDER,
        "ko",
        "en",
    )
    assert "2030년 3월 20일 오후 11:59 (Asia/Seoul)" in korean.text_body
    assert "March 20, 2030, 8 a.m. (America/Los_Angeles)" in english.text_body


def test_reminder_carries_the_same_working_link_as_the_invitation(monkeypatch, cohort):
    survey = _survey(cohort)
    application = ApplicationFactory(
        cohort=cohort, status=ApplicationStatus.PARTICIPANT, applicant__time_zone="Asia/Seoul"
    )
    beat_tick(monkeypatch, at(2030, 3, 1, 0, 0))
    beat_tick(monkeypatch, at(2030, 3, 18, 0, 0))
    invited = _invitation(survey, application)

    invitation_mail = OutgoingMail.objects.get(
        idempotency_key=f"survey-invitation:{invited.pk}:invite"
    )
    reminder_mail = OutgoingMail.objects.get(
        idempotency_key=f"survey-reminder:{invited.pk}:3d:2030-03-21"
    )
    monkeypatch.undo()

    assert survey_link(reminder_mail) == survey_link(invitation_mail)
    assert survey_invitation_for_token(token=survey_link(reminder_mail)).pk == invited.pk


def test_invitation_and_each_reminder_set_the_link_expiry_from_their_own_date(monkeypatch, cohort):
    monkeypatch.setattr(settings, "SURVEY_LINK_DAYS", 5)
    survey = _survey(cohort)
    application = ApplicationFactory(
        cohort=cohort, status=ApplicationStatus.PARTICIPANT, applicant__time_zone="Asia/Seoul"
    )

    beat_tick(monkeypatch, at(2030, 3, 1, 0, 0))
    after_invitation = _invitation(survey, application).link_expires_at
    beat_tick(monkeypatch, at(2030, 3, 18, 0, 0))  # the 3-day reminder, 09:00 in Seoul
    after_reminder = _invitation(survey, application).link_expires_at

    assert after_invitation == at(2030, 3, 6, 0, 0)
    assert after_reminder == at(2030, 3, 23, 0, 0)


def test_no_reminder_after_answering_or_after_the_close(monkeypatch, cohort):
    survey = _survey(cohort)
    answered = ApplicationFactory(
        cohort=cohort, status=ApplicationStatus.PARTICIPANT, applicant__time_zone="Asia/Seoul"
    )
    silent = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.PARTICIPANT,
        country="JP",
        applicant__country="JP",
        applicant__time_zone="Asia/Tokyo",
    )
    beat_tick(monkeypatch, at(2030, 3, 1, 0, 0))
    invited = _invitation(survey, answered)
    data = {
        q.pk: "5" if q.kind != "open_text" else ""
        for q in survey_questions_for(survey=survey, country="KR")
    }
    data.update({q.pk: "80" for q in survey.questions.filter(kind="thermometer")})
    survey_response_submit(invitation=invited, data=data, language="en", now=at(2030, 3, 10, 0, 0))

    results = [
        beat_tick(monkeypatch, now)["survey-reminder"]
        for now in (at(2030, 3, 18, 0, 0), at(2030, 3, 20, 15, 0), at(2030, 3, 21, 0, 0))
    ]

    assert results == [1, 0, 0]
    assert keys("survey-reminder:") == [
        f"survey-reminder:{_invitation(survey, silent).pk}:3d:2030-03-21"
    ]


def test_people_invited_after_a_windows_time_get_only_later_windows(monkeypatch, upcoming):
    survey = _survey(upcoming, SurveyKind.PRE_PROGRAM)
    late = ApplicationFactory(
        cohort=upcoming, status=ApplicationStatus.CONFIRMED, applicant__time_zone="Asia/Seoul"
    )
    late.status = ApplicationStatus.WAITLISTED
    late.save()
    beat_tick(monkeypatch, at(2030, 3, 1, 0, 0))
    late.status = ApplicationStatus.CONFIRMED
    late.save()

    results = [
        beat_tick(monkeypatch, now)["survey-reminder"]
        for now in (at(2030, 3, 18, 6, 0), at(2030, 3, 19, 0, 0), at(2030, 3, 20, 0, 0))
    ]

    invited = _invitation(survey, late)
    assert invited.invited_at == at(2030, 3, 18, 6, 0)
    assert results == [0, 0, 1]
    assert keys("survey-reminder:") == [f"survey-reminder:{invited.pk}:1d:2030-03-21"]


def test_no_reminder_for_someone_who_left_the_audience(monkeypatch, cohort):
    _survey(cohort)
    withdrawn = ApplicationFactory(
        cohort=cohort, status=ApplicationStatus.PARTICIPANT, applicant__time_zone="Asia/Seoul"
    )
    beat_tick(monkeypatch, at(2030, 3, 1, 0, 0))
    withdrawn.status = ApplicationStatus.WITHDRAWN
    withdrawn.save()

    result = beat_tick(monkeypatch, at(2030, 3, 18, 0, 0))["survey-reminder"]

    assert result == 0
    assert keys("survey-reminder:") == []


def test_moved_close_gets_fresh_reminders(monkeypatch, cohort):
    survey = _survey(cohort)
    seoul = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.PARTICIPANT,
        applicant__time_zone="Asia/Seoul",
        applicant__preferred_language="ko",
    )
    beat_tick(monkeypatch, at(2030, 3, 1, 0, 0))
    invite = _invitation(survey, seoul)
    beat_tick(monkeypatch, at(2030, 3, 18, 0, 0))  # 09:00 in Seoul, 3 days before
    Survey.objects.filter(pk=survey.pk).update(closes_at=at(2030, 3, 27, 15, 0))

    beat_tick(monkeypatch, at(2030, 3, 25, 0, 0))  # 3 days before the new close
    beat_tick(monkeypatch, at(2030, 3, 25, 0, 15))

    assert sorted(keys("survey-reminder:")) == [
        f"survey-reminder:{invite.pk}:3d:2030-03-21",
        f"survey-reminder:{invite.pk}:3d:2030-03-28",
    ]


def test_pre_program_survey_sends_nothing_once_the_program_has_started(monkeypatch, cohort):
    # The cohort's program starts on 1 February; this survey was scheduled for March.
    survey = _survey(cohort, SurveyKind.PRE_PROGRAM)
    ApplicationFactory(cohort=cohort, status=ApplicationStatus.CONFIRMED)

    ticks = [
        beat_tick(monkeypatch, now)
        for now in (at(2030, 3, 2, 0, 0), at(2030, 3, 18, 0, 0), at(2030, 3, 19, 0, 0))
    ]

    assert [(t["survey-invitation"], t["survey-reminder"]) for t in ticks] == [(0, 0)] * 3
    assert not SurveyInvitation.objects.filter(survey=survey).exists()
