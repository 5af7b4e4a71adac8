"""Host placement and alumni mentors: hosts of a cohort, placement runs and their results.

A ``PlacementRun`` is one run of either solver (``kind`` hosts or mentors), kept with its
parameters; its ``assignments`` hold one row per participant: the host or mentor, or the
reason nobody could take them. One run of each kind per cohort can be published.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from exchanges.enums import (
    HostGenderRule,
    HostKind,
    PlacementKind,
    PlacementRunStatus,
    UnplacedReason,
)
from exchanges.matching.compat import language_name
from exchanges.models.applications import Application
from exchanges.models.programs import Cohort

HOST_MAX_CAPACITY = 50


class Host(models.Model):
    """A host family or institution that takes participants of one cohort."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="hosts"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=HostKind.choices, default=HostKind.FAMILY
    )
    city = models.CharField(_("city (English)"), max_length=100)
    city_ja = models.CharField(_("city (Japanese)"), max_length=100, blank=True)
    city_ko = models.CharField(_("city (Korean)"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(HOST_MAX_CAPACITY)],
    )
    has_pets = models.BooleanField(_("has pets"), default=False)
    accommodates_dietary_needs = models.BooleanField(
        _("can accommodate allergies and dietary needs"), default=True
    )
    gender_rule = models.CharField(
        _("who may stay"), max_length=20, choices=HostGenderRule.choices, default=HostGenderRule.ANY
    )
    # Language codes spoken in the household; empty means no language requirement.
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    # The host's ranking of participants (application ids, best first); optional.
    preferences = models.JSONField(_("preferred participants"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    class Meta:
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "name"],
                name="host_unique_name",
                violation_error_message=_("This cohort already has a host with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def localised_city(self) -> str:
        """The city in the active language, falling back to the English ``city``."""
        language = (get_language() or "en").split("-")[0]
        return getattr(self, f"city_{language}", "") or self.city

    @property
    def language_names(self) -> list[str]:
        return [language_name(code) for code in self.languages or ()]


class PlacementRun(models.Model):
    """One host placement or mentor pairing of a cohort, with the parameters it used."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="placement_runs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PlacementKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PlacementRunStatus.choices,
        default=PlacementRunStatus.FINISHED,
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    participant_count = models.PositiveIntegerField(_("participants"), default=0)
    placed_count = models.PositiveIntegerField(_("placed"), default=0)
    objective = models.FloatField(_("total compatibility"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement run")
        verbose_name_plural = _("placement runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "kind"],
                condition=Q(status=PlacementRunStatus.PUBLISHED),
                name="placement_run_one_published_per_kind",
                violation_error_message=_(
                    "This cohort already has a published placement of this kind."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.cohort_id}"

    def get_absolute_url(self) -> str:
        name = "host_placement" if self.kind == PlacementKind.HOSTS else "mentor_pairing"
        return reverse(f"staff:{name}", kwargs={"cohort_id": self.cohort_id, "pk": self.pk})

    @property
    def unplaced_count(self) -> int:
        return self.participant_count - self.placed_count


class PlacementAssignment(models.Model):
    """A participant's outcome in a run: a host (or mentor), or why there is none."""

    run = models.ForeignKey(
        PlacementRun,
        verbose_name=_("placement run"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="placement_assignments",
    )
    host = models.ForeignKey(
        Host,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    mentor = models.ForeignKey(
        Application,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentee_assignments",
    )
    score = models.FloatField(_("compatibility"), null=True, blank=True)
    unplaced_reason = models.CharField(
        _("reason not placed"), max_length=20, choices=UnplacedReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["run", "application__country", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"],
                name="placement_once_per_run",
                violation_error_message=_("This application is already placed in this run."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.application_id}"
