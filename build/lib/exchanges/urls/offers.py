"""URLs of offers and the waiting list: the applicant's answer, the staff's promotion."""

from django.urls import path

from exchanges.views import offers

applicant = [
    path("applications/<int:pk>/offer/accept/", offers.accept, name="offer_accept"),
    path("applications/<int:pk>/offer/decline/", offers.decline, name="offer_decline"),
]

staff = [
    path(
        "cohorts/<int:cohort_id>/waitlist/promote/",
        offers.waitlist_promote,
        name="waitlist_promote",
    ),
]
