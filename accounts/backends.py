"""Model permissions for the Django admin, derived from the role.

Secretariat staff with admin site access manage Trilink's own models without per-user
permission rows; everyone else relies on superuser status or explicit permissions.

Only model-level permissions (``add_``/``change_``/``delete_``/``view_<model>`` and a model's
own ``Meta.permissions``, asked without an object) are granted here. Object-level questions
("may this user edit this checklist?") are left to the rules in ``exchanges.rules``: granting
every ``exchanges.*`` permission would, for instance, let a secretariat user write an
applicant's checklist or another reviewer's review, which the rules reserve to their owners.
"""

from functools import cache

from django.apps import apps
from django.contrib.auth.backends import BaseBackend

from exchanges.enums import Role

SECRETARIAT_APP_LABELS = frozenset({"accounts", "exchanges", "api", "account", "mfa", "sites"})
# Permissions to health and other sensitive personal data: granted per person or group only,
# never implied by the role (the caterers' dietary and accessibility list).
EXPLICIT_ONLY_PERMISSIONS = frozenset({"exchanges.view_dietary_list"})


@cache
def model_permission_codenames(app_label: str) -> frozenset[str]:
    """The codenames of the model permissions of ``app_label``'s models."""
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return frozenset()
    codenames = set()
    for model in config.get_models():
        opts = model._meta
        codenames.update(f"{action}_{opts.model_name}" for action in opts.default_permissions)
        codenames.update(codename for codename, _name in opts.permissions)
    return frozenset(codenames)


class SecretariatAdminBackend(BaseBackend):
    def _applies(self, user_obj) -> bool:
        return bool(
            user_obj.is_active
            and user_obj.is_staff
            and getattr(user_obj, "role", None) == Role.SECRETARIAT
        )

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if obj is not None or perm in EXPLICIT_ONLY_PERMISSIONS or not self._applies(user_obj):
            return False
        app_label, _dot, codename = perm.partition(".")
        return app_label in SECRETARIAT_APP_LABELS and codename in model_permission_codenames(
            app_label
        )

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return self._applies(user_obj) and app_label in SECRETARIAT_APP_LABELS
