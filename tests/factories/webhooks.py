"""Webhook subscriptions, made through the service so each has a real secret."""

from exchanges.enums import WebhookEvent
from exchanges.services.webhooks import webhook_subscription_create


def subscribe(organisation, url: str, events=None, **fields):
    """(subscription, secret) of a new subscription of ``organisation`` to ``url``."""
    return webhook_subscription_create(
        organisation=organisation,
        url=url,
        events=list(events or WebhookEvent.values),
        contact_email=fields.pop("contact_email", "it@example.org"),
        **fields,
    )
