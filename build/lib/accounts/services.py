"""Services of the accounts app: changes to users that must be logged."""

from allauth.mfa.models import Authenticator
from django.db import transaction

from accounts.models import User
from exchanges.activity_types import Activity
from exchanges.services.activity import activity_log_record


@transaction.atomic
def user_mfa_reset(*, actor: User, user: User) -> int:
    """Remove every second factor of ``user`` (TOTP and recovery codes); return how many.

    The user is asked to set up TOTP again at their next staff page. The secret itself is
    never shown to anyone, so resetting is the only remedy for a lost authenticator.
    """
    deleted, _per_model = Authenticator.objects.filter(user=user).delete()
    activity_log_record(
        actor=actor,
        obj=user,
        action_type=Activity.ACCOUNTS_USER_MFA_RESET,
        data={"authenticators": deleted},
    )
    return deleted
