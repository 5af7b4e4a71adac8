"""Demo review data: a rubric and review settings on the demo cohorts, a reviewer pool for the
open cohort, and assignments of its applications under review (some with submitted reviews).

Called from ``demo_seed``; idempotent like it: each object is looked up before it is created,
and a cohort that already has assignments gets none added. Rows are written directly, not
through the assignment service, so seeding sends no email; staff can run automatic assignment
on the submitted applications that are left.
"""

import datetime as dt
import random
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import User
from exchanges.enums import ApplicationStatus, ReviewAssignmentStatus, Role
from exchanges.models import (
    ActivityLog,
    Application,
    Cohort,
    CohortReviewSettings,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerPoolMember,
    ReviewScore,
)
from exchanges.services.reviews import normalise_institution, review_weighted_score

RUBRIC = [
    (
        "Motivation and fit",
        "志望動機と適性",
        "지원 동기와 적합성",
        "Why this exchange, and why now?",
        "なぜこの交流に、なぜ今参加したいのか。",
        "왜 이 교류에, 왜 지금 참가하려 하는가?",
        Decimal("2"),
        5,
    ),
    (
        "Leadership potential",
        "リーダーシップの可能性",
        "리더십 잠재력",
        "Evidence of initiative and influence in their field.",
        "自分の分野で主体的に行動し、影響を与えてきた実績。",
        "자신의 분야에서 주도적으로 행동하고 영향력을 발휘한 근거.",
        Decimal("2"),
        5,
    ),
    (
        "Trilateral perspective",
        "日米韓の視点",
        "한미일 관점",
        "Understanding of the other two countries and openness to them.",
        "他の2か国への理解と開かれた姿勢。",
        "다른 두 나라에 대한 이해와 열린 태도.",
        Decimal("1.5"),
        5,
    ),
    (
        "Communication",
        "コミュニケーション",
        "의사소통",
        "Clarity of the essay; ability to work across languages.",
        "エッセイの明快さ、言語の壁を越えて協働する力。",
        "에세이의 명확성, 언어를 넘어 협업하는 능력.",
        Decimal("1"),
        5,
    ),
]

# Reviewers besides the demo login (reviewer@…), who share the open cohort's applications.
EXTRA_REVIEWERS = [
    ("reviewer-jp", "Kenji", "Mori", "森健二", "ja", "JP", "Asia/Tokyo"),
    ("reviewer-kr", "Seoyeon", "Choi", "최서연", "ko", "KR", "Asia/Seoul"),
]
SUBMITTED_REVIEWS = 3  # of the demo reviewer's assignments; the rest stay pending


def _extra_reviewers(*, domain: str, password_hash: str) -> list[User]:
    """Pool colleagues of the demo reviewer. They are not advertised demo logins, so they get
    no authenticator: signing in as one leads to the second-factor setup first."""
    reviewers = []
    for key, given, family, local, language, country, zone in EXTRA_REVIEWERS:
        user, _created = User.objects.get_or_create(
            email=f"{key}@{domain}",
            defaults={
                "password": password_hash,
                "role": Role.REVIEWER,
                "given_name": given,
                "family_name": family,
                "local_name": local,
                "preferred_language": language,
                "country": country,
                "time_zone": zone,
            },
        )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        reviewers.append(user)
    return reviewers


def _rubric(cohort: Cohort) -> list[ReviewCriterion]:
    if not ReviewCriterion.objects.filter(cohort=cohort).exists():
        ReviewCriterion.objects.bulk_create(
            [
                ReviewCriterion(
                    cohort=cohort,
                    position=position,
                    name_en=en,
                    name_ja=ja,
                    name_ko=ko,
                    description_en=d_en,
                    description_ja=d_ja,
                    description_ko=d_ko,
                    weight=weight,
                    max_score=max_score,
                )
                for position, (en, ja, ko, d_en, d_ja, d_ko, weight, max_score) in enumerate(
                    RUBRIC, start=1
                )
            ]
        )
    return list(ReviewCriterion.objects.filter(cohort=cohort).order_by("position", "id"))


def _settings(cohort: Cohort, due_at: dt.datetime) -> None:
    CohortReviewSettings.objects.get_or_create(
        cohort=cohort, defaults={"reviews_per_application": 2, "due_at": due_at}
    )


def _assign(
    *,
    cohort: Cohort,
    reviewers: list[User],
    lead: User,
    staff: User,
    criteria: list[ReviewCriterion],
) -> int:
    """Every application under review gets the demo reviewer and one other; the demo
    reviewer has submitted the first few reviews."""
    if ReviewAssignment.objects.filter(cohort=cohort).exists():
        return 0
    rng = random.Random(f"trilink-reviews-{cohort.slug}")  # noqa: S311 -- demo data
    applications = list(
        Application.objects.filter(cohort=cohort, status=ApplicationStatus.UNDER_REVIEW).order_by(
            "submitted_at", "id"
        )
    )
    others = [r for r in reviewers if r.pk != lead.pk]
    now = timezone.now()
    rows = []
    for index, application in enumerate(applications):
        assigned_at = min(now, (application.submitted_at or now) + dt.timedelta(days=3))
        for reviewer in (lead, others[index % len(others)]):
            rows.append(
                ReviewAssignment(
                    cohort=cohort,
                    application=application,
                    reviewer=reviewer,
                    status=ReviewAssignmentStatus.ASSIGNED,
                    batch="demo",
                    assigned_at=assigned_at,
                    assigned_by=staff,
                )
            )
    assignments = ReviewAssignment.objects.bulk_create(rows)
    done = [a for a in assignments if a.reviewer_id == lead.pk][:SUBMITTED_REVIEWS]
    done += [a for a in assignments if a.reviewer_id != lead.pk][::2]
    scores = []
    for assignment in done:
        given = {c.pk: rng.randint(2, c.max_score) for c in criteria}
        submitted_at = min(now, assignment.assigned_at + dt.timedelta(days=rng.randint(1, 5)))
        review = Review.objects.create(
            assignment=assignment,
            submitted_at=submitted_at,
            updated_at=submitted_at,
            weighted_score=review_weighted_score(criteria=criteria, scores=given),
            comment=rng.choice(
                [
                    "Clear goals and a strong essay.",
                    "Promising, though the essay stays general.",
                    "Good fit for the program's policy track.",
                ]
            ),
            recommendation=rng.choice(["strongly_recommend", "recommend", "reservations"]),
        )
        scores += [
            ReviewScore(review=review, criterion_id=pk, score=value) for pk, value in given.items()
        ]
        assignment.status, assignment.submitted_at = ReviewAssignmentStatus.SUBMITTED, submitted_at
    ReviewScore.objects.bulk_create(scores)
    ReviewAssignment.objects.bulk_update(done, ["status", "submitted_at"])
    content_type = ContentType.objects.get_for_model(ReviewAssignment)
    ActivityLog.objects.bulk_create(
        [
            ActivityLog(
                actor=staff,
                content_type=content_type,
                object_id=a.pk,
                action_type="exchanges.review.assigned",
                timestamp=a.assigned_at,
                data={
                    "application": a.application_id,
                    "reviewer": a.reviewer_id,
                    "batch": "demo",
                    "automatic": True,
                },
            )
            for a in assignments
        ]
        + [
            ActivityLog(
                actor=a.reviewer,
                content_type=content_type,
                object_id=a.pk,
                action_type="exchanges.review.submitted",
                timestamp=a.submitted_at,
                data={"application": a.application_id},
            )
            for a in done
        ]
    )
    return len(assignments)


def seed_demo_reviews(
    *, cohorts: list[Cohort], lead: User, staff: User, domain: str, password_hash: str
) -> int:
    """Rubrics and settings on ``cohorts``; a pool and assignments on the open one (the
    first). Returns how many assignments were added."""
    for cohort in cohorts:
        _rubric(cohort)
        _settings(cohort, cohort.deadline + dt.timedelta(days=21))
    open_cohort = cohorts[0]
    criteria = _rubric(open_cohort)
    reviewers = [lead, *_extra_reviewers(domain=domain, password_hash=password_hash)]
    for reviewer in reviewers:
        ReviewerPoolMember.objects.get_or_create(
            cohort=open_cohort, reviewer=reviewer, defaults={"added_by": staff}
        )
    ReviewerConflict.objects.get_or_create(
        reviewer=lead,
        normalised=normalise_institution("Stanford University"),
        defaults={"institution": "Stanford University"},
    )
    return _assign(
        cohort=open_cohort, reviewers=reviewers, lead=lead, staff=staff, criteria=criteria
    )
