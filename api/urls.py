"""The partner API: ``/api/v1/`` plus its OpenAPI schema and offline interactive docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.views import outcomes, programs

v1_patterns = [
    path("programs/", programs.ProgramListView.as_view(), name="program-list"),
    path(
        "cohorts/<int:cohort_id>/outcomes/",
        outcomes.CohortOutcomesView.as_view(),
        name="cohort-outcomes",
    ),
]

urlpatterns = [
    path("v1/", include((v1_patterns, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
