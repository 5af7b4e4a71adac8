from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.applications import ApplicantOutputSerializer
from exchanges.enums import PlacementKind
from exchanges.models import Application, Host, MatchGroup, MatchGroupMember


class HostOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Host
        fields = ["id", "name", "kind", "city"]


class MentorOutputSerializer(serializers.ModelSerializer):
    """A mentor is a participant too (often of another country): name and country only."""

    application = serializers.IntegerField(source="id", read_only=True)
    given_name = serializers.CharField(source="applicant.given_name", read_only=True)
    family_name = serializers.CharField(source="applicant.family_name", read_only=True)

    class Meta:
        model = Application
        fields = ["application", "given_name", "family_name", "country"]


class GroupRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()


class ParticipantOutputSerializer(serializers.ModelSerializer):
    """A selected applicant of the key's country, with the published group, host and mentor
    (each ``null`` until staff publish them)."""

    application = serializers.IntegerField(source="id", read_only=True)
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    applicant = ApplicantOutputSerializer(read_only=True)
    group = serializers.SerializerMethodField()
    host = serializers.SerializerMethodField()
    mentor = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "application",
            "cohort",
            "status",
            "country",
            "applicant",
            "group",
            "host",
            "mentor",
        ]

    @staticmethod
    def _placement(application: Application, kind: str):
        for row in application.published_placements:
            if row.run.kind == kind:
                return row
        return None

    @extend_schema_field(GroupRefOutputSerializer(allow_null=True))
    def get_group(self, application: Application):
        for membership in application.published_groups:
            return {"id": membership.group_id, "number": membership.group.number}
        return None

    @extend_schema_field(HostOutputSerializer(allow_null=True))
    def get_host(self, application: Application):
        row = self._placement(application, PlacementKind.HOSTS)
        return HostOutputSerializer(row.host).data if row and row.host else None

    @extend_schema_field(MentorOutputSerializer(allow_null=True))
    def get_mentor(self, application: Application):
        row = self._placement(application, PlacementKind.MENTORS)
        return MentorOutputSerializer(row.mentor).data if row and row.mentor else None


class GroupMemberOutputSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id", read_only=True)
    given_name = serializers.CharField(source="application.applicant.given_name", read_only=True)
    family_name = serializers.CharField(source="application.applicant.family_name", read_only=True)
    country = serializers.CharField(source="application.country", read_only=True)

    class Meta:
        model = MatchGroupMember
        fields = ["application", "given_name", "family_name", "country"]


class GroupOutputSerializer(serializers.ModelSerializer):
    """A published group; ``members`` lists the key's country's participants only."""

    cohort = serializers.IntegerField(source="run.cohort_id", read_only=True)
    members = GroupMemberOutputSerializer(source="roster", many=True, read_only=True)

    class Meta:
        model = MatchGroup
        fields = ["id", "cohort", "number", "members"]
