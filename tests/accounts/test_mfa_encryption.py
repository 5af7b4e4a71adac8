"""MFA secrets at rest: encrypted for new, migrated and demo authenticators; keys rotate."""

import importlib
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command

from exchanges.demo import DEMO_LOGINS, DEMO_TOTP_SECRET
from tests.conftest import TOTP_SECRET, with_mfa
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db

encrypt_migration = importlib.import_module("accounts.migrations.0002_encrypt_mfa_secrets")


def _code_for(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_encrypt_migration_encrypts_a_plain_text_secret_that_still_validates():
    staff = SecretariatFactory()
    authenticator = Authenticator.objects.create(
        user=staff, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )

    encrypt_migration.encrypt_secrets(apps, None)

    authenticator.refresh_from_db()
    assert authenticator.data["secret"].startswith("fernet:")
    assert TOTP_SECRET not in authenticator.data["secret"]
    assert authenticator.wrap().validate_code(_code_for(TOTP_SECRET)) is True


def test_reencrypt_moves_mfa_secrets_to_the_new_first_key(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TRILINK_ENCRYPTION_KEYS = [old_key]
    staff = with_mfa(SecretariatFactory())
    settings.TRILINK_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()

    call_command("reencrypt", stdout=out)

    settings.TRILINK_ENCRYPTION_KEYS = [new_key]
    authenticator = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    assert out.getvalue() == (
        "Re-encrypted 1 authenticator(s), 0 webhook secret(s), "
        "0 exchanges.PredepartureChecklist row(s).\n"
    )
    assert authenticator.wrap().validate_code(_code_for(TOTP_SECRET)) is True


def test_seed_demo_stores_the_shared_secret_encrypted_and_demo_totp_prints_its_code():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()

    call_command("demo_totp", stdout=out)

    code = out.getvalue().strip()
    staff_emails = [login.email for login in DEMO_LOGINS]
    authenticators = Authenticator.objects.filter(
        user__email__in=staff_emails, type=Authenticator.Type.TOTP
    )
    assert authenticators.exists()
    for authenticator in authenticators:
        assert authenticator.data["secret"].startswith("fernet:")
        assert DEMO_TOTP_SECRET not in authenticator.data["secret"]
        assert authenticator.wrap().validate_code(code) is True
