"""Health details at rest: the stored bytes are a Fernet token that decrypts to the text,
empty stays empty, a plain legacy value is still read, only emptiness can be queried, and the
migration encrypts existing rows and decrypts them going back."""

import importlib

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from accounts.crypto import decrypt_text, fernet
from exchanges.models import PredepartureChecklist
from tests.factories.predeparture import ChecklistFactory

pytestmark = pytest.mark.django_db

MEDICAL = "Severe peanut allergy; EpiPen in the left pocket."
migration = importlib.import_module("exchanges.migrations.0024_encrypt_health_details")


def stored(checklist, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM exchanges_predeparturechecklist WHERE id = %s",  # noqa: S608 -- a fixed column name
            [checklist.pk],
        )
        return cursor.fetchone()[0]


def store_plain(checklist, **values) -> None:
    """Write values as the code before encryption did, bypassing the field."""
    with connection.cursor() as cursor:
        for column, value in values.items():
            cursor.execute(
                f"UPDATE exchanges_predeparturechecklist SET {column} = %s WHERE id = %s",  # noqa: S608 -- a fixed column name
                [value, checklist.pk],
            )


def test_medical_and_dietary_notes_are_stored_encrypted_and_read_in_plain():
    checklist = ChecklistFactory(medical_notes=MEDICAL, dietary_notes="No gelatine")

    raw_medical = stored(checklist, "medical_notes")
    raw_dietary = stored(checklist, "dietary_notes")

    assert raw_medical.startswith("fernet:")
    assert "peanut" not in raw_medical
    assert fernet().decrypt(raw_medical.removeprefix("fernet:").encode()).decode() == MEDICAL
    assert decrypt_text(raw_dietary) == "No gelatine"
    assert PredepartureChecklist.objects.get(pk=checklist.pk).medical_notes == MEDICAL
    assert list(PredepartureChecklist.objects.values_list("dietary_notes", flat=True)) == [
        "No gelatine"
    ]


def test_empty_notes_stay_empty_so_emptiness_can_be_queried():
    empty = ChecklistFactory(medical_notes="")
    filled = ChecklistFactory(medical_notes=MEDICAL)

    assert stored(empty, "medical_notes") == ""
    assert list(PredepartureChecklist.objects.filter(medical_notes="")) == [empty]
    assert list(PredepartureChecklist.objects.filter(medical_notes__gt="")) == [filled]
    assert list(PredepartureChecklist.objects.exclude(medical_notes="")) == [filled]


def test_querying_encrypted_content_is_refused_rather_than_silently_matching_nothing():
    ChecklistFactory(medical_notes=MEDICAL)

    with pytest.raises(ValueError, match="only be compared with the empty string"):
        PredepartureChecklist.objects.filter(medical_notes=MEDICAL).count()
    with pytest.raises(Exception, match="Unsupported lookup 'icontains'"):
        PredepartureChecklist.objects.filter(medical_notes__icontains="peanut").count()


def test_a_plain_value_written_before_encryption_is_still_read():
    checklist = ChecklistFactory()
    store_plain(checklist, medical_notes="Asthma")

    assert PredepartureChecklist.objects.get(pk=checklist.pk).medical_notes == "Asthma"


def test_text_that_looks_like_a_token_is_encrypted_too():
    checklist = ChecklistFactory(medical_notes="fernet:not really")

    assert stored(checklist, "medical_notes") != "fernet:not really"
    assert PredepartureChecklist.objects.get(pk=checklist.pk).medical_notes == "fernet:not really"


def historical_apps(name: str):
    """The models as migration ``name`` leaves them (the schema is the same either side)."""
    return MigrationLoader(connection).project_state(("exchanges", name)).apps


def test_migration_encrypts_existing_rows_and_decrypts_them_going_back():
    checklist = ChecklistFactory(dietary_notes="", medical_updated_at=None)
    store_plain(checklist, medical_notes="Asthma", dietary_notes="Vegan")
    untouched = ChecklistFactory()

    migration.encrypt_details(historical_apps("0024_encrypt_health_details"), None)
    encrypted = (stored(checklist, "medical_notes"), stored(checklist, "dietary_notes"))
    # Going back, the decryption runs once the fields are plain text again.
    migration.decrypt_details(historical_apps("0023_certattach"), None)

    assert [decrypt_text(value) for value in encrypted] == ["Asthma", "Vegan"]
    assert "Asthma" not in encrypted[0]
    assert (stored(checklist, "medical_notes"), stored(checklist, "dietary_notes")) == (
        "Asthma",
        "Vegan",
    )
    assert stored(untouched, "medical_notes") == ""


def test_a_rotated_key_still_reads_old_rows(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TRILINK_ENCRYPTION_KEYS = [old_key]
    checklist = ChecklistFactory(medical_notes=MEDICAL)

    settings.TRILINK_ENCRYPTION_KEYS = [new_key, old_key]

    assert PredepartureChecklist.objects.get(pk=checklist.pk).medical_notes == MEDICAL
