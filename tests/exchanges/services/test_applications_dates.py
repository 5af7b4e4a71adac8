"""Impossible dates stay out: a date of birth in the future or over 120 years ago, and date
answers outside their question's range (an "available from" date before today or after the
program). Stored dates show in the reader's language, like every other date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from exchanges.enums import DateRange, QuestionKind
from exchanges.selectors.reviews import answer_text
from exchanges.services.applications import application_save_answers, application_save_profile
from exchanges.services.eligibility import (
    application_eligibility_failures,
    application_needs_guardian_consent,
    eligibility_failures,
)
from exchanges.validators import validate_birth_date
from tests.factories.applications import ApplicationFactory, CohortFactory, QuestionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)


def _messages(error: ValidationError) -> list[str]:
    return list(error.messages)


def test_birth_date_today_and_120_years_ago_are_accepted():
    validate_birth_date(TODAY, today=TODAY)
    validate_birth_date(dt.date(1906, 12, 5), today=TODAY)


def test_birth_date_in_the_future_is_refused():
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            validate_birth_date(dt.date(2099, 1, 1), today=TODAY)

        assert _messages(error.value) == ["The date of birth cannot be in the future."]


def test_birth_date_over_120_years_ago_is_refused_in_japanese():
    with translation.override("ja"):
        with pytest.raises(ValidationError) as error:
            validate_birth_date(dt.date(1, 1, 1), today=TODAY)

        assert _messages(error.value) == ["1906年12月5日以降の生年月日を入力してください。"]


def test_save_profile_refuses_a_future_birth_date_and_keeps_the_old_one():
    application = ApplicationFactory(birth_date=dt.date(1998, 5, 4))

    with pytest.raises(ValidationError):
        application_save_profile(
            application=application,
            actor=application.applicant,
            data={"birth_date": timezone.localdate() + dt.timedelta(days=1)},
        )

    application.refresh_from_db()
    assert application.birth_date == dt.date(1998, 5, 4)


def test_eligibility_gives_no_age_for_an_impossible_birth_date():
    cohort = CohortFactory(min_age=18, max_age=35)
    facts = {"citizenship": "KR", "residence_country": "KR", "languages": {}}

    with translation.override("en"):
        future = eligibility_failures(cohort=cohort, birth_date=dt.date(2099, 1, 1), **facts)
        ancient = eligibility_failures(cohort=cohort, birth_date=dt.date(1, 1, 1), **facts)

    assert future == ancient == ["Your date of birth is not valid. Please correct it."]


def test_stored_future_birth_date_asks_for_no_guardian_consent():
    # Saved before birth dates were checked.
    application = ApplicationFactory(birth_date=dt.date(2099, 1, 1))

    assert application_needs_guardian_consent(application=application) is False
    with translation.override("en"):
        assert application_eligibility_failures(application=application) == [
            "Your date of birth is not valid. Please correct it."
        ]


@pytest.fixture
def available_from(db):
    return QuestionFactory(
        kind=QuestionKind.DATE, date_range=DateRange.UPCOMING, label_en="Available from"
    )


def _save(question, value):
    cohort = question.step.form.cohort
    application = ApplicationFactory(cohort=cohort)
    with translation.override("en"):
        errors = application_save_answers(
            application=application,
            questions=[question],
            data={question.pk: value},
            actor=application.applicant,
            enforce_required=False,
        )
    return errors, dict(application.answers.values_list("question_id", "value"))


def test_upcoming_date_before_today_is_refused(available_from):
    cohort = available_from.step.form.cohort
    today = timezone.localdate()

    errors, stored = _save(available_from, "2001-01-01")

    assert errors == {
        available_from.pk: [
            f"Enter a date from {_en(today)} to {_en(cohort.ends_on)}.",
        ]
    }
    assert stored == {}


def test_upcoming_date_after_the_program_is_refused(available_from):
    cohort = available_from.step.form.cohort

    errors, stored = _save(available_from, (cohort.ends_on + dt.timedelta(days=1)).isoformat())

    assert list(errors) == [available_from.pk]
    assert stored == {}


def test_upcoming_date_within_the_range_is_stored(available_from):
    cohort = available_from.step.form.cohort

    errors, stored = _save(available_from, cohort.starts_on.isoformat())

    assert errors == {}
    assert stored == {available_from.pk: cohort.starts_on.isoformat()}


@pytest.mark.parametrize(
    ("date_range", "value", "accepted"),
    [
        (DateRange.ANY, "1899-12-31", False),
        (DateRange.ANY, "1900-01-01", True),
        (DateRange.ANY, "2099-12-31", True),
        (DateRange.ANY, "2100-01-01", False),
        (DateRange.PAST, "2001-01-01", True),
        (DateRange.PAST, "2099-01-01", False),
    ],
)
def test_date_ranges(date_range, value, accepted):
    question = QuestionFactory(kind=QuestionKind.DATE, date_range=date_range)

    errors, stored = _save(question, value)

    assert (errors == {}) is accepted
    assert stored == ({question.pk: value} if accepted else {})


def _en(day: dt.date) -> str:
    with translation.override("en"):
        return answer_text(QuestionFactory.build(kind=QuestionKind.DATE), day.isoformat())


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "July 1, 2027"), ("ja", "2027年7月1日"), ("ko", "2027년 7월 1일")],
)
def test_date_answer_is_shown_localised(language, text):
    question = QuestionFactory.build(kind=QuestionKind.DATE)

    with translation.override(language):
        assert answer_text(question, "2027-07-01") == text
