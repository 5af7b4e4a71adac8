"""Output of a cohort's outcome figures: the report as partner staff see it, where every
figure about fewer than five people, and every figure that would let one be worked out, is
``null`` with ``suppressed: true`` (docs/api.md, "Outcomes")."""

from rest_framework import serializers


class ChangeSerializer(serializers.Serializer):
    n = serializers.IntegerField(allow_null=True, help_text="Complete pairs; null if hidden.")
    mean_before = serializers.FloatField(allow_null=True)
    mean_after = serializers.FloatField(allow_null=True)
    mean_change = serializers.FloatField(allow_null=True)
    ci95 = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    cohen_dz = serializers.FloatField(allow_null=True)
    wilcoxon_p = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField(
        help_text="Figures withheld: about fewer than 5 people, or they would reveal such a group."
    )


class PairChangeSerializer(ChangeSerializer):
    pair = serializers.CharField(source="key", help_text='Directed pair, e.g. "JP->KR".')
    country = serializers.CharField()
    target = serializers.CharField()


class CountryChangeSerializer(ChangeSerializer):
    country = serializers.CharField()


class ItemChangeSerializer(serializers.Serializer):
    item = serializers.CharField(source="code")
    overall = ChangeSerializer()
    by_country = CountryChangeSerializer(many=True)


class ComparisonSerializer(serializers.Serializer):
    before = serializers.CharField()
    after = serializers.CharField()
    pairs = serializers.SerializerMethodField()
    items = ItemChangeSerializer(many=True)

    def get_pairs(self, comparison) -> list[dict]:
        cells = [cell for row in comparison["matrix"] for cell in row["cells"]]
        return PairChangeSerializer(cells, many=True).data


class CountSerializer(serializers.Serializer):
    country = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()


class WaveSerializer(serializers.Serializer):
    wave = serializers.CharField(source="kind")
    responses = CountSerializer(many=True, source="countries")
    total = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()


class NpsCellSerializer(serializers.Serializer):
    n = serializers.IntegerField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)
    ci95 = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    suppressed = serializers.BooleanField()


class CountryNpsSerializer(NpsCellSerializer):
    country = serializers.CharField()


class NpsSerializer(serializers.Serializer):
    wave = serializers.CharField(source="kind")
    item = serializers.CharField(source="code")
    overall = NpsCellSerializer()
    by_country = CountryNpsSerializer(many=True)


class CohortOutcomesOutputSerializer(serializers.Serializer):
    cohort = serializers.IntegerField(source="cohort.pk")
    waves = WaveSerializer(many=True)
    comparisons = ComparisonSerializer(many=True)
    nps = NpsSerializer(many=True)
