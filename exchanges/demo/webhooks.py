"""Demo webhook subscriptions: the Japanese partner listens to every event and the Korean one
to closed surveys, both at a loopback address where nothing listens (port 9, "discard"), so
the staff's delivery log shows refused connections, retries and, after a run of failures, a
disabled subscription with its email in the outbox. Made through the public service before the
demo's applications move, so their events are written as a partner would see them. Loopback
receivers are allowed only outside production settings, where the demo never runs."""

from accounts.models import Organisation
from exchanges.enums import Language, WebhookEvent
from exchanges.models import WebhookSubscription
from exchanges.services.webhooks import webhook_subscription_create

DEMO_RECEIVER = "http://127.0.0.1:9/trilink-demo/{country}"
DEMO_SUBSCRIPTIONS = {
    "JP": (list(WebhookEvent.values), Language.JA, "it@jcce.example.jp"),
    "KR": ([WebhookEvent.SURVEY_CLOSED], Language.KO, "it@kffl.example.kr"),
}


def seed_demo_webhooks(*, organisations: dict[str, Organisation]) -> int:
    """Create the missing demo subscriptions; returns how many were created."""
    created = 0
    for country, (events, language, contact) in DEMO_SUBSCRIPTIONS.items():
        organisation = organisations[country]
        url = DEMO_RECEIVER.format(country=country.lower())
        if WebhookSubscription.objects.filter(organisation=organisation, url=url).exists():
            continue
        webhook_subscription_create(
            organisation=organisation,
            url=url,
            events=events,
            contact_email=contact,
            contact_language=language,
            description="Demo receiver (nothing listens)",
        )
        created += 1
    return created
