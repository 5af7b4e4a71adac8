"""Writing the activity log. Every service that changes state calls ``activity_log_record``.

The log is also the audit trail of reads that take personal data out of Trilink (exports,
downloads, views of sensitive details), of edits made in the administration site, and of
sign-ins to staff roles: the ``activity_record_*`` functions below. Rows are append-only
(``exchanges.models.activity.ActivityLogQuerySet``).
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from exchanges.activity_types import ACTIVITY_TYPES, Activity
from exchanges.enums import MFA_REQUIRED_ROLES
from exchanges.models import ActivityLog, Application, Document

_ADMIN_ACTIVITIES = {
    ADDITION: Activity.ADMIN_ADDED,
    CHANGE: Activity.ADMIN_CHANGED,
    DELETION: Activity.ADMIN_DELETED,
}


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


@transaction.atomic
def activity_record_export(
    *, actor, obj: models.Model, export: str, file_format: str, rows: int
) -> ActivityLog:
    """Record that ``actor`` took ``rows`` rows of ``export`` (a short name such as
    ``applications`` or ``ranking``) about ``obj`` out as ``file_format``."""
    return activity_log_record(
        actor=actor,
        obj=obj,
        action_type=Activity.EXPORT_DOWNLOADED,
        data={"export": export, "format": file_format, "rows": rows},
    )


@transaction.atomic
def activity_record_document_download(
    *, actor, document: Document, api_key_id: int | None = None
) -> ActivityLog:
    """Record that ``actor`` (or the partner API key ``api_key_id``) downloaded ``document``,
    on its application's timeline."""
    data = {"document": document.pk, "kind": document.kind}
    if api_key_id is not None:
        data["api_key"] = api_key_id
    return activity_log_record(
        actor=actor,
        obj=Application(pk=document.application_id),
        action_type=Activity.APPLICATION_DOCUMENT_DOWNLOADED,
        data=data,
    )


@transaction.atomic
def activity_record_sensitive_view(
    *, actor, application: Application, fields: list[str]
) -> ActivityLog:
    """Record that ``actor`` was shown the sensitive ``fields`` (names, never values)."""
    return activity_log_record(
        actor=actor,
        obj=application,
        action_type=Activity.APPLICATION_SENSITIVE_VIEWED,
        data={"fields": sorted(fields)},
    )


@transaction.atomic
def activity_record_admin_entry(*, entry: LogEntry) -> ActivityLog | None:
    """Mirror an administration-site ``LogEntry`` into the activity log, on the object it
    concerns (or on the entry itself when that object's key is not a number)."""
    action_type = _ADMIN_ACTIVITIES.get(entry.action_flag)
    if action_type is None:
        return None
    data = {
        "model": f"{entry.content_type.app_label}.{entry.content_type.model}"
        if entry.content_type_id
        else "",
        "object": str(entry.object_id or ""),
        "change": entry.get_change_message(),
        "admin_log_entry": entry.pk,
    }
    content_type = entry.content_type if entry.content_type_id else None
    object_id = str(entry.object_id or "")
    if content_type is None or not object_id.isdigit():
        content_type, object_id = ContentType.objects.get_for_model(LogEntry), str(entry.pk)
    activity_check_declared(action_type)
    return ActivityLog.objects.create(
        actor_id=entry.user_id,
        content_type=content_type,
        object_id=int(object_id),
        action_type=str(action_type),
        data=data,
    )


@transaction.atomic
def activity_record_sign_in(*, user) -> ActivityLog | None:
    """Record a sign-in by someone with a staff role (secretariat, partner staff, reviewer,
    admin-site access); applicants' sign-ins are not recorded."""
    if not (user.role in MFA_REQUIRED_ROLES or user.is_staff or user.is_superuser):
        return None
    return activity_log_record(
        actor=user,
        obj=user,
        action_type=Activity.ACCOUNTS_USER_SIGNED_IN,
        data={"role": user.role},
    )
