"""Demo selection data in two review rounds. Round 1 (screening): a harsh and a lenient
reviewer share the open cohort's applications under review, so the normalised ranking visibly
differs from the raw one. Round 2 (panel): the top ``PANEL_TOP`` applicants of each country
advance; a panel reviewer scores all but the last ``PANEL_PENDING`` (left pending, so their
queue shows both). The demo reviewer's round-1 reviews (3 to do, 3 done, as the README says)
stay in their queue: round 1 is due after the panel starts, and a round stays open to its
reviewers until its due date. The proposal, ranked on the panel round, is ready to decide.

Built through the public services (pool, assignment, review submission, selection settings),
as staff and reviewers would. Idempotent: a cohort whose pool already holds the harsh
reviewer gets nothing added.
"""

import datetime as dt
import random
from decimal import Decimal

from allauth.account.models import EmailAddress

from accounts.models import User
from exchanges.enums import ApplicationStatus, Role, SelectionRankBy
from exchanges.models import Application, Cohort, ReviewCriterion, ReviewerPoolMember
from exchanges.selectors.reviews import review_criteria_of, review_round_of, review_settings_of
from exchanges.selectors.selection import selection_round_top
from exchanges.services.reviews import (
    review_assign,
    review_criterion_save,
    review_pool_add,
    review_round_advance,
    review_round_create,
    review_submit,
)
from exchanges.services.selection import selection_settings_save

# (email key, given name, family name, local name, language, country, time zone, bias): the
# bias moves every score the reviewer gives, in rubric points.
REVIEWERS = [
    ("reviewer-harsh", "Margaret", "Hale", "", "en", "US", "America/New_York", -2),
    ("reviewer-lenient", "Jiho", "Park", "박지호", "ko", "KR", "Asia/Seoul", 1),
]
PANEL_REVIEWER = ("reviewer-panel", "Aiko", "Mori", "森 愛子", "ja", "JP", "Asia/Tokyo", 0)
PANEL_TOP = 3  # applicants per country advanced to the panel round
PANEL_PENDING = 2
COMMENTS = [
    "Solid application; the essay could be more specific.",
    "Strong motivation and a clear plan for the exchange.",
    "Good experience, limited trilateral perspective.",
]


def _reviewer(row: tuple, *, domain: str, password_hash: str) -> User:
    key, given, family, local, language, country, zone, _bias = row
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
    # The address a signup would have verified by its confirmation link.
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def seed_demo_selection(*, cohort: Cohort, staff: User, domain: str, password_hash: str) -> int:
    """Each application under review in ``cohort`` gets a review from the harsh or the
    lenient reviewer (alternately); the cohort ranks by the normalised score. Returns how many
    reviews were added."""
    harsh_key = REVIEWERS[0][0]
    if ReviewerPoolMember.objects.filter(
        cohort=cohort, reviewer__email=f"{harsh_key}@{domain}"
    ).exists():
        return 0
    criteria = review_criteria_of(cohort=cohort)
    if not criteria:
        return 0
    reviewers = []
    for row in REVIEWERS:
        user = _reviewer(row, domain=domain, password_hash=password_hash)
        review_pool_add(cohort=cohort, reviewer=user, actor=staff)
        reviewers.append((user, row[-1]))
    rng = random.Random(f"trilink-selection-{cohort.slug}")  # noqa: S311 -- demo data
    applications = list(
        Application.objects.filter(cohort=cohort, status=ApplicationStatus.UNDER_REVIEW).order_by(
            "submitted_at", "id"
        )
    )
    added = 0
    for index, application in enumerate(applications):
        reviewer, bias = reviewers[index % len(reviewers)]
        assignment = review_assign(application=application, reviewer=reviewer, actor=staff)
        merit = rng.randint(2, 5)
        scores = {
            c.pk: max(0, min(c.max_score, merit + bias + rng.choice((-1, 0, 0, 1))))
            for c in criteria
        }
        review_submit(
            assignment=assignment,
            actor=reviewer,
            scores=scores,
            comment=COMMENTS[index % len(COMMENTS)],
        )
        added += 1
    added += _seed_panel_round(
        cohort=cohort,
        staff=staff,
        rng=rng,
        domain=domain,
        password_hash=password_hash,
    )
    selection_settings_save(
        cohort=cohort,
        actor=staff,
        rank_by=SelectionRankBy.NORMALISED,
        disagreement_threshold=Decimal("25"),
    )
    return added


def _seed_panel_round(
    *,
    cohort: Cohort,
    staff: User,
    rng: random.Random,
    domain: str,
    password_hash: str,
) -> int:
    """The panel round, with its own rubric: the top of each country in round 1 advances to
    the panel reviewer, who scores against the panel's rubric. Returns how many reviews were
    added."""
    screening = review_round_of(cohort=cohort, number=1)
    if screening is None:
        return 0
    panellist = _reviewer(PANEL_REVIEWER, domain=domain, password_hash=password_hash)
    review_pool_add(cohort=cohort, reviewer=panellist, actor=staff)
    due_at = review_settings_of(cohort=cohort).due_at
    panel = review_round_create(
        cohort=cohort,
        actor=staff,
        name="Panel",
        reviews_per_application=2,
        due_at=due_at + dt.timedelta(days=14) if due_at else None,
        own_country_only=False,
        reviewers=[panellist],
        # Round-1 reviews are still pending, as in a real cohort: the demo shows both rounds.
        start_anyway=True,
    )
    # The panel's own rubric: the screening rubric it starts from, and one criterion more.
    review_criterion_save(
        criterion=ReviewCriterion(
            cohort=cohort,
            round=panel,
            name_en="Trilateral perspective",
            name_ja="日米韓の視点",
            name_ko="한미일 관점",
            description_en="Does the applicant think across all three countries?",
            description_ja="応募者は3か国すべてを視野に入れて考えていますか。",
            description_ko="지원자가 세 나라 모두를 아우르는 시각을 갖추고 있습니까?",
            weight=Decimal("2"),
            max_score=5,
        ),
        actor=staff,
    )
    criteria = review_criteria_of(cohort=cohort, review_round=panel)
    top = selection_round_top(review_round=screening, per_country=PANEL_TOP)
    applications = Application.objects.in_bulk([item.application_id for item in top])
    advanced = [applications[item.application_id] for item in top]
    review_round_advance(review_round=panel, applications=advanced, actor=staff)
    added = 0
    for index, application in enumerate(advanced):
        assignment = review_assign(application=application, reviewer=panellist, actor=staff)
        if index >= len(advanced) - PANEL_PENDING:
            continue
        merit = rng.randint(3, 5)
        review_submit(
            assignment=assignment,
            actor=panellist,
            scores={
                c.pk: max(0, min(c.max_score, merit + rng.choice((-1, 0, 1)))) for c in criteria
            },
            comment=COMMENTS[added % len(COMMENTS)],
        )
        added += 1
    return added
