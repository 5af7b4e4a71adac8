"""``manage.py reencrypt``: re-encrypt everything encrypted at rest with the first key of
``TRILINK_ENCRYPTION_KEYS`` (docs/deployment.md, "Rotating the encryption key")."""

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.crypto import EncryptedTextField, reencrypt_text
from accounts.mfa import reencrypt_data
from exchanges.models import WebhookSubscription


def _rows(queryset, size: int = 500):
    """``queryset`` locked and read in batches by key. Not ``iterator()``: a row that cannot
    be decrypted raises while a server-side cursor is open, and the rollback would then leave
    that cursor to be closed on an aborted transaction (PostgreSQL)."""
    last = 0
    while batch := list(queryset.select_for_update().filter(pk__gt=last).order_by("pk")[:size]):
        yield from batch
        last = batch[-1].pk


def _encrypted_fields() -> list[tuple[type, list[str]]]:
    """Every model with ``EncryptedTextField`` columns, so a new one is rotated too."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypt MFA secrets, webhook signing secrets and encrypted health details with the "
        "first key of TRILINK_ENCRYPTION_KEYS (run after putting a new key first; then drop "
        "the old key)."
    )

    def handle(self, *args, **options) -> None:
        # One transaction: a key that cannot decrypt some row stops the run with nothing
        # half-rotated, and the old key can stay until the run succeeds.
        with transaction.atomic():
            counts = {"authenticator(s)": 0, "webhook secret(s)": 0}
            for authenticator in _rows(Authenticator.objects.all()):
                authenticator.data = reencrypt_data(authenticator.data)
                authenticator.save(update_fields=["data"])
                counts["authenticator(s)"] += 1
            for subscription in _rows(WebhookSubscription.objects.only("encrypted_secret")):
                subscription.encrypted_secret = reencrypt_text(subscription.encrypted_secret)
                subscription.save(update_fields=["encrypted_secret"])
                counts["webhook secret(s)"] += 1
            for model, names in _encrypted_fields():
                changed = 0
                for row in _rows(model.objects.only(*names)):
                    values = {name: getattr(row, name) for name in names}
                    if any(values.values()):
                        # Read in plain through the field, written back encrypted with the
                        # first key; ``update`` leaves timestamps alone.
                        model.objects.filter(pk=row.pk).update(**values)
                        changed += 1
                counts[f"{model._meta.label} row(s)"] = changed
        self.stdout.write(
            "Re-encrypted " + ", ".join(f"{count} {name}" for name, count in counts.items()) + "."
        )
