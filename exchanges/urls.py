from django.urls import include, path

from exchanges.views import mail_public, staff

staff_patterns = [
    path("", staff.dashboard, name="dashboard"),
]

urlpatterns = [
    path("mail/unsubscribe/<str:token>/", mail_public.unsubscribe, name="mail_unsubscribe"),
    path("staff/", include((staff_patterns, "staff"))),
]
