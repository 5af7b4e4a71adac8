from rest_framework import serializers

from exchanges.models import Cohort, CohortQuota, Program


class CohortQuotaOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CohortQuota
        fields = ["country", "seats", "waitlist_size"]


class CohortOutputSerializer(serializers.ModelSerializer):
    quotas = CohortQuotaOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "slug",
            "name_en",
            "name_ja",
            "name_ko",
            "status",
            "opens_at",
            "deadline",
            "time_zone",
            "starts_on",
            "ends_on",
            "host_country",
            "quotas",
        ]


class ProgramOutputSerializer(serializers.ModelSerializer):
    cohorts = CohortOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "slug",
            "name_en",
            "name_ja",
            "name_ko",
            "kind",
            "countries",
            "sectors",
            "cohorts",
        ]
