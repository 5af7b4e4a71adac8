from django.urls import include, path

from exchanges.views import staff

staff_patterns = [
    path("", staff.dashboard, name="dashboard"),
]

urlpatterns = [
    path("staff/", include((staff_patterns, "staff"))),
    path("", include(("exchanges.urls_apply", "apply"))),
]
