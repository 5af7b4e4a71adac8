"""URLs of the activity log: the secretariat's audit-trail search."""

from django.urls import path

from exchanges.views import activity_staff

applicant = []
reviewer = []
public = []

staff = [
    path("audit/", activity_staff.audit_log, name="audit_log"),
]
