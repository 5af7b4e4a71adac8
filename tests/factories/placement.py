"""Factories for host placement and mentors: hosts and alumni of an earlier cohort."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus, HostGenderRule, HostKind
from exchanges.models import AlumniProfile, Host
from tests.factories.applications import CohortFactory
from tests.factories.matching import MatchingParticipantFactory


class HostFactory(DjangoModelFactory):
    class Meta:
        model = Host

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Host family {n}")
    kind = HostKind.FAMILY
    city = "Tokyo"
    capacity = 1
    has_pets = False
    accommodates_dietary_needs = True
    gender_rule = HostGenderRule.ANY
    languages = factory.LazyFunction(list)
    preferences = factory.LazyFunction(list)


def offer_to_mentor(application) -> None:
    """Put the application's person in the alumni directory, offering to mentor (the mentor
    pool draws only from them)."""
    AlumniProfile.objects.create(
        user=application.applicant,
        application=application,
        cohort=application.cohort,
        country=application.country,
        display_name=application.applicant.display_name,
        open_to_mentoring=True,
    )


class AlumnusFactory(MatchingParticipantFactory):
    """An alumnus (with a matching profile) of a cohort of ``alumnus_of``'s program that ran a
    year before ``alumnus_of``, who offered to mentor in the alumni directory (``mentoring=False``:
    who did not)."""

    class Params:
        alumnus_of = factory.SubFactory(CohortFactory)

    status = ApplicationStatus.ALUMNUS
    cohort = factory.SubFactory(
        CohortFactory,
        program=factory.SelfAttribute("..alumnus_of.program"),
        starts_on=factory.LazyAttribute(
            lambda o: o.factory_parent.alumnus_of.starts_on - dt.timedelta(days=365)
        ),
        ends_on=factory.LazyAttribute(
            lambda o: o.factory_parent.alumnus_of.starts_on - dt.timedelta(days=345)
        ),
    )

    @factory.post_generation
    def mentoring(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            offer_to_mentor(obj)
