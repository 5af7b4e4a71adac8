"""Factories for matching: confirmed participants with matching profiles."""

import factory
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus
from exchanges.models import MatchingProfile
from tests.factories.applications import ApplicationFactory


class MatchingProfileFactory(DjangoModelFactory):
    class Meta:
        model = MatchingProfile

    interests = factory.LazyFunction(lambda: ["climate"])
    gender = ""


class MatchingParticipantFactory(ApplicationFactory):
    """A confirmed application with a matching profile (no interests, no gender given), from an
    institution of its own, speaking professional English. Set the profile with
    ``profile__interests`` and ``profile__gender``."""

    class Meta:
        skip_postgeneration_save = True

    status = ApplicationStatus.CONFIRMED
    institution = factory.Sequence(lambda n: f"Institution {n}")
    languages = factory.LazyFunction(lambda: {"en": "professional"})
    profile = factory.RelatedFactory(
        MatchingProfileFactory,
        factory_related_name="application",
        interests=factory.LazyFunction(list),
    )


def triad_cohort(cohort, groups: int = 1) -> list:
    """``groups`` matching participants per country (US, JP, KR), in that order, all speaking
    English and interested in climate and trade."""
    return [
        MatchingParticipantFactory(
            cohort=cohort, from_country=country, profile__interests=["climate", "trade"]
        )
        for _ in range(groups)
        for country in ("US", "JP", "KR")
    ]
