"""URLs of webhooks: the staff's subscriptions, delivery log and redelivery (the partner API's
endpoints are in api/urls.py)."""

from django.urls import path

from exchanges.views import webhooks_staff

staff = [
    path("webhooks/", webhooks_staff.webhook_list, name="webhook_list"),
    path("webhooks/<int:pk>/", webhooks_staff.webhook_detail, name="webhook_detail"),
    path(
        "webhooks/deliveries/<int:pk>/redeliver/",
        webhooks_staff.webhook_redeliver,
        name="webhook_redeliver",
    ),
]
