"""URLs of surveys: the respondent's link and the staff's surveys of a cohort."""

from django.urls import include, path

from exchanges.views import surveys

applicant = [
    path("surveys/<str:token>/", surveys.survey_respond, name="survey"),
]

_cohort_surveys = [
    path("", surveys.survey_list, name="surveys"),
    path("<int:pk>/", surveys.survey_detail, name="survey"),
    path("<int:pk>/edit/", surveys.survey_edit, name="survey_edit"),
    path("<int:pk>/questions/", surveys.survey_questions, name="survey_questions"),
    path("<int:pk>/questions/new/", surveys.survey_question_edit, name="survey_question_add"),
    path(
        "<int:pk>/questions/<int:question_id>/",
        surveys.survey_question_edit,
        name="survey_question_edit",
    ),
    path(
        "<int:pk>/questions/<int:question_id>/change/",
        surveys.survey_question_change,
        name="survey_question_change",
    ),
    path("<int:pk>/publish/", surveys.survey_publish_view, name="survey_publish"),
    path("<int:pk>/close/", surveys.survey_close_view, name="survey_close"),
    path("<int:pk>/export.csv", surveys.survey_export, name="survey_export"),
]

staff = [path("cohorts/<int:cohort_id>/surveys/", include(_cohort_surveys))]
