"""The staff's webhook pages: the secretariat sees every organisation's subscriptions,
partner staff their own organisation's; the delivery log and redelivery, at a constant
number of queries."""

import pytest
from django.urls import reverse

from exchanges.activity_types import Activity
from exchanges.enums import WebhookDeliveryStatus
from exchanges.models import (
    ActivityLog,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventRecord,
)
from tests.conftest import with_mfa
from tests.factories import OrganisationFactory, PartnerStaffFactory
from tests.factories.webhooks import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def japan():
    return OrganisationFactory(name="Japan Center", country="JP")


@pytest.fixture
def korea():
    return OrganisationFactory(name="Korea Foundation", country="KR")


@pytest.fixture
def japan_staff(client, japan):
    user = with_mfa(PartnerStaffFactory(organisation=japan))
    client.force_login(user)
    return client


def _subscriptions(organisation, count: int) -> list:
    return [
        subscribe(organisation, f"https://93.184.215.{n + 1}/{organisation.country.lower()}")[0]
        for n in range(count)
    ]


def _deliveries(subscription, count: int) -> list[WebhookDelivery]:
    deliveries = []
    for n in range(count):
        event = WebhookEventRecord.objects.create(event_type="survey.closed", payload={"n": n})
        delivery = WebhookDelivery.objects.create(
            event=event, subscription=subscription, status=WebhookDeliveryStatus.FAILED, attempts=2
        )
        WebhookAttempt.objects.create(
            delivery=delivery, number=1, status_code=500, error="HTTP 500"
        )
        WebhookAttempt.objects.create(
            delivery=delivery, number=2, error="ConnectTimeoutError: timed out"
        )
        deliveries.append(delivery)
    return deliveries


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_query_count_is_constant(
    staff_client, japan, korea, count, django_assert_num_queries
):
    _subscriptions(japan, count)
    _subscriptions(korea, count)

    # session, user, MFA check, count, page
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("staff:webhook_list"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2 * count


def test_partner_staff_see_only_their_organisations_subscriptions(japan_staff, japan, korea):
    [mine] = _subscriptions(japan, 1)
    [theirs] = _subscriptions(korea, 1)

    listing = japan_staff.get(reverse("staff:webhook_list"))
    foreign = japan_staff.get(reverse("staff:webhook_detail", args=[theirs.pk]))
    own = japan_staff.get(reverse("staff:webhook_detail", args=[mine.pk]))

    assert [s.pk for s in listing.context["page"].object_list] == [mine.pk]
    assert theirs.url not in listing.content.decode()
    assert foreign.status_code == 404
    assert own.status_code == 200


def test_an_applicant_may_not_open_the_pages(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("staff:webhook_list")).status_code == 403


@pytest.mark.parametrize("count", [1, 3])
def test_the_delivery_log_query_count_is_constant(
    staff_client, japan, count, django_assert_num_queries
):
    [subscription] = _subscriptions(japan, 1)
    _deliveries(subscription, count)

    # session, user, MFA check, subscription, count, deliveries with events, attempts
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("staff:webhook_detail", args=[subscription.pk]))

    body = response.content.decode()
    assert len(response.context["page"].object_list) == count
    assert body.count("HTTP 500") == 2 * count  # the status code and the error
    assert body.count("ConnectTimeoutError: timed out") == count
    assert body.count(">Send again</button>") == count


def test_partner_staff_redeliver_their_own_delivery_only(
    japan_staff, japan, korea, django_capture_on_commit_callbacks
):
    [mine] = _subscriptions(japan, 1)
    [theirs] = _subscriptions(korea, 1)
    [own_delivery] = _deliveries(mine, 1)
    [foreign_delivery] = _deliveries(theirs, 1)

    refused = japan_staff.post(reverse("staff:webhook_redeliver", args=[foreign_delivery.pk]))
    response = japan_staff.post(reverse("staff:webhook_redeliver", args=[own_delivery.pk]))

    assert refused.status_code == 404
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:webhook_detail", args=[mine.pk])
    own_delivery.refresh_from_db()
    foreign_delivery.refresh_from_db()
    # The redelivery is asked for (its attempt runs on commit); the status stays as it was.
    assert (own_delivery.status, own_delivery.redelivery_requested_at is not None) == (
        WebhookDeliveryStatus.FAILED,
        True,
    )
    assert (foreign_delivery.status, foreign_delivery.redelivery_requested_at) == (
        WebhookDeliveryStatus.FAILED,
        None,
    )
    assert list(
        ActivityLog.objects.filter(action_type=Activity.WEBHOOK_REDELIVERED).values_list(
            "object_id", flat=True
        )
    ) == [mine.pk]
