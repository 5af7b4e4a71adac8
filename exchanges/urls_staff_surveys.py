"""Staff survey URLs under /staff/cohorts/<cohort_id>/surveys/, in the ``staff`` namespace."""

from django.urls import path

from exchanges.views import surveys as views

urlpatterns = [
    path("", views.survey_list, name="surveys"),
    path("<int:pk>/", views.survey_detail, name="survey"),
    path("<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("<int:pk>/questions/", views.survey_questions, name="survey_questions"),
    path("<int:pk>/questions/new/", views.survey_question_edit, name="survey_question_add"),
    path(
        "<int:pk>/questions/<int:question_id>/",
        views.survey_question_edit,
        name="survey_question_edit",
    ),
    path(
        "<int:pk>/questions/<int:question_id>/change/",
        views.survey_question_change,
        name="survey_question_change",
    ),
    path("<int:pk>/publish/", views.survey_publish_view, name="survey_publish"),
    path("<int:pk>/close/", views.survey_close_view, name="survey_close"),
    path("<int:pk>/export.csv", views.survey_export, name="survey_export"),
]
