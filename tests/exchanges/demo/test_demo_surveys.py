"""Demo surveys: the running cohort's surveys in each state, answered by some, open to the
demo logins, created once."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from exchanges.demo import DEMO_DOMAIN, demo_seed
from exchanges.enums import MailStatus, SurveyKind, SurveyStatus
from exchanges.models import (
    Application,
    OutgoingMail,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from exchanges.services.surveys import survey_eligible_applications, survey_invitation_url

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Survey.objects.count(),
        SurveyInvitation.objects.count(),
        SurveyResponse.objects.count(),
        SurveyAnswer.objects.count(),
        OutgoingMail.objects.filter(idempotency_key__startswith="survey-").count(),
    )


def test_demo_seed_creates_surveys_in_each_state_once(client):
    first = demo_seed()
    counts = _counts()
    second = demo_seed()

    surveys = {s.kind: s for s in Survey.objects.all()}
    pre, post = surveys[SurveyKind.PRE_PROGRAM], surveys[SurveyKind.POST_PROGRAM]
    assert (first["surveys_created"], second["surveys_created"]) == (4, 0)
    assert second["survey_responses_created"] == 0
    assert _counts() == counts
    assert {kind: s.status for kind, s in surveys.items()} == {
        SurveyKind.PRE_PROGRAM: SurveyStatus.OPEN,
        SurveyKind.POST_PROGRAM: SurveyStatus.OPEN,
        SurveyKind.FOLLOWUP_6: SurveyStatus.SCHEDULED,
        SurveyKind.FOLLOWUP_12: SurveyStatus.SCHEDULED,
    }
    for survey in (pre, post):
        assert survey.invitations.count() == survey_eligible_applications(survey=survey).count()
        assert not survey.invitations.filter(invited_at__isnull=True).exists()
    assert pre.invitations.count() > 30
    assert 0.5 < pre.responses.count() / pre.invitations.count() < 0.95
    assert 0.2 < post.responses.count() / post.invitations.count() < 0.8
    assert set(pre.responses.values_list("country", flat=True)) == {"US", "JP", "KR"}
    assert (
        not OutgoingMail.objects.filter(idempotency_key__startswith="survey-")
        .exclude(status=MailStatus.SENT)
        .exists()
    )
    assert [m for m in mail.outbox if "survey" in m.subject.lower()] == []

    korean = SurveyInvitation.objects.get(
        survey=pre, application__applicant__email=f"applicant@{DEMO_DOMAIN}"
    )
    japanese = SurveyInvitation.objects.get(
        survey=pre, application__applicant__email=f"applicant-ja@{DEMO_DOMAIN}"
    )
    assert korean.completed_at is None
    assert japanese.completed_at is not None

    def token(invitation):
        return survey_invitation_url(invitation=invitation).rsplit("/", 2)[1]

    client.force_login(korean.application.applicant)
    # The middleware activates the Korean login's language in this thread; override restores.
    with translation.override("en"):
        status = client.get(Application.objects.get(pk=korean.application_id).get_absolute_url())
        pre_page = client.get(reverse("apply:survey", kwargs={"token": token(korean)}))
    # The program has started, so the pre-program survey is no longer offered, although its
    # closing time is still ahead.
    assert pre.closes_at > pre.cohort.program_starts_at
    assert survey_invitation_url(invitation=korean) not in status.content.decode()
    assert pre_page.templates[0].name == "surveys/closed.html"
    assert not pre.responses.filter(submitted_at__gte=pre.cohort.program_starts_at).exists()
