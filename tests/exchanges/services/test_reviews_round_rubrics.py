"""Each review round has its own rubric: a new round starts with a copy of the previous
round's, staff change it without touching the others, a round's reviewers score against it
(and its lock follows its own reviews), and the round's normalised scores come from it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from exchanges.exceptions import ReviewRefused
from exchanges.models import Review, ReviewCriterion, ReviewScore
from exchanges.selectors.reviews import review_criteria_of
from exchanges.selectors.selection import selection_scores
from exchanges.services.reviews import (
    review_criterion_delete,
    review_criterion_save,
    review_round_advance,
    review_round_create,
    review_rubric_is_locked,
    review_submit,
)
from tests.conftest import with_mfa
from tests.factories import ReviewerFactory
from tests.factories.applications import CohortFactory
from tests.factories.reviews import ReviewAssignmentFactory, ReviewCriterionFactory
from tests.factories.selection import reviewed_application

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def _round(cohort, actor, name):
    return review_round_create(
        cohort=cohort,
        actor=actor,
        name=name,
        reviews_per_application=1,
        due_at=DUE,
        own_country_only=False,
        reviewers=[],
        start_anyway=True,
    )


@pytest.fixture
def rounds(secretariat):
    """Round 1 with a two-criterion rubric, then a panel round (round 2)."""
    cohort = CohortFactory()
    ReviewCriterionFactory(cohort=cohort, name_en="Motivation", weight=Decimal("1"), max_score=5)
    ReviewCriterionFactory(cohort=cohort, name_en="Experience", weight=Decimal("1"), max_score=5)
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    return cohort, screening, panel


def _names(cohort, review_round):
    return [
        (c.name_en, c.weight, c.max_score)
        for c in review_criteria_of(cohort=cohort, review_round=review_round)
    ]


def test_a_new_round_starts_with_a_copy_of_the_previous_rounds_rubric(rounds):
    cohort, screening, panel = rounds

    assert _names(cohort, panel) == _names(cohort, screening)
    assert _names(cohort, panel) == [
        ("Motivation", Decimal("1.00"), 5),
        ("Experience", Decimal("1.00"), 5),
    ]
    panel_ids = {c.pk for c in review_criteria_of(cohort=cohort, review_round=panel)}
    screening_ids = {c.pk for c in review_criteria_of(cohort=cohort, review_round=screening)}
    assert not panel_ids & screening_ids
    assert ReviewCriterion.objects.filter(round=panel).count() == 2


def test_changing_the_panel_rubric_leaves_round_1s_alone(rounds, secretariat):
    cohort, screening, panel = rounds
    motivation = review_criteria_of(cohort=cohort, review_round=panel)[0]
    motivation.weight = Decimal("3")
    review_criterion_save(criterion=motivation, actor=secretariat)
    review_criterion_save(
        criterion=ReviewCriterion(cohort=cohort, round=panel, name_en="Leadership", max_score=10),
        actor=secretariat,
    )
    review_criterion_delete(
        criterion=review_criteria_of(cohort=cohort, review_round=panel)[1], actor=secretariat
    )

    assert _names(cohort, panel) == [
        ("Motivation", Decimal("3.00"), 5),
        ("Leadership", Decimal("1.00"), 10),
    ]
    assert _names(cohort, screening) == [
        ("Motivation", Decimal("1.00"), 5),
        ("Experience", Decimal("1.00"), 5),
    ]


def test_a_panel_reviewer_scores_against_the_panel_rubric(rounds, secretariat):
    cohort, screening, panel = rounds
    leadership = review_criterion_save(
        criterion=ReviewCriterion(
            cohort=cohort, round=panel, name_en="Leadership", weight=Decimal("2"), max_score=10
        ),
        actor=secretariat,
    )
    motivation, experience, _leadership = review_criteria_of(cohort=cohort, review_round=panel)
    assignment = ReviewAssignmentFactory(application__cohort=cohort, round=panel)
    round_1_ids = [c.pk for c in review_criteria_of(cohort=cohort, review_round=screening)]

    with pytest.raises(ReviewRefused, match="not in this round's rubric"):
        review_submit(
            assignment=assignment,
            actor=assignment.reviewer,
            scores=dict.fromkeys(round_1_ids, 5),
        )
    review = review_submit(
        assignment=assignment,
        actor=assignment.reviewer,
        scores={motivation.pk: 5, experience.pk: 0, leadership.pk: 5},
    )

    # 100 × (1 × 5/5 + 1 × 0/5 + 2 × 5/10) / 4 = 50
    assert review.weighted_score == Decimal("50.00")
    assert set(ReviewScore.objects.values_list("criterion__round", flat=True)) == {panel.pk}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This round's rubric has no criteria yet."),
        ("ja", "このラウンドの評価基準表にはまだ基準がありません。"),
        ("ko", "이 라운드의 평가 기준표에는 아직 기준이 없습니다."),
    ],
)
def test_a_round_with_an_empty_rubric_says_so_of_the_round(rounds, secretariat, language, message):
    """Round 1 has criteria; the panel's were all removed. A panel reviewer is told the
    round's rubric is empty (not the cohort's, which it is not), in their language."""
    cohort, _screening, panel = rounds
    for criterion in review_criteria_of(cohort=cohort, review_round=panel):
        review_criterion_delete(criterion=criterion, actor=secretariat)
    assignment = ReviewAssignmentFactory(application__cohort=cohort, round=panel)

    with translation.override(language), pytest.raises(ReviewRefused) as refused:
        review_submit(assignment=assignment, actor=assignment.reviewer, scores={})

    assert str(refused.value) == message


def test_each_rounds_rubric_locks_on_its_own_reviews(rounds, secretariat):
    cohort, screening, panel = rounds
    first = ReviewAssignmentFactory(application__cohort=cohort, round=screening)
    review_submit(
        assignment=first,
        actor=first.reviewer,
        scores={c.pk: 3 for c in review_criteria_of(cohort=cohort, review_round=screening)},
    )

    assert review_rubric_is_locked(cohort=cohort, review_round=screening)
    assert not review_rubric_is_locked(cohort=cohort, review_round=panel)
    with pytest.raises(ReviewRefused):
        review_criterion_save(
            criterion=ReviewCriterion(cohort=cohort, round=screening, name_en="Late"),
            actor=secretariat,
        )
    review_criterion_save(
        criterion=ReviewCriterion(cohort=cohort, round=panel, name_en="Panel only"),
        actor=secretariat,
    )

    second = ReviewAssignmentFactory(application__cohort=cohort, round=panel)
    review_submit(
        assignment=second,
        actor=second.reviewer,
        scores={c.pk: 3 for c in review_criteria_of(cohort=cohort, review_round=panel)},
    )
    assert review_rubric_is_locked(cohort=cohort, review_round=panel)


def test_the_panels_normalised_scores_come_from_its_own_rubric(rounds, secretariat):
    """Same raw marks, different rubrics: round 1 weighs experience, the panel motivation
    (×4), so the panel's ranking of the two applicants is the reverse of round 1's."""
    cohort, screening, panel = rounds
    for criterion in review_criteria_of(cohort=cohort, review_round=panel):
        if criterion.name_en == "Motivation":
            criterion.weight = Decimal("4")
            review_criterion_save(criterion=criterion, actor=secretariat)
    keen, seasoned = reviewed_application(cohort), reviewed_application(cohort)
    review_round_advance(review_round=panel, applications=[keen, seasoned], actor=secretariat)
    marks = {
        keen.pk: {"Motivation": 5, "Experience": 1},
        seasoned.pk: {"Motivation": 2, "Experience": 5},
    }
    for review_round in (screening, panel):
        rubric = review_criteria_of(cohort=cohort, review_round=review_round)
        for application in (keen, seasoned):
            assignment = ReviewAssignmentFactory(application=application, round=review_round)
            review_submit(
                assignment=assignment,
                actor=assignment.reviewer,
                scores={c.pk: marks[application.pk][c.name_en] for c in rubric},
            )

    def raw(review_round):
        return {
            s.application_id: s.raw
            for s in selection_scores(cohort=cohort, review_round=review_round)
        }

    # Round 1, equal weights: keen 100 × 6/10 = 60, seasoned 100 × 7/10 = 70.
    assert raw(screening) == {keen.pk: 60.0, seasoned.pk: 70.0}
    # Panel, motivation ×4: keen 100 × (4 + 0.2)/5 = 84, seasoned 100 × (1.6 + 1)/5 = 52.
    assert raw(panel) == {keen.pk: 84.0, seasoned.pk: 52.0}


def test_the_rubric_page_shows_and_edits_the_chosen_rounds_rubric(client, rounds, secretariat):
    cohort, screening, panel = rounds
    client.force_login(secretariat)
    url = reverse("staff:review_rubric", kwargs={"cohort_id": cohort.pk})

    response = client.post(
        f"{url}?round=2",
        {"name_en": "Leadership", "weight": "2", "max_score": "5", "position": ""},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?round=2")
    assert [c.name_en for c in review_criteria_of(cohort=cohort, review_round=panel)][-1] == (
        "Leadership"
    )
    assert "Leadership" not in [
        c.name_en for c in review_criteria_of(cohort=cohort, review_round=screening)
    ]
    assert "Leadership" in client.get(f"{url}?round=2").content.decode()
    assert "Leadership" not in client.get(f"{url}?round=1").content.decode()
    assert client.get(f"{url}?round=9").status_code == 404


def test_a_panel_reviewer_sees_the_panel_rubric(client, rounds, secretariat):
    cohort, _screening, panel = rounds
    review_criterion_save(
        criterion=ReviewCriterion(cohort=cohort, round=panel, name_en="Trilateral perspective"),
        actor=secretariat,
    )
    assignment = ReviewAssignmentFactory(
        application__cohort=cohort, round=panel, reviewer=with_mfa(ReviewerFactory())
    )
    client.force_login(assignment.reviewer)

    page = client.get(reverse("review:assignment", kwargs={"pk": assignment.pk}))

    assert page.status_code == 200
    assert "Trilateral perspective" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_data_migration_gives_later_rounds_a_copy_and_moves_their_scores(secretariat):
    cohort = CohortFactory()
    criterion = ReviewCriterionFactory(cohort=cohort, name_en="Motivation")
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    # As before the migration: one rubric without a round, used by both rounds.
    ReviewCriterion.objects.filter(round=panel).delete()
    first = ReviewAssignmentFactory(application__cohort=cohort, round=screening)
    second = ReviewAssignmentFactory(application__cohort=cohort, round=panel)
    for assignment in (first, second):
        review = Review.objects.create(assignment=assignment, weighted_score=Decimal("80"))
        ReviewScore.objects.create(review=review, criterion=criterion, score=4)
    executor = MigrationExecutor(connection)
    executor.migrate([("exchanges", "0017_review_rounds")])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    (copy,) = ReviewCriterion.objects.filter(round=panel)
    assert copy.name_en == "Motivation"
    assert ReviewScore.objects.get(review__assignment=first).criterion_id == criterion.pk
    assert ReviewScore.objects.get(review__assignment=second).criterion_id == copy.pk
