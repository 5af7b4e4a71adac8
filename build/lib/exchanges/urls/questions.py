"""URLs of the application-form builder (staff)."""

from django.urls import path

from exchanges.views import questions

staff = [
    path("cohorts/<int:cohort_id>/form/", questions.form_builder, name="form_builder"),
    path("form-steps/<int:step_id>/", questions.step_edit, name="step_edit"),
    path("form-steps/<int:step_id>/move/", questions.step_reorder, name="step_move"),
    path("form-steps/<int:step_id>/preview/", questions.step_preview, name="step_preview"),
    path("form-steps/<int:step_id>/questions/new/", questions.question_edit, name="question_add"),
    path(
        "form-steps/<int:step_id>/questions/<int:question_id>/",
        questions.question_edit,
        name="question_edit",
    ),
    path("questions/<int:question_id>/move/", questions.question_reorder, name="question_move"),
]
