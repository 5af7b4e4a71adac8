"""Helpers for selection tests: reviewed applications with given weighted scores."""

from decimal import Decimal

from django.utils import timezone

from exchanges.enums import ApplicationStatus, ReviewAssignmentStatus
from exchanges.models import CohortQuota, Review, ReviewAssignment, ReviewerPoolMember
from tests.factories.applications import ApplicationFactory


def reviewed_application(cohort, **kwargs):
    kwargs.setdefault("status", ApplicationStatus.UNDER_REVIEW)
    kwargs.setdefault("submitted_at", timezone.now())
    return ApplicationFactory(cohort=cohort, **kwargs)


def score(application, reviewer, weighted_score, review_round=None) -> Review:
    """A submitted review of ``application`` by ``reviewer`` with this weighted score (in
    ``review_round``; none given: a row without a round, which counts as round 1)."""
    ReviewerPoolMember.objects.get_or_create(cohort=application.cohort, reviewer=reviewer)
    assignment = ReviewAssignment.objects.create(
        cohort=application.cohort,
        round=review_round,
        application=application,
        reviewer=reviewer,
        status=ReviewAssignmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    return Review.objects.create(assignment=assignment, weighted_score=Decimal(weighted_score))


def quota(cohort, country, seats, waitlist_size=0) -> CohortQuota:
    return CohortQuota.objects.create(
        cohort=cohort, country=country, seats=seats, waitlist_size=waitlist_size
    )
