"""Screening-round decisions as POST actions on an application of the key's country."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from api import examples
from api.serializers.decisions import (
    ScreeningAdvanceInputSerializer,
    ScreeningDecisionOutputSerializer,
)
from api.views.base import IDEMPOTENCY_PARAMETER, PartnerMixin
from exchanges.enums import ApiScope
from exchanges.models import Application
from exchanges.selectors.applications import applications_for_partner
from exchanges.services.reviews import review_round_advance_screened


@extend_schema(tags=["decisions"])
class ApplicationAdvanceView(PartnerMixin, generics.GenericAPIView):
    """Advance an application of the key's country from the screening round (where each
    country's reviewers review their own applicants) to the round after it, the cohort's
    current round. Advancing an application already there changes nothing (`advanced:
    false`); any other round, or an application not in the screening round, is 409."""

    required_scope = ApiScope.DECISIONS_WRITE
    serializer_class = ScreeningDecisionOutputSerializer
    input_serializers = {"POST": ScreeningAdvanceInputSerializer}

    def get_queryset(self):
        if self.schema_only:
            return Application.objects.none()
        return applications_for_partner(organisation=self.organisation, with_related=False)

    @extend_schema(
        request=ScreeningAdvanceInputSerializer,
        responses={200: ScreeningDecisionOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            examples.request("Advance to round 2", {"round": 2}),
            examples.response("Advanced", {"application": 4182, "round": 2, "advanced": True}),
        ],
    )
    def post(self, request, pk: int):
        return self.idempotent(request, lambda: self._advance(request))

    def _advance(self, request):
        # Another country's application is not found, whatever the body says.
        application = self.get_object()
        data = ScreeningAdvanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review_round, advanced = review_round_advance_screened(
            application=application,
            organisation=self.organisation,
            number=data.validated_data["round"],
            via={"api_key": request.user.key.prefix},
        )
        return Response(
            ScreeningDecisionOutputSerializer(
                {"application": application.pk, "round": review_round.number, "advanced": advanced}
            ).data
        )
