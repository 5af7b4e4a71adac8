"""Model permissions for the Django admin, derived from the role.

Secretariat staff with admin site access manage Trilink's own models without per-user
permission rows; everyone else relies on superuser status or explicit permissions.
"""

from django.contrib.auth.backends import BaseBackend

from exchanges.enums import Role

SECRETARIAT_APP_LABELS = frozenset({"accounts", "exchanges", "account", "mfa", "sites"})


class SecretariatAdminBackend(BaseBackend):
    def _applies(self, user_obj) -> bool:
        return bool(
            user_obj.is_active and user_obj.is_staff
            and getattr(user_obj, "role", None) == Role.SECRETARIAT
        )

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not self._applies(user_obj):
            return False
        return perm.split(".", 1)[0] in SECRETARIAT_APP_LABELS

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return self._applies(user_obj) and app_label in SECRETARIAT_APP_LABELS
