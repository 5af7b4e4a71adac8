"""The alumni network: directory profiles, messages between alumni, reports and suspensions.

Only alumni (a person with an application in status alumnus) join the directory; joining is an
explicit choice, every shown field has its own visibility, and leaving deletes the profile at
once (the alumnus's records, and with them follow-up surveys, are untouched: surveys stop only
when the person unsubscribes). Messages go to the recipient through the outbox, from Trilink's
own address, in the recipient's language; neither side ever sees the other's email address,
and the reply link leads back to Trilink. A sender may send ``ALUMNI_MESSAGES_PER_HOUR`` and
``ALUMNI_MESSAGES_PER_DAY`` messages (counted under a lock on the sender, so two requests at
once cannot both pass the limit); a recipient can report a message, and staff dismiss the
report or suspend the sender's messaging.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from exchanges.activity_types import Activity
from exchanges.enums import AlumniContact, AlumniReportStatus, AlumniVisibility, Sector
from exchanges.exceptions import AlumniMessageRefused, ExchangeError
from exchanges.models import (
    AlumniLanguage,
    AlumniMessage,
    AlumniProfile,
    AlumniSuspension,
)
from exchanges.models.alumni import ALUMNI_MESSAGE_MAX, ALUMNI_VISIBILITY_FIELDS
from exchanges.selectors.alumni import (
    alumni_is_suspended,
    alumni_messages_sent_since,
    alumni_record_for,
)
from exchanges.services.activity import activity_log_record
from exchanges.services.notify import notify_alumni_message

ALUMNI_MESSAGES_PER_HOUR = 5
ALUMNI_MESSAGES_PER_DAY = 20

PROFILE_FIELDS = (
    "display_name",
    "sector",
    "organisation",
    "interests",
    "contact",
    "open_to_mentoring",
    "languages",
    *(f"{name}_visibility" for name in ALUMNI_VISIBILITY_FIELDS),
)


def _clean_profile_values(values: dict) -> dict:
    unexpected = set(values) - set(PROFILE_FIELDS)
    if unexpected:
        raise TypeError(f"unexpected profile fields: {sorted(unexpected)}")
    cleaned = dict(values)
    name = " ".join(str(cleaned.get("display_name", "")).split())
    if not name:
        raise ExchangeError(_("Enter the name to show in the directory."))
    cleaned["display_name"] = name
    if cleaned.get("sector") and cleaned["sector"] not in Sector.values:
        raise ExchangeError(_("Choose a sector from the list."))
    if cleaned.get("contact", AlumniContact.MESSAGES) not in AlumniContact.values:
        raise ExchangeError(_("Choose how other alumni may contact you."))
    for name in ALUMNI_VISIBILITY_FIELDS:
        key = f"{name}_visibility"
        if cleaned.get(key, AlumniVisibility.ALUMNI) not in AlumniVisibility.values:
            raise ExchangeError(_("Choose who may see each field."))
    cleaned["languages"] = sorted(set(cleaned.get("languages") or ()))
    return cleaned


@transaction.atomic
def alumni_profile_save(*, user: User, actor: User, values: dict) -> AlumniProfile:
    """Join the directory or change the profile. ``values`` as in ``PROFILE_FIELDS``;
    country and cohort come from the person's latest alumnus record. Raises
    ``ExchangeError`` for a person who is not an alumnus."""
    record = alumni_record_for(user=user)
    if record is None:
        raise ExchangeError(_("Only alumni of a Trilink program can join the alumni directory."))
    cleaned = _clean_profile_values(values)
    languages = cleaned.pop("languages")
    profile = AlumniProfile.objects.select_for_update().filter(user=user).first()
    created = profile is None
    if created:
        profile = AlumniProfile(user=user)
    for key, value in cleaned.items():
        setattr(profile, key, value)
    profile.application = record
    profile.cohort_id = record.cohort_id
    profile.country = record.country
    profile.updated_at = timezone.now()
    profile.full_clean(exclude=["user", "application", "cohort"])
    profile.save()
    AlumniLanguage.objects.filter(profile=profile).exclude(code__in=languages).delete()
    AlumniLanguage.objects.bulk_create(
        [AlumniLanguage(profile=profile, code=code) for code in languages],
        ignore_conflicts=True,
    )
    activity_log_record(
        actor=actor,
        obj=profile,
        action_type=Activity.ALUMNI_PROFILE_JOINED if created else Activity.ALUMNI_PROFILE_CHANGED,
        data={"fields": sorted(values)},
    )
    return profile


@transaction.atomic
def alumni_profile_leave(*, user: User, actor: User) -> bool:
    """Leave the directory: the profile and its languages are deleted at once. Returns
    whether there was one. Messages already exchanged stay with the people who hold them."""
    profile = AlumniProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        return False
    record = profile.application
    profile.delete()
    activity_log_record(actor=actor, obj=record, action_type=Activity.ALUMNI_PROFILE_LEFT)
    return True


# --- Messages --------------------------------------------------------------------------------


def _check_rate(*, sender: User, now: dt.datetime) -> None:
    hour = alumni_messages_sent_since(sender=sender, since=now - dt.timedelta(hours=1))
    if hour >= ALUMNI_MESSAGES_PER_HOUR:
        raise AlumniMessageRefused(
            ngettext(
                "You can send %(count)s message an hour. Please try again later.",
                "You can send %(count)s messages an hour. Please try again later.",
                ALUMNI_MESSAGES_PER_HOUR,
            )
            % {"count": ALUMNI_MESSAGES_PER_HOUR},
            code="rate_limit_hour",
        )
    day = alumni_messages_sent_since(sender=sender, since=now - dt.timedelta(days=1))
    if day >= ALUMNI_MESSAGES_PER_DAY:
        raise AlumniMessageRefused(
            ngettext(
                "You can send %(count)s message a day. Please try again tomorrow.",
                "You can send %(count)s messages a day. Please try again tomorrow.",
                ALUMNI_MESSAGES_PER_DAY,
            )
            % {"count": ALUMNI_MESSAGES_PER_DAY},
            code="rate_limit_day",
        )


@transaction.atomic
def alumni_message_send(
    *,
    sender: User,
    body: str,
    recipient_profile: AlumniProfile | None = None,
    in_reply_to: AlumniMessage | None = None,
    now: dt.datetime | None = None,
) -> AlumniMessage:
    """Send ``body`` to the alumnus of ``recipient_profile``, or reply to ``in_reply_to``
    (a message the sender received). Raises ``AlumniMessageRefused`` (translated) when the
    sender is not in the directory or is suspended, the recipient takes no messages, or a
    rate limit is reached."""
    now = now or timezone.now()
    # The lock on the sender serialises their sends, so the count below cannot be raced.
    User.objects.select_for_update().filter(pk=sender.pk).first()
    own = AlumniProfile.objects.filter(user=sender).first()
    if own is None:
        raise AlumniMessageRefused(_("Join the alumni directory to send messages."))
    if alumni_is_suspended(user=sender):
        raise AlumniMessageRefused(
            _("Your messaging has been suspended by the secretariat."), code="suspended"
        )
    if in_reply_to is not None:
        if in_reply_to.recipient_id != sender.pk:
            raise AlumniMessageRefused(_("You can only reply to a message you received."))
        recipient = in_reply_to.sender
        recipient_name = in_reply_to.sender_name
    else:
        if recipient_profile is None:
            raise TypeError("a recipient profile or a message to reply to is required")
        if recipient_profile.contact != AlumniContact.MESSAGES:
            raise AlumniMessageRefused(_("This alumnus does not take messages."))
        recipient = recipient_profile.user
        recipient_name = recipient_profile.display_name
    if recipient.pk == sender.pk:
        raise AlumniMessageRefused(_("You cannot send a message to yourself."))
    text = (body or "").strip()
    if not text:
        raise AlumniMessageRefused(_("Write a message."), code="empty")
    if len(text) > ALUMNI_MESSAGE_MAX:
        raise AlumniMessageRefused(
            _("Please keep your message under %(limit)s characters.")
            % {"limit": ALUMNI_MESSAGE_MAX}
        )
    _check_rate(sender=sender, now=now)
    message = AlumniMessage.objects.create(
        sender=sender,
        recipient=recipient,
        sender_name=own.display_name,
        recipient_name=recipient_name,
        in_reply_to=in_reply_to,
        body=text,
        sent_at=now,
    )
    # The log records who wrote to whom, never what was written.
    activity_log_record(
        actor=sender,
        obj=message,
        action_type=Activity.ALUMNI_MESSAGE_SENT,
        data={"recipient": recipient.pk, "reply": in_reply_to is not None},
    )
    notify_alumni_message(message=message)
    return message


@transaction.atomic
def alumni_message_report(*, message: AlumniMessage, actor: User, reason: str) -> AlumniMessage:
    """The recipient flags ``message`` to staff. Reporting twice keeps the first report."""
    locked = AlumniMessage.objects.select_for_update().get(pk=message.pk)
    if locked.recipient_id != actor.pk:
        raise ExchangeError(_("You can only report a message you received."))
    if locked.report_status:
        return locked
    locked.report_status = AlumniReportStatus.OPEN
    locked.report_reason = " ".join((reason or "").split())[:500]
    locked.reported_at = timezone.now()
    locked.save(update_fields=["report_status", "report_reason", "reported_at"])
    activity_log_record(actor=actor, obj=locked, action_type=Activity.ALUMNI_MESSAGE_REPORTED)
    return locked


def _review(*, message: AlumniMessage, actor: User, status: str) -> AlumniMessage:
    locked = AlumniMessage.objects.select_for_update().get(pk=message.pk)
    if not locked.report_status:
        raise ExchangeError(_("This message has not been reported."))
    locked.report_status = status
    locked.report_reviewed_by = actor
    locked.report_reviewed_at = timezone.now()
    locked.save(update_fields=["report_status", "report_reviewed_by", "report_reviewed_at"])
    return locked


@transaction.atomic
def alumni_report_dismiss(*, message: AlumniMessage, actor: User) -> AlumniMessage:
    """Staff close a report without action."""
    locked = _review(message=message, actor=actor, status=AlumniReportStatus.DISMISSED)
    activity_log_record(actor=actor, obj=locked, action_type=Activity.ALUMNI_REPORT_DISMISSED)
    return locked


@transaction.atomic
def alumni_messaging_suspend(
    *, user: User, actor: User, reason: str = "", message: AlumniMessage | None = None
) -> AlumniSuspension:
    """Stop ``user`` sending alumni messages (from the report of ``message``, if given).
    Suspending twice keeps the first suspension."""
    suspension, created = AlumniSuspension.objects.get_or_create(
        user=user,
        defaults={"suspended_by": actor, "reason": " ".join((reason or "").split())[:500]},
    )
    if message is not None:
        if message.sender_id != user.pk:
            raise ExchangeError(_("This message was sent by someone else."))
        _review(message=message, actor=actor, status=AlumniReportStatus.SUSPENDED)
    if created:
        activity_log_record(
            actor=actor,
            obj=suspension,
            action_type=Activity.ALUMNI_MESSAGING_SUSPENDED,
            data={"message": message.pk if message else None},
        )
    return suspension


@transaction.atomic
def alumni_messaging_restore(*, user: User, actor: User) -> bool:
    """Lift a suspension; returns whether there was one."""
    deleted, _rows = AlumniSuspension.objects.filter(user=user).delete()
    if deleted:
        activity_log_record(actor=actor, obj=user, action_type=Activity.ALUMNI_MESSAGING_RESTORED)
    return bool(deleted)
