"""Staff pages of partner API keys: the secretariat issues keys for any partner organisation,
partner staff manage their own organisation's only; the key is shown once and stored hashed;
every change is logged; a revoked key is refused on the API's next request."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiKey, hash_secret
from api.services import api_key_create
from exchanges.enums import ApiScope
from exchanges.models import ActivityLog
from tests.conftest import with_mfa
from tests.factories import OrganisationFactory, PartnerStaffFactory

pytestmark = pytest.mark.django_db

LIST = reverse("staff:api_keys")
ISSUE = reverse("staff:api_key_issue")


@pytest.fixture
def jp_org():
    return OrganisationFactory(name="Japan Center for Civic Exchange", country="JP")


@pytest.fixture
def kr_org():
    return OrganisationFactory(name="Korea Civic Bridge Foundation", country="KR")


@pytest.fixture
def jp_staff(client, jp_org):
    user = with_mfa(PartnerStaffFactory(organisation=jp_org))
    client.force_login(user)
    return user


def _api(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/v1/me")


def _future(days: int = 30) -> str:
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_secretariat_issues_a_key_shown_once_and_stored_hashed(staff_client, secretariat, kr_org):
    response = staff_client.post(
        ISSUE,
        {
            "organisation": kr_org.pk,
            "name": "Roster sync",
            "scopes": [ApiScope.PROGRAMS_READ, ApiScope.APPLICATIONS_READ],
            "expires_at": _future(),
        },
    )

    key = ApiKey.objects.get()
    token = response.context["token"]
    _kind, prefix, secret = token.split("_", 2)
    entry = ActivityLog.objects.get(action_type="api.key.created")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f'value="{token}"' in response.content.decode()
    assert (key.organisation, key.name, key.prefix) == (kr_org, "Roster sync", prefix)
    assert key.scopes == ["applications:read", "programs:read"]
    assert key.hashed_secret == hash_secret(secret)
    assert secret not in repr(list(ApiKey.objects.values()))
    assert (entry.actor, entry.object_id, entry.data["organisation"]) == (
        secretariat,
        key.pk,
        kr_org.pk,
    )
    assert _api(token).json()["scopes"] == ["applications:read", "programs:read"]
    assert token not in staff_client.get(LIST).content.decode()


def test_partner_staff_issue_keys_for_their_own_organisation_only(client, jp_staff, jp_org, kr_org):
    form = client.get(ISSUE)
    response = client.post(
        ISSUE,
        {"organisation": kr_org.pk, "name": "CRM", "scopes": [ApiScope.NOMINATIONS_READ]},
    )

    assert "organisation" not in form.context["form"].fields
    assert response.status_code == 200
    assert ApiKey.objects.get().organisation == jp_org


def test_partner_of_japan_cannot_see_change_or_revoke_korean_keys(client, jp_staff, jp_org, kr_org):
    own, _token = api_key_create(organisation=jp_org, name="Ours", scopes=[])
    korean, kr_token = api_key_create(organisation=kr_org, name="Theirs", scopes=[])

    listed = client.get(LIST)
    edit = client.get(reverse("staff:api_key_edit", args=[korean.pk]))
    change = client.post(
        reverse("staff:api_key_edit", args=[korean.pk]),
        {"name": "Mine now", "scopes": [ApiScope.PROGRAMS_READ]},
    )
    confirm = client.get(reverse("staff:api_key_revoke", args=[korean.pk]))
    revoke = client.post(reverse("staff:api_key_revoke", args=[korean.pk]))

    assert [key.pk for key in listed.context["page"]] == [own.pk]
    assert (edit.status_code, change.status_code, confirm.status_code, revoke.status_code) == (
        404,
        404,
        404,
        404,
    )
    korean.refresh_from_db()
    assert (korean.name, korean.revoked_at) == ("Theirs", None)
    assert _api(kr_token).status_code == 200


def test_secretariat_sees_every_organisations_keys(staff_client, jp_org, kr_org):
    jp_key, _ = api_key_create(organisation=jp_org, name="A", scopes=[])
    kr_key, _ = api_key_create(organisation=kr_org, name="B", scopes=[])

    response = staff_client.get(LIST)

    assert [key.pk for key in response.context["page"]] == [jp_key.pk, kr_key.pk]


@pytest.mark.parametrize("role_fixture", ["applicant", "reviewer"])
def test_other_roles_are_refused(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))

    assert client.get(LIST).status_code == 403
    assert client.post(ISSUE, {"name": "X", "scopes": ["programs:read"]}).status_code == 403
    assert ApiKey.objects.count() == 0


def test_revoking_takes_effect_on_the_next_request(staff_client, secretariat, jp_org):
    key, token = api_key_create(organisation=jp_org, name="CRM", scopes=[])
    before = _api(token)

    confirm = staff_client.get(reverse("staff:api_key_revoke", args=[key.pk]))
    response = staff_client.post(reverse("staff:api_key_revoke", args=[key.pk]))
    after = _api(token)

    entry = ActivityLog.objects.get(action_type="api.key.revoked")
    assert (before.status_code, confirm.status_code, response.status_code) == (200, 200, 302)
    assert after.status_code == 401
    assert after.json()["code"] == "authentication_failed"
    assert (entry.actor, entry.object_id) == (secretariat, key.pk)
    row = staff_client.get(LIST).content.decode()
    assert "Revoked" in row
    assert reverse("staff:api_key_edit", args=[key.pk]) not in row


def test_change_is_logged_with_old_and_new_values(client, jp_staff, jp_org):
    key, _token = api_key_create(organisation=jp_org, name="Old", scopes=[ApiScope.PROGRAMS_READ])

    response = client.post(
        reverse("staff:api_key_edit", args=[key.pk]),
        {"name": "New", "scopes": [ApiScope.PROGRAMS_READ, ApiScope.NOMINATIONS_WRITE]},
    )

    entry = ActivityLog.objects.get(action_type="api.key.changed")
    assert response.status_code == 302
    assert entry.actor == jp_staff
    assert entry.data["changes"] == {
        "name": ["Old", "New"],
        "scopes": [["programs:read"], ["nominations:write", "programs:read"]],
    }


def test_issue_form_errors_are_clear_and_keep_what_was_entered(staff_client, kr_org):
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    empty = staff_client.post(ISSUE, {"organisation": "", "name": " ", "scopes": []})
    wrong = staff_client.post(
        ISSUE,
        {
            "organisation": kr_org.pk,
            "name": "Roster sync",
            "scopes": ["everything:write"],
            "expires_at": past,
        },
    )

    assert empty.context["form"].errors == {
        "organisation": ["Choose the organisation the key is for."],
        "name": ["Give the key a name."],
        "scopes": ["Choose at least one scope."],
    }
    assert wrong.context["form"].errors == {
        "scopes": ["Choose the scopes from the list."],
        "expires_at": ["Choose a time in the future, or leave it empty."],
    }
    assert 'value="Roster sync"' in wrong.content.decode()
    assert ApiKey.objects.count() == 0


def test_a_live_key_name_is_unique_per_organisation(staff_client, kr_org):
    api_key_create(organisation=kr_org, name="CRM", scopes=[])

    response = staff_client.post(
        ISSUE, {"organisation": kr_org.pk, "name": "crm", "scopes": ["programs:read"]}
    )

    assert response.context["form"].errors == {
        "name": ["This organisation already has a key with this name."]
    }


def test_form_errors_are_translated(client, jp_org):
    user = with_mfa(PartnerStaffFactory(organisation=jp_org, preferred_language="ja"))
    client.force_login(user)

    response = client.post(ISSUE, {"name": "", "scopes": []})

    body = response.content.decode()
    assert "キーの名前を入力してください。" in body
    assert "スコープを1つ以上選んでください。" in body
    assert "Give the key a name." not in body


def test_list_shows_last_use_and_the_staff_menu_links_it(client, jp_staff, jp_org):
    _key, token = api_key_create(organisation=jp_org, name="CRM", scopes=[])
    never = client.get(LIST).content.decode()
    _api(token)

    used = client.get(LIST)

    assert "Not used yet" in never
    assert "Not used yet" not in used.content.decode()
    assert used.context["page"][0].last_used_at is not None
    assert f'href="{LIST}"' in client.get(reverse("staff:dashboard")).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_key_list_query_count(client, jp_staff, jp_org, count, django_assert_num_queries):
    for number in range(count):
        api_key_create(organisation=jp_org, name=f"Key {number}", scopes=["programs:read"])
    client.get(LIST)

    # Session, user, MFA check, the organisation (its country is the request's query scope),
    # the count, and the page of keys with organisation and issuer.
    with django_assert_num_queries(6):
        response = client.get(LIST)

    assert len(response.context["page"].object_list) == count
