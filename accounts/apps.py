from allauth.account.signals import user_logged_in
from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa.signals import (  # noqa: PLC0415 -- app registry: receivers connect in ready()
            authenticator_added,
            authenticator_removed,
            authenticator_reset,
        )
        from django.contrib.admin.models import LogEntry  # noqa: PLC0415 -- app registry: as above
        from django.contrib.auth.signals import (  # noqa: PLC0415 -- app registry: as above
            user_logged_in as auth_user_logged_in,
        )

        from accounts.signals import (  # noqa: PLC0415 -- app registry: as above
            end_other_sessions_on_mfa_change,
            mirror_admin_log_entry,
            record_mfa_on_totp_activation,
            record_staff_sign_in,
            stamp_staff_session_on_login,
        )

        authenticator_added.connect(
            record_mfa_on_totp_activation, dispatch_uid="accounts.record_mfa_on_totp_activation"
        )
        user_logged_in.connect(record_staff_sign_in, dispatch_uid="accounts.record_staff_sign_in")
        post_save.connect(
            mirror_admin_log_entry, sender=LogEntry, dispatch_uid="accounts.mirror_admin_log_entry"
        )
        for signal in (authenticator_added, authenticator_removed, authenticator_reset):
            signal.connect(
                end_other_sessions_on_mfa_change,
                dispatch_uid=f"accounts.end_other_sessions_on_mfa_change.{id(signal)}",
            )
        auth_user_logged_in.connect(
            stamp_staff_session_on_login, dispatch_uid="accounts.stamp_staff_session_on_login"
        )
