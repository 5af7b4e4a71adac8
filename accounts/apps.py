from django.apps import AppConfig
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
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415 -- app registry: as above

        from accounts.signals import (  # noqa: PLC0415 -- app registry: as above
            end_other_sessions_on_mfa_change,
            record_mfa_on_totp_activation,
            stamp_staff_session_on_login,
        )

        authenticator_added.connect(
            record_mfa_on_totp_activation, dispatch_uid="accounts.record_mfa_on_totp_activation"
        )
        for signal in (authenticator_added, authenticator_removed, authenticator_reset):
            signal.connect(
                end_other_sessions_on_mfa_change,
                dispatch_uid=f"accounts.end_other_sessions_on_mfa_change.{id(signal)}",
            )
        user_logged_in.connect(
            stamp_staff_session_on_login, dispatch_uid="accounts.stamp_staff_session_on_login"
        )
