"""The exchanges' URLs: one module per domain, assembled here into the three audiences'
namespaces: ``apply`` (applicants and participants), ``review`` (reviewers, /review/) and
``staff`` (/staff/). Each domain module lists its ``applicant``, ``reviewer``, ``staff`` and
``public`` (no namespace) patterns."""

from django.urls import include, path

from exchanges.urls import (
    activity,
    applications,
    campaigns,
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
    *matching.staff,
    *placement.staff,
    *surveys.staff,
    *outcomes.staff,
    *mail.staff,
    *campaigns.staff,
    *activity.staff,
    *privacy.staff,
]

applicant_patterns = [
    *applications.applicant,
    *offers.applicant,
    *predeparture.applicant,
    *surveys.applicant,
    *privacy.applicant,
]

urlpatterns = [
    *mail.public,
    *privacy.public,
    path("staff/", include((staff_patterns, "staff"))),
    path("review/", include((reviews.reviewer, "review"))),
    path("", include((applicant_patterns, "apply"))),
    *matching.public,
]
