from django.urls import include, path

from exchanges.views import staff

staff_patterns = [
    path("", staff.dashboard, name="dashboard"),
    path("", include("exchanges.urls_staff_applications")),
]

urlpatterns = [
    path("staff/", include((staff_patterns, "staff"))),
    path("", include(("exchanges.urls_apply", "apply"))),
]
