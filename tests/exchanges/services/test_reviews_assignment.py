"""Assigning reviewers: automatic load balancing, exclusions, idempotence, manual changes."""

import datetime as dt

import pytest

from exchanges.enums import ApplicationStatus, MailTemplateKey, ReviewAssignmentStatus
from exchanges.exceptions import ReviewRefused
from exchanges.models import ActivityLog, OutgoingMail, ReviewAssignment
from exchanges.services.reviews import (
    normalise_institution,
    review_assign,
    review_assign_automatically,
    review_declare_conflict,
    review_pool_add,
    review_pool_remove,
    review_unassign,
    reviewer_conflict_add,
)
from tests.factories import OrganisationFactory, ReviewerFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.reviews import ReviewSettingsFactory

pytestmark = pytest.mark.django_db

A = ReviewAssignmentStatus


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort, reviews_per_application=2)
    return cohort


def pool(cohort, actor, count, **reviewer_kwargs):
    reviewers = [ReviewerFactory(**reviewer_kwargs) for _ in range(count)]
    for reviewer in reviewers:
        review_pool_add(cohort=cohort, reviewer=reviewer, actor=actor)
    return reviewers


def loads(cohort) -> dict[int, int]:
    result = {}
    for reviewer_id in ReviewAssignment.objects.filter(
        cohort=cohort, status__in=[A.ASSIGNED, A.SUBMITTED]
    ).values_list("reviewer_id", flat=True):
        result[reviewer_id] = result.get(reviewer_id, 0) + 1
    return result


def reviewers_of(application) -> list[int]:
    return sorted(
        ReviewAssignment.objects.filter(
            application=application, status__in=[A.ASSIGNED, A.SUBMITTED]
        ).values_list("reviewer_id", flat=True)
    )


def test_automatic_assignment_balances_load_exactly(cohort, secretariat):
    first, second, third = pool(cohort, secretariat, 3)
    applications = [ApplicationFactory(cohort=cohort, submitted=True) for _ in range(5)]
    ApplicationFactory(cohort=cohort)  # a draft gets nobody

    result = review_assign_automatically(cohort=cohort, actor=secretariat)

    assert result.assignments_created == 10
    assert loads(cohort) == {first.pk: 4, second.pk: 3, third.pk: 3}
    assert result.loads == {first.pk: 4, second.pk: 3, third.pk: 3}
    assert [len(reviewers_of(a)) for a in applications] == [2, 2, 2, 2, 2]
    assert result.unfilled == []
    assert {a.status for a in ReviewAssignment.objects.all()} == {A.ASSIGNED}
    for application in applications:
        application.refresh_from_db()
    assert {a.status for a in applications} == {ApplicationStatus.UNDER_REVIEW}
    assert ActivityLog.objects.filter(action_type="exchanges.review.assigned").count() == 10
    assert ActivityLog.objects.filter(action_type="exchanges.application.under_review").count() == 5
    # Written in bulk with plain SQL: each entry names its assignment, actor and details.
    assigned = {
        (log.object_id, log.actor_id, log.content_object.reviewer_id, log.data["reviewer"])
        for log in ActivityLog.objects.filter(action_type="exchanges.review.assigned")
    }
    assert assigned == {
        (a.pk, secretariat.pk, a.reviewer_id, a.reviewer_id) for a in ReviewAssignment.objects.all()
    }
    stored = ActivityLog.objects.filter(action_type="exchanges.review.assigned").first()
    assert (stored.data["automatic"], stored.data["batch"]) == (True, result.batch)
    assigned_at = ReviewAssignment.objects.get(pk=stored.object_id).assigned_at
    assert dt.timedelta(0) <= stored.timestamp - assigned_at < dt.timedelta(seconds=5)


def test_automatic_assignment_counts_existing_load(cohort, secretariat):
    busy, idle = pool(cohort, secretariat, 2)
    earlier = ApplicationFactory(cohort=cohort, submitted=True)
    review_assign(application=earlier, reviewer=busy, actor=secretariat)
    later = ApplicationFactory(cohort=cohort, submitted=True)

    review_assign_automatically(cohort=cohort, per_application=1, actor=secretariat)

    assert reviewers_of(earlier) == [busy.pk]
    assert reviewers_of(later) == [idle.pk]


def test_reviewer_never_gets_own_or_declared_institution(cohort, secretariat):
    own = ReviewerFactory(organisation=OrganisationFactory(name="  seoul NATIONAL   university"))
    declared = ReviewerFactory()
    reviewer_conflict_add(reviewer=declared, institution="Korea\tUniversity", actor=declared)
    free = ReviewerFactory()
    for reviewer in (own, declared, free):
        review_pool_add(cohort=cohort, reviewer=reviewer, actor=secretariat)
    snu = ApplicationFactory(cohort=cohort, submitted=True, institution="Seoul National University")
    korea = ApplicationFactory(cohort=cohort, submitted=True, institution="korea university")

    result = review_assign_automatically(cohort=cohort, actor=secretariat)

    assert reviewers_of(snu) == sorted([declared.pk, free.pk])
    assert reviewers_of(korea) == sorted([own.pk, free.pk])
    assert result.unfilled == []


def test_normalise_institution_ignores_case_and_whitespace():
    assert normalise_institution(" Seoul\u3000National  UNIVERSITY ") == "seoulnationaluniversity"
    assert normalise_institution("") == ""


def test_declared_conflict_frees_the_assignment_and_rerun_replaces_it(cohort, secretariat):
    first, second, third = pool(cohort, secretariat, 3)
    application = ApplicationFactory(cohort=cohort, submitted=True)
    review_assign_automatically(cohort=cohort, actor=secretariat)
    assert reviewers_of(application) == [first.pk, second.pk]
    assignment = ReviewAssignment.objects.get(application=application, reviewer=first)

    review_declare_conflict(assignment=assignment, actor=first, reason="My former student.")
    assert reviewers_of(application) == [second.pk]
    result = review_assign_automatically(cohort=cohort, actor=secretariat)

    assert result.assignments_created == 1
    assert reviewers_of(application) == [second.pk, third.pk]
    assignment.refresh_from_db()
    assert (assignment.status, assignment.conflict_reason) == (A.CONFLICT, "My former student.")
    # Never given back to the reviewer who declared the conflict.
    review_pool_remove(member=third.review_pools.get(), actor=secretariat)
    again = review_assign_automatically(cohort=cohort, actor=secretariat)
    assert reviewers_of(application) == [second.pk]
    assert [(u.application.pk, u.assigned, u.excluded) for u in again.unfilled] == [
        (application.pk, 1, {"conflict": 1})
    ]


def test_same_country_is_avoided_only_when_asked(cohort, secretariat):
    korean = ReviewerFactory(country="KR")
    american = ReviewerFactory(country="US")
    for reviewer in (korean, american):
        review_pool_add(cohort=cohort, reviewer=reviewer, actor=secretariat)
    cohort.review_settings.avoid_same_country = True
    cohort.review_settings.save()
    from_korea = ApplicationFactory(cohort=cohort, submitted=True, country="KR")
    from_us = ApplicationFactory(cohort=cohort, submitted=True, country="US")

    result = review_assign_automatically(cohort=cohort, per_application=2, actor=secretariat)

    assert reviewers_of(from_korea) == [american.pk]
    assert reviewers_of(from_us) == [korean.pk]
    assert sorted((u.application.pk, u.excluded["country"]) for u in result.unfilled) == sorted(
        [(from_korea.pk, 1), (from_us.pk, 1)]
    )


def test_same_country_allowed_by_default(cohort, secretariat):
    korean = ReviewerFactory(country="KR")
    review_pool_add(cohort=cohort, reviewer=korean, actor=secretariat)
    application = ApplicationFactory(cohort=cohort, submitted=True, country="KR")

    review_assign_automatically(cohort=cohort, per_application=1, actor=secretariat)

    assert reviewers_of(application) == [korean.pk]


def test_rerun_is_idempotent_no_duplicates_no_second_email(cohort, secretariat):
    reviewers = pool(cohort, secretariat, 3)
    for _ in range(4):
        ApplicationFactory(cohort=cohort, submitted=True)
    first = review_assign_automatically(cohort=cohort, actor=secretariat)
    rows = sorted(ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    mails = OutgoingMail.objects.filter(template_key=MailTemplateKey.REVIEWER_ASSIGNED).count()

    second = review_assign_automatically(cohort=cohort, actor=secretariat)

    assert (first.assignments_created, second.assignments_created) == (8, 0)
    assert (first.reviewers_emailed, second.reviewers_emailed) == (3, 0)
    assert sorted(ReviewAssignment.objects.values_list("application_id", "reviewer_id")) == rows
    assert len(rows) == len(set(rows))
    assert (
        OutgoingMail.objects.filter(template_key=MailTemplateKey.REVIEWER_ASSIGNED).count()
        == mails
        == 3
    )
    assert second.applications_completed == 4
    assert loads(cohort) == {reviewers[0].pk: 3, reviewers[1].pk: 3, reviewers[2].pk: 2}


def test_one_email_per_reviewer_per_batch_with_count(cohort, secretariat):
    first, second = pool(cohort, secretariat, 2)
    for _ in range(3):
        ApplicationFactory(cohort=cohort, submitted=True)

    result = review_assign_automatically(cohort=cohort, actor=secretariat)

    mails = list(
        OutgoingMail.objects.filter(template_key=MailTemplateKey.REVIEWER_ASSIGNED)
        .order_by("recipient_email")
        .values_list("idempotency_key", "recipient_email")
    )
    assert mails == sorted(
        [
            (f"reviewer-assigned:{result.batch}:{first.pk}", first.email),
            (f"reviewer-assigned:{result.batch}:{second.pk}", second.email),
        ],
        key=lambda row: row[1],
    )
    body = OutgoingMail.objects.get(recipient_email=first.email).text_body
    assert "You have been assigned 3 application(s) to review" in body


def test_capacity_is_respected_and_reported(cohort, secretariat):
    limited = ReviewerFactory()
    review_pool_add(cohort=cohort, reviewer=limited, actor=secretariat, max_assignments=1)
    applications = [ApplicationFactory(cohort=cohort, submitted=True) for _ in range(2)]

    result = review_assign_automatically(cohort=cohort, per_application=1, actor=secretariat)

    assert loads(cohort) == {limited.pk: 1}
    assert [(u.application.pk, u.assigned, u.needed, u.excluded) for u in result.unfilled] == [
        (applications[1].pk, 0, 1, {"capacity": 1})
    ]


def test_empty_pool_reports_every_application(cohort, secretariat):
    application = ApplicationFactory(cohort=cohort, submitted=True)

    result = review_assign_automatically(cohort=cohort, actor=secretariat)

    assert [(u.application.pk, u.assigned, u.needed, u.excluded) for u in result.unfilled] == [
        (application.pk, 0, 2, {})
    ]
    assert ReviewAssignment.objects.count() == 0


def test_most_constrained_application_is_served_first(cohort, secretariat):
    # Only the Korean reviewer may review the US application (the American one works at its
    # institution); served first, it gets them although the Japanese one was submitted
    # earlier, and the American reviewer takes the Japanese application: both are filled.
    cohort.review_settings.avoid_same_country = True
    cohort.review_settings.save()
    korean = ReviewerFactory(country="KR")
    american = ReviewerFactory(
        country="US", organisation=OrganisationFactory(name="Georgetown University", country="US")
    )
    for reviewer in (korean, american):
        review_pool_add(cohort=cohort, reviewer=reviewer, actor=secretariat, max_assignments=1)
    from_japan = ApplicationFactory(cohort=cohort, submitted=True, country="JP")
    from_us = ApplicationFactory(
        cohort=cohort, submitted=True, country="US", institution="Georgetown University"
    )

    result = review_assign_automatically(cohort=cohort, per_application=1, actor=secretariat)

    assert reviewers_of(from_us) == [korean.pk]
    assert reviewers_of(from_japan) == [american.pk]
    assert result.unfilled == []


def test_assignment_needs_a_due_date(secretariat):
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort, due_at=None)

    with pytest.raises(ReviewRefused, match="due date"):
        review_assign_automatically(cohort=cohort, actor=secretariat)


def test_manual_assignment_starts_review_and_mails_one(cohort, secretariat):
    reviewer = pool(cohort, secretariat, 1)[0]
    application = ApplicationFactory(cohort=cohort, submitted=True)

    assignment = review_assign(application=application, reviewer=reviewer, actor=secretariat)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert (assignment.status, assignment.assigned_by) == (A.ASSIGNED, secretariat)
    mail = OutgoingMail.objects.get(template_key=MailTemplateKey.REVIEWER_ASSIGNED)
    assert mail.idempotency_key == f"reviewer-assigned:{assignment.batch}:{reviewer.pk}"
    assert "You have been assigned 1 application(s) to review" in mail.text_body


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("outside_pool", "pool first"),
        ("institution", "institution"),
        ("duplicate", "already assigned"),
        ("conflict", "conflict of interest"),
        ("draft", "Only submitted applications"),
    ],
)
def test_manual_assignment_refusals(cohort, secretariat, setup, message):
    reviewer = ReviewerFactory(organisation=OrganisationFactory(name="Yonsei University"))
    if setup != "outside_pool":
        review_pool_add(cohort=cohort, reviewer=reviewer, actor=secretariat)
    application = (
        ApplicationFactory(cohort=cohort)
        if setup == "draft"
        else ApplicationFactory(
            cohort=cohort,
            submitted=True,
            institution="yonsei university" if setup == "institution" else "Other",
        )
    )
    if setup in {"duplicate", "conflict"}:
        assignment = review_assign(application=application, reviewer=reviewer, actor=secretariat)
        if setup == "conflict":
            review_declare_conflict(assignment=assignment, actor=reviewer, reason="Relative")

    with pytest.raises(ReviewRefused, match=message):
        review_assign(application=application, reviewer=reviewer, actor=secretariat)


def test_unassign_and_manual_reassign(cohort, secretariat):
    reviewer = pool(cohort, secretariat, 1)[0]
    application = ApplicationFactory(cohort=cohort, submitted=True)
    assignment = review_assign(application=application, reviewer=reviewer, actor=secretariat)

    review_unassign(assignment=assignment, actor=secretariat)
    assignment.refresh_from_db()
    assert assignment.status == A.REMOVED
    assert (
        review_assign_automatically(
            cohort=cohort, per_application=1, actor=secretariat
        ).assignments_created
        == 0
    )
    again = review_assign(application=application, reviewer=reviewer, actor=secretariat)

    assert (again.pk, again.status) == (assignment.pk, A.ASSIGNED)
    assert ReviewAssignment.objects.count() == 1
    assert OutgoingMail.objects.filter(template_key=MailTemplateKey.REVIEWER_ASSIGNED).count() == 2


def test_pool_remove_withdraws_pending_assignments_only(cohort, secretariat):
    reviewer = pool(cohort, secretariat, 1)[0]
    applications = [ApplicationFactory(cohort=cohort, submitted=True) for _ in range(2)]
    review_assign_automatically(cohort=cohort, per_application=1, actor=secretariat)
    done = ReviewAssignment.objects.get(application=applications[0])
    done.status = A.SUBMITTED
    done.save()

    removed = review_pool_remove(member=reviewer.review_pools.get(), actor=secretariat)

    assert removed == 1
    assert dict(ReviewAssignment.objects.values_list("application_id", "status")) == {
        applications[0].pk: A.SUBMITTED,
        applications[1].pk: A.REMOVED,
    }
    assert reviewer.review_pools.get().is_active is False


def test_pool_accepts_only_reviewers(cohort, secretariat, applicant):
    with pytest.raises(ReviewRefused):
        review_pool_add(cohort=cohort, reviewer=applicant, actor=secretariat)
