"""``__in`` on an integer column with numbers no column can hold."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from accounts.models import User
from exchanges.models import Application
from tests.conftest import with_mfa

pytestmark = pytest.mark.django_db

HUGE = 2**70


def test_an_id_beyond_64_bits_in_an_in_lookup_matches_nothing_instead_of_failing():
    permission = Permission.objects.first()

    assert list(Permission.objects.filter(pk__in=[HUGE])) == []
    assert list(Permission.objects.filter(pk__in=[-HUGE, permission.pk])) == [permission]
    assert Application.objects.filter(id__in=[str(HUGE)]).count() == 0


def test_the_admin_group_form_with_a_huge_permission_id_is_a_form_error():
    admin = with_mfa(User.objects.create_superuser(email="root@example.org", password="x" * 20))
    client = Client(raise_request_exception=True)
    client.force_login(admin)

    response = client.post(
        "/admin/auth/group/add/", {"name": "Editors", "permissions": [str(HUGE)], "_save": "1"}
    )

    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    assert not Group.objects.exists()
