"""``person_view``: the one rule for what a viewer sees of a person of any country."""

import pytest

from exchanges.selectors.applications import PersonView, partner_country_for, person_view
from tests.factories import PartnerStaffFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory

pytestmark = pytest.mark.django_db


def _application(country: str, *, consents: bool = True):
    return ApplicationFactory(
        from_country=country,
        shares_with_partners=consents,
        applicant__given_name="Hana",
        applicant__family_name="Sato",
        applicant__local_name="",
    )


def test_partner_country_for_each_role():
    partner = PartnerStaffFactory(organisation__country="JP")

    assert partner_country_for(partner) == "JP"
    assert partner_country_for(SecretariatFactory()) is None


@pytest.mark.parametrize("published", [False, True])
def test_full_view_for_the_secretariat_and_own_consenting_people(published):
    application = _application("JP", consents=False)
    own = _application("JP")
    expected = {
        "pk": own.pk,
        "country": "JP",
        "given_name": "Hana",
        "family_name": "Sato",
        "full": True,
    }

    secretariat = person_view(application, partner_country=None, published=published)
    partner = person_view(own, partner_country="JP", published=published)

    assert (secretariat.full, secretariat.family_name) == (True, "Sato")
    assert {k: getattr(partner, k) for k in expected} == expected
    assert partner.name == own.applicant.display_name


@pytest.mark.parametrize(("country", "published"), [("JP", False), ("JP", True), ("KR", True)])
def test_numbered_reference_without_consent(country, published):
    application = _application(country, consents=False)

    view = person_view(application, partner_country="JP", published=published)

    assert view == PersonView(
        pk=application.pk,
        country=country,
        name=f"Applicant #{application.pk}, no consent to share",
        given_name=None,
        family_name=None,
        full=False,
    )


def test_other_country_hidden_before_publishing_and_given_name_after():
    application = _application("KR")

    before = person_view(application, partner_country="JP", published=False)
    after = person_view(application, partner_country="JP", published=True)

    assert before is None
    assert after == PersonView(
        pk=application.pk,
        country="KR",
        name="Hana",
        given_name="Hana",
        family_name=None,
        full=False,
    )


def test_other_country_without_consent_hidden_before_publishing():
    application = _application("US", consents=False)

    assert person_view(application, partner_country="JP", published=False) is None
