"""Applicant URLs (namespace ``apply``)."""

from django.urls import path

from exchanges.views import apply, offers, predeparture, surveys

urlpatterns = [
    path("calls/", apply.calls, name="calls"),
    path("calls/<int:cohort_id>/", apply.call_detail, name="call"),
    path("calls/<int:cohort_id>/apply/", apply.start, name="start"),
    path("applications/", apply.my_applications, name="mine"),
    path("applications/<int:pk>/", apply.status, name="status"),
    path("applications/<int:pk>/step/<int:number>/", apply.step, name="step"),
    path("applications/<int:pk>/step/<int:number>/autosave/", apply.autosave, name="autosave"),
    path("applications/<int:pk>/review/", apply.review, name="review"),
    path("applications/<int:pk>/withdraw/", apply.withdraw, name="withdraw"),
    path("applications/<int:pk>/offer/accept/", offers.accept, name="offer_accept"),
    path("applications/<int:pk>/offer/decline/", offers.decline, name="offer_decline"),
    path("applications/<int:pk>/referees/", apply.referees, name="referees"),
    path("applications/<int:pk>/guardian/", apply.guardian, name="guardian"),
    path("applications/<int:pk>/predeparture/", predeparture.checklist, name="predeparture"),
    path("documents/<int:pk>/", apply.document, name="document"),
    path("referee/<str:token>/", apply.referee_upload, name="referee_upload"),
    path("guardian-consent/<str:token>/", apply.guardian_consent, name="guardian_consent"),
    path("surveys/<str:token>/", surveys.survey_respond, name="survey"),
]
