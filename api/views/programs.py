from drf_spectacular.utils import extend_schema
from rest_framework import generics

from api import examples
from api.serializers.programs import CohortDetailOutputSerializer, ProgramOutputSerializer
from api.views.base import PartnerListView, PartnerMixin, PartnerRetrieveView
from exchanges.enums import ApiScope
from exchanges.models import Cohort, Program
from exchanges.selectors.programs import cohorts_for_organisation, programs_for_organisation


class ProgramScopeMixin(PartnerMixin):
    serializer_class = ProgramOutputSerializer
    required_scope = ApiScope.PROGRAMS_READ

    def get_queryset(self):
        if self.schema_only:
            return Program.objects.none()
        return programs_for_organisation(organisation=self.organisation)


@extend_schema(tags=["programs"], examples=[examples.response("Programs", examples.PROGRAM)])
class ProgramListView(ProgramScopeMixin, generics.ListAPIView):
    """Programs the key's organisation partners on, with their cohorts and country quotas."""


@extend_schema(tags=["programs"], examples=[examples.response("Program", examples.PROGRAM)])
class ProgramDetailView(ProgramScopeMixin, generics.RetrieveAPIView):
    """One program the key's organisation partners on."""


class CohortScopeMixin(PartnerMixin):
    serializer_class = CohortDetailOutputSerializer
    required_scope = ApiScope.PROGRAMS_READ

    def get_queryset(self):
        if self.schema_only:
            return Cohort.objects.none()
        return cohorts_for_organisation(organisation=self.organisation)


@extend_schema(tags=["programs"], examples=[examples.response("Cohorts", examples.COHORT_DETAIL)])
class CohortListView(CohortScopeMixin, PartnerListView):
    """Cohorts of the organisation's programs, each country's seats with how many are filled."""


@extend_schema(tags=["programs"], examples=[examples.response("Cohort", examples.COHORT_DETAIL)])
class CohortDetailView(CohortScopeMixin, PartnerRetrieveView):
    """One cohort with its quotas and their fill."""
