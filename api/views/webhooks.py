from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from api import examples
from api.pagination import ApiCursorPagination
from api.serializers.base import EmptyInputSerializer
from api.serializers.webhooks import (
    WebhookCreatedOutputSerializer,
    WebhookCreateInputSerializer,
    WebhookDeliveryOutputSerializer,
    WebhookOutputSerializer,
    WebhookUpdateInputSerializer,
)
from api.views.base import IDEMPOTENCY_PARAMETER, PartnerListView, PartnerMixin
from exchanges.enums import ApiScope
from exchanges.models import WebhookDelivery, WebhookSubscription
from exchanges.selectors.webhooks import (
    webhook_deliveries_of_organisation,
    webhook_subscriptions_of,
)
from exchanges.services.webhooks import (
    webhook_delivery_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)


class NewestFirstPagination(ApiCursorPagination):
    """A log reads newest first; the cursor stays stable under inserts all the same."""

    ordering = "-id"


class WebhookScopeMixin(PartnerMixin):
    required_scope = ApiScope.WEBHOOKS_MANAGE
    serializer_class = WebhookOutputSerializer

    def get_queryset(self):
        if self.schema_only:
            return WebhookSubscription.objects.none()
        return webhook_subscriptions_of(organisation=self.organisation)

    def via(self) -> dict:
        return {"api_key": self.request.user.key.prefix}


@extend_schema(tags=["webhooks"], examples=[examples.response("Subscriptions", examples.WEBHOOK)])
class WebhookListView(WebhookScopeMixin, PartnerListView):
    """The organisation's webhook subscriptions. POST subscribes a receiver; the answer holds
    the signing secret, which is never shown again."""

    input_serializers = {"POST": WebhookCreateInputSerializer}

    @extend_schema(
        request=WebhookCreateInputSerializer,
        responses={201: WebhookCreatedOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            OpenApiExample(
                "Subscribe",
                value={
                    "url": "https://hooks.jcce.example.jp/trilink",
                    "events": ["application.submitted", "application.decided"],
                    "contact_email": "it@jcce.example.jp",
                    "contact_language": "ja",
                    "description": "Applicant tracker",
                },
                request_only=True,
            ),
            examples.response("Subscribed", examples.WEBHOOK_CREATED, "201"),
        ],
    )
    def post(self, request):
        return self.idempotent(request, lambda: self._create(request))

    def _create(self, request):
        data = WebhookCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = webhook_subscription_create(
            organisation=self.organisation, via=self.via(), **data.validated_data
        )
        body = WebhookCreatedOutputSerializer(subscription, context={"secret": secret}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["webhooks"], examples=[examples.response("Subscription", examples.WEBHOOK)])
class WebhookDetailView(WebhookScopeMixin, generics.GenericAPIView):
    """One subscription of the organisation; 404 for any other."""

    def get(self, request, pk: int):
        return Response(WebhookOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=WebhookUpdateInputSerializer,
        responses={200: WebhookOutputSerializer},
        examples=[
            examples.request("Pause", {"active": False}),
            examples.response("Changed", {**examples.WEBHOOK, "active": False}),
        ],
    )
    def patch(self, request, pk: int):
        subscription = self.get_object()
        data = WebhookUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = webhook_subscription_update(
            subscription=subscription, via=self.via(), **data.validated_data
        )
        return Response(WebhookOutputSerializer(subscription).data)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted with its log.")})
    def delete(self, request, pk: int):
        subscription = self.get_object()
        self.refuse_body_fields(request)
        webhook_subscription_delete(subscription=subscription, via=self.via())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["webhooks"], examples=[examples.response("Deliveries", examples.WEBHOOK_DELIVERY)]
)
class WebhookDeliveryListView(WebhookScopeMixin, PartnerListView):
    """The delivery log of one subscription: each event sent to it, newest first, with every
    attempt (time, status code, response time, error)."""

    serializer_class = WebhookDeliveryOutputSerializer
    pagination_class = NewestFirstPagination

    def get_queryset(self):
        if self.schema_only:
            return WebhookDelivery.objects.none()
        subscription = generics.get_object_or_404(
            webhook_subscriptions_of(organisation=self.organisation), pk=self.kwargs["pk"]
        )
        return webhook_deliveries_of_organisation(organisation=self.organisation).filter(
            subscription=subscription
        )


@extend_schema(tags=["webhooks"])
class WebhookRedeliverView(PartnerMixin, generics.GenericAPIView):
    """Send a delivery again now, with the same event id: one more attempt, made after the
    answer (which shows the delivery as it was), outside the automatic retries. A failed
    redelivery leaves the delivery as it was. 409 while it is being sent, while an earlier
    redelivery of it waits, or while its subscription is disabled."""

    required_scope = ApiScope.WEBHOOKS_MANAGE
    serializer_class = WebhookDeliveryOutputSerializer
    input_serializers = {"POST": EmptyInputSerializer}

    def get_queryset(self):
        if self.schema_only:
            return WebhookDelivery.objects.none()
        return webhook_deliveries_of_organisation(organisation=self.organisation)

    @extend_schema(
        request=None,
        responses={202: WebhookDeliveryOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[examples.response("Queued again", examples.WEBHOOK_DELIVERY, "202")],
    )
    def post(self, request, pk: int):
        return self.idempotent(request, lambda: self._redeliver(request))

    def _redeliver(self, request):
        delivery = self.get_object()
        self.refuse_body_fields(request)
        delivery = webhook_delivery_redeliver(
            delivery=delivery, via={"api_key": request.user.key.prefix}
        )
        fresh = self.get_queryset().get(pk=delivery.pk)
        return Response(
            WebhookDeliveryOutputSerializer(fresh).data, status=status.HTTP_202_ACCEPTED
        )
