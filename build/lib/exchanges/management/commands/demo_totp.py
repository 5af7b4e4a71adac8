"""``manage.py demo_totp``: print the current one-time code for the demo staff accounts."""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exchanges.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current TOTP code shared by the demo staff, partner and reviewer logins."

    def handle(self, *args, **options) -> None:
        if settings.TRILINK_ENVIRONMENT == "production":
            raise CommandError("demo_totp refuses to run under production settings.")
        counter = int(timezone.now().timestamp()) // 30
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
