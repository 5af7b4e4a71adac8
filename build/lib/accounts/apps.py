from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added  # noqa: PLC0415 -- app registry: receivers connect in ready()

        from accounts.signals import record_mfa_on_totp_activation  # noqa: PLC0415 -- app registry: as above

        authenticator_added.connect(
            record_mfa_on_totp_activation, dispatch_uid="accounts.record_mfa_on_totp_activation"
        )
