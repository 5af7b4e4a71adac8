import pytest
from django.urls import reverse

from tests.conftest import with_mfa
from tests.factories import (
    ApplicantFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ReviewerFactory,
    SecretariatFactory,
)

pytestmark = pytest.mark.django_db


def test_staff_dashboard_applicant_gets_403(client, applicant):
    client.force_login(applicant)

    response = client.get(reverse("staff:dashboard"))

    assert response.status_code == 403


def test_staff_dashboard_without_mfa_redirects_to_totp_setup(client):
    staff = SecretariatFactory()
    client.force_login(staff)

    response = client.get(reverse("staff:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next=%2Fstaff%2F"


def test_staff_dashboard_with_mfa_opens(staff_client):
    response = staff_client.get(reverse("staff:dashboard"))

    assert response.status_code == 200


@pytest.mark.parametrize("factory", [SecretariatFactory, PartnerStaffFactory, ReviewerFactory])
@pytest.mark.parametrize(
    ("path", "quoted_next"), [("/staff/", "%2Fstaff%2F"), ("/admin/", "%2Fadmin%2F")]
)
def test_staff_pages_without_mfa_redirect_to_totp_setup(client, factory, path, quoted_next):
    client.force_login(factory())

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next={quoted_next}"


def test_staff_pages_applicant_is_not_sent_to_mfa_setup(client, applicant):
    client.force_login(applicant)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_admin_secretariat_with_mfa_opens(staff_client):
    response = staff_client.get("/admin/")

    assert response.status_code == 200


def test_staff_dashboard_partner_with_mfa_opens(client, partner_staff):
    client.force_login(partner_staff)

    response = client.get(reverse("staff:dashboard"))

    assert response.status_code == 200


def test_staff_dashboard_reviewer_with_mfa_gets_403(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("staff:dashboard"))

    assert response.status_code == 403


def test_staff_dashboard_anonymous_redirects_to_login(client):
    response = client.get(reverse("staff:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/staff/"


def _applicants(**per_country: int) -> None:
    for country, count in per_country.items():
        ApplicantFactory.create_batch(count, country=country)


def test_staff_dashboard_partner_counts_only_own_country(client):
    _applicants(JP=3, KR=2, US=4)
    partner = with_mfa(PartnerStaffFactory(organisation=OrganisationFactory(country="JP")))
    client.force_login(partner)

    response = client.get(reverse("staff:dashboard"))

    assert response.context["applicant_counts"] == [{"country": "JP", "label": "Japan", "total": 3}]
    assert response.context["applicant_total"] == 3


def test_staff_dashboard_secretariat_counts_every_country(staff_client):
    _applicants(JP=3, KR=2, US=4)

    response = staff_client.get(reverse("staff:dashboard"))

    assert response.context["applicant_counts"] == [
        {"country": "JP", "label": "Japan", "total": 3},
        {"country": "KR", "label": "South Korea", "total": 2},
        {"country": "US", "label": "United States", "total": 4},
    ]
    assert response.context["applicant_total"] == 9
