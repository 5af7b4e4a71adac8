"""Reviewer emails: the assignment email in each language and the ``reviewer-nudge`` workflow
(3 days before the review due date and once overdue, at 09:00 in each reviewer's zone)."""

import datetime as dt

import pytest
from django.conf import settings

from exchanges.enums import MailTemplateKey, ReviewAssignmentStatus
from exchanges.models import CohortReviewSettings, OutgoingMail, ReviewAssignment
from exchanges.services import reviews
from exchanges.services.reviews import review_assign_automatically, review_pool_add
from tests.beat import at, beat_tick, outbox_keys
from tests.factories import ReviewerFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.reviews import ReviewSettingsFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# 23:59 on 10 March 2030 in Seoul; 07:59 that morning in Los Angeles (DST began at 02:00).
DUE = dt.datetime(2030, 3, 10, 14, 59, tzinfo=UTC)


def nudge_keys() -> list[str]:
    return outbox_keys("reviewer-nudge:")


# --- Assignment email -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "person", "subject", "lines"),
    [
        (
            "en",
            ("", "America/Los_Angeles"),
            "New applications to review for Leaders",
            [
                "Dear Grace Lee,",
                "You have been assigned 2 application(s) to review for Leaders (Spring).",
                "Please complete your reviews by March 10, 2030, 7:59 a.m. (America/Los_Angeles).",
                f"Open your reviews: {settings.SITE_URL}/review/?cohort=",
            ],
        ),
        (
            "ja",
            ("李恵", "Asia/Tokyo"),
            "リーダー交流の審査をお願いいたします",
            [
                "李恵 様",
                "リーダー交流（春期）の応募書類2件の審査をご担当いただくことになりました。",
                "2030年3月10日23:59 (Asia/Tokyo)までに審査を完了していただけますよう"
                "お願いいたします。",
                f"審査ページを開く: {settings.SITE_URL}/review/?cohort=",
            ],
        ),
        (
            "ko",
            ("이은혜", "Asia/Seoul"),
            "리더 교류 심사를 부탁드립니다",
            [
                "이은혜님, 안녕하십니까.",
                "리더 교류(봄 기수) 지원서 2건의 심사가 배정되었습니다.",
                "2030년 3월 10일 오후 11:59 (Asia/Seoul)까지 심사를 완료해 주시기 바랍니다.",
                f"심사 페이지 열기: {settings.SITE_URL}/review/?cohort=",
            ],
        ),
    ],
)
def test_assignment_email_in_the_reviewers_language(secretariat, language, person, subject, lines):
    local_name, zone = person
    cohort = CohortFactory(
        program__name_en="Leaders",
        program__name_ja="リーダー交流",
        program__name_ko="리더 교류",
        name_en="Spring",
        name_ja="春期",
        name_ko="봄 기수",
    )
    ReviewSettingsFactory(cohort=cohort, due_at=DUE)
    reviewer = ReviewerFactory(
        given_name="Grace",
        family_name="Lee",
        local_name=local_name,
        preferred_language=language,
        time_zone=zone,
    )
    review_pool_add(cohort=cohort, reviewer=reviewer, actor=secretariat)
    ApplicationFactory(cohort=cohort, submitted=True)
    ApplicationFactory(cohort=cohort, submitted=True)

    review_assign_automatically(cohort=cohort, per_application=1, actor=secretariat)

    mail = OutgoingMail.objects.get(template_key=MailTemplateKey.REVIEWER_ASSIGNED)
    assert (mail.language, mail.recipient_email, mail.subject) == (
        language,
        reviewer.email,
        subject,
    )
    body = [line for line in mail.text_body.splitlines() if line]
    assert body[:3] == lines[:3]
    assert body[3] == f"{lines[3]}{cohort.pk}"
    assert f"{settings.SITE_URL}/review/?cohort={cohort.pk}" in mail.html_body


def test_assignment_email_is_written_in_the_same_transaction(
    secretariat, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort, due_at=DUE)
    reviewer = ReviewerFactory()
    review_pool_add(cohort=cohort, reviewer=reviewer, actor=secretariat)
    ApplicationFactory(cohort=cohort, submitted=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = review_assign_automatically(cohort=cohort, per_application=1, actor=secretariat)
        assert (
            OutgoingMail.objects.filter(
                idempotency_key=f"reviewer-assigned:{result.batch}:{reviewer.pk}"
            ).count()
            == 1
        )

    assert len(callbacks) == 1  # the dispatch waits for the commit


# --- Nudges ---------------------------------------------------------------------------------


@pytest.fixture
def nudge_cohort(secretariat):
    """A cohort due on 10 March 2030 with a Seoul reviewer (2 pending) and a Los Angeles
    reviewer (1 pending), assigned on 1 March."""
    cohort = CohortFactory(deadline=at(2030, 2, 1), opens_at=at(2030, 1, 1), status="review")
    ReviewSettingsFactory(cohort=cohort, due_at=DUE)
    seoul = ReviewerFactory(time_zone="Asia/Seoul", preferred_language="ko", local_name="박서연")
    los_angeles = ReviewerFactory(
        time_zone="America/Los_Angeles", given_name="Grace", family_name="Lee"
    )
    members = {}
    for reviewer in (seoul, los_angeles):
        members[reviewer.pk] = review_pool_add(cohort=cohort, reviewer=reviewer, actor=secretariat)
    for reviewer, count in ((seoul, 2), (los_angeles, 1)):
        for _ in range(count):
            ReviewAssignment.objects.create(
                cohort=cohort,
                application=ApplicationFactory(
                    cohort=cohort, submitted=True, status="under_review"
                ),
                reviewer=reviewer,
                assigned_at=at(2030, 3, 1),
            )
    return {"cohort": cohort, "seoul": members[seoul.pk], "la": members[los_angeles.pk]}


def test_nudges_are_due_at_nine_local_once_per_window(monkeypatch, nudge_cohort):
    seoul, la = nudge_cohort["seoul"].pk, nudge_cohort["la"].pk
    ticks = [
        (at(2030, 3, 6, 23, 45), []),  # 08:45 in Seoul
        (at(2030, 3, 7, 0, 0), [f"reviewer-nudge:{seoul}:3d:2030-03-10"]),  # 09:00 in Seoul
        (at(2030, 3, 7, 0, 15), []),
        (at(2030, 3, 7, 16, 45), []),  # 08:45 PST
        (at(2030, 3, 7, 17, 0), [f"reviewer-nudge:{la}:3d:2030-03-10"]),  # 09:00 PST
        (at(2030, 3, 7, 17, 15), []),
        (at(2030, 3, 9, 12, 0), []),
        (at(2030, 3, 10, 14, 45), []),
        (at(2030, 3, 10, 15, 0), []),  # due; not yet overdue
        (at(2030, 3, 10, 23, 45), []),  # 08:45 on 11th, Seoul
        (at(2030, 3, 11, 0, 0), [f"reviewer-nudge:{seoul}:overdue:2030-03-10"]),  # 09:00 in Seoul
        (at(2030, 3, 11, 15, 45), []),  # 08:45 PDT
        (at(2030, 3, 11, 16, 0), [f"reviewer-nudge:{la}:overdue:2030-03-10"]),  # 09:00 PDT
        (at(2030, 3, 12, 16, 0), []),
        (at(2030, 3, 20, 0, 0), []),
    ]
    seen = []
    for now, expected in ticks:
        before = len(nudge_keys())
        result = beat_tick(monkeypatch, now)["reviewer-nudge"]
        new = nudge_keys()[before:]
        assert (now, result, new) == (now, len(expected), expected)
        seen += new

    assert len(seen) == len(set(seen)) == 4


def test_nudge_is_one_digest_with_the_pending_count(monkeypatch, nudge_cohort):
    beat_tick(monkeypatch, at(2030, 3, 7, 0, 0))
    beat_tick(monkeypatch, at(2030, 3, 7, 17, 0))

    korean = OutgoingMail.objects.get(
        idempotency_key=f"reviewer-nudge:{nudge_cohort['seoul'].pk}:3d:2030-03-10"
    )
    english = OutgoingMail.objects.get(
        idempotency_key=f"reviewer-nudge:{nudge_cohort['la'].pk}:3d:2030-03-10"
    )
    assert (korean.language, korean.template_key) == ("ko", MailTemplateKey.REVIEWER_NUDGE)
    assert korean.text_body.splitlines()[0] == "박서연님, 안녕하십니까."
    assert "배정된 심사 중 2건이 아직 완료되지 않았습니다." in korean.text_body
    assert "심사 기한은 2030년 3월 10일 오후 11:59 (Asia/Seoul)입니다." in korean.text_body
    assert english.text_body.splitlines()[0] == "Dear Grace Lee,"
    assert english.subject.startswith("Reminder: 1 review(s) pending for ")
    assert (
        "Reviews are due by March 10, 2030, 7:59 a.m. (America/Los_Angeles)." in english.text_body
    )
    cohort_id = nudge_cohort["cohort"].pk
    assert (
        f"Continue reviewing: {settings.SITE_URL}/review/?cohort={cohort_id}" in english.text_body
    )


def test_no_nudge_once_every_review_is_in(monkeypatch, nudge_cohort):
    ReviewAssignment.objects.update(status=ReviewAssignmentStatus.SUBMITTED)

    results = [
        beat_tick(monkeypatch, now)["reviewer-nudge"]
        for now in (
            at(2030, 3, 7, 0, 0),
            at(2030, 3, 7, 17, 0),
            at(2030, 3, 11, 0, 0),
            at(2030, 3, 11, 16, 0),
        )
    ]

    assert results == [0, 0, 0, 0]
    assert nudge_keys() == []


def test_only_reviewers_with_pending_work_are_nudged(monkeypatch, nudge_cohort):
    ReviewAssignment.objects.filter(reviewer=nudge_cohort["la"].reviewer).update(
        status=ReviewAssignmentStatus.CONFLICT
    )

    beat_tick(monkeypatch, at(2030, 3, 7, 0, 0))
    beat_tick(monkeypatch, at(2030, 3, 7, 17, 0))

    assert nudge_keys() == [f"reviewer-nudge:{nudge_cohort['seoul'].pk}:3d:2030-03-10"]


def test_no_nudge_for_pending_work_of_an_earlier_round(monkeypatch, nudge_cohort, secretariat):
    reviews.review_round_create(
        cohort=nudge_cohort["cohort"],
        actor=secretariat,
        name="Panel",
        reviews_per_application=1,
        due_at=DUE,
        own_country_only=False,
        reviewers=[],
        start_anyway=True,
    )

    beat_tick(monkeypatch, at(2030, 3, 7, 0, 0))
    beat_tick(monkeypatch, at(2030, 3, 7, 17, 0))

    assert nudge_keys() == []


def test_no_three_day_nudge_for_work_assigned_after_its_time(monkeypatch, nudge_cohort):
    ReviewAssignment.objects.update(assigned_at=at(2030, 3, 8, 0, 0))

    results = [
        beat_tick(monkeypatch, now)["reviewer-nudge"]
        for now in (at(2030, 3, 8, 1, 0), at(2030, 3, 9, 17, 0), at(2030, 3, 11, 0, 0))
    ]

    assert results == [0, 0, 1]


def test_nudge_window_function():
    assert (
        reviews.reviewer_nudge_window(
            due_at=DUE, time_zone="Asia/Seoul", now=at(2030, 3, 6, 23, 59)
        )
        is None
    )
    assert reviews.reviewer_nudge_window(
        due_at=DUE, time_zone="Asia/Seoul", now=at(2030, 3, 7, 0, 0)
    ) == ("3d", at(2030, 3, 7, 0, 0))
    assert reviews.reviewer_nudge_window(
        due_at=DUE, time_zone="America/Los_Angeles", now=at(2030, 3, 11, 16, 0)
    ) == ("overdue", at(2030, 3, 11, 16, 0))


def test_moved_due_date_gets_fresh_nudges(monkeypatch, nudge_cohort):
    beat_tick(monkeypatch, at(2030, 3, 7, 0, 0))
    CohortReviewSettings.objects.filter(cohort=nudge_cohort["cohort"]).update(
        due_at=DUE + dt.timedelta(days=14)
    )

    beat_tick(monkeypatch, at(2030, 3, 21, 0, 0))
    beat_tick(monkeypatch, at(2030, 3, 21, 0, 15))

    seoul = nudge_cohort["seoul"].pk
    assert nudge_keys() == [
        f"reviewer-nudge:{seoul}:3d:2030-03-10",
        f"reviewer-nudge:{seoul}:3d:2030-03-24",
    ]


PANEL_DUE = dt.datetime(2030, 3, 24, 14, 59, tzinfo=UTC)  # 23:59 on 24 March in Seoul


def test_panel_round_nudges_count_from_the_panels_own_due_date(
    monkeypatch, nudge_cohort, secretariat
):
    """The cohort's (round 1's) date is 10 March; the panel's 24 March. A panel reviewer is
    nudged three days before the 24th and after it, with the 24th in the email, and not
    around the 10th."""
    cohort = nudge_cohort["cohort"]
    panel = reviews.review_round_create(
        cohort=cohort,
        actor=secretariat,
        name="Panel",
        reviews_per_application=1,
        due_at=PANEL_DUE,
        own_country_only=False,
        reviewers=[],
        start_anyway=True,
    )
    seoul = nudge_cohort["seoul"]
    ReviewAssignment.objects.filter(reviewer=seoul.reviewer).update(round=panel)

    around_round_1 = [
        beat_tick(monkeypatch, now)["reviewer-nudge"]
        for now in (at(2030, 3, 7, 0, 0), at(2030, 3, 11, 0, 0))
    ]
    assert around_round_1 == [0, 0]
    assert beat_tick(monkeypatch, at(2030, 3, 21, 0, 0))["reviewer-nudge"] == 1
    assert beat_tick(monkeypatch, at(2030, 3, 25, 0, 0))["reviewer-nudge"] == 1

    assert nudge_keys() == [
        f"reviewer-nudge:{seoul.pk}:3d:2030-03-24:round-2",
        f"reviewer-nudge:{seoul.pk}:overdue:2030-03-24:round-2",
    ]
    mail = OutgoingMail.objects.get(
        idempotency_key=f"reviewer-nudge:{seoul.pk}:3d:2030-03-24:round-2"
    )
    assert "심사 기한은 2030년 3월 24일 오후 11:59 (Asia/Seoul)입니다." in mail.text_body
    assert "3월 10일" not in mail.text_body


def test_a_later_round_due_on_round_1s_day_gets_its_own_nudges(
    monkeypatch, nudge_cohort, secretariat
):
    """Round 1 and the panel are both due on 10 March. Round 1's nudges went out (their keys
    unchanged since before rounds were named in them); the panel's reviewers, with work
    pending in the panel, are nudged again for it, once per window."""
    seoul = nudge_cohort["seoul"]
    assert beat_tick(monkeypatch, at(2030, 3, 7, 0, 0))["reviewer-nudge"] == 1
    panel = reviews.review_round_create(
        cohort=nudge_cohort["cohort"],
        actor=secretariat,
        name="Panel",
        reviews_per_application=1,
        due_at=DUE,
        own_country_only=False,
        reviewers=[],
        start_anyway=True,
    )
    ReviewAssignment.objects.filter(reviewer=seoul.reviewer).update(
        round=panel, assigned_at=at(2030, 3, 6)
    )

    results = [
        beat_tick(monkeypatch, now)["reviewer-nudge"]
        for now in (at(2030, 3, 7, 0, 15), at(2030, 3, 7, 0, 30), at(2030, 3, 11, 0, 0))
    ]

    assert results == [1, 0, 1]
    assert nudge_keys() == [
        f"reviewer-nudge:{seoul.pk}:3d:2030-03-10",
        f"reviewer-nudge:{seoul.pk}:3d:2030-03-10:round-2",
        f"reviewer-nudge:{seoul.pk}:overdue:2030-03-10:round-2",
    ]
    mail = OutgoingMail.objects.get(
        idempotency_key=f"reviewer-nudge:{seoul.pk}:3d:2030-03-10:round-2"
    )
    assert mail.user_id == seoul.reviewer_id
    assert "심사 기한은 2030년 3월 10일 오후 11:59 (Asia/Seoul)입니다." in mail.text_body
