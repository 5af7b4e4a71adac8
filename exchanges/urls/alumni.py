"""URLs of the alumni network: the directory, profiles and messages for alumni; the staff
directory and the reports of messages."""

from django.urls import path

from exchanges.views import alumni, alumni_staff

applicant = [
    path("alumni/", alumni.directory, name="alumni_directory"),
    path("alumni/profile/", alumni.profile_edit, name="alumni_profile_edit"),
    path("alumni/profile/leave/", alumni.leave, name="alumni_leave"),
    path("alumni/<int:pk>/", alumni.profile, name="alumni_profile"),
    path("alumni/messages/", alumni.inbox, name="alumni_messages"),
    path("alumni/messages/<int:pk>/", alumni.message, name="alumni_message"),
    path("alumni/messages/<int:pk>/report/", alumni.report, name="alumni_report"),
]

staff = [
    path("alumni/", alumni_staff.directory, name="alumni_directory"),
    path("alumni/reports/", alumni_staff.reports, name="alumni_reports"),
    path("alumni/reports/<int:pk>/dismiss/", alumni_staff.report_dismiss, name="alumni_dismiss"),
    path("alumni/reports/<int:pk>/suspend/", alumni_staff.report_suspend, name="alumni_suspend"),
    path("alumni/suspensions/<int:user_id>/restore/", alumni_staff.restore, name="alumni_restore"),
]
