"""What every partner API view shares: the key's scope (of endpoints, and of country and
programs at the query layer), problem details, idempotent POSTs."""

from contextlib import ExitStack

from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from api.idempotency import HEADER, run_idempotent
from api.permissions import HasScope
from api.serializers.base import EmptyInputSerializer
from exchanges.scopes import carry_scope_into, query_scope_for_organisation

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


class QueryScopeMixin:
    """Runs the view in the calling key's query scope (``exchanges.scopes``): its
    organisation's country, in the programs the organisation partners on.

    The key is known only once DRF has authenticated it, after ScopeMiddleware, which left
    the anonymous scope (a query of applicant data raises). The key's scope is entered in
    ``initial`` and held until ``dispatch`` returns, so the handler, the serialiser, the
    paginator and a streamed body all read only what the key may.
    """

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as self._query_scope:
            response = super().dispatch(request, *args, **kwargs)
            carry_scope_into(response)
            return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        client = request.user
        if client is not None and client.is_authenticated and hasattr(client, "key"):
            self._query_scope.enter_context(query_scope_for_organisation(client.organisation))


class PartnerMixin(QueryScopeMixin):
    """``required_scope`` names the scope; ``organisation`` is the calling key's.

    ``input_serializers`` maps a write method to the serializer of its request body, so
    OPTIONS describes what a client sends (``serializer_class`` is the output)."""

    permission_classes = [HasScope]
    required_scope: str = ""
    input_serializers: dict = {}

    def get_serializer_class(self):
        method = getattr(getattr(self, "request", None), "method", None)
        if method in self.input_serializers and not self.schema_only:
            return self.input_serializers[method]
        return super().get_serializer_class()

    @staticmethod
    def refuse_body_fields(request) -> None:
        """An action that takes no fields: any field in the body is unknown (400), as in
        every other request body, rather than ignored."""
        EmptyInputSerializer(data=request.data).is_valid(raise_exception=True)

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
