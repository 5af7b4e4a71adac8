"""URLs of placement: host families and mentor pairings, under a cohort's matching pages."""

from django.urls import include, path

from exchanges.views import placement

_cohort_placement = [
    path("hosts/", placement.hosts, name="hosts"),
    path("hosts/new/", placement.host_edit, name="host_create"),
    path("hosts/<int:pk>/edit/", placement.host_edit, name="host_edit"),
    path(
        "hosts/placements/",
        placement.placement_runs,
        {"kind": "hosts"},
        name="host_placements",
    ),
    path(
        "hosts/placements/<int:pk>/",
        placement.placement_run,
        {"kind": "hosts"},
        name="host_placement",
    ),
    path(
        "hosts/placements/<int:pk>/publish/",
        placement.placement_publish,
        {"kind": "hosts"},
        name="host_placement_publish",
    ),
    path(
        "mentors/",
        placement.placement_runs,
        {"kind": "mentors"},
        name="mentor_pairings",
    ),
    path(
        "mentors/<int:pk>/",
        placement.placement_run,
        {"kind": "mentors"},
        name="mentor_pairing",
    ),
    path(
        "mentors/<int:pk>/publish/",
        placement.placement_publish,
        {"kind": "mentors"},
        name="mentor_pairing_publish",
    ),
]

staff = [path("cohorts/<int:cohort_id>/matching/", include(_cohort_placement))]
