"""Pre-departure: participants' checklists, cohort itineraries and the reminder workflow.

A checklist is created the first time its participant saves a section (``get_or_create`` on the
one-to-one application, so two concurrent first saves still make one row). Each section is
saved on its own, validated against the cohort's dates with the validators the forms use.
The activity log records which section changed, never what was entered: medical and dietary
details must not leak into logs that partner webhooks and audits read.

Scheduled workflow ``predeparture-reminder``: to every confirmed participant (``CONFIRMED`` or
``PARTICIPANT``) whose checklist is incomplete, 30, 14, 7 and 3 days before departure, at 09:00
in the participant's time zone. Departure is the start of the cohort's first day in the cohort's
time zone. Only the latest window whose time has come is sent (a missed 30-day reminder is
never sent after the 14-day one), none for a window that passed before the person was
confirmed (``status_changed_at``), none once the checklist is complete and none after departure.
Idempotency key: ``predeparture-reminder:<application id>:<window>``.
"""

import datetime as dt
import logging
import zoneinfo
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from config.site import absolute_url
from exchanges.activity_types import Activity
from exchanges.enums import (
    APPLICATION_PREDEPARTURE,
    PREDEPARTURE_REQUIRED_SECTIONS,
    DietaryNeed,
    MailTemplateKey,
    PredepartureSection,
    VisaStatus,
)
from exchanges.exceptions import ExchangeError
from exchanges.models import (
    Application,
    Cohort,
    ItineraryItem,
    OutgoingMail,
    PredepartureChecklist,
)
from exchanges.services.activity import activity_log_record
from exchanges.services.mail import mail_language
from exchanges.services.reminders import (
    reminder_due_at,
    reminder_queue,
    reminder_workflow,
    reminders_queue_due,
)
from exchanges.validators import (
    normalise_international_phone,
    validate_arrival_section,
    validate_dietary_section,
    validate_emergency_contact_section,
    validate_insurance_section,
    validate_itinerary_item,
    validate_passport_section,
    validate_visa_section,
)

logger = logging.getLogger(__name__)

S = PredepartureSection
# The model fields each section writes.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    S.PASSPORT: ("passport_valid_until", "passport_validity_confirmed"),
    S.VISA: ("visa_status", "visa_granted_on"),
    S.INSURANCE: (
        "insurance_confirmed",
        "insurance_provider",
        "insurance_valid_from",
        "insurance_valid_until",
    ),
    S.EMERGENCY_CONTACT: ("emergency_name", "emergency_relationship", "emergency_phone"),
    S.DIETARY: ("dietary_needs", "dietary_notes"),
    S.MEDICAL: ("medical_notes",),
    S.ARRIVAL: ("arrival_on", "arrival_time", "arrival_transport"),
}
# The details whose every view by staff is recorded in the activity log (field names only).
SENSITIVE_CHECKLIST_FIELDS: tuple[str, ...] = (
    *SECTION_FIELDS[S.PASSPORT],
    *SECTION_FIELDS[S.EMERGENCY_CONTACT],
    *SECTION_FIELDS[S.DIETARY],
    *SECTION_FIELDS[S.MEDICAL],
)
_STAMP_PREFIX = {S.EMERGENCY_CONTACT: "emergency"}
ITINERARY_FIELDS = (
    "day",
    "start_time",
    "end_time",
    "title_en",
    "title_ja",
    "title_ko",
    "place_en",
    "place_ja",
    "place_ko",
    "notes",
    "notes_ja",
    "notes_ko",
    "map_url",
)


def cohort_departure(cohort: Cohort) -> dt.datetime:
    """Departure: the start of the program's first day in the cohort's time zone."""
    return dt.datetime.combine(cohort.starts_on, dt.time(0), tzinfo=cohort.zone)


def _local_today(time_zone: str) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone or "UTC")).date()


def predeparture_is_open(application: Application) -> bool:
    """Whether the participant may still change the checklist: confirmed, and the program
    has not ended (arrival details and contacts stay useful while it runs)."""
    cohort = application.cohort
    return (
        application.status in APPLICATION_PREDEPARTURE
        and _local_today(cohort.time_zone) <= cohort.ends_on
    )


def predeparture_missing_sections(checklist: PredepartureChecklist | None) -> list[str]:
    """The required sections still to do; all of them before the first save."""
    if checklist is None:
        return list(PREDEPARTURE_REQUIRED_SECTIONS)
    return checklist.missing_sections


def predeparture_sections_text(sections: list[str]) -> str:
    """Section names as a list in the active language (``、`` in Japanese)."""
    labels = dict(PredepartureSection.choices)
    separator = pgettext("list separator", ", ")
    return separator.join(str(labels[section]) for section in sections)


def _clean_values(section: str, values: dict, *, application: Application) -> dict:
    """Validate ``values`` of ``section`` (raises ``ValidationError`` keyed by field) and
    return them as stored."""
    cohort = application.cohort
    values = {field: values.get(field) for field in SECTION_FIELDS[section]}
    match section:
        case S.PASSPORT:
            validate_passport_section(values, ends_on=cohort.ends_on)
        case S.VISA:
            validate_visa_section(values, today=_local_today(application.applicant.time_zone))
            if values["visa_status"] != VisaStatus.GRANTED:
                values["visa_granted_on"] = None
        case S.INSURANCE:
            validate_insurance_section(values, starts_on=cohort.starts_on, ends_on=cohort.ends_on)
            values["insurance_provider"] = values["insurance_provider"].strip()
        case S.EMERGENCY_CONTACT:
            validate_emergency_contact_section(values)
            values["emergency_phone"] = normalise_international_phone(values["emergency_phone"])
            values["emergency_name"] = values["emergency_name"].strip()
            values["emergency_relationship"] = values["emergency_relationship"].strip()
        case S.DIETARY:
            validate_dietary_section(values)
            chosen = set(values["dietary_needs"] or ())
            values["dietary_needs"] = [need for need in DietaryNeed.values if need in chosen]
            values["dietary_notes"] = (values["dietary_notes"] or "").strip()
        case S.MEDICAL:
            values["medical_notes"] = (values["medical_notes"] or "").strip()
        case S.ARRIVAL:
            validate_arrival_section(values, starts_on=cohort.starts_on, ends_on=cohort.ends_on)
            values["arrival_transport"] = (values["arrival_transport"] or "").strip()
    for field in ("passport_validity_confirmed", "insurance_confirmed"):
        if field in values:
            values[field] = bool(values[field])
    return values


@transaction.atomic
def predeparture_section_save(
    *, application: Application, section: str, values: dict, actor
) -> PredepartureChecklist:
    """Validate and save one section of ``application``'s checklist, creating the checklist
    on the first save. Raises ``ValidationError`` (keyed by field) for invalid values and
    ``ExchangeError`` when the checklist is closed. Keeps ``completed_at`` up to date."""
    if section not in SECTION_FIELDS:
        raise ValueError(section)
    if not predeparture_is_open(application):
        raise ExchangeError(
            _("This checklist can no longer be changed."), code="predeparture_closed"
        )
    cleaned = _clean_values(section, values, application=application)
    PredepartureChecklist.objects.get_or_create(application=application)
    checklist = PredepartureChecklist.objects.select_for_update().get(application=application)
    now = timezone.now()
    for field, value in cleaned.items():
        setattr(checklist, field, value)
    stamp = f"{_STAMP_PREFIX.get(section, section)}_updated_at"
    setattr(checklist, stamp, now)
    checklist.updated_at = now
    if checklist.is_complete and checklist.completed_at is None:
        checklist.completed_at = now
    elif not checklist.is_complete:
        checklist.completed_at = None
    checklist.save(update_fields=[*cleaned, stamp, "updated_at", "completed_at"])
    # Which section, never its content.
    activity_log_record(
        actor=actor,
        obj=checklist,
        action_type=Activity.PREDEPARTURE_SECTION_SAVED,
        data={
            "section": section,
            "section_complete": checklist.section_is_complete(section),
            "checklist_complete": checklist.is_complete,
        },
    )
    return checklist


# --- Itinerary -------------------------------------------------------------------------------


@transaction.atomic
def itinerary_item_save(
    *, cohort: Cohort, actor, item: ItineraryItem | None = None, **fields
) -> ItineraryItem:
    """Create an itinerary item of ``cohort`` (``item`` None) or change one; fields as in
    ``ITINERARY_FIELDS``, times in the cohort's time zone."""
    unexpected = set(fields) - set(ITINERARY_FIELDS)
    if unexpected:
        raise TypeError(f"unexpected itinerary fields: {sorted(unexpected)}")
    if item is not None and item.cohort_id != cohort.pk:
        raise ExchangeError(_("This item belongs to another cohort."))
    created = item is None
    if created:
        item = ItineraryItem(cohort=cohort)
    for key, value in fields.items():
        setattr(item, key, value.strip() if isinstance(value, str) else value)
    validate_itinerary_item(
        {f: getattr(item, f) for f in ITINERARY_FIELDS},
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
    )
    item.updated_at = timezone.now()
    if not created:
        # Calendar clients keep their copy of an event unless SEQUENCE goes up.
        item.sequence += 1
    item.full_clean()
    item.save()
    activity_log_record(
        actor=actor,
        obj=item,
        action_type=Activity.ITINERARY_ITEM_CREATED if created else Activity.ITINERARY_ITEM_CHANGED,
        data={"cohort": cohort.pk, "fields": sorted(fields)},
    )
    return item


@transaction.atomic
def itinerary_item_delete(*, item: ItineraryItem, actor) -> None:
    activity_log_record(
        actor=actor,
        obj=item.cohort,
        action_type=Activity.ITINERARY_ITEM_DELETED,
        data={"item": item.pk, "day": item.day.isoformat(), "title": item.title_en},
    )
    item.delete()


# --- Reminders -------------------------------------------------------------------------------

PREDEPARTURE_WORKFLOW = "predeparture-reminder"
# (window, days before departure), earliest first; a later window replaces an earlier one.
PREDEPARTURE_WINDOWS = (("30d", 30), ("14d", 14), ("7d", 7), ("3d", 3))
# The 30-day reminder is due at most 30 days + 15 hours (+ a day between zones) before the
# first day; candidates are loaded from the cohorts starting within this many days.
_HORIZON_DAYS = max(days for _window, days in PREDEPARTURE_WINDOWS) + 2


def predeparture_reminder_window(*, application: Application, now: dt.datetime) -> str | None:
    """The window due for ``application`` at ``now``, or None: the latest one whose time has
    come before departure, unless the person was confirmed after that time."""
    departure = cohort_departure(application.cohort)
    due_window = None
    for window, days in PREDEPARTURE_WINDOWS:
        due = reminder_due_at(
            deadline=departure, days_before=days, time_zone=application.applicant.time_zone
        )
        if due <= now < departure:
            due_window = window if application.status_changed_at < due else None
    return due_window


def predeparture_reminder_context(
    *, application: Application, missing: list[str], language: str, now: dt.datetime
) -> dict:
    """Plain values for the reminder templates (``TEMPLATE_CONTEXT``)."""
    cohort = application.cohort
    cohort_today = now.astimezone(cohort.zone).date()
    with translation.override(language):
        return {
            "program_name": cohort.program.name,
            "cohort_name": cohort.name,
            "starts_on": formats.date_format(cohort.starts_on, "DATE_FORMAT"),
            "days_to_departure": max(0, (cohort.starts_on - cohort_today).days),
            "checklist_url": absolute_url(
                reverse("apply:predeparture", kwargs={"pk": application.pk})
            ),
            "missing_items": predeparture_sections_text(missing),
        }


def _reminder_candidates(now: dt.datetime) -> list[Application]:
    today = now.date()
    return list(
        Application.objects.filter(
            status__in=APPLICATION_PREDEPARTURE,
            applicant__is_active=True,
            cohort__starts_on__gte=today - dt.timedelta(days=1),
            cohort__starts_on__lte=today + dt.timedelta(days=_HORIZON_DAYS),
        )
        .filter(
            Q(predeparture_checklist__isnull=True)
            | Q(predeparture_checklist__completed_at__isnull=True)
        )
        .select_related("applicant", "cohort__program", "predeparture_checklist")
        .order_by("id")
    )


def _checklist_of(application: Application) -> PredepartureChecklist | None:
    try:
        return application.predeparture_checklist
    except PredepartureChecklist.DoesNotExist:
        return None


@reminder_workflow(PREDEPARTURE_WORKFLOW)
def predeparture_reminders(now: dt.datetime) -> int:
    """Remind confirmed participants whose pre-departure checklist is incomplete."""
    due = []
    for application in _reminder_candidates(now):
        missing = predeparture_missing_sections(_checklist_of(application))
        window = predeparture_reminder_window(application=application, now=now)
        if window is not None and missing:
            due.append(
                (
                    application,
                    window,
                    partial(
                        predeparture_reminder_queue,
                        application=application,
                        window=window,
                        missing=missing,
                        now=now,
                    ),
                )
            )
    return reminders_queue_due(workflow=PREDEPARTURE_WORKFLOW, due=due)


def predeparture_reminder_queue(
    *, application: Application, window: str, missing: list, now: dt.datetime
) -> OutgoingMail | None:
    language = mail_language(recipient=application.applicant)
    return reminder_queue(
        workflow=PREDEPARTURE_WORKFLOW,
        window=window,
        obj=application,
        recipient=application.applicant,
        template_key=MailTemplateKey.PREDEPARTURE_REMINDER,
        context=predeparture_reminder_context(
            application=application, missing=missing, language=language, now=now
        ),
        cohort=application.cohort,
    )
