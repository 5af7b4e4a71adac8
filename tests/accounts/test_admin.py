import pytest
from django.urls import reverse

from tests.conftest import with_mfa
from tests.factories import PartnerStaffFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_admin_program_list_secretariat_without_superuser_opens(client):
    staff = with_mfa(SecretariatFactory(is_superuser=False))
    client.force_login(staff)

    response = client.get(reverse("admin:exchanges_program_changelist"))

    assert response.status_code == 200


def test_admin_program_list_partner_staff_is_refused(client):
    partner = with_mfa(PartnerStaffFactory(is_staff=True))
    client.force_login(partner)

    response = client.get(reverse("admin:exchanges_program_changelist"))

    assert response.status_code == 403


def test_admin_backend_grants_model_not_object_permissions():
    staff = SecretariatFactory(is_superuser=False, is_staff=True)
    application = ApplicationFactory(status="confirmed")

    assert staff.has_perm("exchanges.change_cohort") is True
    assert staff.has_perm("exchanges.edit_checklist", application) is False
    assert staff.has_perm("exchanges.edit_application", application) is False
    assert staff.has_perm("exchanges.view_checklist_details", application) is True
