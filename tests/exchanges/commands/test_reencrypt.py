"""``manage.py reencrypt``: after a new key is put first, every encrypted value (MFA secret,
webhook secret, health details) is rewritten with it, so the old key can be dropped."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from accounts.crypto import decrypt_text
from exchanges.models import PredepartureChecklist
from tests.factories import OrganisationFactory
from tests.factories.predeparture import ChecklistFactory
from tests.factories.webhooks import subscribe

pytestmark = pytest.mark.django_db


def stored_medical_notes(checklist) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT medical_notes FROM exchanges_predeparturechecklist WHERE id = %s",
            [checklist.pk],
        )
        return cursor.fetchone()[0]


def test_reencrypt_rewrites_health_details_and_webhook_secrets_with_the_new_first_key(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TRILINK_ENCRYPTION_KEYS = [old_key]
    checklist = ChecklistFactory(medical_notes="Asthma", dietary_notes="Vegan")
    empty = ChecklistFactory()
    subscription, secret = subscribe(OrganisationFactory(), "https://93.184.215.14/hook")
    before = stored_medical_notes(checklist)
    updated_at = PredepartureChecklist.objects.get(pk=checklist.pk).updated_at
    settings.TRILINK_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()

    call_command("reencrypt", stdout=out)

    settings.TRILINK_ENCRYPTION_KEYS = [new_key]
    after = PredepartureChecklist.objects.get(pk=checklist.pk)
    subscription.refresh_from_db()
    assert out.getvalue() == (
        "Re-encrypted 0 authenticator(s), 1 webhook secret(s), "
        "1 exchanges.PredepartureChecklist row(s).\n"
    )
    assert stored_medical_notes(checklist) != before
    assert (after.medical_notes, after.dietary_notes) == ("Asthma", "Vegan")
    assert after.updated_at == updated_at
    assert decrypt_text(subscription.encrypted_secret) == secret
    assert stored_medical_notes(empty) == ""


def test_reencrypt_with_a_missing_old_key_changes_nothing(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TRILINK_ENCRYPTION_KEYS = [old_key]
    checklist = ChecklistFactory(medical_notes="Asthma")
    before = stored_medical_notes(checklist)
    settings.TRILINK_ENCRYPTION_KEYS = [new_key]

    with pytest.raises(ValueError, match="cannot be decrypted with the configured keys"):
        call_command("reencrypt", stdout=StringIO())

    assert stored_medical_notes(checklist) == before
