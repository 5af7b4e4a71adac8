"""Writing the activity log. Every service that changes state calls ``activity_log_record``."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from exchanges.models import ActivityLog


def activity_log_record(
    *, actor, obj: models.Model, action_type: str, data: dict | None = None
) -> ActivityLog:
    """Record ``action_type`` on ``obj`` by ``actor`` (None for the system).

    Runs inside the caller's transaction, so the entry exists exactly when the change does.
    """
    return ActivityLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action_type=action_type,
        data=data or {},
    )
