from rest_framework import serializers

from api.models import ApiKey


class OrganisationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()


class MeOutputSerializer(serializers.ModelSerializer):
    """The calling key: what it is, whose it is, what it may do and until when."""

    organisation = OrganisationOutputSerializer(read_only=True)
    country = serializers.CharField(source="organisation.country", read_only=True)
    scopes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "name",
            "prefix",
            "organisation",
            "country",
            "scopes",
            "expires_at",
            "last_used_at",
        ]
