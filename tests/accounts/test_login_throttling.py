"""Login throttling counts failures per (client, account) pair, so a stranger cannot lock a real
user out; the client address comes from X-Forwarded-For only through a configured proxy; new
passwords are checked against common, leaked and guessable ones."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from config.client_ip import client_ip
from tests.factories import DEFAULT_PASSWORD, ApplicantFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed login attempts. Try again later."


def _login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_stranger_failing_five_times_does_not_lock_out_the_real_user():
    user = ApplicantFactory()
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for _attempt in range(5):
        _login(stranger, user.email, "wrong-guess")

    stranger_again = _login(stranger, user.email, DEFAULT_PASSWORD)
    owner = Client(REMOTE_ADDR="198.51.100.7")
    response = _login(owner, user.email, DEFAULT_PASSWORD)

    assert stranger_again.context["form"].non_field_errors() == [LOCKED]
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


def test_one_client_is_capped_over_all_accounts():
    client = Client(REMOTE_ADDR="203.0.113.10")
    users = ApplicantFactory.create_batch(5)
    for user in users:
        for _attempt in range(4):
            _login(client, user.email, "wrong-guess")

    response = _login(client, users[0].email, DEFAULT_PASSWORD)

    assert response.context["form"].non_field_errors() == [LOCKED]


@override_settings(TRUSTED_PROXIES=[])
def test_forged_forwarded_for_cannot_dodge_the_pair_limit():
    user = ApplicantFactory()
    client = Client(REMOTE_ADDR="203.0.113.11")
    for attempt in range(5):
        _login(client, user.email, "wrong-guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}")

    response = _login(client, user.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert response.context["form"].non_field_errors() == [LOCKED]


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.5", "", "203.0.113.5"),
        # Not from a proxy: the header is the client's own claim.
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),
        # From the proxy: the right-most address the proxy saw.
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        # A client-written prefix is ignored; trusted hops are skipped.
        ("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
        ("10.0.0.2", "not-an-ip", "10.0.0.2"),
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_client_ip_believes_forwarded_for_only_from_a_trusted_proxy(peer, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


@override_settings(TRUSTED_PROXIES=["10.0.0.2"])
def test_behind_the_proxy_each_client_has_its_own_pair_limit():
    user = ApplicantFactory()
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _attempt in range(5):
        _login(proxy, user.email, "wrong-guess", HTTP_X_FORWARDED_FOR="203.0.113.20")

    response = _login(proxy, user.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert response.status_code == 302


@pytest.mark.parametrize(
    "password",
    ["password123", "qwertyuiop", "trilink2027", "iloveyou12", "1234567890"],
)
def test_common_leaked_or_guessable_password_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_strong_passphrase_is_accepted():
    assert validate_password("violet-harbour-tangent-71") is None


def test_signup_with_a_leaked_password_keeps_the_other_fields_and_explains():
    response = Client().post(
        reverse("account_signup"),
        {
            "email": "new.person@example.org",
            "password1": "qwertyuiop",
            "password2": "qwertyuiop",
        },
    )

    assert response.status_code == 200
    assert response.context["form"]["email"].value() == "new.person@example.org"
    assert "This password is too common." in response.context["form"].errors["password1"]


@pytest.mark.parametrize("path", ["/accounts/password/reset/", "/accounts/login/"])
def test_malformed_next_address_is_ignored_not_a_500(path):
    client = Client(raise_request_exception=False)

    response = client.post(path, {"email": "x", "login": "x", "password": "x", "next": "http://["})

    assert response.status_code == 200
