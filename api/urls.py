"""The partner API: ``/api/v1/`` plus its OpenAPI schema and offline interactive docs.

Screening-round decisions are POST actions under ``applications/<id>/``; planned survey
aggregates go under ``surveys/``. Webhook subscriptions are ``webhooks/``, their delivery log
``webhooks/<id>/deliveries/``.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from api.converters import ObjectIdConverter
from api.views import (
    applications,
    decisions,
    me,
    nominations,
    outcomes,
    participants,
    programs,
    webhooks,
)
from api.views.base import NotFoundView

register_converter(ObjectIdConverter, "id")

# drf-spectacular's own ReDoc page loads Google Fonts; this one loads nothing from elsewhere.
# Swagger UI is the split view: its start-up script is a file (?script), not inline, for the CSP,
# and its page styles are a static file (templates/api/swagger_ui.html).
REDOC_TEMPLATE = "api/redoc.html"
SWAGGER_TEMPLATE = "api/swagger_ui.html"


def redoc_view(url_name: str):
    """ReDoc's page: it injects its styles at run time (styled-components), so this page alone
    allows inline styles (replacing the list: beside a hash 'unsafe-inline' is ignored);
    scripts stay as strict as everywhere."""
    view = SpectacularRedocView.as_view(url_name=url_name, template_name=REDOC_TEMPLATE)
    return csp_replace({"style-src": [SELF, UNSAFE_INLINE]})(view)


v1_patterns = [
    path("me", me.MeView.as_view(), name="me"),
    path("programs/", programs.ProgramListView.as_view(), name="program-list"),
    path(
        "cohorts/<id:pk>/outcomes/",
        outcomes.CohortOutcomesView.as_view(),
        name="cohort-outcomes",
    ),
    path("programs/<id:pk>/", programs.ProgramDetailView.as_view(), name="program-detail"),
    path("cohorts/", programs.CohortListView.as_view(), name="cohort-list"),
    path("cohorts/<id:pk>/", programs.CohortDetailView.as_view(), name="cohort-detail"),
    path("applications/", applications.ApplicationListView.as_view(), name="application-list"),
    path(
        "applications/<id:pk>/",
        applications.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<id:pk>/advance/",
        decisions.ApplicationAdvanceView.as_view(),
        name="application-advance",
    ),
    path("documents/<id:pk>/file/", applications.DocumentFileView.as_view(), name="document-file"),
    path("nominations/", nominations.NominationListView.as_view(), name="nomination-list"),
    path(
        "nominations/<id:pk>/",
        nominations.NominationDetailView.as_view(),
        name="nomination-detail",
    ),
    path(
        "nominations/<id:pk>/withdraw/",
        nominations.NominationWithdrawView.as_view(),
        name="nomination-withdraw",
    ),
    path("participants/", participants.ParticipantListView.as_view(), name="participant-list"),
    path(
        "participants/<id:pk>/",
        participants.ParticipantDetailView.as_view(),
        name="participant-detail",
    ),
    path("groups/", participants.GroupListView.as_view(), name="group-list"),
    path("groups/<id:pk>/", participants.GroupDetailView.as_view(), name="group-detail"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/<id:pk>/", webhooks.WebhookDetailView.as_view(), name="webhook-detail"),
    path(
        "webhooks/<id:pk>/deliveries/",
        webhooks.WebhookDeliveryListView.as_view(),
        name="webhook-delivery-list",
    ),
    path(
        "webhook-deliveries/<id:pk>/redeliver/",
        webhooks.WebhookRedeliverView.as_view(),
        name="webhook-redeliver",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="v1:schema", template_name=SWAGGER_TEMPLATE),
        name="docs",
    ),
    path(
        "redoc/",
        redoc_view("v1:schema"),
        name="redoc",
    ),
]

urlpatterns = [
    path("v1/", include((v1_patterns, "v1"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name=SWAGGER_TEMPLATE),
        name="api-docs",
    ),
    path(
        "redoc/",
        redoc_view("api-schema"),
        name="api-redoc",
    ),
    # [\s\S]: a path with a newline in it is an unknown path too.
    re_path(r"^[\s\S]*$", NotFoundView.as_view(), name="api-not-found"),
]
