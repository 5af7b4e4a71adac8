"""The offer beat workflows: deadline reminders (3d, 1d) and lapsing unanswered offers."""

import datetime as dt

import pytest
from django.core import mail

from exchanges.enums import ApplicationStatus, MailTemplateKey
from exchanges.models import ActivityLog, Application, CohortQuota, OutgoingMail
from exchanges.services import offers
from exchanges.services.applications import application_transition
from exchanges.services.offers import offer_extend, offer_lapses
from tests.beat import at, beat_tick, outbox_keys
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus
UTC = dt.UTC
DEADLINE = dt.datetime(2030, 3, 16, 14, 59, 59, tzinfo=UTC)  # 23:59:59 on 16 March in Seoul


def reminder_keys() -> list[str]:
    return outbox_keys("offer-deadline-")


@pytest.fixture
def cohort():
    return CohortFactory(
        time_zone="Asia/Seoul", starts_on=dt.date(2030, 7, 1), with_quota=True, quota__seats=5
    )


OFFERED_AT = dt.datetime(2030, 3, 1, 0, 0, tzinfo=UTC)


def offer(cohort, *, made_at=OFFERED_AT, deadline=DEADLINE, **kwargs):
    return ApplicationFactory(
        cohort=cohort,
        accepted=True,
        offer_respond_by=deadline,
        offer_updated_at=made_at,
        status_changed_at=made_at,
        **kwargs,
    )


def test_reminders_at_nine_in_each_applicants_zone_once_per_window(cohort, monkeypatch):
    seoul = offer(cohort, applicant__time_zone="Asia/Seoul", applicant__preferred_language="ko")
    los_angeles = offer(cohort, applicant__time_zone="America/Los_Angeles")
    confirmed = offer(cohort)
    Application.objects.filter(pk=confirmed.pk).update(status=S.CONFIRMED)

    ticks = [
        at(2030, 3, 12, 23, 45),
        at(2030, 3, 13, 0, 0),  # 09:00 on 13 March in Seoul
        at(2030, 3, 13, 0, 15),
        at(2030, 3, 13, 15, 45),
        at(2030, 3, 13, 16, 0),  # 09:00 PDT on 13 March
        at(2030, 3, 14, 12, 0),
        at(2030, 3, 15, 0, 0),
        at(2030, 3, 15, 16, 0),
        at(2030, 3, 15, 16, 15),
    ]
    results = [beat_tick(monkeypatch, now)["offer-deadline-reminder"] for now in ticks]

    assert results == [0, 1, 0, 0, 1, 0, 1, 1, 0]
    assert reminder_keys() == [
        f"offer-deadline-reminder:{seoul.pk}:3d:2030-03-16",
        f"offer-deadline-reminder:{los_angeles.pk}:3d:2030-03-16",
        f"offer-deadline-reminder:{seoul.pk}:1d:2030-03-16",
        f"offer-deadline-reminder:{los_angeles.pk}:1d:2030-03-16",
    ]
    korean = OutgoingMail.objects.get(idempotency_key__endswith=f":{seoul.pk}:3d:2030-03-16")
    english = OutgoingMail.objects.get(idempotency_key__endswith=f":{los_angeles.pk}:1d:2030-03-16")
    assert (korean.template_key, korean.language) == (MailTemplateKey.OFFER_DEADLINE_REMINDER, "ko")
    assert (
        "2030년 3월 16일 오후 11:59 (Asia/Seoul)까지 참가 여부를 알려 주십시오." in korean.text_body
    )
    assert english.subject == (
        f"Please respond to your offer for {cohort.program.name_en} by "
        "March 16, 2030, 7:59 a.m. (America/Los_Angeles)"
    )


def test_only_latest_window_and_none_for_offers_made_after_it(cohort, monkeypatch):
    missed = offer(cohort)  # 3d due 13 March 09:00 UTC
    late = offer(cohort, made_at=at(2030, 3, 14, 0, 0))  # offered after the 3d time
    last_minute = offer(cohort, made_at=at(2030, 3, 15, 12, 0))  # after the 1d time too

    results = [
        beat_tick(monkeypatch, now)["offer-deadline-reminder"]
        for now in (at(2030, 3, 15, 9, 0), at(2030, 3, 15, 13, 0))
    ]

    assert results == [2, 0]
    assert sorted(reminder_keys()) == sorted(
        [
            f"offer-deadline-reminder:{missed.pk}:1d:2030-03-16",
            f"offer-deadline-reminder:{late.pk}:1d:2030-03-16",
        ]
    )
    assert last_minute.pk not in [int(k.split(":")[1]) for k in reminder_keys()]


def test_extended_deadline_gets_its_own_reminders(cohort, monkeypatch, secretariat):
    application = offer(cohort)
    assert beat_tick(monkeypatch, at(2030, 3, 15, 9, 0))["offer-deadline-reminder"] == 1

    offer_extend(application=application, respond_by_date=dt.date(2030, 3, 20), actor=secretariat)
    results = [
        beat_tick(monkeypatch, now)["offer-deadline-reminder"]
        for now in (
            at(2030, 3, 15, 9, 15),
            at(2030, 3, 17, 9, 0),
            at(2030, 3, 17, 9, 15),
            at(2030, 3, 19, 9, 0),
        )
    ]

    assert results == [0, 1, 0, 1]
    assert reminder_keys() == [
        f"offer-deadline-reminder:{application.pk}:1d:2030-03-16",
        f"offer-deadline-reminder:{application.pk}:3d:2030-03-20",
        f"offer-deadline-reminder:{application.pk}:1d:2030-03-20",
    ]


# --- Lapse -----------------------------------------------------------------------------------


def test_lapse_declines_past_deadline_once_and_promotes_next(
    cohort, monkeypatch, django_capture_on_commit_callbacks
):
    CohortQuota.objects.filter(cohort=cohort).update(seats=1)
    lapsing = offer(cohort, applicant__time_zone="America/Los_Angeles")
    waiting = ApplicationFactory(
        cohort=cohort, status=S.UNDER_REVIEW, applicant__preferred_language="ko"
    )
    application_transition(application=waiting, to_status=S.WAITLISTED, actor=None)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        before = beat_tick(monkeypatch, at(2030, 3, 16, 14, 59, 58))["offer-lapse"]
        first = beat_tick(monkeypatch, at(2030, 3, 16, 15, 0))["offer-lapse"]
        again = beat_tick(monkeypatch, at(2030, 3, 16, 15, 15))["offer-lapse"]

    assert (before, first, again) == (0, 1, 0)
    lapsing.refresh_from_db()
    waiting.refresh_from_db()
    assert (lapsing.status, waiting.status) == (S.DECLINED, S.ACCEPTED)
    # Promoted at 00:00 on 17 March in Seoul: 14 days from then.
    assert waiting.offer_respond_by == at(2030, 3, 31, 14, 59, 59)
    entry = ActivityLog.objects.get(
        object_id=lapsing.pk, action_type="exchanges.application.declined"
    )
    assert (entry.actor, entry.data) == (
        None,
        {"from": "accepted", "to": "declined", "reason": "lapsed"},
    )
    # The first tick (1d window) also reminded the applicant; the lapse mails come after.
    assert [(m.to[0], m.subject) for m in mail.outbox][1:] == [
        (lapsing.applicant.email, f"Your offer has expired: {cohort.program.name_en}"),
        (waiting.applicant.email, f"{cohort.program.name_ko} 참가 기회가 생겼습니다"),
    ]
    assert (
        "did not receive your answer by the deadline (March 16, 2030, 7:59 a.m. "
        "(America/Los_Angeles))"
    ) in mail.outbox[1].body


def test_lapse_skips_answered_extended_and_open_offers(cohort, secretariat):
    confirmed = offer(cohort)
    Application.objects.filter(pk=confirmed.pk).update(status=S.CONFIRMED)
    extended = offer(cohort)
    Application.objects.filter(pk=extended.pk).update(offer_respond_by=at(2030, 3, 20))
    undated = offer(cohort, deadline=None)

    assert offer_lapses(at(2030, 3, 17, 0, 0)) == 0
    assert list(
        Application.objects.filter(pk__in=[confirmed.pk, extended.pk, undated.pk])
        .order_by("id")
        .values_list("status", flat=True)
    ) == [S.CONFIRMED, S.ACCEPTED, S.ACCEPTED]


def test_one_failing_lapse_does_not_stop_the_rest(cohort, monkeypatch):
    broken = offer(cohort)
    fine = offer(cohort)

    real = offers.application_transition

    def transition(*, application, **kwargs):
        if application.pk == broken.pk:
            raise RuntimeError("boom")
        return real(application=application, **kwargs)

    monkeypatch.setattr(offers, "application_transition", transition)

    assert offer_lapses(at(2030, 3, 17, 0, 0)) == 1
    assert list(
        Application.objects.filter(pk__in=[broken.pk, fine.pk])
        .order_by("id")
        .values_list("status", flat=True)
    ) == [S.ACCEPTED, S.DECLINED]
