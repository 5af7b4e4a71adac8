"""URLs of pre-departure: the participant's checklist and the staff's overview and itinerary."""

from django.urls import path

from exchanges.views import predeparture, predeparture_lists

applicant = [
    path("applications/<int:pk>/predeparture/", predeparture.checklist, name="predeparture"),
]

staff = [
    path("cohorts/<int:cohort_id>/predeparture/", predeparture.participants, name="predeparture"),
    path(
        "cohorts/<int:cohort_id>/predeparture/<int:pk>/",
        predeparture.participant,
        name="predeparture_participant",
    ),
    path(
        "cohorts/<int:cohort_id>/predeparture/itinerary/",
        predeparture.itinerary,
        name="predeparture_itinerary",
    ),
    path(
        "cohorts/<int:cohort_id>/predeparture/itinerary/<int:pk>/",
        predeparture.itinerary_edit,
        name="predeparture_itinerary_edit",
    ),
    path(
        "cohorts/<int:cohort_id>/predeparture/itinerary/<int:pk>/delete/",
        predeparture.itinerary_delete,
        name="predeparture_itinerary_delete",
    ),
    path(
        "cohorts/<int:cohort_id>/predeparture/lists/<str:kind>/",
        predeparture_lists.staff_list,
        name="predeparture_list",
    ),
    path(
        "cohorts/<int:cohort_id>/predeparture/lists/<str:kind>/<str:fmt>/",
        predeparture_lists.staff_list,
        name="predeparture_list_format",
    ),
]
