"""The admin: no escalation above one's own rights, MFA secrets neither shown nor stored, and
no health details shown."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.urls import reverse

from exchanges.models import ActivityLog
from tests.conftest import TOTP_SECRET, with_mfa
from tests.factories import ApplicantFactory, SecretariatFactory
from tests.factories.predeparture import ChecklistFactory

pytestmark = pytest.mark.django_db


def _change_data(user, **overrides) -> dict:
    data = {
        "email": user.email,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "local_name": user.local_name,
        "preferred_language": user.preferred_language,
        "country": user.country,
        "time_zone": user.time_zone,
        "role": user.role,
        "organisation": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(overrides)
    return data


@pytest.fixture
def secretariat_admin(client):
    staff = with_mfa(SecretariatFactory(is_superuser=False))
    client.force_login(staff)
    return staff


@pytest.mark.parametrize("target", ["self", "other"])
def test_user_admin_secretariat_cannot_grant_superuser_staff_or_groups(
    client, secretariat_admin, target
):
    group = Group.objects.create(name="Everything")
    user = secretariat_admin if target == "self" else ApplicantFactory()

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _change_data(user, is_superuser="on", is_staff="on", groups=[group.pk]),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_superuser is False
    assert user.is_staff is (target == "self")
    assert list(user.groups.all()) == []


def test_user_admin_secretariat_sees_privileges_read_only(client, secretariat_admin):
    user = ApplicantFactory()

    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    form_fields = set(response.context["adminform"].form.fields)
    assert {"is_superuser", "is_staff", "groups", "user_permissions"} & form_fields == set()


def test_user_admin_secretariat_cannot_change_a_superuser(client, secretariat_admin):
    root = SecretariatFactory(is_superuser=True, email="root@example.org")

    change = client.post(
        reverse("admin:accounts_user_change", args=[root.pk]),
        _change_data(root, email="attacker@example.org"),
    )
    password = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "attacker-pass-123", "password2": "attacker-pass-123"},
    )

    assert change.status_code == 403
    assert password.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@example.org"
    assert root.check_password("attacker-pass-123") is False


def test_user_admin_superuser_can_grant_superuser(client):
    root = with_mfa(SecretariatFactory(is_superuser=True))
    client.force_login(root)
    user = ApplicantFactory()

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _change_data(user, is_superuser="on", is_staff="on"),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.is_superuser, user.is_staff) == (True, True)


def test_totp_secret_is_stored_encrypted(secretariat):
    authenticator = Authenticator.objects.get(user=secretariat, type=Authenticator.Type.TOTP)

    stored = authenticator.data["secret"]

    assert TOTP_SECRET not in stored
    assert stored.startswith("fernet:")
    assert authenticator.wrap().validate_code("000000") in (True, False)  # decrypts


@pytest.mark.parametrize(
    "url_name", ["admin:mfa_authenticator_changelist", "admin:mfa_authenticator_change"]
)
def test_authenticator_admin_never_shows_the_secret(client, secretariat_admin, url_name):
    authenticator = Authenticator.objects.get(user=secretariat_admin, type="totp")
    stored = authenticator.data["secret"]
    args = [authenticator.pk] if url_name.endswith("change") else []

    response = client.get(reverse(url_name, args=args))

    body = response.content.decode()
    assert response.status_code == 200
    assert TOTP_SECRET not in body
    assert stored not in body
    assert "secret" not in body.lower()


def test_authenticator_admin_cannot_be_edited_or_deleted(client, secretariat_admin):
    authenticator = Authenticator.objects.get(user=secretariat_admin, type="totp")

    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_user_admin_reset_mfa_removes_authenticators_and_logs(client, secretariat_admin):
    reviewer = with_mfa(SecretariatFactory(is_superuser=False))

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [reviewer.pk]},
    )

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=reviewer).count() == 0
    entry = ActivityLog.objects.get(action_type="accounts.user.mfa_reset")
    assert (entry.actor, entry.object_id, entry.data) == (
        secretariat_admin,
        reviewer.pk,
        {"authenticators": 1},
    )


def test_user_admin_secretariat_cannot_give_the_secretariat_role(client, secretariat_admin):
    user = ApplicantFactory()

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _change_data(user, role="secretariat"),
    )

    assert response.status_code == 200  # the form is shown again with the error
    assert "role" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.role == "applicant"


def test_user_admin_secretariat_cannot_take_the_secretariat_role_away(client, secretariat_admin):
    peer = SecretariatFactory(is_superuser=False)

    response = client.post(
        reverse("admin:accounts_user_change", args=[peer.pk]),
        _change_data(peer, role="applicant"),
    )

    assert response.status_code == 302
    peer.refresh_from_db()
    assert peer.role == "secretariat"


def test_user_admin_superuser_can_give_the_secretariat_role(client):
    client.force_login(with_mfa(SecretariatFactory(is_superuser=True)))
    user = ApplicantFactory()

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _change_data(user, role="secretariat"),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == "secretariat"


def test_user_admin_secretariat_cannot_reset_a_superusers_mfa(client, secretariat_admin):
    root = with_mfa(SecretariatFactory(is_superuser=True))

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [root.pk]},
        follow=True,
    )

    assert Authenticator.objects.filter(user=root).count() == 1
    assert not ActivityLog.objects.filter(action_type="accounts.user.mfa_reset").exists()
    assert "1 superuser was skipped: only a superuser may reset it." in [
        str(message) for message in response.context["messages"]
    ]


def test_checklist_admin_shows_no_health_details(client, secretariat_admin):
    checklist = ChecklistFactory(
        medical_notes="Type 1 diabetes", dietary_notes="No gelatine", emergency_name="Emma Reed"
    )

    response = client.get(
        reverse("admin:exchanges_predeparturechecklist_change", args=[checklist.pk])
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Emma Reed" in content
    assert [text for text in ("Type 1 diabetes", "No gelatine") if text in content] == []
