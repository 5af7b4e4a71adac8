from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination

from api.permissions import HasScope
from api.serializers.programs import ProgramOutputSerializer
from exchanges.enums import ApiScope
from exchanges.models import Program
from exchanges.selectors.programs import programs_for_organisation


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50


@extend_schema(tags=["programs"])
class ProgramListView(generics.ListAPIView):
    """Programs the key's organisation partners on, with their cohorts and country quotas."""

    serializer_class = ProgramOutputSerializer
    permission_classes = [HasScope]
    required_scope = ApiScope.PROGRAMS_READ
    pagination_class = IdCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return programs_for_organisation(organisation=self.request.user.organisation)
