"""``manage.py seed_demo``: create the demo data set (idempotent; refused in production)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exchanges.demo import DEMO_LOGINS, demo_seed


class Command(BaseCommand):
    help = "Create the Trilink demo data set. Running it again changes nothing."

    def handle(self, *args, **options) -> None:
        if settings.TRILINK_ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run under production settings.")
        result = demo_seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({result['applicants_created']} new applicants).")
        )
        self.stdout.write(f"Demo logins (password: {settings.TRILINK_DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:38} {login.description}")
