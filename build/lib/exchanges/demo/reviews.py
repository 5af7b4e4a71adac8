"""Demo review data: a rubric and review settings on the demo cohorts, a reviewer pool for the
open cohort, and assignments of its applications under review (some with submitted reviews).

Staff build the rubric, the settings and the pool, declare a conflict and assign by hand
through ``exchanges.services.reviews`` (which tells each reviewer by email, recorded as sent
like the rest of the demo's history); reviewers submit through ``review_submit``. Called from
``demo_seed``; idempotent like it: each object is looked up before it is created, and a cohort
that already has assignments gets none added. Staff can run automatic assignment on the
submitted applications that are left.
"""

import datetime as dt
import random
from decimal import Decimal

from allauth.account.models import EmailAddress

from accounts.models import User
from exchanges.enums import ApplicationStatus, Role
from exchanges.models import (
    Application,
    Cohort,
    ReviewAssignment,
    ReviewCriterion,
)
from exchanges.services.reviews import (
    review_assign,
    review_criterion_save,
    review_pool_add,
    review_settings_get,
    review_settings_save,
    review_submit,
    reviewer_conflict_add,
)

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
        # Accounts are made by signing up or in the admin; no service creates one.
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
        # allauth verifies addresses by link; the demo's are verified from the start.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        reviewers.append(user)
    return reviewers


def _rubric(cohort: Cohort, staff: User) -> list[ReviewCriterion]:
    if not ReviewCriterion.objects.filter(cohort=cohort).exists():
        for en, ja, ko, d_en, d_ja, d_ko, weight, max_score in RUBRIC:
            review_criterion_save(
                criterion=ReviewCriterion(
                    cohort=cohort,
                    name_en=en,
                    name_ja=ja,
                    name_ko=ko,
                    description_en=d_en,
                    description_ja=d_ja,
                    description_ko=d_ko,
                    weight=weight,
                    max_score=max_score,
                ),
                actor=staff,
            )
    return list(ReviewCriterion.objects.filter(cohort=cohort).order_by("position", "id"))


def _settings(cohort: Cohort, staff: User, due_at: dt.datetime) -> None:
    if review_settings_get(cohort=cohort).due_at is None:
        review_settings_save(
            cohort=cohort,
            actor=staff,
            reviews_per_application=2,
            avoid_same_country=False,
            blind=False,
            due_at=due_at,
            identifying_questions=[],
        )


COMMENTS = [
    "Clear goals and a strong essay.",
    "Promising, though the essay stays general.",
    "Good fit for the program's policy track.",
]


def _assign(
    *, cohort: Cohort, reviewers: list[User], lead: User, staff: User, criteria: list
) -> int:
    """Every application under review gets the demo reviewer and one other; the demo
    reviewer has submitted the first few reviews, the others every second one."""
    if ReviewAssignment.objects.filter(cohort=cohort).exists():
        return 0
    rng = random.Random(f"trilink-reviews-{cohort.slug}")  # noqa: S311 -- demo data
    applications = list(
        Application.objects.filter(cohort=cohort, status=ApplicationStatus.UNDER_REVIEW)
        .select_related("cohort")
        .order_by("submitted_at", "id")
    )
    others = [r for r in reviewers if r.pk != lead.pk]
    assignments = []
    for index, application in enumerate(applications):
        for reviewer in (lead, others[index % len(others)]):
            assignments.append(
                review_assign(application=application, reviewer=reviewer, actor=staff)
            )
    done = [a for a in assignments if a.reviewer_id == lead.pk][:SUBMITTED_REVIEWS]
    done += [a for a in assignments if a.reviewer_id != lead.pk][::2]
    for assignment in done:
        review_submit(
            assignment=assignment,
            actor=assignment.reviewer,
            scores={c.pk: rng.randint(2, c.max_score) for c in criteria},
            comment=rng.choice(COMMENTS),
            recommendation=rng.choice(["strongly_recommend", "recommend", "reservations"]),
        )
    return len(assignments)


def seed_demo_reviews(
    *, cohorts: list[Cohort], lead: User, staff: User, domain: str, password_hash: str
) -> int:
    """Rubrics and settings on ``cohorts``; a pool and assignments on the open one (the
    first). Returns how many assignments were added."""
    for cohort in cohorts:
        _rubric(cohort, staff)
        _settings(cohort, staff, cohort.deadline + dt.timedelta(days=21))
    open_cohort = cohorts[0]
    criteria = _rubric(open_cohort, staff)
    reviewers = [lead, *_extra_reviewers(domain=domain, password_hash=password_hash)]
    pool = set(open_cohort.reviewer_pool.values_list("reviewer_id", flat=True))
    for reviewer in reviewers:
        if reviewer.pk not in pool:
            review_pool_add(cohort=open_cohort, reviewer=reviewer, actor=staff)
    reviewer_conflict_add(reviewer=lead, institution="Stanford University", actor=staff)
    return _assign(
        cohort=open_cohort, reviewers=reviewers, lead=lead, staff=staff, criteria=criteria
    )
