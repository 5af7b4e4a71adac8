"""Staff URLs for review: rubric, pool, settings, assignment and progress (``staff`` namespace)."""

from django.urls import path

from exchanges.views import staff_reviews as views

urlpatterns = [
    path("cohorts/<int:cohort_id>/review/", views.overview, name="review"),
    path("cohorts/<int:cohort_id>/review/assign/", views.auto_assign, name="review_auto_assign"),
    path("cohorts/<int:cohort_id>/review/settings/", views.settings_edit, name="review_settings"),
    path("cohorts/<int:cohort_id>/review/rubric/", views.rubric, name="review_rubric"),
    path(
        "cohorts/<int:cohort_id>/review/rubric/<int:pk>/",
        views.criterion_edit,
        name="review_criterion",
    ),
    path(
        "cohorts/<int:cohort_id>/review/rubric/<int:pk>/delete/",
        views.criterion_delete,
        name="review_criterion_delete",
    ),
    path("cohorts/<int:cohort_id>/review/pool/", views.pool, name="review_pool"),
    path(
        "cohorts/<int:cohort_id>/review/pool/<int:pk>/remove/",
        views.pool_remove,
        name="review_pool_remove",
    ),
    path("applications/<int:pk>/reviews/assign/", views.application_assign, name="review_assign"),
    path("review-assignments/<int:pk>/remove/", views.assignment_remove, name="review_unassign"),
]
