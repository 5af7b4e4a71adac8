from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import (
    EmailField,
    InputSerializer,
    StrictBooleanField,
    TextField,
    UrlField,
)
from exchanges.enums import Language, WebhookEvent
from exchanges.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


class ReceiverUrlField(UrlField):
    """An absolute URL with a host, else 400 naming ``url``. The service then checks the
    server's policy (https, public addresses only); a refusal is 409 naming ``url``, because
    whether a host resolves to a public address is a fact of the moment."""


class WebhookCreateInputSerializer(InputSerializer):
    url = ReceiverUrlField(max_length=500, help_text="https URL of your receiver.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        min_length=1,
        max_length=len(WebhookEvent.values),
        help_text="The events to receive.",
    )
    contact_email = EmailField(
        max_length=254, help_text="Told by email when the subscription is disabled."
    )
    contact_language = serializers.ChoiceField(choices=Language.choices, default=Language.EN)
    description = TextField(max_length=200, required=False, allow_blank=True, default="")


class WebhookUpdateInputSerializer(WebhookCreateInputSerializer):
    """Any of the fields of a new subscription, and ``active`` (``true`` enables a disabled
    subscription again and starts its count of failures afresh)."""

    active = StrictBooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["contact_language"].default = serializers.empty
        self.fields["description"].default = serializers.empty


class WebhookOutputSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), read_only=True
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "events",
            "description",
            "contact_email",
            "contact_language",
            "active",
            "consecutive_failures",
            "disabled_at",
            "created_at",
        ]


class WebhookCreatedOutputSerializer(WebhookOutputSerializer):
    secret = serializers.SerializerMethodField(
        help_text="The signing secret, shown only in this answer."
    )

    class Meta(WebhookOutputSerializer.Meta):
        fields = [*WebhookOutputSerializer.Meta.fields, "secret"]

    def get_secret(self, obj) -> str:
        return self.context["secret"]


class WebhookAttemptOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "created_at", "status_code", "response_ms", "error", "succeeded"]


class WebhookDeliveryOutputSerializer(serializers.ModelSerializer):
    subscription = serializers.IntegerField(source="subscription_id", read_only=True)
    event_id = serializers.UUIDField(source="event.event_id", read_only=True)
    event_type = serializers.ChoiceField(
        source="event.event_type", choices=WebhookEvent.choices, read_only=True
    )
    payload = serializers.SerializerMethodField()
    log = WebhookAttemptOutputSerializer(source="attempt_log", many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "payload",
            "log",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payload(self, obj) -> dict:
        return obj.event.payload
