"""Reading the activity log."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from exchanges.models import ActivityLog


def activity_for_object(*, obj: models.Model) -> QuerySet[ActivityLog]:
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")
