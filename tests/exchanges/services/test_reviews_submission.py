"""Writing reviews: score validation, the weighted score, conflicts and the rubric lock."""

from decimal import Decimal

import pytest

from exchanges.enums import ApplicationStatus, ReviewAssignmentStatus
from exchanges.exceptions import ReviewIncomplete, ReviewRefused
from exchanges.models import ActivityLog, Review, ReviewCriterion, ReviewScore
from exchanges.services.reviews import (
    review_criterion_delete,
    review_criterion_save,
    review_declare_conflict,
    review_submit,
    review_unassign,
    review_weighted_score,
)
from tests.factories import ReviewerFactory
from tests.factories.reviews import ReviewAssignmentFactory, ReviewCriterionFactory

pytestmark = pytest.mark.django_db

A = ReviewAssignmentStatus


@pytest.fixture
def assignment():
    assignment = ReviewAssignmentFactory()
    assignment.criteria = [
        ReviewCriterionFactory(
            cohort=assignment.cohort, position=1, weight=Decimal("2"), max_score=5
        ),
        ReviewCriterionFactory(
            cohort=assignment.cohort, position=2, weight=Decimal("1"), max_score=10
        ),
    ]
    return assignment


def test_submit_records_scores_and_weighted_score(assignment):
    first, second = assignment.criteria

    review = review_submit(
        assignment=assignment,
        actor=assignment.reviewer,
        scores={first.pk: 4, second.pk: 5},
        comment="  Strong essay. ",
        recommendation="recommend",
    )

    # 100 × (2 × 4/5 + 1 × 5/10) / 3 = 70
    assert review.weighted_score == Decimal("70.00")
    assert (review.comment, review.recommendation) == ("Strong essay.", "recommend")
    assert dict(ReviewScore.objects.values_list("criterion_id", "score")) == {
        first.pk: 4,
        second.pk: 5,
    }
    assignment.refresh_from_db()
    assert assignment.status == A.SUBMITTED
    assert assignment.submitted_at is not None
    assert ActivityLog.objects.filter(action_type="exchanges.review.submitted").count() == 1


def test_resubmitting_replaces_the_scores(assignment):
    first, second = assignment.criteria
    review_submit(
        assignment=assignment, actor=assignment.reviewer, scores={first.pk: 1, second.pk: 1}
    )

    review = review_submit(
        assignment=assignment, actor=assignment.reviewer, scores={first.pk: 5, second.pk: 10}
    )

    assert review.weighted_score == Decimal("100.00")
    assert Review.objects.count() == 1
    assert sorted(ReviewScore.objects.values_list("score", flat=True)) == [5, 10]


@pytest.mark.parametrize(
    ("scores", "errors"),
    [
        ({}, {0: "Give a score for this criterion.", 1: "Give a score for this criterion."}),
        ({0: 6, 1: 10}, {0: "Enter a score from 0 to 5."}),
        ({0: -1, 1: 3}, {0: "Enter a score from 0 to 5."}),
        ({0: 3, 1: "x"}, {1: "Enter a whole number."}),
        ({0: 3, 1: 2.5}, {1: "Enter a whole number."}),
    ],
)
def test_submit_refuses_missing_or_out_of_range_scores(assignment, scores, errors):
    criteria = assignment.criteria
    given = {criteria[index].pk: value for index, value in scores.items()}

    with pytest.raises(ReviewIncomplete) as caught:
        review_submit(assignment=assignment, actor=assignment.reviewer, scores=given)

    assert caught.value.errors == {criteria[index].pk: message for index, message in errors.items()}
    assert Review.objects.count() == 0


def test_submit_refuses_unknown_criterion_and_other_reviewer(assignment):
    first, second = assignment.criteria
    foreign = ReviewCriterionFactory()

    with pytest.raises(ReviewRefused, match="not in this round"):
        review_submit(
            assignment=assignment,
            actor=assignment.reviewer,
            scores={first.pk: 1, second.pk: 1, foreign.pk: 1},
        )
    with pytest.raises(ReviewRefused, match="Only the assigned reviewer"):
        review_submit(
            assignment=assignment, actor=ReviewerFactory(), scores={first.pk: 1, second.pk: 1}
        )


def test_submit_refused_after_removal_or_decision(assignment, secretariat):
    first, second = assignment.criteria
    scores = {first.pk: 1, second.pk: 1}
    review_unassign(assignment=assignment, actor=secretariat)
    with pytest.raises(ReviewRefused, match="no longer yours"):
        review_submit(assignment=assignment, actor=assignment.reviewer, scores=scores)

    other = ReviewAssignmentFactory(
        application__status=ApplicationStatus.ACCEPTED, application__cohort=assignment.cohort
    )
    with pytest.raises(ReviewRefused, match="reviews are closed"):
        review_submit(assignment=other, actor=other.reviewer, scores=scores)


def test_submit_needs_a_rubric():
    assignment = ReviewAssignmentFactory()

    with pytest.raises(ReviewRefused, match="no criteria"):
        review_submit(assignment=assignment, actor=assignment.reviewer, scores={})


def test_weighted_score_rounds_half_up():
    criteria = [ReviewCriterion(pk=1, weight=Decimal("1"), max_score=3)]

    assert review_weighted_score(criteria=criteria, scores={1: 2}) == Decimal("66.67")


def test_declare_conflict_needs_a_reason_and_frees_the_assignment(assignment):
    with pytest.raises(ReviewRefused, match="why"):
        review_declare_conflict(assignment=assignment, actor=assignment.reviewer, reason="  ")

    review_declare_conflict(
        assignment=assignment, actor=assignment.reviewer, reason=" We co-authored a paper. "
    )

    assignment.refresh_from_db()
    assert (assignment.status, assignment.conflict_reason) == (
        A.CONFLICT,
        "We co-authored a paper.",
    )
    entry = ActivityLog.objects.get(action_type="exchanges.review.conflict_declared")
    assert entry.data == {"application": assignment.application_id, "from": "assigned"}


def test_rubric_locks_weights_once_a_review_is_in(assignment, secretariat):
    first, second = assignment.criteria
    review_submit(
        assignment=assignment, actor=assignment.reviewer, scores={first.pk: 3, second.pk: 3}
    )

    first.name_en = "Motivation and fit"
    review_criterion_save(criterion=first, actor=secretariat)
    first.weight = Decimal("3")
    with pytest.raises(ReviewRefused, match="weights"):
        review_criterion_save(criterion=first, actor=secretariat)
    with pytest.raises(ReviewRefused, match="new criteria"):
        review_criterion_save(
            criterion=ReviewCriterion(cohort=assignment.cohort, name_en="Late"), actor=secretariat
        )
    with pytest.raises(ReviewRefused, match="removed"):
        review_criterion_delete(criterion=second, actor=secretariat)
    assert ReviewCriterion.objects.get(pk=first.pk).name_en == "Motivation and fit"


def test_new_criterion_goes_last(assignment, secretariat):
    criterion = review_criterion_save(
        criterion=ReviewCriterion(cohort=assignment.cohort, name_en="Leadership"), actor=secretariat
    )

    assert criterion.position == 3
    assert (
        ActivityLog.objects.filter(
            action_type="exchanges.review.criterion_added", object_id=criterion.pk
        ).count()
        == 1
    )
