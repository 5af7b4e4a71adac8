"""Clock and beat helpers shared by the scheduled-email tests."""

import datetime as dt

from django.utils import timezone

from exchanges.models import OutgoingMail
from exchanges.tasks import task_send_scheduled_reminders


def at(*args) -> dt.datetime:
    """An aware UTC instant: ``at(2030, 3, 10, 14, 59)``."""
    return dt.datetime(*args, tzinfo=dt.UTC)


def beat_tick(monkeypatch, now: dt.datetime) -> dict:
    """Run the beat task itself with the clock at ``now``; its result by workflow."""
    monkeypatch.setattr(timezone, "now", lambda: now)
    return task_send_scheduled_reminders.apply().get()


def outbox_keys(prefix: str) -> list[str]:
    """Idempotency keys of the outbox rows starting with ``prefix``, oldest first."""
    return list(
        OutgoingMail.objects.filter(idempotency_key__startswith=prefix)
        .order_by("id")
        .values_list("idempotency_key", flat=True)
    )
