"""The registered beat workflows: draft deadline reminders and referee reminders."""

import datetime as dt
import re

import pytest
from django.conf import settings

from exchanges.enums import ApplicationStatus, MailTemplateKey, RefereeStatus
from exchanges.models import OutgoingMail, RefereeRequest
from exchanges.services import reminders
from exchanges.services.applications import referee_request_for_token
from tests.beat import at, beat_tick
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def reminder_rows(workflow: str) -> list[tuple[str, str, str]]:
    return list(
        OutgoingMail.objects.filter(idempotency_key__startswith=f"{workflow}:")
        .order_by("id")
        .values_list("idempotency_key", "recipient_email", "template_key")
    )


def test_beat_sends_each_draft_window_once_and_nothing_to_submitted(monkeypatch):
    cohort = CohortFactory(deadline=at(2030, 3, 10, 14, 59))
    draft = ApplicationFactory(cohort=cohort, applicant__time_zone="UTC")
    ApplicationFactory(
        cohort=cohort, applicant__time_zone="UTC", status=ApplicationStatus.SUBMITTED
    )
    email = draft.applicant.email

    ticks = [
        at(2030, 3, 3, 8, 45),
        at(2030, 3, 3, 9, 0),
        at(2030, 3, 3, 9, 15),
        at(2030, 3, 5, 12, 0),
        at(2030, 3, 9, 8, 45),
        at(2030, 3, 9, 9, 0),
        at(2030, 3, 9, 9, 15),
        at(2030, 3, 10, 14, 45),
        at(2030, 3, 10, 15, 0),
    ]
    results = [beat_tick(monkeypatch, now)["draft-reminder"] for now in ticks]

    assert results == [0, 1, 0, 0, 0, 1, 0, 0, 0]
    assert reminder_rows("draft-reminder") == [
        (f"draft-reminder:{draft.pk}:7d", email, MailTemplateKey.DRAFT_REMINDER_7D),
        (f"draft-reminder:{draft.pk}:1d", email, MailTemplateKey.DRAFT_REMINDER_1D),
    ]


def test_draft_reminder_is_timed_in_each_applicants_time_zone(monkeypatch):
    # 23:00 UTC is 08:00 on 11 March in Seoul and 16:00 (PDT, DST began that morning) in LA.
    cohort = CohortFactory(deadline=at(2030, 3, 10, 23, 0))
    seoul = ApplicationFactory(
        cohort=cohort, applicant__time_zone="Asia/Seoul", applicant__preferred_language="ko"
    )
    los_angeles = ApplicationFactory(cohort=cohort, applicant__time_zone="America/Los_Angeles")

    def recipients():
        return sorted(OutgoingMail.objects.values_list("idempotency_key", flat=True))

    beat_tick(monkeypatch, at(2030, 3, 3, 16, 45))  # 08:45 PST on 3 March
    assert recipients() == []
    beat_tick(monkeypatch, at(2030, 3, 3, 17, 0))  # 09:00 PST; 02:00 on 4 March in Seoul
    assert recipients() == [f"draft-reminder:{los_angeles.pk}:7d"]
    beat_tick(monkeypatch, at(2030, 3, 3, 23, 45))  # 08:45 in Seoul
    assert recipients() == [f"draft-reminder:{los_angeles.pk}:7d"]
    beat_tick(monkeypatch, at(2030, 3, 4, 0, 0))  # 09:00 in Seoul
    assert recipients() == sorted(
        [f"draft-reminder:{los_angeles.pk}:7d", f"draft-reminder:{seoul.pk}:7d"]
    )

    korean = OutgoingMail.objects.get(idempotency_key=f"draft-reminder:{seoul.pk}:7d")
    english = OutgoingMail.objects.get(idempotency_key=f"draft-reminder:{los_angeles.pk}:7d")
    assert (korean.language, english.language) == ("ko", "en")
    assert "2030년 3월 11일 오전 8:00 (Asia/Seoul)" in korean.text_body
    assert "March 10, 2030, 4 p.m. (America/Los_Angeles)" in english.text_body
    assert f"{settings.SITE_URL}{los_angeles.get_absolute_url()}\n" in english.text_body


def test_draft_reminder_context_uses_plain_values():
    cohort = CohortFactory(deadline=at(2030, 3, 10, 6, 0), name_ja="第9期")
    application = ApplicationFactory(cohort=cohort, applicant__time_zone="Asia/Tokyo")

    context = reminders.draft_reminder_context(application=application, language="ja")

    assert context == {
        "program_name": cohort.program.name_ja,
        "cohort_name": "第9期",
        "application_url": settings.SITE_URL + application.get_absolute_url(),
        "deadline": "2030年3月10日15:00 (Asia/Tokyo)",
    }


def test_no_draft_reminder_for_a_closed_cohort_or_a_draft_started_after_the_window(monkeypatch):
    closed = CohortFactory(deadline=at(2030, 3, 10, 14, 59), status="review")
    ApplicationFactory(cohort=closed, applicant__time_zone="UTC")
    cohort = CohortFactory(deadline=at(2030, 3, 10, 14, 59))
    late = ApplicationFactory(
        cohort=cohort, applicant__time_zone="UTC", created_at=at(2030, 3, 5, 0, 0)
    )

    results = [
        beat_tick(monkeypatch, now)["draft-reminder"]
        for now in (at(2030, 3, 5, 12, 0), at(2030, 3, 9, 9, 0))
    ]

    assert results == [0, 1]
    assert [row[0] for row in reminder_rows("draft-reminder")] == [f"draft-reminder:{late.pk}:1d"]


def make_referee_request(
    *, application, expires_at, status=RefereeStatus.PENDING, email="referee@example.org"
):
    return RefereeRequest.objects.create(
        application=application,
        name="Dr. Sato",
        email=email,
        language="ja",
        token_hash=f"{email:0<64}"[:64],
        expires_at=expires_at,
        status=status,
    )


def test_referee_reminder_once_three_days_before_expiry_with_a_working_link(monkeypatch):
    # The cohort announces in Asia/Seoul: 3 days before 20 March is 17 March 09:00 KST.
    cohort = CohortFactory(deadline=at(2030, 3, 10, 14, 59))
    application = ApplicationFactory(cohort=cohort, status=ApplicationStatus.SUBMITTED)
    pending = make_referee_request(application=application, expires_at=at(2030, 3, 20, 6, 0))
    make_referee_request(
        application=application,
        expires_at=at(2030, 3, 20, 6, 0),
        status=RefereeStatus.RECEIVED,
        email="done@example.org",
    )

    ticks = [
        at(2030, 3, 16, 23, 45),
        at(2030, 3, 17, 0, 0),
        at(2030, 3, 17, 0, 15),
        at(2030, 3, 19, 12, 0),
        at(2030, 3, 20, 6, 0),
    ]
    results = [beat_tick(monkeypatch, now)["referee-reminder"] for now in ticks]

    assert results == [0, 1, 0, 0, 0]
    assert reminder_rows("referee-reminder") == [
        (
            f"referee-reminder:{pending.pk}:3d",
            "referee@example.org",
            MailTemplateKey.REFEREE_REMINDER,
        )
    ]
    mail = OutgoingMail.objects.get(idempotency_key=f"referee-reminder:{pending.pk}:3d")
    assert mail.language == "ja"
    assert "Dr. Sato" in mail.text_body
    assert "2030年3月20日15:00 (Asia/Seoul)" in mail.text_body
    token = re.search(r"/referee/([\w-]+)/", mail.text_body).group(1)
    monkeypatch.undo()
    assert referee_request_for_token(token=token).pk == pending.pk


def test_beat_runs_the_reminder_tick_every_quarter_hour():
    assert settings.CELERY_BEAT_SCHEDULE["exchanges.send_scheduled_reminders"] == {
        "task": "exchanges.send_scheduled_reminders",
        "schedule": 900.0,
    }
    assert set(reminders.reminder_workflows()) == {
        "draft-reminder",
        "referee-reminder",
        "offer-deadline-reminder",
        "offer-lapse",
        "predeparture-reminder",
        "reviewer-nudge",
        "survey-invitation",
        "survey-reminder",
    }
