"""Reading webhook subscriptions and their delivery log, scoped to an organisation or to
what a staff member may see."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from exchanges.enums import Role
from exchanges.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


def webhook_subscriptions_of(*, organisation) -> QuerySet[WebhookSubscription]:
    """An organisation's subscriptions, oldest first (the API's order: by id)."""
    return WebhookSubscription.objects.filter(organisation=organisation).order_by("id")


def webhook_deliveries_with_log() -> QuerySet[WebhookDelivery]:
    """Deliveries with their event and every attempt, fetched in two further queries."""
    return WebhookDelivery.objects.select_related("event").prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number", "id"))
    )


def webhook_deliveries_of_organisation(*, organisation) -> QuerySet[WebhookDelivery]:
    return webhook_deliveries_with_log().filter(subscription__organisation=organisation)


def webhook_subscriptions_visible_to(*, viewer: User) -> QuerySet[WebhookSubscription]:
    """The secretariat sees every organisation's subscriptions; partner staff their own
    organisation's; anyone else none."""
    qs = WebhookSubscription.objects.select_related("organisation").order_by(
        "organisation__country", "organisation__name", "id"
    )
    if viewer.is_superuser or viewer.role == Role.SECRETARIAT:
        return qs
    if viewer.role == Role.PARTNER_STAFF and viewer.organisation_id:
        return qs.filter(organisation_id=viewer.organisation_id)
    return qs.none()


def webhook_deliveries_visible_to(*, viewer: User) -> QuerySet[WebhookDelivery]:
    return webhook_deliveries_with_log().filter(
        subscription__in=webhook_subscriptions_visible_to(viewer=viewer).values("id")
    )
