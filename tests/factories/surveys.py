"""Factories for surveys: a survey of a cohort with the standard questions, and invitations of
its participants."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus, SurveyKind
from exchanges.models import Survey, SurveyInvitation
from exchanges.services.surveys import (
    survey_create_standard,
    survey_questions_for,
    survey_response_submit,
)
from tests.factories.applications import ApplicationFactory, CohortFactory


class SurveyFactory(DjangoModelFactory):
    """A draft post-program survey with the standard questionnaire, created as staff create it
    (``survey_create_standard``); open since yesterday, for 10 days. ``published=True``
    publishes it at its opening time."""

    class Meta:
        model = Survey
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    kind = SurveyKind.POST_PROGRAM
    # Lambdas, not ``timezone.now`` itself, so tests that monkeypatch the clock see it.
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return survey_create_standard(actor=None, **kwargs)

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if create and extracted:
            Survey.objects.filter(pk=obj.pk).update(published_at=obj.opens_at)
            obj.refresh_from_db()


class SurveyParticipantFactory(ApplicationFactory):
    """A participant of the cohort from ``country`` (Korea); citizenship and residence stay
    as ``ApplicationFactory`` makes them. Set the person with ``applicant__<field>``."""

    status = ApplicationStatus.PARTICIPANT
    country = "KR"
    applicant__country = factory.SelfAttribute("..country")


class SurveyInvitationFactory(DjangoModelFactory):
    """An invitation, sent now, of a participant from ``country`` (Korea) of the survey's
    cohort; the participant's citizenship and residence stay Korean."""

    class Meta:
        model = SurveyInvitation

    survey = factory.SubFactory(SurveyFactory, published=True)
    country = "KR"
    application = factory.SubFactory(
        ApplicationFactory,
        cohort=factory.SelfAttribute("..survey.cohort"),
        status=ApplicationStatus.PARTICIPANT,
        country=factory.SelfAttribute("..country"),
        applicant__country=factory.SelfAttribute("...country"),
    )
    invited_at = factory.LazyAttribute(lambda _invitation: timezone.now())


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
