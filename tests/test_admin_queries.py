"""Every admin change list makes the same number of queries at 3 and at 300 rows: related
rows (and the choices of the filters) are fetched in bulk, never once per row."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import sessions
from api.models import ApiKey, IdempotencyRecord
from exchanges.enums import DocumentKind, MailStatus, MailTemplateKey, SelectionMoveDirection
from exchanges.models import (
    ActivityLog,
    AlumniSuspension,
    Answer,
    ApplicationExport,
    AttendanceMark,
    Campaign,
    Certificate,
    CohortQuota,
    CompletionRule,
    Document,
    ErasureRequest,
    GuardianConsent,
    ItineraryFeed,
    MailOptOut,
    MailTemplate,
    MatchGroup,
    MatchGroupMember,
    MatchingConstraint,
    MatchingRun,
    Nomination,
    OutgoingMail,
    OutgoingMailAttachment,
    PlacementAssignment,
    PlacementRun,
    PrivacyNotice,
    RefereeRequest,
    Review,
    ReviewerConflict,
    ReviewRound,
    ReviewRoundEntry,
    ReviewScore,
    SelectionMove,
    SelectionSettings,
    SurveyAnswer,
    SurveyResponse,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventRecord,
    WebhookSubscription,
)
from tests.conftest import with_mfa
from tests.factories import OrganisationFactory, SecretariatFactory
from tests.factories.alumni import AlumniMessageFactory, AlumniProfileFactory
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    ProgramFactory,
    QuestionFactory,
)
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
# Rows this test does not create: none (every admin list is checked at 3 and 300 rows).
UNPOPULATED: set[str] = set()


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
    ItineraryFeed.objects.create(cohort=cohort, application=application)
    session = ItineraryItemFactory(cohort=cohort)
    AttendanceMark.objects.create(
        item=session,
        application=application,
        status="present",
        client_id=uuid.uuid4(),
        marked_at=timezone.now(),
    )
    CompletionRule.objects.create(cohort=cohort)
    Certificate.objects.create(application=application, language="en", attendance_percent=90)
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
    invitation = SurveyInvitationFactory(survey=SurveyFactory(cohort=cohort, published=True))
    survey_response = SurveyResponse.objects.create(
        invitation=invitation,
        survey=invitation.survey,
        application=invitation.application,
        respondent=f"respondent-{n}",
        country="KR",
    )
    SurveyAnswer.objects.create(
        response=survey_response, question=invitation.survey.questions.first(), value=3
    )
    assignment = ReviewAssignmentFactory(application=other)
    review = Review.objects.create(assignment=assignment, weighted_score=Decimal("70.00"))
    ReviewScore.objects.create(
        review=review, criterion=ReviewCriterionFactory(cohort=other.cohort), score=4
    )
    review_round = ReviewRound.objects.create(cohort=cohort, number=1, created_by=actor)
    ReviewRoundEntry.objects.create(round=review_round, application=application, advanced_by=actor)
    SelectionSettings.objects.create(cohort=cohort)
    SelectionMove.objects.create(
        cohort=cohort,
        application=application,
        direction=SelectionMoveDirection.values[0],
        moved_by=actor,
    )
    Document.objects.create(
        application=application,
        question=question,
        kind=DocumentKind.CV,
        file=f"documents/admin-test-{n}.pdf",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
    )
    soon = timezone.now() + timedelta(days=7)
    RefereeRequest.objects.create(
        application=application,
        name=f"Referee {n}",
        email=f"referee-{n}@example.org",
        token_hash=f"referee-{n:06d}".ljust(64, "0"),
        expires_at=soon,
    )
    GuardianConsent.objects.create(
        application=application,
        guardian_name=f"Guardian {n}",
        guardian_email=f"guardian-{n}@example.org",
        token_hash=f"guardian-{n:06d}".ljust(64, "0"),
        expires_at=soon,
    )
    organisation = OrganisationFactory(name=f"Partner {n}")
    Nomination.objects.create(
        organisation=organisation, cohort=cohort, name=f"Candidate {n}", email=f"c{n}@example.org"
    )
    api_key = ApiKey.objects.create(
        organisation=organisation,
        name=f"Key {n}",
        prefix=f"tl_{n:06d}",
        hashed_secret="0" * 64,
        created_by=actor,
    )
    IdempotencyRecord.objects.create(
        api_key=api_key, idempotency_key=f"key-{n}", fingerprint="0" * 64, status_code=201
    )
    Site.objects.create(domain=f"site-{n}.example.org", name=f"Site {n}")
    campaign = Campaign.objects.create(cohort=cohort, name=f"Campaign {n}", subject_en="Hi")
    outgoing = OutgoingMail.objects.create(
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
    OutgoingMailAttachment.objects.create(
        mail=outgoing,
        filename=f"trilink-certificate-{n}.pdf",
        mime_type="application/pdf",
        size=4,
        sha256="0" * 64,
        content=b"%PDF",
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
    organisation = OrganisationFactory(name=f"Organisation {n}")
    subscription = WebhookSubscription.objects.create(
        organisation=organisation,
        url=f"https://93.184.215.{n % 250}/hook",
        events=["survey.closed"],
        contact_email="it@example.org",
        encrypted_secret="-",
    )
    event = WebhookEventRecord.objects.create(event_type="survey.closed", payload={})
    delivery = WebhookDelivery.objects.create(event=event, subscription=subscription)
    WebhookAttempt.objects.create(delivery=delivery, number=1, status_code=200, succeeded=True)
    Group.objects.create(name=f"Group {n}")
    with_mfa(application.applicant)
    ApplicationExport.objects.create(
        cohort=cohort, requested_by=actor, file_format="csv", language="en"
    )
    ActivityLog.objects.create(
        actor=actor, content_object=application, action_type="exchanges.application.started"
    )
    profile = AlumniProfileFactory(languages=["en"])
    message = AlumniMessageFactory(sender=profile.user, recipient=application.applicant)
    AlumniSuspension.objects.create(user=message.sender, suspended_by=actor)
    ErasureRequest.objects.create(
        applicant=application.applicant, due_at=timezone.now(), processed_by=actor
    )
    PrivacyNotice.objects.create(
        version=PrivacyNotice.objects.count() + 1,
        text_en="Notice",
        text_ja="通知",
        text_ko="방침",
        created_by=actor,
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


def test_admin_changelists_make_the_same_queries_at_3_and_300_rows(client, settings, monkeypatch):
    # The staff session records its last use at most once a minute (accounts.sessions); on a
    # loaded machine measuring every list takes longer than that, and the write landed inside
    # whichever list was measured then (one query more, a different list each time).
    monkeypatch.setattr(sessions, "SEEN_WRITE_SECONDS", 10**9)
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


def test_program_change_page_fetches_its_cohorts_programs_in_one_query(client):
    """The cohort inline prints each cohort, whose name includes its program's: the page made
    one query per cohort (zeal raises on the N+1) until the inline selected the program."""
    root = with_mfa(SecretariatFactory(is_superuser=True, is_staff=True))
    client.force_login(root)
    program = ProgramFactory()
    for _ in range(3):
        CohortFactory(program=program)

    response = client.get(reverse("admin:exchanges_program_change", args=[program.pk]))

    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 3


def test_a_cohort_choice_reads_its_program_in_the_same_query(client):
    """A form's cohort choices print each cohort with its program's name (zeal raised on the
    N+1 of the application form's add page with two cohorts)."""
    root = with_mfa(SecretariatFactory(is_superuser=True, is_staff=True))
    client.force_login(root)
    for _ in range(3):
        CohortFactory()

    response = client.get(reverse("admin:exchanges_applicationform_add"))

    assert response.status_code == 200
    assert len(response.context["adminform"].form.fields["cohort"].queryset) == 3
