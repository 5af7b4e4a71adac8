"""Reading the outbox and the template overrides, scoped to the viewer."""

from django.db.models import Q, QuerySet

from accounts.models import User
from exchanges.models import OutgoingMail, OutgoingMailAttachment
from exchanges.rules import is_secretariat


def outbox_visible_to(*, viewer: User) -> QuerySet[OutgoingMail]:
    """Only the secretariat reads the outbox: it holds every recipient's messages."""
    if not is_secretariat(viewer):
        return OutgoingMail.objects.none()
    return OutgoingMail.objects.all()


def outbox_list(
    *,
    viewer: User,
    search: str = "",
    status: str = "",
    template_key: str = "",
    date_from=None,
    date_to=None,
    campaign_id: int | None = None,
) -> QuerySet[OutgoingMail]:
    qs = outbox_visible_to(viewer=viewer).defer("text_body", "html_body", "headers")
    if search:
        qs = qs.filter(
            Q(recipient_email__icontains=search)
            | Q(subject__icontains=search)
            | Q(message_id__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if template_key:
        qs = qs.filter(template_key=template_key)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    return qs.order_by("-created_at", "-id")


def outbox_template_keys(*, viewer: User) -> list[str]:
    return list(
        outbox_visible_to(viewer=viewer)
        .order_by("template_key")
        .values_list("template_key", flat=True)
        .distinct()
    )


def outbox_attachments_of(*, mail: OutgoingMail) -> list[OutgoingMailAttachment]:
    """The metadata of what ``mail`` carries (name, type, size), without reading the bytes."""
    return list(
        OutgoingMailAttachment.objects.filter(mail=mail).defer("content").order_by("position")
    )
