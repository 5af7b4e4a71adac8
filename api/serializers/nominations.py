from rest_framework import serializers

from api.filters import MAX_ID
from api.serializers.base import EmailField, InputSerializer, StrictIntegerField, TextField
from exchanges.enums import Language
from exchanges.models import Nomination


class NominationCreateInputSerializer(InputSerializer):
    """``cohort`` must be one of the key's organisation's cohorts: any other id is 404, like
    every object the key may not see."""

    cohort = StrictIntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of an open cohort of your programs."
    )
    name = TextField(max_length=200, person_name=True)
    email = EmailField(
        max_length=254,
        help_text="The candidate's address, with a full domain name; compared and stored in "
        "lower case.",
    )
    language = serializers.ChoiceField(choices=Language.choices, default=Language.EN)
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")


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
