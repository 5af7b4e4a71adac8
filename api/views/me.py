from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples
from api.permissions import IsPartnerClient
from api.serializers.me import MeOutputSerializer
from api.views.base import QueryScopeMixin


@extend_schema(
    tags=["keys"],
    responses={200: MeOutputSerializer},
    examples=[examples.response("Calling key", examples.ME)],
)
class MeView(QueryScopeMixin, APIView):
    """The calling key: organisation, country, scopes and expiry. Needs no scope."""

    permission_classes = [IsPartnerClient]

    def get(self, request):
        return Response(MeOutputSerializer(request.user.key).data)
