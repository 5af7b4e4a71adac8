"""Factories for matching: confirmed participants with matching profiles."""

import itertools

import factory
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus
from exchanges.models import MatchingProfile
from tests.factories import ApplicantFactory
from tests.factories.applications import ApplicationFactory


class MatchingProfileFactory(DjangoModelFactory):
    class Meta:
        model = MatchingProfile

    interests = factory.LazyFunction(lambda: ["climate"])
    gender = ""


_institutions = itertools.count(1)


def confirmed_participant(
    cohort,
    country: str,
    *,
    institution: str = "",
    interests=(),
    languages=None,
    sector: str = "academia",
    gender: str = "",
):
    """A confirmed application of ``cohort`` from ``country`` with a matching profile."""
    application = ApplicationFactory(
        cohort=cohort,
        applicant=ApplicantFactory(country=country),
        country=country,
        citizenship=country,
        residence_country=country,
        status=ApplicationStatus.CONFIRMED,
        institution=institution or f"Institution {next(_institutions)}",
        sector=sector,
        languages=languages if languages is not None else {"en": "professional"},
    )
    MatchingProfileFactory(application=application, interests=list(interests), gender=gender)
    return application


def triad_cohort(cohort, groups: int = 1) -> list:
    """``groups`` confirmed participants per country (US, JP, KR), all speaking English."""
    return [
        confirmed_participant(cohort, country, interests=["climate", "trade"])
        for _ in range(groups)
        for country in ("US", "JP", "KR")
    ]
