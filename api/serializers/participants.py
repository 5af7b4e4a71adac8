from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.applications import ApplicantOutputSerializer
from exchanges.enums import PlacementKind
from exchanges.models import Application, Host, MatchGroup
from exchanges.selectors.applications import person_view


class HostOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Host
        fields = ["id", "name", "kind", "city"]


class PersonOutputSerializer(serializers.Serializer):
    """A person of a group or a mentor, as ``person_view`` lets the key's organisation see
    them: its own country's in full (``family_name`` too); another country's by given name
    and country only (``family_name`` is ``null``); someone who did not consent to sharing
    with partners by application and country only (both names ``null``)."""

    application = serializers.IntegerField(source="pk")
    given_name = serializers.CharField(allow_null=True)
    family_name = serializers.CharField(allow_null=True)
    country = serializers.CharField()


def _person(serializer: serializers.Serializer, application: Application) -> dict:
    """``application``'s person as the calling key's organisation sees it (published)."""
    country = serializer.context["view"].organisation.country
    return PersonOutputSerializer(
        person_view(application, partner_country=country, published=True)
    ).data


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

    @extend_schema_field(PersonOutputSerializer(allow_null=True))
    def get_mentor(self, application: Application):
        row = self._placement(application, PlacementKind.MENTORS)
        return _person(self, row.mentor) if row and row.mentor else None


class GroupOutputSerializer(serializers.ModelSerializer):
    """A published group with every member: the key's country's in full, the others by
    given name and country (see ``PersonOutputSerializer``)."""

    cohort = serializers.IntegerField(source="run.cohort_id", read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = MatchGroup
        fields = ["id", "cohort", "number", "members"]

    @extend_schema_field(PersonOutputSerializer(many=True))
    def get_members(self, group: MatchGroup):
        return [_person(self, member.application) for member in group.roster]
