from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api import examples
from api.filters import NominationFilter
from api.serializers.base import EmptyInputSerializer
from api.serializers.nominations import (
    NominationCreateInputSerializer,
    NominationOutputSerializer,
)
from api.views.base import IDEMPOTENCY_PARAMETER, PartnerListView, PartnerMixin, PartnerRetrieveView
from exchanges.enums import ApiScope
from exchanges.models import Nomination
from exchanges.selectors.nominations import nominations_of
from exchanges.selectors.programs import cohorts_for_organisation
from exchanges.services.nominations import nomination_create, nomination_withdraw


class NominationScopeMixin(PartnerMixin):
    serializer_class = NominationOutputSerializer

    def get_queryset(self):
        if self.schema_only:
            return Nomination.objects.none()
        return nominations_of(organisation=self.organisation)

    def via(self) -> dict:
        return {"api_key": self.request.user.key.prefix}


@extend_schema(
    tags=["nominations"], examples=[examples.response("Nominations", examples.NOMINATION)]
)
class NominationListView(NominationScopeMixin, PartnerListView):
    """Nominations the key's organisation made. POST nominates a candidate: Trilink emails
    them an invitation to apply, in their language."""

    filterset_class = NominationFilter
    input_serializers = {"POST": NominationCreateInputSerializer}

    @property
    def required_scope(self) -> str:
        if self.request.method == "POST":
            return ApiScope.NOMINATIONS_WRITE
        return ApiScope.NOMINATIONS_READ

    @extend_schema(
        request=NominationCreateInputSerializer,
        responses={201: NominationOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            OpenApiExample(
                "Nominate",
                value={
                    "cohort": 12,
                    "name": "Sato Hana",
                    "email": "hana.sato@example.jp",
                    "language": "ja",
                    "note": "Youth council chair, Sendai.",
                },
                request_only=True,
            ),
            examples.response("Nominated", examples.NOMINATION, "201"),
        ],
    )
    def post(self, request):
        return self.idempotent(request, lambda: self._create(request))

    def _create(self, request):
        data = NominationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        cohort = (
            cohorts_for_organisation(organisation=self.organisation)
            .filter(pk=fields.pop("cohort"))
            .first()
        )
        if cohort is None:
            raise NotFound(_("No cohort with this id in your programs."), code="cohort_not_found")
        nomination = nomination_create(
            organisation=self.organisation, cohort=cohort, via=self.via(), **fields
        )
        return Response(NominationOutputSerializer(nomination).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["nominations"], examples=[examples.response("Nomination", examples.NOMINATION)]
)
class NominationDetailView(NominationScopeMixin, PartnerRetrieveView):
    required_scope = ApiScope.NOMINATIONS_READ


@extend_schema(tags=["nominations"])
class NominationWithdrawView(NominationScopeMixin, generics.GenericAPIView):
    """Withdraw an invitation the candidate has not taken up (409 once they applied)."""

    required_scope = ApiScope.NOMINATIONS_WRITE
    input_serializers = {"POST": EmptyInputSerializer}

    @extend_schema(
        request=None,
        responses={200: NominationOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            examples.response(
                "Withdrawn",
                {
                    **examples.NOMINATION,
                    "status": "withdrawn",
                    "withdrawn_at": "2026-11-25T05:00:00Z",
                },
            )
        ],
    )
    def post(self, request, pk: int):
        return self.idempotent(request, lambda: self._withdraw(request))

    def _withdraw(self, request):
        nomination = self.get_object()
        self.refuse_body_fields(request)
        nomination = nomination_withdraw(nomination=nomination, via=self.via())
        return Response(NominationOutputSerializer(nomination).data)
