"""Receivers of allauth's signals."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def record_mfa_on_totp_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP proves the code, so the session that did it has passed the second factor.

    Without this, staff who have just set up TOTP would be asked for a code a second time
    before their first staff page (see ``accounts.middleware.RequireMFAMiddleware``).
    """
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
