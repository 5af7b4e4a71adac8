"""Demo review data: the demo reviewer has a queue with pending and submitted reviews, and
seeding twice adds nothing."""

import pytest
from django.urls import reverse

from accounts.models import User
from exchanges.demo import DEMO_DOMAIN, demo_seed
from exchanges.enums import ReviewAssignmentStatus
from exchanges.models import (
    CohortReviewSettings,
    OutgoingMail,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerPoolMember,
)
from tests.conftest import with_mfa

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            ReviewCriterion,
            CohortReviewSettings,
            ReviewerPoolMember,
            ReviewAssignment,
            Review,
            OutgoingMail,
        )
    }


def test_demo_reviewer_has_pending_and_submitted_reviews_and_seeding_is_idempotent(client):
    demo_seed()
    first = _counts()
    demo_seed()

    assert _counts() == first
    # Four criteria on each demo cohort's round 1; the open cohort's panel round has its own
    # rubric: a copy of those four and one more (``exchanges.demo.selection``).
    assert first["ReviewCriterion"] == 8 + 5
    statuses = sorted(
        ReviewAssignment.objects.filter(reviewer__email=f"reviewer@{DEMO_DOMAIN}").values_list(
            "status", flat=True
        )
    )
    assert (
        statuses == [ReviewAssignmentStatus.ASSIGNED] * 3 + [ReviewAssignmentStatus.SUBMITTED] * 3
    )
    # The panel round (``exchanges.demo.selection``) is current: the panel reviewer's queue
    # holds the panel's reviews.
    panellist = ReviewerPoolMember.objects.get(
        reviewer__email=f"reviewer-panel@{DEMO_DOMAIN}"
    ).reviewer
    client.force_login(with_mfa(panellist))  # the demo seeds no second factor for it
    response = client.get(reverse("review:queue"))
    assert response.status_code == 200
    assert [row["assignment"].status for row in response.context["rows"]] == [
        ReviewAssignmentStatus.ASSIGNED
    ] * 2 + [ReviewAssignmentStatus.SUBMITTED] * 4


def test_demo_reviewer_login_has_three_reviews_to_do_and_three_done_as_the_readme_says(client):
    demo_seed()
    reviewer = User.objects.get(email=f"reviewer@{DEMO_DOMAIN}")
    client.force_login(reviewer)  # the demo login has its authenticator

    queue = client.get(reverse("review:queue"))
    rows = queue.context["rows"]
    pending = rows[0]["assignment"]
    detail = client.get(reverse("review:assignment", args=[pending.pk]))

    # Their reviews are in round 1, still open (due after the panel round started).
    assert [(row["assignment"].status, row["assignment"].round.number) for row in rows] == [
        (ReviewAssignmentStatus.ASSIGNED, 1)
    ] * 3 + [(ReviewAssignmentStatus.SUBMITTED, 1)] * 3
    assert detail.status_code == 200
    assert detail.context["can_review"] is True
