from rest_framework import serializers

from exchanges.models import Cohort, CohortQuota, Program


class CohortQuotaFillOutputSerializer(serializers.ModelSerializer):
    filled = serializers.IntegerField(
        read_only=True, help_text="Applications of this country holding a seat."
    )

    class Meta:
        model = CohortQuota
        fields = ["country", "seats", "waitlist_size", "filled"]


class CohortOutputSerializer(serializers.ModelSerializer):
    """A cohort of a program, with each country's seats and how many are filled."""

    quotas = CohortQuotaFillOutputSerializer(many=True, read_only=True)

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


class CohortDetailOutputSerializer(serializers.ModelSerializer):
    """A cohort with its program and, per country, its seats and how many are filled."""

    program = serializers.IntegerField(source="program_id", read_only=True)
    quotas = CohortQuotaFillOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "program",
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
