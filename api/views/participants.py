from drf_spectacular.utils import extend_schema

from api import examples
from api.filters import ParticipantFilter
from api.serializers.participants import GroupOutputSerializer, ParticipantOutputSerializer
from api.views.base import PartnerListView, PartnerRetrieveView
from exchanges.enums import ApiScope
from exchanges.models import Application, MatchGroup
from exchanges.selectors.placement import groups_for_partner, participants_for_partner


class ParticipantScopeMixin:
    serializer_class = ParticipantOutputSerializer
    required_scope = ApiScope.PARTICIPANTS_READ

    def get_queryset(self):
        if self.schema_only:
            return Application.objects.none()
        return participants_for_partner(organisation=self.organisation)


@extend_schema(
    tags=["participants"], examples=[examples.response("Participants", examples.PARTICIPANT)]
)
class ParticipantListView(ParticipantScopeMixin, PartnerListView):
    """Selected participants of the key's country, with group, host and mentor once
    published."""

    filterset_class = ParticipantFilter


@extend_schema(
    tags=["participants"], examples=[examples.response("Participant", examples.PARTICIPANT)]
)
class ParticipantDetailView(ParticipantScopeMixin, PartnerRetrieveView):
    """One participant, by application id."""


class GroupScopeMixin:
    serializer_class = GroupOutputSerializer
    required_scope = ApiScope.PARTICIPANTS_READ

    def get_queryset(self):
        if self.schema_only:
            return MatchGroup.objects.none()
        return groups_for_partner(organisation=self.organisation)


@extend_schema(tags=["participants"], examples=[examples.response("Groups", examples.GROUP)])
class GroupListView(GroupScopeMixin, PartnerListView):
    """Published groups holding participants of the key's country (only those are listed)."""


@extend_schema(tags=["participants"], examples=[examples.response("Group", examples.GROUP)])
class GroupDetailView(GroupScopeMixin, PartnerRetrieveView):
    """One published group."""
