"""URLs of partner API keys: the staff list, issuing, changing and revoking."""

from django.urls import path

from exchanges.views import apikeys_staff

staff = [
    path("api-keys/", apikeys_staff.api_keys, name="api_keys"),
    path("api-keys/new/", apikeys_staff.api_key_issue, name="api_key_issue"),
    path("api-keys/<int:pk>/", apikeys_staff.api_key_edit, name="api_key_edit"),
    path("api-keys/<int:pk>/revoke/", apikeys_staff.api_key_revoke_view, name="api_key_revoke"),
]
