"""Pre-departure: each participant's checklist and each cohort's itinerary.

The checklist collects only what the program needs to travel safely: passport expiry (never its
number), visa status, travel insurance, an emergency contact, dietary and medical needs and
optional arrival details. Dietary and medical details are encrypted at rest and read by the
participant and by staff holding ``view_dietary_list`` only (``exchanges.rules``); other
staff see which sections are complete.

A section counts as complete from what was saved through ``predeparture_section_save``, which
validates against the cohort's dates; ``completed_at`` is kept by the same service so staff
lists can filter on it in the database.
"""

import datetime as dt
import zoneinfo

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from accounts.crypto import EncryptedTextField
from exchanges.enums import (
    PREDEPARTURE_REQUIRED_SECTIONS,
    VISA_SETTLED,
    PredepartureSection,
    VisaStatus,
)
from exchanges.models.applications import Application
from exchanges.models.programs import Cohort, _localised
from exchanges.scopes import RELATED_SCOPES


class PredepartureChecklist(models.Model):
    """One confirmed participant's pre-departure checklist (one per application)."""

    # One-to-one: the unique index is what lets ``get_or_create`` stay single under concurrency.
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="predeparture_checklist",
    )
    # Passport: the expiry date only. The number is not needed and never stored.
    passport_valid_until = models.DateField(_("passport valid until"), null=True, blank=True)
    passport_validity_confirmed = models.BooleanField(
        _("passport valid six months after the program"), default=False
    )
    passport_updated_at = models.DateTimeField(_("passport last changed"), null=True, blank=True)
    visa_status = models.CharField(
        _("visa status"), max_length=20, choices=VisaStatus.choices, blank=True
    )
    visa_granted_on = models.DateField(_("visa granted on"), null=True, blank=True)
    visa_updated_at = models.DateTimeField(_("visa last changed"), null=True, blank=True)
    insurance_confirmed = models.BooleanField(_("travel insurance confirmed"), default=False)
    insurance_provider = models.CharField(_("insurance company"), max_length=200, blank=True)
    insurance_valid_from = models.DateField(_("insurance valid from"), null=True, blank=True)
    insurance_valid_until = models.DateField(_("insurance valid until"), null=True, blank=True)
    insurance_updated_at = models.DateTimeField(_("insurance last changed"), null=True, blank=True)
    emergency_name = models.CharField(_("emergency contact name"), max_length=200, blank=True)
    emergency_relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    # E.164, for example +821012345678.
    emergency_phone = models.CharField(_("emergency contact phone"), max_length=20, blank=True)
    emergency_updated_at = models.DateTimeField(
        _("emergency contact last changed"), null=True, blank=True
    )
    # ``DietaryNeed`` values; an empty list once saved means no dietary needs.
    dietary_needs = models.JSONField(_("dietary needs"), default=list, blank=True)
    # Health details: encrypted at rest (``accounts.crypto``), so only emptiness can be queried.
    dietary_notes = EncryptedTextField(_("dietary details"), blank=True)
    dietary_updated_at = models.DateTimeField(
        _("dietary needs last changed"), null=True, blank=True
    )
    medical_notes = EncryptedTextField(_("medical or accessibility needs"), blank=True)
    medical_updated_at = models.DateTimeField(
        _("medical needs last changed"), null=True, blank=True
    )
    # Local date and time at the destination, as on the ticket.
    arrival_on = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_time = models.TimeField(_("arrival time"), null=True, blank=True)
    arrival_transport = models.CharField(_("flight or train"), max_length=100, blank=True)
    arrival_updated_at = models.DateTimeField(
        _("arrival details last changed"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("complete since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    # Health and travel details: scoped as the application is (exchanges.scopes).
    objects = ScopedManager(**RELATED_SCOPES)

    class Meta:
        verbose_name = _("pre-departure checklist")
        verbose_name_plural = _("pre-departure checklists")
        # Granted per person (or group) in the admin: caterers' and venues' lists hold health
        # details, so seeing the cohort is not enough.
        permissions = [
            ("view_dietary_list", _("Can see the dietary and accessibility lists")),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}"

    def get_absolute_url(self) -> str:
        return reverse("apply:predeparture", kwargs={"pk": self.application_id})

    def section_is_complete(self, section: str) -> bool:
        """Whether ``section`` is done. Optional sections count once saved."""
        match section:
            case PredepartureSection.PASSPORT:
                return bool(self.passport_valid_until and self.passport_validity_confirmed)
            case PredepartureSection.VISA:
                return self.visa_status in VISA_SETTLED
            case PredepartureSection.INSURANCE:
                return bool(
                    self.insurance_confirmed
                    and self.insurance_provider
                    and self.insurance_valid_from
                    and self.insurance_valid_until
                )
            case PredepartureSection.EMERGENCY_CONTACT:
                return bool(
                    self.emergency_name and self.emergency_relationship and self.emergency_phone
                )
            case PredepartureSection.DIETARY:
                return self.dietary_updated_at is not None
            case PredepartureSection.MEDICAL:
                return self.medical_updated_at is not None
            case PredepartureSection.ARRIVAL:
                return self.arrival_on is not None
        raise ValueError(section)

    def section_updated_at(self, section: str) -> dt.datetime | None:
        prefix = "emergency" if section == PredepartureSection.EMERGENCY_CONTACT else section
        return getattr(self, f"{prefix}_updated_at")

    @property
    def missing_sections(self) -> list[str]:
        """The required sections still to do, in checklist order."""
        return [s for s in PREDEPARTURE_REQUIRED_SECTIONS if not self.section_is_complete(s)]

    @property
    def is_complete(self) -> bool:
        return not self.missing_sections


class ItineraryItem(models.Model):
    """One entry of a cohort's program schedule. Times are wall-clock times in the cohort's
    time zone, where the program takes place; pages convert them for each reader."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="itinerary_items"
    )
    day = models.DateField(_("day"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    place_ja = models.CharField(_("place (Japanese)"), max_length=200, blank=True)
    place_ko = models.CharField(_("place (Korean)"), max_length=200, blank=True)
    notes = models.TextField(_("notes (English)"), blank=True)
    notes_ja = models.TextField(_("notes (Japanese)"), blank=True)
    notes_ko = models.TextField(_("notes (Korean)"), blank=True)
    map_url = models.URLField(_("map link"), max_length=500, blank=True)
    # The iCalendar SEQUENCE: raised on every change so calendar clients replace their copy.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("itinerary item")
        verbose_name_plural = _("itinerary items")
        ordering = ["cohort", "day", "start_time", "id"]
        indexes = [
            models.Index(fields=["cohort", "day", "start_time"], name="itinerary_cohort_day")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="itinerary_ends_after_start",
                violation_error_message=_("The end time must be after the start time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.start_time:%H:%M} {self.title_en}"

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def place(self) -> str:
        return _localised(self, "place")

    @property
    def localised_notes(self) -> str:
        """The notes in the active language, falling back to the English ``notes``."""
        language = (get_language() or "en").split("-")[0]
        return getattr(self, f"notes_{language}", "") or self.notes

    def starts_at(self, time_zone: str) -> dt.datetime:
        """The start as an aware datetime; ``time_zone`` is the cohort's."""
        return dt.datetime.combine(self.day, self.start_time, tzinfo=zoneinfo.ZoneInfo(time_zone))

    def ends_at(self, time_zone: str) -> dt.datetime | None:
        if self.end_time is None:
            return None
        return dt.datetime.combine(self.day, self.end_time, tzinfo=zoneinfo.ZoneInfo(time_zone))
