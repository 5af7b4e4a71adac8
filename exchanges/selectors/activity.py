"""Reading the activity log."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from exchanges.models import ActivityLog


def activity_for_object(*, obj: models.Model) -> QuerySet[ActivityLog]:
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")


def activity_search(
    *,
    actor: str = "",
    model: str = "",
    object_id: int | None = None,
    action_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    time_zone: dt.tzinfo | None = None,
) -> QuerySet[ActivityLog]:
    """The whole log (the secretariat's audit trail), newest first, narrowed by the given
    filters: ``actor`` matches an email or a name, ``model`` is ``app_label.model``, dates
    are whole days in ``time_zone`` (UTC if none). Actor and object type come in the same
    query, so a page costs one query whatever its length."""
    qs = ActivityLog.objects.select_related("actor", "content_type")
    term = actor.strip()
    if term:
        qs = qs.filter(
            Q(actor__email__icontains=term)
            | Q(actor__given_name__icontains=term)
            | Q(actor__family_name__icontains=term)
            | Q(actor__local_name__icontains=term)
        )
    if model:
        app_label, _dot, model_name = model.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model_name.lower())
    if object_id is not None:
        qs = qs.filter(object_id=object_id)
    if action_type:
        qs = qs.filter(action_type=action_type)
    zone = time_zone or dt.UTC
    if date_from:
        qs = qs.filter(timestamp__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=zone))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        qs = qs.filter(timestamp__lt=end)
    return qs.order_by("-timestamp", "-id")
