"""The reviewer area, /review/ (namespace ``review``); MFA-protected like /staff/."""

from django.urls import path

from exchanges.views import review as views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("assignments/<int:pk>/documents/<int:document_id>/", views.document, name="document"),
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/<int:pk>/remove/", views.institution_remove, name="institution_remove"),
]
