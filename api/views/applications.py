from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import get_object_or_404
from rest_framework.views import APIView

from api import examples
from api.filters import ApplicationFilter
from api.serializers.applications import FastApplicationOutputSerializer
from api.views.base import PartnerListView, PartnerMixin, PartnerRetrieveView
from exchanges.enums import ApiScope
from exchanges.models import Application
from exchanges.selectors.applications import (
    answers_and_documents_of,
    application_page_values,
    applications_for_partner,
    documents_for_partner,
)
from exchanges.services.activity import activity_record_document_download
from exchanges.validators import UPLOAD_CONTENT_TYPES
from exchanges.views.applications import serve_document


class ApplicationScopeMixin(PartnerMixin):
    serializer_class = FastApplicationOutputSerializer
    required_scope = ApiScope.APPLICATIONS_READ

    def get_queryset(self):
        if self.schema_only:
            return Application.objects.none()
        return applications_for_partner(organisation=self.organisation)


@extend_schema(
    tags=["applications"], examples=[examples.response("Applications", examples.APPLICATION)]
)
class ApplicationListView(ApplicationScopeMixin, PartnerListView):
    """Submitted applications of the key's country in the organisation's programs, with the
    answers and documents' metadata, oldest first."""

    filterset_class = ApplicationFilter

    def get_queryset(self):
        if self.schema_only:
            return Application.objects.none()
        return applications_for_partner(organisation=self.organisation, with_related=False)

    def list(self, request, *args, **kwargs):
        """A page of applications as values, with their answers and documents, in one
        query."""
        page = self.paginate_queryset(
            application_page_values(self.filter_queryset(self.get_queryset()))
        )
        related = answers_and_documents_of(page)
        context = {**self.get_serializer_context(), "related": related}
        serializer = self.get_serializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)


@extend_schema(
    tags=["applications"], examples=[examples.response("Application", examples.APPLICATION)]
)
class ApplicationDetailView(ApplicationScopeMixin, PartnerRetrieveView):
    """One application; 404 for any the key may not see."""


@extend_schema(
    tags=["applications"],
    responses={
        (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
        for content_type in sorted(UPLOAD_CONTENT_TYPES)
    },
)
class DocumentFileView(PartnerMixin, APIView):
    """The stored file of a document, as an attachment with its checked content type."""

    required_scope = ApiScope.APPLICATIONS_READ

    def get(self, request, pk: int):
        document = get_object_or_404(documents_for_partner(organisation=self.organisation), pk=pk)
        activity_record_document_download(actor=None, document=document, api_key_id=request.auth.pk)
        return serve_document(document)
