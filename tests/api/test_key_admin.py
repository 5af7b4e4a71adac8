"""Partner keys in the admin: scopes chosen from the list and validated, every change logged."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey
from api.services import api_key_create
from exchanges.enums import ApiScope
from exchanges.exceptions import ExchangeError
from exchanges.models import ActivityLog

pytestmark = pytest.mark.django_db


def _add(staff_client, partner_org, scopes):
    return staff_client.post(
        reverse("admin:api_apikey_add"),
        {
            "organisation": partner_org.pk,
            "name": "Roster sync",
            "scopes": scopes,
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )


def test_key_admin_add_form_offers_the_known_scopes_as_choices(staff_client):
    response = staff_client.get(reverse("admin:api_apikey_add"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'type="checkbox" name="scopes" value="programs:read"' in body
    assert "Read programs and cohorts" in body


def test_key_admin_unknown_scope_is_a_form_error_not_a_500(staff_client, partner_org):
    response = _add(staff_client, partner_org, ["everything:write"])

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["scopes"] == [
        "Select a valid choice. everything:write is not one of the available choices."
    ]
    assert ApiKey.objects.count() == 0


def test_key_admin_add_issues_a_key_and_logs_it(staff_client, partner_org, secretariat):
    response = _add(staff_client, partner_org, [ApiScope.PROGRAMS_READ])

    key = ApiKey.objects.get()
    entry = ActivityLog.objects.get(action_type="api.key.created")
    assert response.status_code == 302
    assert key.scopes == ["programs:read"]
    assert (entry.actor, entry.object_id, entry.data["scopes"]) == (
        secretariat,
        key.pk,
        ["programs:read"],
    )


def test_key_admin_change_is_logged_with_old_and_new_values(staff_client, partner_org, secretariat):
    key, _token = api_key_create(
        organisation=partner_org, name="Old", scopes=[ApiScope.PROGRAMS_READ]
    )
    expires = timezone.localtime() + dt.timedelta(days=30)

    response = staff_client.post(
        reverse("admin:api_apikey_change", args=[key.pk]),
        {
            "name": "New",
            "scopes": [ApiScope.PROGRAMS_READ],
            "expires_at_0": expires.date().isoformat(),
            "expires_at_1": "12:00:00",
        },
    )

    entry = ActivityLog.objects.get(action_type="api.key.changed")
    assert response.status_code == 302
    assert entry.actor == secretariat
    assert entry.data["changes"]["name"] == ["Old", "New"]
    assert entry.data["changes"]["expires_at"][0] is None


def test_key_admin_revoke_action_is_logged_and_delete_is_refused(staff_client, partner_org):
    key, _token = api_key_create(
        organisation=partner_org, name="K", scopes=[ApiScope.PROGRAMS_READ]
    )

    revoke = staff_client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke_keys", "_selected_action": [key.pk]},
    )
    delete = staff_client.post(reverse("admin:api_apikey_delete", args=[key.pk]), {"post": "yes"})

    key.refresh_from_db()
    assert revoke.status_code == 302
    assert key.revoked_at is not None
    assert ActivityLog.objects.filter(action_type="api.key.revoked", object_id=key.pk).count() == 1
    assert delete.status_code == 403


def test_api_key_create_unknown_scope_raises_a_clear_error(partner_org):
    with pytest.raises(ExchangeError) as excinfo:
        api_key_create(organisation=partner_org, name="K", scopes=["admin"])

    assert str(excinfo.value.message) == "Unknown scopes: admin. Choose the scopes from the list."
    assert ApiKey.objects.count() == 0
