"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from exchanges.views import core as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links; send them to the app's icon.
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Before the admin's own URLs: its password-only login form must never be reachable.
    path("admin/login/", account_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("exchanges.urls")),
]

handler403 = "exchanges.views.core.permission_denied"
handler404 = "exchanges.views.core.page_not_found"
handler500 = "exchanges.views.core.server_error"

admin.site.site_header = "Trilink"
admin.site.site_title = "Trilink"
