"""Fixtures shared by the whole suite."""

import time

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_scopes import scopes_disabled

from tests.factories import (
    ApplicantFactory,
    PartnerStaffFactory,
    ReviewerFactory,
    SecretariatFactory,
)

pytest_plugins = ["tests.smtp", "tests.receiver", "tests.log_secrets"]

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_mfa(user):
    TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def applicant(db):
    return ApplicantFactory()


@pytest.fixture
def secretariat(db):
    return with_mfa(SecretariatFactory())


@pytest.fixture
def partner_staff(db):
    return with_mfa(PartnerStaffFactory())


@pytest.fixture
def reviewer(db):
    return with_mfa(ReviewerFactory())


@pytest.fixture
def staff_client(client, secretariat):
    client.force_login(secretariat)
    return client


def record_mfa_in_session(client, user) -> None:
    """Write into the client's session what allauth records when its TOTP step succeeds."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_mfa(monkeypatch):
    """``client.force_login`` stands for a completed sign-in: for a user with TOTP, the password
    and the code, recorded in the session as allauth does. Tests of a password-only session
    sign in through a login form or use ``force_login_password_only``."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        record_mfa_in_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_password_only", original, raising=False)


@pytest.fixture(autouse=True)
def _scopes_disabled():
    """Tests arrange and assert through the ORM directly, outside any request, so they do it
    with query scopes off (as pretix's suite does). Requests through the test client, the live
    server and the API still pass through ScopeMiddleware and the API views, which set their
    own scope inside this one; tests/test_scopes.py checks the scopes themselves."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached lookups live in the local-memory cache; no test inherits them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request by a Japanese or Korean user activates their language in this thread (as the
    locale middleware does); no later test inherits it."""
    yield
    translation.deactivate()
