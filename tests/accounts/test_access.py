import pytest
from django.urls import reverse

from tests.factories import SecretariatFactory

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
