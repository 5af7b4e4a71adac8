from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.filters import MAX_ID
from api.serializers.base import InputSerializer
from exchanges.enums import Language
from exchanges.models import Nomination

# Declared as a pattern, so the schema tells clients what the service refuses anyway.
NO_CONTROL_CHARACTERS = RegexValidator(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
    message=_(
        "This text contains invisible control characters (for example a null byte); "
        "remove them and try again."
    ),
    code="control_characters",
)


class NominationCreateInputSerializer(InputSerializer):
    """``cohort`` must be one of the key's organisation's cohorts: any other id is 404, like
    every object the key may not see."""

    cohort = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of an open cohort of your programs."
    )
    name = serializers.CharField(max_length=200, validators=[NO_CONTROL_CHARACTERS])
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.EN)
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        validators=[NO_CONTROL_CHARACTERS],
    )


class NominationOutputSerializer(serializers.ModelSerializer):
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    application = serializers.IntegerField(source="application_id", read_only=True, allow_null=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "cohort",
            "name",
            "email",
            "language",
            "note",
            "status",
            "application",
            "created_at",
            "withdrawn_at",
        ]
