"""Factories for the alumni network: alumni records, directory profiles and messages."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchanges.enums import AlumniContact, AlumniVisibility, ApplicationStatus, CohortStatus
from exchanges.models import AlumniLanguage, AlumniMessage, AlumniProfile
from tests.factories.applications import ApplicationFactory, CohortFactory


class FinishedCohortFactory(CohortFactory):
    """A cohort whose program ended last year."""

    status = CohortStatus.FINISHED
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=500))
    deadline = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=450))
    starts_on = factory.LazyAttribute(lambda o: (o.deadline + dt.timedelta(days=50)).date())
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=20))


class AlumniRecordFactory(ApplicationFactory):
    """An application in status alumnus, of a finished cohort."""

    status = ApplicationStatus.ALUMNUS
    cohort = factory.SubFactory(FinishedCohortFactory)


class AlumniProfileFactory(DjangoModelFactory):
    """A directory profile showing every field to alumni; ``languages=["en", "ko"]`` lists
    languages."""

    class Meta:
        model = AlumniProfile
        skip_postgeneration_save = True

    application = factory.SubFactory(AlumniRecordFactory)
    user = factory.SelfAttribute("application.applicant")
    cohort = factory.SelfAttribute("application.cohort")
    country = factory.SelfAttribute("application.country")
    display_name = factory.Sequence(lambda n: f"Alumnus {n}")
    sector = "academia"
    organisation = "Seoul National University"
    interests = "Climate policy, regional journalism"
    contact = AlumniContact.MESSAGES
    sector_visibility = AlumniVisibility.ALUMNI
    organisation_visibility = AlumniVisibility.ALUMNI
    country_visibility = AlumniVisibility.ALUMNI
    cohort_visibility = AlumniVisibility.ALUMNI
    languages_visibility = AlumniVisibility.ALUMNI
    interests_visibility = AlumniVisibility.ALUMNI

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create:
            for code in extracted if extracted is not None else ["en", "ko"]:
                AlumniLanguage.objects.create(profile=obj, code=code)


class AlumniMessageFactory(DjangoModelFactory):
    class Meta:
        model = AlumniMessage

    sender = factory.SubFactory("tests.factories.ApplicantFactory")
    recipient = factory.SubFactory("tests.factories.ApplicantFactory")
    sender_name = factory.Sequence(lambda n: f"Sender {n}")
    recipient_name = factory.Sequence(lambda n: f"Recipient {n}")
    body = "Hello from a fellow alumnus."
