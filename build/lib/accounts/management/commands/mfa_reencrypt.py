"""``manage.py mfa_reencrypt``: encrypt every stored MFA secret with the first configured key."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.mfa import reencrypt_data


class Command(BaseCommand):
    help = (
        "Re-encrypt every TOTP secret and recovery-code seed with the first key of "
        "TRILINK_ENCRYPTION_KEYS (run after putting a new key first; then drop the old key)."
    )

    def handle(self, *args, **options) -> None:
        count = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().iterator():
                authenticator.data = reencrypt_data(authenticator.data)
                authenticator.save(update_fields=["data"])
                count += 1
        self.stdout.write(f"Re-encrypted {count} authenticator(s).")
