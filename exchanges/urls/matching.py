"""URLs of matching: the participant's profile and the staff's runs, rules, swaps and
publication."""

from django.urls import include, path

from exchanges.views import matching

# Outside any namespace: the profile link in emails and on the status page predates them.
public = [
    path(
        "applications/<int:pk>/matching-profile/",
        matching.matching_profile,
        name="matching_profile",
    ),
]

_cohort_matching = [
    path("", matching.runs, name="matching"),
    path("start/", matching.start, name="matching_start"),
    path("rules/", matching.constraints, name="matching_constraints"),
    path(
        "rules/participants/",
        matching.participant_search,
        name="matching_participant_search",
    ),
    path(
        "rules/<int:pk>/delete/",
        matching.constraint_delete,
        name="matching_constraint_delete",
    ),
    path("<int:pk>/", matching.run_detail, name="matching_run"),
    path("<int:pk>/progress/", matching.run_progress, name="matching_progress"),
    path("<int:pk>/stop/", matching.run_stop, name="matching_stop"),
    path(
        "<int:pk>/groups/<int:group_id>/lock/",
        matching.group_lock,
        name="matching_group_lock",
    ),
    path("<int:pk>/swap/", matching.swap, name="matching_swap"),
    path("<int:pk>/rerun/", matching.rerun, name="matching_rerun"),
    path("<int:pk>/publish/", matching.publish, name="matching_publish"),
]

staff = [
    path("matching/", matching.cohorts, name="matching_cohorts"),
    path("cohorts/<int:cohort_id>/matching/", include(_cohort_matching)),
]
