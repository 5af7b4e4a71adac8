"""Every way into a session goes through allauth's login with its TOTP step and rate limits."""

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.conftest import TOTP_SECRET, with_mfa
from tests.factories import DEFAULT_PASSWORD, ApplicantFactory, SecretariatFactory
from tests.factories.applications import CohortFactory

pytestmark = pytest.mark.django_db


def _code_for(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def _totp_code() -> str:
    return _code_for(TOTP_SECRET)


def _staff_paths() -> list[str]:
    cohort = CohortFactory()
    return [
        "/staff/",
        "/admin/",
        "/review/",
        reverse("staff:export_csv", args=[cohort.pk]),
        reverse("staff:export_xlsx", args=[cohort.pk]),
    ]


def test_admin_login_get_redirects_to_allauth_login(client):
    response = client.get("/admin/login/?next=/admin/exchanges/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fexchanges%2F"


def test_admin_login_right_password_of_totp_user_opens_no_staff_page(client):
    staff = with_mfa(SecretariatFactory())
    paths = _staff_paths()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    for path in paths:
        page = client.get(path)
        assert page.status_code == 302, path
        assert page["Location"].startswith(("/accounts/login/", "/admin/login/")), path


def test_admin_login_unsafe_next_falls_back_to_admin_index(client):
    response = client.get("/admin/login/?next=https://evil.example/")

    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_login_signed_in_applicant_gets_403_not_a_loop(client):
    client.force_login(ApplicantFactory())

    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 403


def test_password_only_session_of_totp_user_is_sent_to_the_totp_step(client):
    staff = with_mfa(SecretariatFactory())
    paths = _staff_paths()
    # Django's own password login: a session without allauth's record of a second factor.
    assert client.login(email=staff.email, password=DEFAULT_PASSWORD)

    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{reverse('mfa_reauthenticate')}?next="), path


def test_password_only_session_opens_staff_after_the_totp_step(client):
    staff = with_mfa(SecretariatFactory())
    client.force_login_password_only(staff)

    step = client.post(f"{reverse('mfa_reauthenticate')}?next=/staff/", {"code": _totp_code()})

    assert step.status_code == 302
    assert step["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_password_only_session_wrong_codes_are_rate_limited(client):
    staff = with_mfa(SecretariatFactory())
    client.force_login_password_only(staff)
    url = f"{reverse('mfa_reauthenticate')}?next=/staff/"

    for _ in range(20):
        client.post(url, {"code": "000000"})
    response = client.post(url, {"code": _totp_code()})

    assert response.status_code == 429
    assert client.get("/staff/").status_code == 302


def test_allauth_login_password_then_code_opens_staff(client):
    staff = with_mfa(SecretariatFactory())

    first = client.post(
        reverse("account_login"), {"login": staff.email, "password": DEFAULT_PASSWORD}
    )
    assert first.status_code == 302
    assert first["Location"] == reverse("mfa_authenticate")
    second = client.post(reverse("mfa_authenticate"), {"code": _totp_code()})

    assert second.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_admin_twenty_wrong_passwords_are_throttled(client):
    staff = with_mfa(SecretariatFactory())

    for _ in range(20):
        admin_response = client.post(
            "/admin/login/", {"username": staff.email, "password": "wrong-password-1"}
        )
        assert admin_response.status_code == 302
        login_response = client.post(
            reverse("account_login"), {"login": staff.email, "password": "wrong-password-1"}
        )
    right = client.post(
        reverse("account_login"), {"login": staff.email, "password": DEFAULT_PASSWORD}
    )

    assert login_response.status_code in (200, 429)
    assert right.status_code in (200, 429)  # refused: too many failed attempts
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_totp_activation_counts_as_the_sessions_second_factor(client):
    # transaction=True: allauth announces the new authenticator on commit, which in a request
    # (no ATOMIC_REQUESTS) is at once, before the session is saved.
    staff = SecretariatFactory()
    client.post(reverse("account_login"), {"login": staff.email, "password": DEFAULT_PASSWORD})
    assert client.get("/staff/").status_code == 302  # sent to set up TOTP first
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    if setup.redirect_chain:  # allauth asks for the password again before a security change
        client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    code = _code_for(setup.context["form"].secret)

    response = client.post(reverse("mfa_activate_totp"), {"code": code})

    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
