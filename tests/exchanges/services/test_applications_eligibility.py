import datetime as dt

import pytest
from django.utils import translation

from exchanges.enums import EligibilityBasis
from exchanges.services.eligibility import age_on, eligibility_failures
from tests.factories.applications import CohortFactory

pytestmark = pytest.mark.django_db


def _check(cohort, **overrides):
    facts = {
        "birth_date": dt.date(2000, 1, 1),
        "citizenship": "KR",
        "residence_country": "KR",
        "languages": {"en": "professional"},
    }
    facts.update(overrides)
    with translation.override("en"):
        return eligibility_failures(cohort=cohort, **facts)


@pytest.fixture
def cohort():
    return CohortFactory(
        min_age=21,
        max_age=35,
        starts_on=dt.date(2027, 7, 6),
        ends_on=dt.date(2027, 7, 26),
        age_reference_date=None,
        eligibility_basis=EligibilityBasis.CITIZENSHIP,
        language_requirements={"en": "conversational"},
    )


def test_age_on_birthday_counts_the_new_year():
    assert age_on(birth_date=dt.date(2006, 7, 6), on=dt.date(2027, 7, 6)) == 21
    assert age_on(birth_date=dt.date(2006, 7, 7), on=dt.date(2027, 7, 6)) == 20


def test_eligibility_all_rules_met_returns_nothing(cohort):
    assert _check(cohort) == []


def test_eligibility_too_young_at_reference_date(cohort):
    assert _check(cohort, birth_date=dt.date(2006, 7, 7)) == [
        "Applicants must be at least 21 years old on July 6, 2027; you will be 20."
    ]


def test_eligibility_too_old_uses_explicit_reference_date(cohort):
    cohort.age_reference_date = dt.date(2027, 1, 1)

    assert _check(cohort, birth_date=dt.date(1991, 6, 1)) == []
    assert _check(cohort, birth_date=dt.date(1990, 6, 1)) == [
        "Applicants must be at most 35 years old on Jan. 1, 2027; you will be 36."
    ]


def test_eligibility_citizenship_outside_program_countries(cohort):
    assert _check(cohort, citizenship="ZZ", residence_country="KR") == [
        "Applicants must be citizens of one of: United States, Japan, South Korea."
    ]


def test_eligibility_residence_basis_accepts_resident_foreigner(cohort):
    cohort.eligibility_basis = EligibilityBasis.RESIDENCE

    assert _check(cohort, citizenship="ZZ", residence_country="JP") == []
    assert _check(cohort, citizenship="KR", residence_country="ZZ") == [
        "Applicants must live in one of: United States, Japan, South Korea."
    ]


def test_eligibility_either_basis(cohort):
    cohort.eligibility_basis = EligibilityBasis.EITHER

    assert _check(cohort, citizenship="ZZ", residence_country="US") == []
    assert _check(cohort, citizenship="ZZ", residence_country="ZZ") == [
        "Applicants must be citizens or residents of one of: United States, Japan, South Korea."
    ]


def test_eligibility_language_below_requirement(cohort):
    assert _check(cohort, languages={"en": "basic"}) == [
        "This program requires English at level “Conversational” or higher; you declared “Basic”."
    ]


def test_eligibility_missing_birth_date_is_a_reason(cohort):
    assert _check(cohort, birth_date=None) == [
        "Your date of birth is needed to check the age limits."
    ]
