"""URLs of privacy: the applicant's data page, the public notice and the staff's pages."""

from django.urls import path

from exchanges.views import privacy, privacy_staff

applicant = [
    path("privacy/", privacy.home, name="privacy"),
    path("privacy/my-data.zip", privacy.export, name="privacy_export"),
    path("privacy/erasure/", privacy.erasure, name="privacy_erasure"),
]

reviewer = []

public = [
    path("privacy-notice/", privacy.notice, name="privacy_notice"),
    path("privacy-notice/v<int:version>/", privacy.notice, name="privacy_notice_version"),
]

staff = [
    path("privacy/erasure/", privacy_staff.erasure_requests, name="erasure_requests"),
    path("privacy/erasure/<int:pk>/", privacy_staff.erasure_request, name="erasure_request"),
    path(
        "privacy/erasure/<int:pk>/erase/",
        privacy_staff.erasure_complete,
        name="erasure_complete",
    ),
    path("privacy/erasure/<int:pk>/refuse/", privacy_staff.erasure_refuse, name="erasure_refuse"),
    path("privacy/retention/", privacy_staff.retention_report, name="retention_report"),
    path("privacy/notices/", privacy_staff.notices, name="privacy_notices"),
    path("privacy/notices/new/", privacy_staff.notice_edit, name="privacy_notice_new"),
    path("privacy/notices/<int:pk>/", privacy_staff.notice_edit, name="privacy_notice_edit"),
    path(
        "privacy/notices/<int:pk>/publish/",
        privacy_staff.notice_publish,
        name="privacy_notice_publish",
    ),
]
