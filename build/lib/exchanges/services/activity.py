"""Writing the activity log. Every service that changes state calls ``activity_log_record``."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from exchanges.activity_types import ACTIVITY_TYPES, Activity
from exchanges.models import ActivityLog


def activity_check_declared(action_type: str) -> None:
    """Raise ValueError for an action type that exchanges/activity_types.py does not declare,
    so a misspelt or new name fails where it is written instead of showing raw on a page."""
    if action_type not in ACTIVITY_TYPES:
        raise ValueError(f"Undeclared activity type {action_type!r}: declare it in Activity.")


def activity_log_record(
    *, actor, obj: models.Model, action_type: Activity | str, data: dict | None = None
) -> ActivityLog:
    """Record ``action_type`` on ``obj`` by ``actor`` (None for the system).

    Runs inside the caller's transaction, so the entry exists exactly when the change does.
    Raises ValueError, before writing anything, when ``action_type`` is not declared.
    """
    activity_check_declared(action_type)
    return ActivityLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action_type=str(action_type),
        data=data or {},
    )
