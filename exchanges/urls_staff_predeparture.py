"""Staff URLs for pre-departure, included in the ``staff`` namespace."""

from django.urls import path

from exchanges.views import predeparture as views

urlpatterns = [
    path("cohorts/<int:cohort_id>/predeparture/", views.participants, name="predeparture"),
    path(
        "cohorts/<int:cohort_id>/predeparture/<int:pk>/",
        views.participant,
        name="predeparture_participant",
    ),
    path(
        "cohorts/<int:cohort_id>/predeparture/itinerary/",
        views.itinerary,
        name="predeparture_itinerary",
    ),
    path(
        "cohorts/<int:cohort_id>/predeparture/itinerary/<int:pk>/",
        views.itinerary_edit,
        name="predeparture_itinerary_edit",
    ),
    path(
        "cohorts/<int:cohort_id>/predeparture/itinerary/<int:pk>/delete/",
        views.itinerary_delete,
        name="predeparture_itinerary_delete",
    ),
]
