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


@pytest.mark.parametrize("organisation", ["not-an-id", "1e309", "\x00"])
def test_admin_user_add_with_a_garbage_organisation_is_refused_not_crashed(client, organisation):
    client.force_login(with_mfa(SecretariatFactory()))

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.staff@example.org",
            "given_name": "New",
            "family_name": "Staff",
            "role": "applicant",
            "organisation": organisation,
            "password1": "violet-harbour-tangent-71",
            "password2": "violet-harbour-tangent-71",
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["organisation"]
