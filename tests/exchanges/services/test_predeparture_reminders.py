"""The ``predeparture-reminder`` beat workflow, run through the beat task with a frozen clock.

The cohort is hosted in Seoul and starts on 6 July 2030: departure is 00:00 KST on 6 July, which
is 15:00 UTC and 08:00 PDT on 5 July. A participant in Los Angeles is therefore reminded at
09:00 PDT (16:00 UTC) on 5 June (30 days), 21 June (14), 28 June (7) and 2 July (3).
"""

import datetime as dt

import pytest
from django.conf import settings

from exchanges.enums import ApplicationStatus, MailTemplateKey, PredepartureSection
from exchanges.models import OutgoingMail
from exchanges.services.predeparture import predeparture_section_save
from tests.beat import at, outbox_keys
from tests.beat import beat_tick as run_beat
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.predeparture import ChecklistFactory, complete_values

pytestmark = pytest.mark.django_db

WORKFLOW = "predeparture-reminder"


def beat_tick(monkeypatch, now: dt.datetime) -> int:
    return run_beat(monkeypatch, now)[WORKFLOW]


def keys() -> list[str]:
    return outbox_keys(f"{WORKFLOW}:")


@pytest.fixture
def seoul(db):
    return CohortFactory(
        opens_at=at(2030, 1, 1),
        deadline=at(2030, 3, 1),
        time_zone="Asia/Seoul",
        starts_on=dt.date(2030, 7, 6),
        ends_on=dt.date(2030, 7, 26),
        name_en="2030 Summer, Seoul",
    )


@pytest.fixture
def los_angeles(seoul):
    application = ApplicationFactory(
        cohort=seoul,
        from_country="US",
        status=ApplicationStatus.CONFIRMED,
        applicant__time_zone="America/Los_Angeles",
        applicant__preferred_language="en",
    )
    application.status_changed_at = at(2030, 5, 1)
    application.save(update_fields=["status_changed_at"])
    return application


def test_each_window_is_sent_once_at_nine_in_the_participants_morning(monkeypatch, los_angeles):
    ticks = [
        at(2030, 6, 5, 15, 45),
        at(2030, 6, 5, 16, 0),
        at(2030, 6, 5, 16, 15),  # 30 days
        at(2030, 6, 12, 12, 0),
        at(2030, 6, 21, 15, 59),
        at(2030, 6, 21, 16, 0),
        at(2030, 6, 21, 16, 15),  # 14 days
        at(2030, 6, 28, 16, 0),
        at(2030, 6, 28, 16, 15),  # 7 days
        at(2030, 7, 2, 15, 45),
        at(2030, 7, 2, 16, 0),
        at(2030, 7, 2, 16, 15),  # 3 days
        at(2030, 7, 5, 14, 45),
        at(2030, 7, 5, 15, 0),
        at(2030, 7, 6, 9, 0),  # departure
    ]

    results = [beat_tick(monkeypatch, now) for now in ticks]

    assert results == [0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0]
    assert keys() == [
        f"{WORKFLOW}:{los_angeles.pk}:{window}" for window in ("30d", "14d", "7d", "3d")
    ]


def test_participants_are_reminded_in_their_own_time_zone(monkeypatch, seoul, los_angeles):
    in_seoul = ApplicationFactory(
        cohort=seoul,
        from_country="KR",
        status=ApplicationStatus.CONFIRMED,
        applicant__time_zone="Asia/Seoul",
        applicant__preferred_language="ko",
    )
    in_seoul.status_changed_at = at(2030, 5, 1)
    in_seoul.save(update_fields=["status_changed_at"])

    beat_tick(monkeypatch, at(2030, 6, 5, 16, 0))  # 09:00 PDT; 01:00 on 6 June in Seoul
    after_los_angeles = keys()
    beat_tick(monkeypatch, at(2030, 6, 5, 23, 59))  # 08:59 in Seoul
    before_seoul = keys()
    beat_tick(monkeypatch, at(2030, 6, 6, 0, 0))  # 09:00 in Seoul

    assert after_los_angeles == [f"{WORKFLOW}:{los_angeles.pk}:30d"]
    assert before_seoul == after_los_angeles
    assert keys() == [f"{WORKFLOW}:{los_angeles.pk}:30d", f"{WORKFLOW}:{in_seoul.pk}:30d"]
    assert (
        OutgoingMail.objects.get(idempotency_key=f"{WORKFLOW}:{in_seoul.pk}:30d").language == "ko"
    )


def test_repeated_runs_at_the_same_time_send_once(monkeypatch, los_angeles):
    results = [beat_tick(monkeypatch, at(2030, 6, 21, 16, 0)) for _run in range(3)]

    assert results == [1, 0, 0]
    assert keys() == [f"{WORKFLOW}:{los_angeles.pk}:14d"]


def test_no_reminder_once_the_checklist_is_complete(monkeypatch, seoul, los_angeles):
    ChecklistFactory(
        application=los_angeles, completed_at=at(2030, 5, 20), **complete_values(seoul)
    )

    results = [
        beat_tick(monkeypatch, now)
        for now in (at(2030, 6, 5, 16, 0), at(2030, 6, 21, 16, 0), at(2030, 7, 2, 16, 0))
    ]

    assert results == [0, 0, 0]
    assert keys() == []


def test_reminders_stop_when_the_last_section_is_saved(monkeypatch, seoul, los_angeles):
    values = complete_values(seoul)
    values.pop("visa_status")
    ChecklistFactory(application=los_angeles, **values)
    beat_tick(monkeypatch, at(2030, 6, 5, 16, 0))

    predeparture_section_save(
        application=los_angeles,
        section=PredepartureSection.VISA,
        values={"visa_status": "not_needed"},
        actor=los_angeles.applicant,
    )
    later = beat_tick(monkeypatch, at(2030, 6, 21, 16, 0))

    assert later == 0
    assert keys() == [f"{WORKFLOW}:{los_angeles.pk}:30d"]


def test_only_the_latest_window_after_a_pause_and_none_from_before_confirmation(
    monkeypatch, seoul, los_angeles
):
    late = ApplicationFactory(
        cohort=seoul,
        from_country="JP",
        status=ApplicationStatus.CONFIRMED,
        applicant__time_zone="Asia/Tokyo",
    )
    late.status_changed_at = at(2030, 6, 25, 3, 0)  # confirmed after the 14-day reminder
    late.save(update_fields=["status_changed_at"])

    beat_tick(monkeypatch, at(2030, 6, 25, 12, 0))  # beat was down since 1 June
    after_pause = keys()
    beat_tick(monkeypatch, at(2030, 6, 28, 16, 0))  # 09:00 in Los Angeles
    beat_tick(monkeypatch, at(2030, 6, 29, 0, 0))  # 09:00 in Tokyo

    assert after_pause == [f"{WORKFLOW}:{los_angeles.pk}:14d"]
    assert keys() == [
        f"{WORKFLOW}:{los_angeles.pk}:14d",
        f"{WORKFLOW}:{los_angeles.pk}:7d",
        f"{WORKFLOW}:{late.pk}:7d",
    ]


@pytest.mark.parametrize(
    "status", [ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN]
)
def test_no_reminder_unless_confirmed(monkeypatch, seoul, status):
    application = ApplicationFactory(cohort=seoul, from_country="US", status=status)
    application.status_changed_at = at(2030, 5, 1)
    application.save(update_fields=["status_changed_at"])

    assert beat_tick(monkeypatch, at(2030, 6, 21, 16, 0)) == 0


def test_participants_get_reminded_too(monkeypatch, seoul):
    application = ApplicationFactory(
        cohort=seoul,
        from_country="US",
        status=ApplicationStatus.PARTICIPANT,
        applicant__time_zone="America/Los_Angeles",
    )
    application.status_changed_at = at(2030, 5, 1)
    application.save(update_fields=["status_changed_at"])

    assert beat_tick(monkeypatch, at(2030, 7, 2, 16, 0)) == 1


def test_reminder_names_what_is_missing_in_the_recipients_language(monkeypatch, seoul, los_angeles):
    values = complete_values(seoul)
    for field in ("visa_status", "emergency_name"):
        values.pop(field)
    ChecklistFactory(application=los_angeles, **values)

    beat_tick(monkeypatch, at(2030, 6, 21, 16, 0))

    mail = OutgoingMail.objects.get()
    assert (mail.recipient_email, mail.template_key, mail.language) == (
        los_angeles.applicant.email,
        MailTemplateKey.PREDEPARTURE_REMINDER,
        "en",
    )
    assert mail.subject == f"{seoul.program.name_en} starts in 14 days"
    assert (
        f"{seoul.program.name_en} (2030 Summer, Seoul) begins on July 6, 2030, in 14 days."
    ) in mail.text_body
    assert "Still to complete: Visa, Emergency contact\n" in mail.text_body
    assert (
        f"Open your checklist: {settings.SITE_URL}/applications/{los_angeles.pk}/predeparture/\n"
    ) in mail.text_body
