"""Session limits: staff roles end after 30 minutes idle or 12 hours in all; a password or
second-factor change ends every other session; a revoked role counts from the next request."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.sessions import SEEN_AT, SIGNED_IN_AT
from exchanges.enums import Role
from tests.factories import DEFAULT_PASSWORD, ApplicantFactory

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 60 * MINUTE


def _set_clock(client, *, signed_in_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_staff_session_idle_31_minutes_is_signed_out(client, secretariat):
    client.force_login(secretariat)
    _set_clock(client, signed_in_ago=2 * HOUR, seen_ago=31 * MINUTE)

    response = client.get("/staff/")
    again = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fstaff%2F"
    assert "_auth_user_id" not in client.session
    assert again.status_code == 302
    assert again["Location"].startswith("/accounts/login/")


def test_staff_session_idle_29_minutes_continues_and_counts_again(client, secretariat):
    client.force_login(secretariat)
    _set_clock(client, signed_in_ago=2 * HOUR, seen_ago=29 * MINUTE)

    response = client.get("/staff/")

    assert response.status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] <= 5


def test_staff_session_open_12_hours_is_signed_out_even_when_active(client, partner_staff):
    client.force_login(partner_staff)
    _set_clock(client, signed_in_ago=12 * HOUR + MINUTE, seen_ago=MINUTE)

    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fstaff%2F"
    assert "_auth_user_id" not in client.session


def test_staff_session_expired_htmx_request_redirects_the_whole_page(client, reviewer):
    client.force_login(reviewer)
    _set_clock(client, signed_in_ago=HOUR, seen_ago=HOUR)

    response = client.get("/review/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Freview%2F"


def test_applicant_session_idle_for_hours_continues(client, applicant):
    client.force_login(applicant)
    _set_clock(client, signed_in_ago=13 * HOUR, seen_ago=13 * HOUR)

    response = client.get(reverse("account_profile"))

    assert response.status_code == 200


def test_sign_in_starts_the_session_clock(client, applicant):
    before = int(time.time())

    client.post(reverse("account_login"), {"login": applicant.email, "password": DEFAULT_PASSWORD})

    assert client.session[SIGNED_IN_AT] >= before
    assert client.session[SEEN_AT] == client.session[SIGNED_IN_AT]


def test_password_change_ends_other_sessions_and_keeps_this_one(applicant):
    here, elsewhere = Client(), Client()
    here.force_login(applicant)
    elsewhere.force_login(applicant)

    changed = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "a-new-long-passphrase-41",
            "password2": "a-new-long-passphrase-41",
        },
    )

    assert changed.status_code == 302
    assert here.get(reverse("account_profile")).status_code == 200
    assert elsewhere.get(reverse("account_profile")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_mfa_change_ends_other_sessions_and_keeps_this_one(secretariat):
    """Transactional: allauth sends its signal on commit, inside the request as in production."""
    here, elsewhere = Client(), Client()
    here.force_login(secretariat)
    elsewhere.force_login(secretariat)

    here.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    regenerated = here.post(reverse("mfa_generate_recovery_codes"))

    assert regenerated.status_code == 302
    assert regenerated["Location"] == reverse("mfa_view_recovery_codes")
    assert User.objects.get(pk=secretariat.pk).session_stamp == 1
    assert here.get("/staff/").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302
    assert "_auth_user_id" not in elsewhere.session


def test_session_from_before_the_stamp_stays_valid(client, applicant):
    client.force_login(applicant)

    assert User.objects.get(pk=applicant.pk).session_stamp == 0
    assert client.get(reverse("account_profile")).status_code == 200


@pytest.mark.parametrize("revoke", ["role", "deactivate"])
def test_revoked_staff_role_counts_from_the_next_request(client, secretariat, revoke):
    client.force_login(secretariat)
    assert client.get("/staff/").status_code == 200
    if revoke == "role":
        User.objects.filter(pk=secretariat.pk).update(role=Role.APPLICANT)
    else:
        User.objects.filter(pk=secretariat.pk).update(is_active=False)

    response = client.get("/staff/")

    assert response.status_code == (403 if revoke == "role" else 302)


def test_revoked_partner_role_counts_from_the_next_request(client, partner_staff):
    client.force_login(partner_staff)
    assert client.get("/staff/").status_code == 200
    User.objects.filter(pk=partner_staff.pk).update(role=Role.APPLICANT)

    assert client.get("/staff/").status_code == 403


def test_other_applicant_unaffected_by_a_password_change(applicant):
    other = ApplicantFactory()
    client = Client()
    client.force_login(other)
    applicant.set_password("another-long-passphrase-7")
    applicant.save()

    assert client.get(reverse("account_profile")).status_code == 200
