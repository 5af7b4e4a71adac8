"""Surveys: the standard questionnaire, schedules, who is invited, answers, private links and
editing rules."""

import datetime as dt
import time
import zoneinfo

import pytest
from django.utils import timezone

from exchanges.enums import ApplicationStatus, SurveyKind, SurveyQuestionKind, SurveyStatus
from exchanges.exceptions import (
    ExchangeError,
    InvalidTransition,
    SurveyAlreadyAnswered,
    SurveyAnswersInvalid,
    SurveyLocked,
    SurveyNotOpen,
)
from exchanges.models import ActivityLog, SurveyAnswer, SurveyInvitation, SurveyResponse
from exchanges.services.surveys import (
    survey_answers_clean,
    survey_close,
    survey_create_standard,
    survey_default_schedule,
    survey_eligible_applications,
    survey_invitation_for_token,
    survey_invitation_token,
    survey_invitations_create,
    survey_publish,
    survey_question_delete,
    survey_question_move,
    survey_question_save,
    survey_questions_for,
    survey_respondent_id,
    survey_response_submit,
    survey_update,
)
from exchanges.validators import add_months
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.surveys import SurveyFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def _answers(survey, country="KR", **overrides) -> dict:
    """A complete valid answer set for a respondent of ``country``, keyed by question id."""
    values = {
        SurveyQuestionKind.THERMOMETER: "70",
        SurveyQuestionKind.LIKERT: "4",
        SurveyQuestionKind.NPS: "9",
        SurveyQuestionKind.OPEN_TEXT: "Good",
    }
    data = {q.pk: values[q.kind] for q in survey_questions_for(survey=survey, country=country)}
    by_code = {q.code: q.pk for q in survey.questions.all()}
    data.update({by_code[code]: value for code, value in overrides.items()})
    return data


# --- The standard questionnaire -------------------------------------------------------------


def test_standard_questionnaire_has_thermometers_likert_nps_and_open_questions():
    survey = SurveyFactory(kind=SurveyKind.POST_PROGRAM)

    rows = list(
        survey.questions.order_by("position").values_list(
            "position", "kind", "code", "country", "required"
        )
    )

    assert rows == [
        (1, "thermometer", "thermometer-US", "US", True),
        (2, "thermometer", "thermometer-JP", "JP", True),
        (3, "thermometer", "thermometer-KR", "KR", True),
        (4, "likert", "understand-perspectives", "", True),
        (5, "likert", "trust-people", "", True),
        (6, "likert", "cooperation-matters", "", True),
        (7, "likert", "personal-contacts", "", True),
        (8, "nps", "nps", "", True),
        (9, "open_text", "open-valuable", "", False),
        (10, "open_text", "open-improve", "", False),
    ]
    assert survey.published_at is None
    assert ActivityLog.objects.filter(action_type="exchanges.survey.created").count() == 1


def test_standard_questionnaire_is_written_in_each_language():
    survey = SurveyFactory(kind=SurveyKind.PRE_PROGRAM)
    japan = survey.questions.get(code="thermometer-JP")
    trust = survey.questions.get(code="trust-people")
    nps = survey.questions.get(code="nps")

    assert (survey.title_en, survey.title_ja, survey.title_ko) == (
        "Pre-program survey",
        "プログラム事前アンケート",
        "프로그램 사전 설문",
    )
    assert (japan.text_en, japan.text_ja, japan.text_ko) == (
        "How warm or cold do you feel toward the people of Japan?",
        "日本の人々に対して、どのくらい好意的な気持ちを持っていますか。",
        "일본 사람들에 대해 얼마나 호의적인 감정을 느끼십니까?",
    )
    assert (trust.text_en, trust.text_ja, trust.text_ko) == (
        "I trust people from the other participating countries.",
        "他の参加国の人々を信頼しています。",
        "다른 참가국 사람들을 신뢰합니다.",
    )
    assert nps.text_en.startswith("Based on what you have seen so far")
    assert list(survey.questions.filter(kind="open_text").values_list("code", flat=True)) == [
        "open-hopes",
        "open-concerns",
    ]


def test_follow_up_questionnaire_names_the_months_and_asks_about_impact():
    survey = SurveyFactory(kind=SurveyKind.FOLLOWUP_12)

    assert survey.title_ja == "フォローアップ調査（1年後）"
    assert survey.intro_en.startswith("It has been 12 months since the program.")
    assert survey.intro_ko.startswith("프로그램이 끝난 지 12개월이 지났습니다.")
    assert survey.months_after == 12
    assert list(survey.questions.filter(kind="open_text").values_list("code", flat=True)) == [
        "open-impact",
        "open-contacts",
    ]


def test_thermometers_follow_the_programs_countries():
    cohort = CohortFactory(program__countries=["JP", "KR"])

    survey = survey_create_standard(cohort=cohort, kind=SurveyKind.POST_PROGRAM, actor=None)

    assert list(survey.questions.filter(kind="thermometer").values_list("country", flat=True)) == [
        "JP",
        "KR",
    ]


def test_a_cohort_has_one_survey_of_each_kind():
    survey = SurveyFactory()

    with pytest.raises(ExchangeError) as error:
        survey_create_standard(cohort=survey.cohort, kind=survey.kind, actor=None)

    assert error.value.code == "survey_exists"


# --- Schedules ------------------------------------------------------------------------------


def test_follow_up_surveys_open_6_and_12_months_after_the_last_day():
    cohort = CohortFactory(starts_on=dt.date(2030, 7, 1), ends_on=dt.date(2030, 8, 31))

    six = survey_default_schedule(cohort=cohort, kind=SurveyKind.FOLLOWUP_6)
    twelve = survey_default_schedule(cohort=cohort, kind=SurveyKind.FOLLOWUP_12)
    pre = survey_default_schedule(cohort=cohort, kind=SurveyKind.PRE_PROGRAM)

    assert six == (
        dt.datetime(2031, 2, 28, 9, 0, tzinfo=SEOUL),
        dt.datetime(2031, 3, 22, 0, 0, tzinfo=SEOUL),
    )
    assert twelve[0] == dt.datetime(2031, 8, 31, 9, 0, tzinfo=SEOUL)
    assert pre == (
        dt.datetime(2030, 6, 10, 9, 0, tzinfo=SEOUL),
        dt.datetime(2030, 7, 1, 0, 0, tzinfo=SEOUL),
    )


def test_created_follow_up_uses_the_default_schedule():
    cohort = CohortFactory(starts_on=dt.date(2030, 7, 1), ends_on=dt.date(2030, 7, 20))

    survey = survey_create_standard(cohort=cohort, kind=SurveyKind.FOLLOWUP_6, actor=None)

    assert (survey.opens_at, survey.closes_at) == (
        dt.datetime(2031, 1, 20, 9, 0, tzinfo=SEOUL),
        dt.datetime(2031, 2, 11, 0, 0, tzinfo=SEOUL),
    )
    assert survey.status == SurveyStatus.DRAFT


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (dt.date(2030, 1, 31), 1, dt.date(2030, 2, 28)),
        (dt.date(2031, 8, 31), 6, dt.date(2032, 2, 29)),
        (dt.date(2030, 11, 15), 12, dt.date(2031, 11, 15)),
        (dt.date(2030, 7, 20), 6, dt.date(2031, 1, 20)),
    ],
)
def test_add_months_clamps_to_the_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_status_is_derived_from_publication_and_times():
    survey = SurveyFactory()
    now = timezone.now()

    draft = survey.status_at(now)
    survey.published_at = now
    statuses = [
        survey.status_at(survey.opens_at - dt.timedelta(seconds=1)),
        survey.status_at(survey.opens_at),
        survey.status_at(survey.closes_at),
    ]

    assert draft == SurveyStatus.DRAFT
    assert statuses == [SurveyStatus.SCHEDULED, SurveyStatus.OPEN, SurveyStatus.CLOSED]


# --- Who is invited -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,expected",
    [
        (SurveyKind.PRE_PROGRAM, ["confirmed", "participant"]),
        (SurveyKind.POST_PROGRAM, ["alumnus", "participant"]),
        (SurveyKind.FOLLOWUP_6, ["alumnus", "participant"]),
        (SurveyKind.FOLLOWUP_12, ["alumnus", "participant"]),
    ],
)
def test_eligibility_per_kind(kind, expected):
    cohort = CohortFactory()
    for status in ApplicationStatus.values:
        ApplicationFactory(cohort=cohort, status=status)
    ApplicationFactory(
        cohort=cohort, status=ApplicationStatus.PARTICIPANT, applicant__is_active=False
    )
    survey = SurveyFactory(cohort=cohort, kind=kind, published=True)

    statuses = sorted(survey_eligible_applications(survey=survey).values_list("status", flat=True))

    assert statuses == expected


def test_invitations_are_created_once_with_the_country():
    survey = SurveyFactory(published=True)
    japanese = ApplicationFactory(
        cohort=survey.cohort,
        status=ApplicationStatus.PARTICIPANT,
        country="JP",
        applicant__country="JP",
    )
    ApplicationFactory(cohort=survey.cohort, status=ApplicationStatus.WITHDRAWN)

    created = [survey_invitations_create(survey=survey), survey_invitations_create(survey=survey)]

    assert created == [1, 0]
    assert list(
        SurveyInvitation.objects.values_list("application_id", "country", "invited_at")
    ) == [(japanese.pk, "JP", None)]


# --- Private links --------------------------------------------------------------------------


def test_token_round_trips_and_is_the_same_string_later(monkeypatch):
    survey = SurveyFactory(published=True)
    invited = SurveyInvitationFactory(survey=survey)
    token = survey_invitation_token(invitation=invited)
    monkeypatch.setattr(time, "time", lambda: 4102444800.0)  # the year 2100

    later = survey_invitation_token(invitation=invited)

    assert later == token
    assert survey_invitation_for_token(token=token).pk == invited.pk


def test_tampered_or_unknown_token_finds_nothing():
    survey = SurveyFactory(published=True)
    invited = SurveyInvitationFactory(survey=survey)
    token = survey_invitation_token(invitation=invited)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    SurveyInvitation.objects.filter(pk=invited.pk).delete()

    assert survey_invitation_for_token(token=tampered) is None
    assert survey_invitation_for_token(token=token) is None
    assert survey_invitation_for_token(token="not-a-token") is None


def test_respondent_id_is_a_stable_pseudonym():
    assert survey_respondent_id(application_id=7) == survey_respondent_id(application_id=7)
    assert survey_respondent_id(application_id=7) != survey_respondent_id(application_id=8)
    assert len(survey_respondent_id(application_id=7)) == 13


# --- Answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code,raw,error",
    [
        ("thermometer-JP", "101", "Enter a whole number from 0 to 100."),
        ("thermometer-JP", "-1", "Enter a whole number from 0 to 100."),
        ("thermometer-JP", "50.5", "Enter a whole number from 0 to 100."),
        ("trust-people", "6", "Enter a whole number from 1 to 5."),
        ("trust-people", "0", "Enter a whole number from 1 to 5."),
        ("nps", "11", "Enter a whole number from 0 to 10."),
        ("nps", "ten", "Enter a whole number from 0 to 10."),
        ("nps", "  ", "Please answer this question."),
        ("open-valuable", "x" * 5001, "Please keep your answer under 5000 characters."),
    ],
)
def test_invalid_answers_are_refused(code, raw, error):
    survey = SurveyFactory(published=True)
    questions = survey_questions_for(survey=survey, country="KR")
    question = survey.questions.get(code=code)

    values, errors = survey_answers_clean(questions=questions, data=_answers(survey, **{code: raw}))

    assert errors == {question.pk: [error]}
    assert question.pk not in values


@pytest.mark.parametrize(
    "code,raw,value",
    [
        ("thermometer-JP", "0", 0),
        ("thermometer-JP", "100", 100),
        ("trust-people", "1", 1),
        ("trust-people", "5", 5),
        ("nps", "0", 0),
        ("nps", " 10 ", 10),
    ],
)
def test_boundary_answers_are_accepted(code, raw, value):
    survey = SurveyFactory(published=True)
    questions = survey_questions_for(survey=survey, country="KR")

    values, errors = survey_answers_clean(questions=questions, data=_answers(survey, **{code: raw}))

    assert errors == {}
    assert values[survey.questions.get(code=code).pk] == value


def test_optional_open_questions_may_stay_empty_and_required_ones_may_not():
    survey = SurveyFactory(published=True)
    questions = survey_questions_for(survey=survey, country="KR")

    values, errors = survey_answers_clean(questions=questions, data={})

    assert sorted(errors) == sorted(q.pk for q in questions if q.required)
    assert values == {}


def test_respondent_is_not_asked_about_their_own_country():
    survey = SurveyFactory(published=True)

    codes = [q.code for q in survey_questions_for(survey=survey, country="JP")]

    assert [c for c in codes if c.startswith("thermometer")] == ["thermometer-US", "thermometer-KR"]


def test_submit_stores_one_row_per_answer_with_country_and_application():
    survey = SurveyFactory(published=True)
    invited = SurveyInvitationFactory(survey=survey, country="JP")
    data = _answers(survey, country="JP", **{"thermometer-KR": "35", "open-improve": ""})

    response = survey_response_submit(invitation=invited, data=data, language="ja")

    rows = dict(
        SurveyAnswer.objects.filter(response=response).values_list("question__code", "value")
    )
    texts = dict(
        SurveyAnswer.objects.filter(response=response, value__isnull=True).values_list(
            "question__code", "text"
        )
    )
    invited.refresh_from_db()
    assert (response.country, response.language, response.application_id) == (
        "JP",
        "ja",
        invited.application_id,
    )
    assert rows == {
        "thermometer-US": 70,
        "thermometer-KR": 35,
        "understand-perspectives": 4,
        "trust-people": 4,
        "cooperation-matters": 4,
        "personal-contacts": 4,
        "nps": 9,
        "open-valuable": None,
    }
    assert texts == {"open-valuable": "Good"}
    assert invited.completed_at == response.submitted_at


def test_invalid_submission_stores_nothing():
    survey = SurveyFactory(published=True)
    invited = SurveyInvitationFactory(survey=survey)

    with pytest.raises(SurveyAnswersInvalid) as error:
        survey_response_submit(invitation=invited, data=_answers(survey, nps="12"), language="en")

    assert list(error.value.errors) == [survey.questions.get(code="nps").pk]
    assert SurveyResponse.objects.count() == 0
    invited.refresh_from_db()
    assert invited.completed_at is None


def test_second_submission_and_closed_survey_are_refused():
    survey = SurveyFactory(published=True)
    invited = SurveyInvitationFactory(survey=survey)
    survey_response_submit(invitation=invited, data=_answers(survey), language="en")
    late = SurveyInvitationFactory(survey=survey)
    survey.closes_at = timezone.now() - dt.timedelta(seconds=1)
    survey.opens_at = survey.closes_at - dt.timedelta(days=5)
    survey.save()

    with pytest.raises(SurveyAlreadyAnswered):
        survey_response_submit(invitation=invited, data=_answers(survey), language="en")
    with pytest.raises(SurveyNotOpen):
        survey_response_submit(invitation=late, data=_answers(survey), language="en")
    assert SurveyResponse.objects.count() == 1


# --- Editing, publishing, closing -----------------------------------------------------------


def test_questions_can_be_added_moved_and_removed_until_the_first_response(secretariat):
    survey = SurveyFactory(published=True)
    added = survey_question_save(
        survey=survey,
        actor=secretariat,
        kind=SurveyQuestionKind.LIKERT,
        text_en="I feel welcome.",
        text_ja="",
        text_ko="",
        required=True,
        code="welcome",
    )
    survey_question_move(question=added, actor=secretariat, offset=-2)
    survey_question_delete(question=survey.questions.get(code="open-improve"), actor=secretariat)

    codes = list(survey.questions.order_by("position").values_list("code", flat=True))
    survey_response_submit(
        invitation=SurveyInvitationFactory(survey=survey), data=_answers(survey), language="en"
    )

    assert codes[-3:] == ["nps", "welcome", "open-valuable"]
    assert len(codes) == 10
    with pytest.raises(SurveyLocked):
        survey_question_save(survey=survey, actor=secretariat, question=added, text_en="Changed")
    with pytest.raises(SurveyLocked):
        survey_question_delete(question=added, actor=secretariat)
    with pytest.raises(SurveyLocked):
        survey_question_move(question=added, actor=secretariat, offset=1)


def test_thermometer_needs_a_country_and_codes_are_unique(secretariat):
    survey = SurveyFactory()

    with pytest.raises(ExchangeError) as missing:
        survey_question_save(
            survey=survey, actor=secretariat, kind="thermometer", text_en="Feelings?", country=""
        )
    with pytest.raises(ExchangeError) as duplicate:
        survey_question_save(
            survey=survey, actor=secretariat, kind="likert", text_en="Again", code="trust-people"
        )

    assert (missing.value.code, duplicate.value.code) == (
        "survey_question_country",
        "survey_question_code",
    )


def test_publish_close_and_reschedule_rules(secretariat):
    survey = SurveyFactory()
    published = survey_publish(survey=survey, actor=secretariat)

    with pytest.raises(InvalidTransition):
        survey_publish(survey=survey, actor=secretariat)
    closed = survey_close(survey=survey, actor=secretariat)

    assert published.published_at is not None
    assert closed.status == SurveyStatus.CLOSED
    with pytest.raises(InvalidTransition):
        survey_close(survey=survey, actor=secretariat)
    with pytest.raises(InvalidTransition):
        survey_update(
            survey=survey, actor=secretariat, closes_at=timezone.now() + dt.timedelta(days=3)
        )


def test_publish_refuses_a_past_closing_time_and_update_a_backwards_schedule(secretariat):
    now = timezone.now()
    survey = SurveyFactory(
        opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1)
    )

    with pytest.raises(ExchangeError) as past:
        survey_publish(survey=survey, actor=secretariat)
    with pytest.raises(ExchangeError) as backwards:
        survey_update(survey=survey, actor=secretariat, closes_at=now - dt.timedelta(days=10))
    survey_update(
        survey=survey,
        actor=secretariat,
        title_en="Autumn survey",
        closes_at=now + dt.timedelta(days=5),
    )

    survey.refresh_from_db()
    assert (past.value.code, backwards.value.code) == ("survey_schedule", "survey_schedule")
    assert survey.title_en == "Autumn survey"
    assert survey.closes_at == now + dt.timedelta(days=5)
