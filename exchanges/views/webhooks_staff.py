"""Staff pages of webhooks: the subscriptions the viewer may see (the secretariat every
organisation's, partner staff their own), each with its delivery log and a redelivery button."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from exchanges.exceptions import ExchangeError
from exchanges.selectors.webhooks import (
    webhook_deliveries_visible_to,
    webhook_subscriptions_visible_to,
)
from exchanges.services.webhooks import webhook_delivery_redeliver
from exchanges.views.pagination import paginate

PAGE_SIZE = 50
DELIVERIES_PAGE_SIZE = 25
view_webhooks = permission_required("exchanges.view_webhooks", raise_exception=True)


@login_required
@view_webhooks
def webhook_list(request: HttpRequest) -> HttpResponse:
    page = paginate(
        request, webhook_subscriptions_visible_to(viewer=request.user), per_page=PAGE_SIZE
    )
    return render(request, "staff/webhooks/list.html", {"page": page})


@login_required
@view_webhooks
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(webhook_subscriptions_visible_to(viewer=request.user), pk=pk)
    deliveries = webhook_deliveries_visible_to(viewer=request.user).filter(
        subscription=subscription
    )
    page = paginate(request, deliveries.order_by("-id"), per_page=DELIVERIES_PAGE_SIZE)
    return render(
        request,
        "staff/webhooks/detail.html",
        {
            "subscription": subscription,
            "page": page,
            "disable_after": settings.WEBHOOK_DISABLE_AFTER_FAILURES,
        },
    )


@login_required
@view_webhooks
@require_POST
def webhook_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(webhook_deliveries_visible_to(viewer=request.user), pk=pk)
    try:
        webhook_delivery_redeliver(delivery=delivery, actor=request.user)
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The event is being sent again, with the same event id."))
    return redirect("staff:webhook_detail", pk=delivery.subscription_id)
