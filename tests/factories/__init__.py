"""factory_boy factories. Each area adds its own module; the people factories live here."""

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from accounts.models import Organisation, User
from exchanges.enums import OrganisationKind, Role

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name", "country")

    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = "US"
    kind = OrganisationKind.PARTNER


class UserFactory(DjangoModelFactory):
    """A verified applicant with a known password."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    role = Role.APPLICANT
    country = "US"
    time_zone = "UTC"
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ApplicantFactory(UserFactory):
    role = Role.APPLICANT


class SecretariatFactory(UserFactory):
    role = Role.SECRETARIAT
    is_staff = True


class PartnerStaffFactory(UserFactory):
    """A staff member of a partner organisation; ``partner_of=program`` makes the organisation a
    partner of that program."""

    role = Role.PARTNER_STAFF
    organisation = factory.SubFactory(OrganisationFactory)
    country = factory.SelfAttribute("organisation.country")

    @factory.post_generation
    def partner_of(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            extracted.partners.add(obj.organisation)


class ReviewerFactory(UserFactory):
    role = Role.REVIEWER
