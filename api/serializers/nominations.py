from rest_framework import serializers

from api.serializers.base import InputSerializer
from exchanges.enums import Language
from exchanges.models import Cohort, Nomination


class NominationCreateInputSerializer(InputSerializer):
    """The cohort must be one of the key's organisation's programs; the view restricts it."""

    cohort = serializers.PrimaryKeyRelatedField(
        queryset=Cohort.objects.none(), help_text="Id of an open cohort of your programs."
    )
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.EN)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def __init__(self, *args, cohorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cohorts is not None:
            self.fields["cohort"].queryset = cohorts


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
