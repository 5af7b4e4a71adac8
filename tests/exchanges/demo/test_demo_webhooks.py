"""The demo's webhook subscriptions: made through the service, and the demo's own
applications write events for the Japanese partner about Japanese applications only."""

from io import StringIO

import pytest
from django.core.management import call_command

from exchanges.models import Application, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def test_seed_demo_subscribes_the_partners_and_records_their_events():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent

    subscriptions = {
        s.organisation.country: s
        for s in WebhookSubscription.objects.select_related("organisation")
    }
    assert sorted(subscriptions) == ["JP", "KR"]
    assert subscriptions["KR"].events == ["survey.closed"]
    jp_deliveries = WebhookDelivery.objects.filter(subscription=subscriptions["JP"]).select_related(
        "event"
    )
    application_ids = {
        d.event.payload["data"]["application"]["id"]
        for d in jp_deliveries
        if "application" in d.event.payload["data"]
    }
    assert application_ids
    countries = set(
        Application.objects.filter(pk__in=application_ids).values_list("country", flat=True)
    )
    assert countries == {"JP"}
    assert not WebhookDelivery.objects.filter(
        subscription=subscriptions["KR"], event__event_type__startswith="application."
    ).exists()
