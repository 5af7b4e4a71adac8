"""Factories for host placement and mentors: hosts and alumni of an earlier cohort."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus, HostGenderRule, HostKind
from exchanges.models import Host
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


class AlumnusFactory(MatchingParticipantFactory):
    """An alumnus (with a matching profile) of a cohort of ``alumnus_of``'s program that ran a
    year before ``alumnus_of``."""

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
