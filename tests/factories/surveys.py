"""Factories for surveys: a published survey of a cohort with the standard questions, and
invitations of its participants."""

import datetime as dt

from django.utils import timezone

from exchanges.enums import ApplicationStatus, SurveyKind
from exchanges.models import Survey, SurveyInvitation
from exchanges.services.surveys import (
    survey_create_standard,
    survey_questions_for,
    survey_response_submit,
)
from tests.factories.applications import ApplicationFactory, CohortFactory


def standard_survey(
    *, cohort=None, kind=SurveyKind.POST_PROGRAM, opens_at=None, closes_at=None, published=True
) -> Survey:
    """A survey with the standard questionnaire; open now (since yesterday, for 10 days)
    unless dates are given."""
    cohort = cohort or CohortFactory()
    now = timezone.now()
    survey = survey_create_standard(
        cohort=cohort,
        kind=kind,
        actor=None,
        opens_at=opens_at or now - dt.timedelta(days=1),
        closes_at=closes_at or now + dt.timedelta(days=10),
    )
    if published:
        Survey.objects.filter(pk=survey.pk).update(published_at=survey.opens_at)
        survey.refresh_from_db()
    return survey


def participant(cohort, country="KR", status=ApplicationStatus.PARTICIPANT, **applicant):
    return ApplicationFactory(
        cohort=cohort,
        status=status,
        country=country,
        applicant__country=country,
        **{f"applicant__{k}": v for k, v in applicant.items()},
    )


def invitation(survey, *, country="KR", invited_at=None, **applicant) -> SurveyInvitation:
    application = participant(survey.cohort, country=country, **applicant)
    return SurveyInvitation.objects.create(
        survey=survey,
        application=application,
        country=country,
        invited_at=invited_at or timezone.now(),
    )


DEFAULT_ANSWERS = {"thermometer": 50, "likert": 3, "nps": 8, "open_text": ""}


def answer(survey, application, *, language="en", **by_code):
    """Submit ``application``'s answers to ``survey`` through the service: every question
    the person is asked gets ``by_code[code]`` (dashes as underscores) or a middle value."""
    invite, _created = SurveyInvitation.objects.get_or_create(
        survey=survey,
        application=application,
        defaults={"country": application.country, "invited_at": timezone.now()},
    )
    data = {}
    for question in survey_questions_for(survey=survey, country=invite.country):
        value = by_code.get(question.code.replace("-", "_"), DEFAULT_ANSWERS[question.kind])
        data[question.pk] = "" if value is None else str(value)
    return survey_response_submit(invitation=invite, data=data, language=language)
