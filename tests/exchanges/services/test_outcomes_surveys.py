"""The survey changes outcome analytics rely on: answers saved for later and resumed, the
respondent key, and an anonymous setting that cannot change once answers exist."""

import datetime as dt

import pytest
from django.utils import timezone

from exchanges.enums import SurveyKind
from exchanges.exceptions import SurveyAlreadyAnswered, SurveyLocked, SurveyNotOpen
from exchanges.models import ActivityLog, SurveyInvitation
from exchanges.services.surveys import (
    survey_draft_save,
    survey_questions_for,
    survey_respondent_id,
    survey_update,
)
from tests.factories.surveys import SurveyFactory, SurveyInvitationFactory, answer

pytestmark = pytest.mark.django_db


def test_draft_keeps_typed_answers_of_asked_questions_only():
    survey = SurveyFactory(kind=SurveyKind.POST_PROGRAM, published=True)
    invite = SurveyInvitationFactory(survey=survey, country="JP")
    asked = {q.code: q.pk for q in survey_questions_for(survey=survey, country="JP")}
    own = survey.questions.get(code="thermometer-JP")

    survey_draft_save(
        invitation=invite,
        data={
            asked["thermometer-KR"]: " 55 ",
            asked["open-valuable"]: "Home\x00stay\nin Tokyo",
            asked["trust-people"]: "",
            own.pk: "90",
        },
    )

    invite.refresh_from_db()
    assert invite.draft == {
        str(asked["thermometer-KR"]): "55",
        str(asked["open-valuable"]): "Homestay\nin Tokyo",
    }
    assert invite.completed_at is None
    assert ActivityLog.objects.filter(action_type="exchanges.survey.draft_saved").count() == 1


def test_submission_empties_the_draft_and_stores_the_respondent_key():
    survey = SurveyFactory(kind=SurveyKind.POST_PROGRAM, published=True)
    invite = SurveyInvitationFactory(survey=survey, country="JP")
    survey_draft_save(invitation=invite, data={survey.questions.first().pk: "40"})

    response = answer(survey, invite.application)

    invite.refresh_from_db()
    assert invite.draft == {}
    assert response.respondent == survey_respondent_id(application_id=invite.application_id)
    with pytest.raises(SurveyAlreadyAnswered):
        survey_draft_save(invitation=invite, data={})


def test_draft_refused_once_the_survey_closed():
    now = timezone.now()
    survey = SurveyFactory(
        opens_at=now - dt.timedelta(days=5), closes_at=now - dt.timedelta(minutes=1), published=True
    )
    invite = SurveyInvitationFactory(survey=survey, country="KR")

    with pytest.raises(SurveyNotOpen):
        survey_draft_save(invitation=invite, data={})
    assert SurveyInvitation.objects.get(pk=invite.pk).draft == {}


def test_anonymous_setting_is_locked_once_answered():
    survey = SurveyFactory(kind=SurveyKind.PRE_PROGRAM, published=True)
    survey_update(survey=survey, actor=None, anonymous=True)
    answer(survey, SurveyInvitationFactory(survey=survey, country="US").application)

    with pytest.raises(SurveyLocked):
        survey_update(survey=survey, actor=None, anonymous=False)
    survey.refresh_from_db()
    assert survey.anonymous is True
    assert survey.responses.get().application_id is None
