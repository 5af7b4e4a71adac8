"""Receivers of allauth's signals."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.contrib.auth import HASH_SESSION_KEY, get_user_model
from django.db.models import F

from accounts.sessions import start_session_clock
from exchanges.services.activity import activity_record_admin_entry, activity_record_sign_in


def record_mfa_on_totp_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP proves the code, so the session that did it has passed the second factor.

    Without this, staff who have just set up TOTP would be asked for a code a second time
    before their first staff page (see ``accounts.middleware.RequireMFAMiddleware``).
    """
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


def record_staff_sign_in(sender, request, user, **kwargs) -> None:
    """Audit sign-ins to staff roles (allauth's ``user_logged_in``, sent by every sign-in
    through its flows, with a password, a code or a second factor)."""
    activity_record_sign_in(user=user)


def mirror_admin_log_entry(sender, instance, created, raw=False, **kwargs) -> None:
    """Copy each administration-site edit into the append-only activity log (``post_save``
    of ``LogEntry``; the admin saves one entry per add, change or single deletion)."""
    if created and not raw:
        activity_record_admin_entry(entry=instance)


def end_other_sessions_on_mfa_change(sender, request, user, **kwargs) -> None:
    """A second factor added, removed or its recovery codes regenerated: every other session of
    the person ends (the stamp is part of the session hash); this one stays signed in."""
    get_user_model().objects.filter(pk=user.pk).update(session_stamp=F("session_stamp") + 1)
    user.session_stamp += 1
    if request is not None and getattr(getattr(request, "user", None), "pk", None) == user.pk:
        # What update_session_auth_hash stores, without cycling the key (a second session load
        # in the same request): this session was already authenticated.
        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()


def stamp_staff_session_on_login(sender, request, user, **kwargs) -> None:
    """Start the clocks of the staff session limits (accounts.middleware.StaffSessionMiddleware)."""
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)
