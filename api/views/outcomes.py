from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples
from api.permissions import HasScope
from api.serializers.outcomes import CohortOutcomesOutputSerializer
from api.views.base import QueryScopeMixin
from exchanges.enums import ApiScope
from exchanges.models import Cohort
from exchanges.selectors.outcomes import cohort_outcomes, outcomes_for_viewer


@extend_schema(
    tags=["outcomes"],
    responses=CohortOutcomesOutputSerializer,
    examples=[examples.response("Outcomes, small groups hidden", examples.OUTCOMES)],
)
class CohortOutcomesView(QueryScopeMixin, APIView):
    """A cohort's survey outcomes (responses per wave, paired change per directed country pair
    and item, NPS) as partner staff see them: every figure about fewer than five people is
    withheld, and so is every figure from which one could be worked out (another country's
    figures, a total), across the whole response. Cohorts of programs the key's organisation
    does not partner on are not found."""

    permission_classes = [HasScope]
    required_scope = ApiScope.OUTCOMES_READ

    def get(self, request: Request, pk: int) -> Response:
        cohort = get_object_or_404(
            Cohort.objects.select_related("program"),
            pk=pk,
            program__partners=request.user.organisation,
        )
        report = outcomes_for_viewer(cohort_outcomes(cohort=cohort), partner=True)
        return Response(CohortOutcomesOutputSerializer(report).data)
