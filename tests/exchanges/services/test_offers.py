"""Offers: deadlines, quotas, waiting lists, promotion, the applicant's answer, staff changes."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from exchanges.enums import ApplicationStatus, WaitlistPolicy
from exchanges.exceptions import (
    DeadlinePassed,
    ExchangeError,
    InvalidTransition,
    QuotaExceeded,
    QuotaMissing,
    WaitlistFull,
)
from exchanges.models import ActivityLog, Application, CohortQuota, OutgoingMail
from exchanges.services.applications import application_transition, application_withdraw
from exchanges.services.offers import offer_extend, offer_respond
from exchanges.services.waitlists import (
    offer_respond_by_for,
    offer_respond_by_on,
    waitlist_promote_next,
)
from tests.beat import at
from tests.factories.applications import ApplicationFactory, CohortFactory, CohortQuotaFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus
ACCEPTED_LOG = "exchanges.application.accepted"


@pytest.fixture
def cohort():
    return CohortFactory(
        time_zone="Asia/Seoul",
        offer_response_days=14,
        starts_on=dt.date(2030, 7, 1),
        with_quota=True,
        quota__seats=1,
        quota__waitlist_size=3,
    )


def positions(cohort) -> list[tuple[int, int]]:
    return list(
        Application.objects.filter(cohort=cohort, status=S.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("pk", "waitlist_position")
    )


def waitlist(cohort, count, **kwargs) -> list[Application]:
    people = []
    for _index in range(count):
        application = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW, **kwargs)
        application_transition(application=application, to_status=S.WAITLISTED, actor=None)
        people.append(application)
    return people


# --- Deadlines -------------------------------------------------------------------------------


def test_offer_deadline_is_end_of_day_in_cohort_zone_after_response_days():
    cohort = CohortFactory(
        time_zone="Asia/Seoul", offer_response_days=14, starts_on=dt.date(2030, 7, 1)
    )

    # 16:00 UTC on 1 March is 01:00 on 2 March in Seoul: days count from 2 March.
    deadline = offer_respond_by_for(cohort=cohort, decided_at=at(2030, 3, 1, 16, 0))

    assert deadline == at(2030, 3, 16, 14, 59, 59)
    assert deadline.tzinfo.key == "Asia/Seoul"
    assert offer_respond_by_on(cohort=cohort, day=dt.date(2030, 3, 20)) == at(
        2030, 3, 20, 14, 59, 59
    )


def test_accepted_email_shows_deadline_in_applicant_zone_and_language(
    cohort, monkeypatch, django_capture_on_commit_callbacks
):
    los_angeles = ApplicationFactory(
        cohort=cohort, status=S.UNDER_REVIEW, applicant__time_zone="America/Los_Angeles"
    )
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 3, 1, 16, 0))

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=los_angeles, to_status=S.ACCEPTED, actor=None)

    los_angeles.refresh_from_db()
    assert los_angeles.offer_respond_by == at(2030, 3, 16, 14, 59, 59)
    assert los_angeles.offer_updated_at == at(2030, 3, 1, 16, 0)
    assert [m.to for m in mail.outbox] == [[los_angeles.applicant.email]]
    assert (
        "Please confirm whether you accept your place by March 16, 2030, 7:59 a.m. "
        "(America/Los_Angeles)."
    ) in mail.outbox[0].body


def test_korean_accepted_email_shows_seoul_time(
    cohort, monkeypatch, django_capture_on_commit_callbacks
):
    seoul = ApplicationFactory(
        cohort=cohort,
        status=S.UNDER_REVIEW,
        applicant__time_zone="Asia/Seoul",
        applicant__preferred_language="ko",
    )
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 3, 1, 16, 0))

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=seoul, to_status=S.ACCEPTED, actor=None)

    assert "2030년 3월 16일 오후 11:59 (Asia/Seoul)" in mail.outbox[0].body


# --- Quotas ----------------------------------------------------------------------------------


def test_offer_refused_without_quota_row_and_nothing_changes():
    application = ApplicationFactory(status=S.UNDER_REVIEW, country="JP")
    CohortQuotaFactory(cohort=application.cohort, seats=5)

    with pytest.raises(QuotaMissing) as error:
        application_transition(application=application, to_status=S.ACCEPTED, actor=None)

    assert str(error.value.message) == (
        "No seats are set for Japan in this cohort, so no offer can be made. "
        "Add a quota for Japan first."
    )
    application.refresh_from_db()
    assert (application.status, application.offer_respond_by) == (S.UNDER_REVIEW, None)
    assert ActivityLog.objects.count() == 0


@pytest.mark.parametrize("holding", [S.ACCEPTED, S.CONFIRMED, S.PARTICIPANT, S.ALUMNUS])
def test_offer_refused_when_seats_are_filled(holding):
    cohort = CohortFactory(with_quota=True, quota__seats=2)
    ApplicationFactory(cohort=cohort, status=holding)
    ApplicationFactory(cohort=cohort, status=S.CONFIRMED)
    candidate = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)

    with pytest.raises(QuotaExceeded) as error:
        application_transition(application=candidate, to_status=S.ACCEPTED, actor=None)

    assert str(error.value.message) == (
        "All 2 seats for South Korea are taken (offers out and accepted)."
    )
    candidate.refresh_from_db()
    assert candidate.status == S.UNDER_REVIEW


def test_declined_withdrawn_and_other_countries_do_not_take_seats():
    cohort = CohortFactory(with_quota=True, quota__seats=1)
    for status in (S.DECLINED, S.WITHDRAWN, S.REJECTED, S.WAITLISTED):
        ApplicationFactory(cohort=cohort, status=status)
    ApplicationFactory(cohort=cohort, status=S.CONFIRMED, country="JP")
    candidate = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)

    application_transition(application=candidate, to_status=S.ACCEPTED, actor=None)

    assert candidate.status == S.ACCEPTED


# --- Waiting list ----------------------------------------------------------------------------


def test_waitlist_positions_are_numbered_and_close_up(cohort):
    first, second, third = waitlist(cohort, 3)

    assert positions(cohort) == [(first.pk, 1), (second.pk, 2), (third.pk, 3)]

    application_transition(application=second, to_status=S.REJECTED, actor=None)

    assert positions(cohort) == [(first.pk, 1), (third.pk, 2)]
    second.refresh_from_db()
    assert second.waitlist_position is None


def test_waitlist_limited_by_quota_size(cohort):
    waitlist(cohort, 3)
    fourth = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)

    with pytest.raises(WaitlistFull) as error:
        application_transition(application=fourth, to_status=S.WAITLISTED, actor=None)

    assert str(error.value.message) == (
        "The waiting list for South Korea is full (3 places). Reject the application or make "
        "the waiting list longer."
    )
    fourth.refresh_from_db()
    assert (fourth.status, fourth.waitlist_position) == (S.UNDER_REVIEW, None)


def test_waitlist_size_zero_means_unlimited_and_no_quota_row_still_numbers():
    cohort = CohortFactory(with_quota=True, quota__seats=1, quota__waitlist_size=0)
    people = waitlist(cohort, 4)
    japanese = waitlist(cohort, 2, country="JP")  # no JP quota row

    assert [p for _pk, p in positions(cohort)] == [1, 1, 2, 2, 3, 4]
    assert [Application.objects.get(pk=a.pk).waitlist_position for a in people + japanese] == [
        1,
        2,
        3,
        4,
        1,
        2,
    ]


def test_waitlisted_email_carries_position(cohort, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        waitlist(cohort, 2)

    assert [m.body.count("(position 2)") for m in mail.outbox] == [0, 1]


# --- Promotion -------------------------------------------------------------------------------


def test_decline_promotes_first_waitlisted_in_their_language_and_renumbers(
    cohort, monkeypatch, django_capture_on_commit_callbacks
):
    offered = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 3, 1, 3, 0))
    application_transition(application=offered, to_status=S.ACCEPTED, actor=None)
    first = waitlist(
        cohort,
        1,
        applicant__preferred_language="ja",
        applicant__time_zone="Asia/Tokyo",
        applicant__local_name="田中結衣",
    )[0]
    second, third = waitlist(cohort, 2)
    mail.outbox.clear()
    OutgoingMail.objects.all().delete()
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 3, 5, 3, 0))

    with django_capture_on_commit_callbacks(execute=True):
        offer_respond(
            application=offered, actor=offered.applicant, accept=False, reason="Another commitment"
        )

    first.refresh_from_db()
    assert (offered.status, first.status) == (S.DECLINED, S.ACCEPTED)
    assert first.offer_respond_by == at(2030, 3, 19, 14, 59, 59)
    assert first.waitlist_position is None
    assert positions(cohort) == [(second.pk, 1), (third.pk, 2)]
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        (offered.applicant.email, f"You have declined your place: {cohort.program.name_en}"),
        (first.applicant.email, f"{cohort.program.name_ja}の参加枠をご案内いたします"),
    ]
    assert OutgoingMail.objects.get(user=first.applicant).template_key == "waitlist_promoted"
    assert (
        "2030年3月19日23:59 (Asia/Tokyo)までに参加の可否をご回答ください。" in mail.outbox[1].body
    )
    entry = ActivityLog.objects.get(object_id=first.pk, action_type=ACCEPTED_LOG)
    assert (entry.actor, entry.data) == (
        None,
        {
            "from": "waitlisted",
            "to": "accepted",
            "reason": "promoted",
            "policy": "automatic",
            "waitlist_position": 1,
            "freed_by": offered.pk,
            "respond_by": "2030-03-19T14:59:59+00:00",
        },
    )


@pytest.mark.parametrize("holding", [S.ACCEPTED, S.CONFIRMED])
def test_withdrawal_of_a_seat_promotes(cohort, holding):
    holder = ApplicationFactory(cohort=cohort, status=holding)
    first = waitlist(cohort, 1)[0]

    application_withdraw(application=holder, actor=holder.applicant)

    first.refresh_from_db()
    assert first.status == S.ACCEPTED


def test_no_promotion_while_seats_are_still_full(cohort):
    CohortQuota.objects.filter(cohort=cohort).update(seats=1)
    ApplicationFactory(cohort=cohort, status=S.CONFIRMED)
    extra = ApplicationFactory(cohort=cohort, status=S.CONFIRMED)  # over a lowered quota
    first = waitlist(cohort, 1)[0]

    application_withdraw(application=extra, actor=extra.applicant)

    first.refresh_from_db()
    assert (first.status, first.waitlist_position) == (S.WAITLISTED, 1)


def test_manual_policy_waits_for_staff_to_promote(cohort, secretariat):
    cohort.waitlist_policy = WaitlistPolicy.MANUAL
    cohort.save()
    offered = ApplicationFactory(cohort=cohort, status=S.ACCEPTED)
    first, second = waitlist(cohort, 2)

    offer_respond(application=offered, actor=offered.applicant, accept=False)

    assert positions(cohort) == [(first.pk, 1), (second.pk, 2)]

    promoted = waitlist_promote_next(cohort=cohort, country="KR", actor=secretariat)

    assert promoted.pk == first.pk
    assert positions(cohort) == [(second.pk, 1)]
    entry = ActivityLog.objects.get(object_id=first.pk, action_type=ACCEPTED_LOG)
    assert (entry.actor, entry.data["reason"], entry.data["policy"]) == (
        secretariat,
        "promoted",
        "manual",
    )
    with pytest.raises(QuotaExceeded):
        waitlist_promote_next(cohort=cohort, country="KR", actor=secretariat)


def test_manual_promotion_with_empty_waitlist_or_no_quota(cohort, secretariat):
    with pytest.raises(ExchangeError) as error:
        waitlist_promote_next(cohort=cohort, country="KR", actor=secretariat)
    assert str(error.value.message) == "Nobody is on the waiting list for this country."

    with pytest.raises(QuotaMissing):
        waitlist_promote_next(cohort=cohort, country="JP", actor=secretariat)


# --- The applicant's answer ------------------------------------------------------------------


def test_accept_twice_is_safe_and_then_decline_is_refused(
    cohort, django_capture_on_commit_callbacks
):
    offered = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)
    application_transition(application=offered, to_status=S.ACCEPTED, actor=None)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        offer_respond(application=offered, actor=offered.applicant, accept=True)
        offer_respond(application=offered, actor=offered.applicant, accept=True)

    assert offered.status == S.CONFIRMED
    assert ActivityLog.objects.filter(action_type="exchanges.application.confirmed").count() == 1
    assert len(mail.outbox) == 1
    with pytest.raises(InvalidTransition):
        offer_respond(application=offered, actor=offered.applicant, accept=False)


def test_answer_after_deadline_refused(cohort, monkeypatch):
    offered = ApplicationFactory(
        cohort=cohort, accepted=True, offer_respond_by=at(2030, 3, 16, 14, 59, 59)
    )
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 3, 16, 15, 0))

    with pytest.raises(DeadlinePassed) as error:
        offer_respond(application=offered, actor=offered.applicant, accept=True)

    assert str(error.value.message) == (
        "The deadline to answer this offer (March 16, 2030, 2:59 p.m.) has passed."
    )
    offered.refresh_from_db()
    assert offered.status == S.ACCEPTED


# --- Staff deadline changes ------------------------------------------------------------------


def test_extend_sets_end_of_day_in_cohort_zone_and_logs(cohort, secretariat, monkeypatch):
    offered = ApplicationFactory(
        cohort=cohort, accepted=True, offer_respond_by=at(2030, 3, 16, 14, 59, 59)
    )
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 3, 10, 0, 0))

    offer_extend(application=offered, respond_by_date=dt.date(2030, 3, 20), actor=secretariat)

    offered.refresh_from_db()
    assert (offered.offer_respond_by, offered.offer_updated_at) == (
        at(2030, 3, 20, 14, 59, 59),
        at(2030, 3, 10, 0, 0),
    )
    entry = ActivityLog.objects.get(action_type="exchanges.application.offer_deadline_changed")
    assert (entry.actor, entry.data) == (
        secretariat,
        {"from": "2030-03-16T14:59:59+00:00", "to": "2030-03-20T14:59:59+00:00"},
    )


@pytest.mark.parametrize(
    "case",
    [
        (
            "en",
            "America/Los_Angeles",
            "More time to answer your offer",
            "March 20, 2030, 7:59 a.m. (America/Los_Angeles)",
        ),
        (
            "ko",
            "Asia/Seoul",
            "참가 제안의 회신 기한이 연장되었습니다",
            "2030년 3월 20일 오후 11:59 (Asia/Seoul)",
        ),
    ],
)
def test_extend_emails_the_new_deadline_in_the_applicants_language(
    cohort, secretariat, monkeypatch, case
):
    language, time_zone, subject, deadline_text = case
    offered = ApplicationFactory(
        cohort=cohort,
        accepted=True,
        offer_respond_by=at(2030, 3, 16, 14, 59, 59),
        applicant__preferred_language=language,
        applicant__time_zone=time_zone,
    )
    OutgoingMail.objects.all().delete()
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 3, 10, 0, 0))

    offer_extend(application=offered, respond_by_date=dt.date(2030, 3, 20), actor=secretariat)

    sent = OutgoingMail.objects.get()
    assert (sent.recipient_email, sent.language, sent.template_key) == (
        offered.applicant.email,
        language,
        "application_offer_extended",
    )
    assert sent.subject.startswith(subject)
    assert deadline_text in sent.text_body


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2030, 3, 9), "The new deadline must be in the future."),
        (dt.date(2030, 3, 10), "The new deadline must be in the future."),
    ],
)
def test_extend_refuses_past_deadlines(cohort, secretariat, monkeypatch, day, message):
    offered = ApplicationFactory(
        cohort=cohort, accepted=True, offer_respond_by=at(2030, 3, 16, 14, 59, 59)
    )
    # 15:00 UTC on 10 March is already 11 March in Seoul.
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 3, 10, 15, 0))

    with pytest.raises(ExchangeError) as error:
        offer_extend(application=offered, respond_by_date=day, actor=secretariat)

    assert str(error.value.message) == message
    offered.refresh_from_db()
    assert offered.offer_respond_by == at(2030, 3, 16, 14, 59, 59)


def test_extend_refuses_after_program_start_and_without_offer(cohort, secretariat):
    offered = ApplicationFactory(cohort=cohort, status=S.ACCEPTED)

    with pytest.raises(ExchangeError) as error:
        offer_extend(application=offered, respond_by_date=cohort.starts_on, actor=secretariat)
    assert str(error.value.message).startswith("The new deadline must be before the program")

    confirmed = ApplicationFactory(cohort=cohort, status=S.CONFIRMED)
    with pytest.raises(InvalidTransition):
        offer_extend(
            application=confirmed,
            actor=secretariat,
            respond_by_date=timezone.localdate() + dt.timedelta(days=3),
        )


def test_late_offer_deadline_is_capped_at_the_day_before_the_program():
    cohort = CohortFactory(
        time_zone="Asia/Seoul", offer_response_days=14, starts_on=dt.date(2030, 3, 10)
    )

    late = offer_respond_by_for(cohort=cohort, decided_at=at(2030, 3, 1, 0, 0))
    eve = offer_respond_by_for(cohort=cohort, decided_at=at(2030, 3, 9, 3, 0))

    assert (late, eve) == (at(2030, 3, 9, 14, 59, 59), at(2030, 3, 9, 14, 59, 59))


def test_no_automatic_promotion_once_the_program_has_started(cohort, monkeypatch):
    offered = ApplicationFactory(
        cohort=cohort, accepted=True, offer_respond_by=at(2030, 6, 30, 14, 59, 59)
    )
    (waiting,) = waitlist(cohort, 1)
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 6, 30, 15, 0))  # 1 July in Seoul

    application_transition(application=offered, to_status=S.DECLINED, actor=None)

    waiting.refresh_from_db()
    assert (waiting.status, waiting.waitlist_position) == (S.WAITLISTED, 1)
