"""Encrypt the checklist's dietary and medical details at rest (``accounts.crypto``).

Reversible: going back decrypts them. Each direction runs where the historical field matches
what it reads: encrypting after the fields became ``EncryptedTextField`` (which reads a plain
legacy value as it is and encrypts on write), decrypting once they are plain ``TextField``
again (which reads the stored token as it is and writes the decrypted text).
"""

from django.db import migrations

import accounts.crypto

FIELDS = ("dietary_notes", "medical_notes")


def _with_details(apps):
    Checklist = apps.get_model("exchanges", "PredepartureChecklist")
    # Only rows with something to convert: an empty value stays empty either way.
    return Checklist, Checklist.objects.exclude(dietary_notes="", medical_notes="").only(*FIELDS)


def encrypt_details(apps, schema_editor):
    Checklist, rows = _with_details(apps)
    for row in rows.iterator(chunk_size=500):
        # ``update`` writes through the field, which encrypts; no timestamp is touched.
        Checklist.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in FIELDS})


def decrypt_details(apps, schema_editor):
    Checklist, rows = _with_details(apps)
    for row in rows.iterator(chunk_size=500):
        Checklist.objects.filter(pk=row.pk).update(
            **{name: accounts.crypto.decrypt_text(getattr(row, name)) for name in FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0023_certattach"),
    ]

    operations = [
        # Reversed last: by then the fields are plain text again.
        migrations.RunPython(migrations.RunPython.noop, decrypt_details),
        migrations.AlterField(
            model_name="predeparturechecklist",
            name="dietary_notes",
            field=accounts.crypto.EncryptedTextField(blank=True, verbose_name="dietary details"),
        ),
        migrations.AlterField(
            model_name="predeparturechecklist",
            name="medical_notes",
            field=accounts.crypto.EncryptedTextField(
                blank=True, verbose_name="medical or accessibility needs"
            ),
        ),
        migrations.RunPython(encrypt_details, migrations.RunPython.noop),
    ]
