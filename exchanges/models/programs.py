"""Programs and their cohorts."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from exchanges.enums import (
    CohortStatus,
    Country,
    EligibilityBasis,
    ProgramKind,
    ProgramPhase,
    WaitlistPolicy,
)
from exchanges.validators import (
    MAX_AGE_LIMIT,
    MAX_OFFER_RESPONSE_DAYS,
    MAX_SEATS,
    MIN_AGE_LIMIT,
    validate_country_codes,
    validate_language_requirements,
    validate_sector_targets,
    validate_sectors,
    validate_time_zone,
)

_AGE_VALIDATORS = [MinValueValidator(MIN_AGE_LIMIT), MaxValueValidator(MAX_AGE_LIMIT)]
_SEATS_VALIDATORS = [MaxValueValidator(MAX_SEATS)]


def _localised(obj, field: str) -> str:
    """The value of ``field_<lang>`` for the active language, falling back to English."""
    language = (get_language() or "en").split("-")[0]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_en", "")


class Program(models.Model):
    """A standing exchange program, such as a next-generation leaders exchange."""

    slug = models.SlugField(_("short name"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProgramKind.choices)
    # Country codes; a program is not limited to three countries.
    countries = models.JSONField(
        _("participating countries"),
        default=list,
        validators=[validate_country_codes],
        help_text=_('Country codes, for example ["US", "JP", "KR"].'),
    )
    sectors = models.JSONField(
        _("sectors or tracks"), default=list, blank=True, validators=[validate_sectors]
    )
    partners = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="partner_programs",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretariat staff"),
        blank=True,
        related_name="staffed_programs",
    )
    # Retention (exchanges.services.privacy): applications are anonymised this many days after
    # their cohort ends; empty keeps them.
    retention_days = models.PositiveIntegerField(
        _("keep personal data for (days after the cohort ends)"),
        null=True,
        blank=True,
        help_text=_("Empty keeps applications until someone asks for their erasure."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def description(self) -> str:
        return _localised(self, "description")

    def country_labels(self) -> list[str]:
        labels = dict(Country.choices)
        return [str(labels.get(code, code)) for code in self.countries]


class Cohort(models.Model):
    """One intake of a program, with its application window, dates and quotas.

    The deadline is stored as an instant; ``time_zone`` is the zone it is announced in, so
    it can be shown both officially and in each applicant's own zone.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="cohorts"
    )
    slug = models.SlugField(_("short name"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CohortStatus.choices,
        default=CohortStatus.DRAFT,
        db_index=True,
    )
    opens_at = models.DateTimeField(_("applications open"))
    deadline = models.DateTimeField(_("application deadline"))
    time_zone = models.CharField(
        _("announced time zone"),
        max_length=64,
        default="Asia/Seoul",
        validators=[validate_time_zone],
    )
    starts_on = models.DateField(_("program starts"))
    ends_on = models.DateField(_("program ends"))
    host_country = models.CharField(_("host country"), max_length=2, choices=Country.choices)
    sector_targets = models.JSONField(
        _("sector targets"),
        default=dict,
        blank=True,
        validators=[validate_sector_targets],
        help_text=_('Seats per sector, for example {"media": 2}.'),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=_AGE_VALIDATORS
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=_AGE_VALIDATORS
    )
    age_reference_date = models.DateField(
        _("age reference date"),
        null=True,
        blank=True,
        help_text=_("Ages are computed on this date; the program's first day if empty."),
    )
    offer_response_days = models.PositiveSmallIntegerField(
        _("days to accept an offer"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OFFER_RESPONSE_DAYS)],
    )
    waitlist_policy = models.CharField(
        _("waiting list policy"),
        max_length=20,
        choices=WaitlistPolicy.choices,
        default=WaitlistPolicy.AUTOMATIC,
    )
    eligible_countries = models.JSONField(
        _("eligible countries"),
        default=list,
        blank=True,
        validators=[validate_country_codes],
        help_text=_("Country codes; the program's participating countries if empty."),
    )
    eligibility_basis = models.CharField(
        _("eligibility by"),
        max_length=20,
        choices=EligibilityBasis.choices,
        default=EligibilityBasis.EITHER,
    )
    language_requirements = models.JSONField(
        _("language requirements"),
        default=dict,
        blank=True,
        validators=[validate_language_requirements],
        help_text=_('Minimum level per language, for example {"en": "professional"}.'),
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "slug"],
                name="cohort_unique_slug",
                violation_error_message=_(
                    "This program already has a cohort with this short name."
                ),
            ),
            # Case-insensitive, so "Cohort X" and "cohort x" cannot both be listed.
            models.UniqueConstraint(
                "program",
                Lower("name_en"),
                name="cohort_unique_name",
                violation_error_message=_(
                    "This program already has a cohort with this English name."
                ),
                violation_error_code="cohort_name_taken",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at")),
                name="cohort_deadline_after_opening",
                violation_error_message=_(
                    "The application deadline must be after applications open."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
                violation_error_message=_("The program must not end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="cohort_status_deadline")]

    def __str__(self) -> str:
        return f"{self.program.name_en} – {self.name_en}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = ValidationError(
                _("The maximum age must not be below the minimum age (%(min)s)."),
                code="age_range_reversed",
                params={"min": self.min_age},
            )
        program_countries = self.program.countries if self.program_id else None
        if isinstance(program_countries, list) and isinstance(self.eligible_countries, list):
            outside = [
                c
                for c in self.eligible_countries
                if c in Country.values and c not in program_countries
            ]
            if outside:
                errors["eligible_countries"] = ValidationError(
                    _("Not a participating country of the program: %(codes)s."),
                    code="eligible_country_outside_program",
                    params={"codes": ", ".join(outside)},
                )
        if (
            isinstance(program_countries, list)
            and self.host_country in Country.values
            and self.host_country not in program_countries
        ):
            errors["host_country"] = ValidationError(
                _("The host country must be a participating country of the program."),
                code="host_country_outside_program",
            )
        if self.deadline is not None and self.starts_on is not None:
            last_day = timezone.localtime(self.deadline).date()
            if last_day >= self.starts_on:
                errors["deadline"] = ValidationError(
                    _("The application deadline must be before the program starts (%(start)s)."),
                    code="deadline_after_start",
                    params={"start": formats.date_format(self.starts_on)},
                )
        if errors:
            raise ValidationError(errors)

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def full_name(self) -> str:
        """``Program – cohort`` in the active language (``__str__`` stays English, for the
        admin and logs); load the program with the cohort (``select_related("program")``)."""
        return f"{self.program.name} – {self.name}"

    @property
    def reference_date(self):
        """The date ages are computed on."""
        return self.age_reference_date or self.starts_on

    @property
    def allowed_countries(self) -> list[str]:
        return list(self.eligible_countries or self.program.countries)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The cohort's announced time zone: its deadlines and program days are in it."""
        return zoneinfo.ZoneInfo(self.time_zone or "UTC")

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.status == CohortStatus.OPEN and self.opens_at <= now < self.deadline

    @property
    def program_starts_at(self) -> dt.datetime:
        """The start of the first program day: midnight in the cohort's zone."""
        return dt.datetime.combine(self.starts_on, dt.time(0), tzinfo=self.zone)

    def program_phase(self, now: dt.datetime | None = None) -> str:
        """``ProgramPhase`` by the program's dates as a day in the cohort's zone."""
        today = timezone.localtime(now or timezone.now(), self.zone).date()
        if today < self.starts_on:
            return ProgramPhase.UPCOMING
        if today <= self.ends_on:
            return ProgramPhase.UNDER_WAY
        return ProgramPhase.ENDED


class CohortQuota(models.Model):
    """Seats for one country in a cohort. A row per country so it can be locked on decisions."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="quotas"
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    seats = models.PositiveIntegerField(_("seats"), validators=_SEATS_VALIDATORS)
    waitlist_size = models.PositiveIntegerField(
        _("waitlist size"), default=0, validators=_SEATS_VALIDATORS
    )

    class Meta:
        verbose_name = _("country quota")
        verbose_name_plural = _("country quotas")
        ordering = ["cohort", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "country"],
                name="quota_unique_country",
                violation_error_message=_("This cohort already has a quota for this country."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.country}={self.seats}"
