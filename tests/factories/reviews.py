"""Factories for review: rubric criteria, review settings, pool members and assignments."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus
from exchanges.models import (
    CohortReviewSettings,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerPoolMember,
)
from tests.factories import ReviewerFactory
from tests.factories.applications import ApplicationFactory, CohortFactory


class ReviewCriterionFactory(DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    cohort = factory.SubFactory(CohortFactory)
    position = factory.Sequence(lambda n: n + 1)
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    name_ja = factory.Sequence(lambda n: f"基準 {n}")
    name_ko = factory.Sequence(lambda n: f"기준 {n}")
    weight = Decimal("1")
    max_score = 5


class ReviewSettingsFactory(DjangoModelFactory):
    """Settings with a due date 14 days from now."""

    class Meta:
        model = CohortReviewSettings
        django_get_or_create = ("cohort",)
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    reviews_per_application = 2
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


class PoolMemberFactory(DjangoModelFactory):
    class Meta:
        model = ReviewerPoolMember

    cohort = factory.SubFactory(CohortFactory)
    reviewer = factory.SubFactory(ReviewerFactory)


class ReviewAssignmentFactory(DjangoModelFactory):
    """A pending assignment of a submitted application to a pool member."""

    class Meta:
        model = ReviewAssignment
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.UNDER_REVIEW)
    cohort = factory.SelfAttribute("application.cohort")
    reviewer = factory.SubFactory(ReviewerFactory)

    @factory.post_generation
    def pooled(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            ReviewerPoolMember.objects.get_or_create(cohort=obj.cohort, reviewer=obj.reviewer)
