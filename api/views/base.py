"""What every partner API view shares: the key's scope, problem details, idempotent POSTs."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from api.idempotency import HEADER, run_idempotent
from api.permissions import HasScope

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type={"type": "string", "minLength": 1, "maxLength": 255},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string up to 255 characters. A repeat with the same key within 24 hours "
        "returns the first response byte for byte and changes nothing; while the first is "
        "still running, a repeat gets 409."
    ),
)


class PartnerMixin:
    """``required_scope`` names the scope; ``organisation`` is the calling key's."""

    permission_classes = [HasScope]
    required_scope: str = ""

    @property
    def organisation(self):
        return self.request.user.organisation

    @property
    def schema_only(self) -> bool:
        return getattr(self, "swagger_fake_view", False)

    def idempotent(self, request, handler):
        return run_idempotent(self, request, handler)


class PartnerListView(PartnerMixin, generics.ListAPIView):
    pass


class PartnerRetrieveView(PartnerMixin, generics.RetrieveAPIView):
    pass


class NotFoundView(APIView):
    """Any path under /api/ that names no endpoint: 404 as problem details, not HTML."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    schema = None

    def initial(self, request, *args, **kwargs):
        raise NotFound
