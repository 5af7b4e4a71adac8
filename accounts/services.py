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


# The fields that decide what someone may see; a change to any of them is audited.
RIGHTS_FIELDS = ("role", "organisation_id", "is_active", "is_staff", "is_superuser")


def user_rights(user: User) -> dict:
    """The values of ``RIGHTS_FIELDS`` of ``user``, to compare before and after a change."""
    return {name: getattr(user, name) for name in RIGHTS_FIELDS}


@transaction.atomic
def user_rights_changed_record(*, actor: User, user: User, before: dict) -> dict:
    """Record, on ``user``'s timeline, which of their rights ``actor`` changed (``before`` is
    ``user_rights`` taken before the change); nothing when none did. Returns the changes."""
    after = user_rights(user)
    changes = {
        name: {"from": before.get(name), "to": after[name]}
        for name in RIGHTS_FIELDS
        if before.get(name) != after[name]
    }
    if changes:
        activity_log_record(
            actor=actor, obj=user, action_type=Activity.ACCOUNTS_USER_ROLE_CHANGED, data=changes
        )
    return changes
