"""The exchanges' URLs: one module per domain, assembled here into the three audiences'
namespaces: ``apply`` (applicants and participants), ``review`` (reviewers, /review/) and
``staff`` (/staff/). Each domain module lists its ``applicant``, ``reviewer``, ``staff`` and
``public`` (no namespace) patterns."""

from django.urls import include, path

from exchanges.urls import (
    activity,
    alumni,
    apikeys,
    applications,
    attendance,
    campaigns,
    itinerary,
    mail,
    matching,
    offers,
    outcomes,
    placement,
    predeparture,
    privacy,
    questions,
    reviews,
    selection,
    surveys,
    webhooks,
)
from exchanges.views import dashboard

staff_patterns = [
    path("", dashboard.dashboard, name="dashboard"),
    *applications.staff,
    *offers.staff,
    *questions.staff,
    *reviews.staff,
    *selection.staff,
    *predeparture.staff,
    *itinerary.staff,
    *attendance.staff,
    *matching.staff,
    *placement.staff,
    *surveys.staff,
    *outcomes.staff,
    *mail.staff,
    *campaigns.staff,
    *apikeys.staff,
    *alumni.staff,
    *webhooks.staff,
    *activity.staff,
    *privacy.staff,
]

applicant_patterns = [
    *applications.applicant,
    *offers.applicant,
    *predeparture.applicant,
    *itinerary.applicant,
    *attendance.applicant,
    *surveys.applicant,
    *alumni.applicant,
    *privacy.applicant,
]

urlpatterns = [
    *mail.public,
    *itinerary.public,
    *attendance.public,
    *privacy.public,
    path("staff/", include((staff_patterns, "staff"))),
    path("review/", include((reviews.reviewer, "review"))),
    path("", include((applicant_patterns, "apply"))),
    *matching.public,
]
