"""Fixtures shared by the whole suite."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from tests.factories import (
    ApplicantFactory,
    PartnerStaffFactory,
    ReviewerFactory,
    SecretariatFactory,
)

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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached lookups live in the local-memory cache; no test inherits them."""
    from django.core.cache import cache  # noqa: PLC0415 -- settings are ready only in fixtures

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request by a Japanese or Korean user activates their language in this thread (as the
    locale middleware does); no later test inherits it."""
    from django.utils import translation  # noqa: PLC0415 -- settings are ready only in fixtures

    yield
    translation.deactivate()
