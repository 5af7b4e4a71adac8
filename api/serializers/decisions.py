"""Screening-round decisions a partner takes through the API: separate input and output."""

from rest_framework import serializers

from api.serializers.base import InputSerializer, StrictIntegerField


class ScreeningAdvanceInputSerializer(InputSerializer):
    round = StrictIntegerField(
        min_value=2,
        max_value=32767,
        help_text=(
            "Number of the round to advance to: the cohort's current round, right after a "
            "screening round (reviewers of each country review their own applicants)."
        ),
    )


class ScreeningDecisionOutputSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text="Id of the application.")
    round = serializers.IntegerField(help_text="Number of the round it is now in.")
    advanced = serializers.BooleanField(
        help_text="True when this request advanced it; false when it already was in the round."
    )
