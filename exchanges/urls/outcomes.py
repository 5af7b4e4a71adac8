"""URLs of outcome analytics: the staff pages of a cohort's and a program's outcomes."""

from django.urls import include, path

from exchanges.views import outcomes_staff

_cohort_outcomes = [
    path("", outcomes_staff.outcome_cohort, name="outcomes"),
    path("report/", outcomes_staff.outcome_report, name="outcome_report"),
    path("open-answers/", outcomes_staff.outcome_open_answers_view, name="outcome_open_answers"),
    path("import/", outcomes_staff.outcome_import, name="outcome_import"),
    *[
        path(
            f"outcomes.{fmt}",
            outcomes_staff.outcome_export_aggregates,
            {"fmt": fmt},
            name=f"outcome_export_{fmt}",
        )
        for fmt in ("csv", "xlsx")
    ],
    *[
        path(
            f"answers.{fmt}",
            outcomes_staff.outcome_export_raw,
            {"fmt": fmt},
            name=f"outcome_export_raw_{fmt}",
        )
        for fmt in ("csv", "xlsx")
    ],
]

staff = [
    path("cohorts/<int:cohort_id>/outcomes/", include(_cohort_outcomes)),
    path(
        "programs/<int:program_id>/outcomes/",
        outcomes_staff.outcome_program,
        name="program_outcomes",
    ),
]
