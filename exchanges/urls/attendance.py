"""URLs of attendance: the staff's sessions, roll call, marks endpoint and completion; the
participant's certificate; the public verification page."""

from django.urls import path

from exchanges.views import attendance, attendance_staff

applicant = [
    path("applications/<int:pk>/certificate.pdf", attendance.certificate, name="certificate_pdf"),
]

staff = [
    path("cohorts/<int:cohort_id>/attendance/", attendance_staff.sessions, name="attendance"),
    path(
        "cohorts/<int:cohort_id>/attendance/<int:pk>/",
        attendance_staff.roll_call,
        name="attendance_roll_call",
    ),
    path(
        "cohorts/<int:cohort_id>/attendance/<int:pk>/marks/",
        attendance_staff.marks,
        name="attendance_marks",
    ),
    path(
        "cohorts/<int:cohort_id>/completion/",
        attendance_staff.completion,
        name="attendance_completion",
    ),
    path(
        "cohorts/<int:cohort_id>/completion/run/",
        attendance_staff.complete,
        name="attendance_complete",
    ),
]

public = [
    path("certificates/<str:code>/", attendance.verify, name="certificate_verify"),
]
