"""URLs of applications: the applicant's calls, steps and status, and the staff pipeline."""

from django.urls import path

from exchanges.views import applications, applications_staff

applicant = [
    path("calls/", applications.calls, name="calls"),
    path("calls/<int:cohort_id>/", applications.call_detail, name="call"),
    path("calls/<int:cohort_id>/apply/", applications.start, name="start"),
    path("applications/", applications.my_applications, name="mine"),
    path("applications/<int:pk>/", applications.status, name="status"),
    path("applications/<int:pk>/step/<int:number>/", applications.step, name="step"),
    path(
        "applications/<int:pk>/step/<int:number>/autosave/",
        applications.autosave,
        name="autosave",
    ),
    path("applications/<int:pk>/review/", applications.review, name="review"),
    path("applications/<int:pk>/withdraw/", applications.withdraw, name="withdraw"),
    path("applications/<int:pk>/referees/", applications.referees, name="referees"),
    path("applications/<int:pk>/guardian/", applications.guardian, name="guardian"),
    path("documents/<int:pk>/", applications.document, name="document"),
    path("referee/<str:token>/", applications.referee_upload, name="referee_upload"),
    path("guardian-consent/<str:token>/", applications.guardian_consent, name="guardian_consent"),
]

staff = [
    path("cohorts/", applications_staff.cohorts, name="cohorts"),
    path("cohorts/<int:cohort_id>/applications/", applications_staff.pipeline, name="pipeline"),
    path(
        "cohorts/<int:cohort_id>/applications/export.csv",
        applications_staff.export_csv,
        name="export_csv",
    ),
    path(
        "cohorts/<int:cohort_id>/applications/export.xlsx",
        applications_staff.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "cohorts/<int:cohort_id>/applications/exports/",
        applications_staff.export_start,
        name="export_start",
    ),
    path("exports/<int:pk>/", applications_staff.export_status, name="export_status"),
    path("exports/<int:pk>/download/", applications_staff.export_download, name="export_download"),
    path("applications/<int:pk>/", applications_staff.application_detail, name="application"),
    path("documents/<int:pk>/", applications_staff.document, name="document"),
]
