"""What every input serializer of the API shares: unknown fields are an error, not ignored."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail


class InputSerializer(serializers.Serializer):
    """A request body: a JSON object with only the declared fields.

    A misspelt optional field would otherwise be dropped silently and the request would do
    something else than the client meant.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        field: [ErrorDetail(str(_("Unknown field.")), code="unknown_field")]
                        for field in unknown
                    }
                )
        return super().to_internal_value(data)
