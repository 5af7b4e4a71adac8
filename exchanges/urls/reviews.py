"""URLs of reviews: the reviewer area (/review/) and the staff's rubric, pool and assignment."""

from django.urls import path

from exchanges.views import reviews, reviews_staff

reviewer = [
    path("", reviews.queue, name="queue"),
    path("assignments/<int:pk>/", reviews.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/conflict/", reviews.declare_conflict, name="declare_conflict"),
    path("assignments/<int:pk>/documents/<int:document_id>/", reviews.document, name="document"),
    path("institutions/", reviews.institutions, name="institutions"),
    path("institutions/<int:pk>/remove/", reviews.institution_remove, name="institution_remove"),
]

staff = [
    path("cohorts/<int:cohort_id>/review/", reviews_staff.overview, name="review"),
    path(
        "cohorts/<int:cohort_id>/review/assign/",
        reviews_staff.auto_assign,
        name="review_auto_assign",
    ),
    path(
        "cohorts/<int:cohort_id>/review/settings/",
        reviews_staff.settings_edit,
        name="review_settings",
    ),
    path("cohorts/<int:cohort_id>/review/rubric/", reviews_staff.rubric, name="review_rubric"),
    path(
        "cohorts/<int:cohort_id>/review/rubric/<int:pk>/",
        reviews_staff.criterion_edit,
        name="review_criterion",
    ),
    path(
        "cohorts/<int:cohort_id>/review/rubric/<int:pk>/delete/",
        reviews_staff.criterion_delete,
        name="review_criterion_delete",
    ),
    path("cohorts/<int:cohort_id>/review/rounds/", reviews_staff.rounds, name="review_rounds"),
    path(
        "cohorts/<int:cohort_id>/review/rounds/<int:number>/",
        reviews_staff.round_edit,
        name="review_round_edit",
    ),
    path(
        "cohorts/<int:cohort_id>/review/rounds/<int:number>/delete/",
        reviews_staff.round_delete,
        name="review_round_delete",
    ),
    path(
        "cohorts/<int:cohort_id>/review/rounds/<int:number>/advance/",
        reviews_staff.round_advance,
        name="review_round_advance",
    ),
    path("cohorts/<int:cohort_id>/review/pool/", reviews_staff.pool, name="review_pool"),
    path(
        "cohorts/<int:cohort_id>/review/pool/<int:pk>/remove/",
        reviews_staff.pool_remove,
        name="review_pool_remove",
    ),
    path(
        "applications/<int:pk>/reviews/assign/",
        reviews_staff.application_assign,
        name="review_assign",
    ),
    path(
        "review-assignments/<int:pk>/remove/",
        reviews_staff.assignment_remove,
        name="review_unassign",
    ),
]
