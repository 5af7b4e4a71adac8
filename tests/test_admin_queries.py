"""Every admin change list makes the same number of queries at 3 and at 300 rows: related
rows (and the choices of the filters) are fetched in bulk, never once per row."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchanges.enums import MailStatus, MailTemplateKey
from exchanges.models import (
    ActivityLog,
    Answer,
    ApplicationExport,
    Campaign,
    CohortQuota,
    MailOptOut,
    MailTemplate,
    MatchGroup,
    MatchGroupMember,
    MatchingConstraint,
    MatchingRun,
    OutgoingMail,
    PlacementAssignment,
    PlacementRun,
    ReviewerConflict,
)
from tests.conftest import with_mfa
from tests.factories import OrganisationFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory, FormStepFactory, QuestionFactory
from tests.factories.matching import MatchingProfileFactory
from tests.factories.placement import HostFactory
from tests.factories.predeparture import ChecklistFactory, ItineraryItemFactory
from tests.factories.reviews import (
    PoolMemberFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ReviewSettingsFactory,
)
from tests.factories.surveys import SurveyFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db
NOT_IN_ADMIN = {"account.EmailConfirmation"}
UNPOPULATED = {
    "api.ApiKey",
    "api.IdempotencyRecord",
    "exchanges.Document",
    "exchanges.GuardianConsent",
    "exchanges.Nomination",
    "exchanges.RefereeRequest",
    "exchanges.Review",
    "exchanges.ReviewRound",
    "exchanges.ReviewRoundEntry",
    "exchanges.ReviewScore",
    "exchanges.SelectionMove",
    "exchanges.SelectionSettings",
    "exchanges.SurveyAnswer",
    "exchanges.SurveyResponse",
    "sites.Site",
}


def _world(n: int, actor) -> None:
    """A program, cohort and application with one row of every kind around it (each row
    with its own related rows, so a per-row lookup would show)."""
    application = ApplicationFactory(status="confirmed")
    cohort = application.cohort
    other = ApplicationFactory(cohort=cohort, status="confirmed")
    question = QuestionFactory(step=FormStepFactory(form__cohort=cohort))
    Answer.objects.create(application=application, question=question, value=f"answer {n}")
    MatchingProfileFactory(application=application)
    host = HostFactory(cohort=cohort)
    ChecklistFactory(application=application)
    ItineraryItemFactory(cohort=cohort)
    ReviewCriterionFactory(cohort=cohort)
    ReviewSettingsFactory(cohort=cohort)
    pool = PoolMemberFactory(cohort=cohort)
    ReviewAssignmentFactory(application=application)
    ReviewerConflict.objects.create(reviewer=pool.reviewer, institution=f"Institution {n}")
    CohortQuota.objects.create(cohort=cohort, country="KR", seats=10)
    MatchingConstraint.objects.create(
        cohort=cohort, kind="do_not_match", first=application, second=other
    )
    run = MatchingRun.objects.create(cohort=cohort, created_by=actor)
    group = MatchGroup.objects.create(run=run, number=1)
    MatchGroupMember.objects.create(run=run, group=group, application=application)
    placement = PlacementRun.objects.create(cohort=cohort, kind="hosts", created_by=actor)
    PlacementAssignment.objects.create(run=placement, application=application, host=host)
    SurveyInvitationFactory(survey=SurveyFactory(cohort=cohort, published=True))
    campaign = Campaign.objects.create(cohort=cohort, name=f"Campaign {n}", subject_en="Hi")
    OutgoingMail.objects.create(
        recipient_email=application.applicant.email,
        user=application.applicant,
        campaign=campaign,
        language="en",
        template_key="campaign",
        subject="Hi",
        status=MailStatus.SENT,
        idempotency_key=f"admin-test-{n}",
        message_id=f"<admin-test-{n}@trilink.example>",
    )
    MailOptOut.objects.create(email=f"out-{n}@example.org")
    MailTemplate.objects.create(
        cohort=cohort,
        key=MailTemplateKey.values[0],
        language="en",
        subject="Hi",
        text_body="Hello",
        updated_by=actor,
    )
    OrganisationFactory(name=f"Organisation {n}")
    Group.objects.create(name=f"Group {n}")
    with_mfa(application.applicant)
    ApplicationExport.objects.create(
        cohort=cohort, requested_by=actor, file_format="csv", language="en"
    )
    ActivityLog.objects.create(
        actor=actor, content_object=application, action_type="exchanges.application.started"
    )


def _counts(client) -> dict[str, tuple[int, int]]:
    """(queries, rows shown) of every change list."""
    counts = {}
    for model in admin.site._registry:
        opts = model._meta
        if opts.label in NOT_IN_ADMIN:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, opts.label
        counts[opts.label] = (len(queries), len(response.context["cl"].result_list))
    return counts


def test_admin_changelists_make_the_same_queries_at_3_and_300_rows(client, settings):
    root = with_mfa(SecretariatFactory(is_superuser=True, is_staff=True))
    client.force_login(root)
    for n in range(3):
        _world(n, root)
    small = _counts(client)
    for n in range(3, 300):
        _world(n, root)
    # Making 300 worlds takes over a minute: the staff session records its last use then
    # (accounts.sessions), on this request rather than inside the first list measured.
    client.get(reverse("admin:index"))
    large = _counts(client)

    grown = {
        label: (small[label][0], large[label][0])
        for label in small
        if small[label][0] != large[label][0]
    }
    assert grown == {}
    # The lists really grew: at least 3 rows at first, a full page (100) later.
    # Rows this test does not create (their lists hold 0 to 2 rows in both runs).
    few = sorted(label for label, (_queries, rows) in small.items() if rows < 3)
    assert few == sorted(UNPOPULATED)
    assert {label: large[label][1] for label in small if label not in UNPOPULATED} == {
        label: 100 for label in small if label not in UNPOPULATED
    }
