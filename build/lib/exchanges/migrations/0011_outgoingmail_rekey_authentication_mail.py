from django.db import migrations
from django.utils.crypto import salted_hmac

SALT = "exchanges.migrations.0011_outgoingmail_rekey_authentication_mail"


def rekey_authentication_mail(apps, schema_editor):
    """Replace the plain-hash digest in allauth rows' idempotency keys with a keyed one.

    The digest was sha256 of the email's key or code, which a short code lets anyone who reads
    the row recover. The old key is kept unique by keying it whole.
    """
    OutgoingMail = apps.get_model("exchanges", "OutgoingMail")
    rows = OutgoingMail.objects.filter(idempotency_key__startswith="allauth:")
    for row in rows.only("pk", "idempotency_key").iterator():
        prefix = row.idempotency_key.rpartition(":")[0]
        digest = salted_hmac(SALT, row.idempotency_key, algorithm="sha256").hexdigest()[:32]
        OutgoingMail.objects.filter(pk=row.pk).update(idempotency_key=f"{prefix}:{digest}")


class Migration(migrations.Migration):

    dependencies = [
        ("exchanges", "0010_outgoingmail_confidential"),
    ]

    operations = [
        migrations.RunPython(rekey_authentication_mail, migrations.RunPython.noop),
    ]
