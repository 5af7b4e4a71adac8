"""URLs of the itinerary: the participant's page, print view and calendar link, the staff's
cohort calendar link and print view, and the public feed behind the private links."""

from django.urls import path

from exchanges.views import itinerary, itinerary_staff

applicant = [
    path("applications/<int:pk>/itinerary/", itinerary.itinerary, name="itinerary"),
    path(
        "applications/<int:pk>/itinerary/print/",
        itinerary.itinerary_print,
        name="itinerary_print",
    ),
    path(
        "applications/<int:pk>/itinerary/calendar/reset/",
        itinerary.itinerary_reset,
        name="itinerary_reset",
    ),
]

staff = [
    path(
        "cohorts/<int:cohort_id>/itinerary/calendar/",
        itinerary_staff.calendar,
        name="itinerary_calendar",
    ),
    path(
        "cohorts/<int:cohort_id>/itinerary/calendar/reset/",
        itinerary_staff.calendar_reset,
        name="itinerary_calendar_reset",
    ),
    path(
        "cohorts/<int:cohort_id>/itinerary/print/",
        itinerary_staff.itinerary_print,
        name="itinerary_print",
    ),
]

public = [
    path("itinerary/feed/<int:pk>/<str:token>.ics", itinerary.feed, name="itinerary_feed"),
]
