"""Factories for host placement and mentors: hosts and alumni of an earlier cohort."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus, HostGenderRule, HostKind
from exchanges.models import Host
from tests.factories.applications import CohortFactory
from tests.factories.matching import confirmed_participant


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


def alumnus(cohort, country: str, **kwargs):
    """An alumnus of an earlier cohort of ``cohort``'s program, from ``country``."""
    earlier = CohortFactory(
        program=cohort.program,
        starts_on=cohort.starts_on - dt.timedelta(days=365),
        ends_on=cohort.starts_on - dt.timedelta(days=345),
    )
    application = confirmed_participant(earlier, country, **kwargs)
    application.status = ApplicationStatus.ALUMNUS
    application.save(update_fields=["status"])
    return application
