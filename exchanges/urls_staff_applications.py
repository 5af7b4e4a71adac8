"""Staff URLs for applications and forms, included in the ``staff`` namespace."""

from django.urls import path

from exchanges.views import offers
from exchanges.views import staff_applications as views

urlpatterns = [
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/<int:cohort_id>/applications/", views.pipeline, name="pipeline"),
    path("cohorts/<int:cohort_id>/applications/export.csv", views.export_csv, name="export_csv"),
    path("cohorts/<int:cohort_id>/applications/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "cohorts/<int:cohort_id>/waitlist/promote/",
        offers.waitlist_promote,
        name="waitlist_promote",
    ),
    path("documents/<int:pk>/", views.document, name="document"),
    path("cohorts/<int:cohort_id>/form/", views.form_builder, name="form_builder"),
    path("form-steps/<int:step_id>/", views.step_edit, name="step_edit"),
    path("form-steps/<int:step_id>/move/", views.step_reorder, name="step_move"),
    path("form-steps/<int:step_id>/preview/", views.step_preview, name="step_preview"),
    path("form-steps/<int:step_id>/questions/new/", views.question_edit, name="question_add"),
    path(
        "form-steps/<int:step_id>/questions/<int:question_id>/",
        views.question_edit,
        name="question_edit",
    ),
    path("questions/<int:question_id>/move/", views.question_reorder, name="question_move"),
]
