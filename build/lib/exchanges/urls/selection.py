"""URLs of selection: the staff's proposal, bulk decisions, rankings, dashboard and exports."""

from django.urls import path

from exchanges.views import selection_staff

staff = [
    path("cohorts/<int:cohort_id>/selection/", selection_staff.proposal, name="selection"),
    path(
        "cohorts/<int:cohort_id>/selection/settings/",
        selection_staff.settings_save,
        name="selection_settings",
    ),
    path(
        "cohorts/<int:cohort_id>/selection/applications/<int:pk>/move/",
        selection_staff.move,
        name="selection_move",
    ),
    path(
        "cohorts/<int:cohort_id>/selection/decide/",
        selection_staff.decide,
        name="selection_decide",
    ),
    path(
        "cohorts/<int:cohort_id>/selection/ranking/",
        selection_staff.ranking,
        name="selection_ranking",
    ),
    path(
        "cohorts/<int:cohort_id>/selection/dashboard/",
        selection_staff.dashboard,
        name="selection_dashboard",
    ),
    path(
        "cohorts/<int:cohort_id>/selection/<str:what>.<str:extension>",
        selection_staff.export,
        name="selection_export",
    ),
]
