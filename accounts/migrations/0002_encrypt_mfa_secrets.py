"""Encrypt the MFA secrets stored in plain text before accounts.mfa.MFAAdapter existed."""

from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from accounts.mfa import reencrypt_data  # noqa: PLC0415 -- the current code's encryption

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.iterator():
        authenticator.data = reencrypt_data(authenticator.data)
        authenticator.save(update_fields=["data"])


def decrypt_secrets(apps, schema_editor):
    from accounts.crypto import decrypt_text  # noqa: PLC0415 -- the current code's encryption

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.iterator():
        data = dict(authenticator.data)
        for name in ("secret", "seed"):
            if isinstance(data.get(name), str):
                data[name] = decrypt_text(data[name])
        authenticator.data = data
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
