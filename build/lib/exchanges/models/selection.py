"""Selection: how a cohort ranks its reviewed applications, and staff changes to the proposal.

The scores, rankings and the proposal itself are computed on demand from the reviews
(``exchanges.selectors.selection``); only the choices staff make are stored here.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import SelectionMoveDirection, SelectionRankBy
from exchanges.models.applications import Application
from exchanges.models.programs import Cohort


class SelectionSettings(models.Model):
    """The score a cohort ranks by and when reviewers disagree (weighted scores are 0–100)."""

    cohort = models.OneToOneField(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="selection_settings",
    )
    rank_by = models.CharField(
        _("rank by"),
        max_length=20,
        choices=SelectionRankBy.choices,
        default=SelectionRankBy.NORMALISED,
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement above"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Flag an application when its reviewers' scores differ by more than this."),
    )
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    class Meta:
        verbose_name = _("selection settings")
        verbose_name_plural = _("selection settings")

    def __str__(self) -> str:
        return f"selection settings {self.cohort_id}"


class SelectionMove(models.Model):
    """Staff moved an application into or out of the cohort's selection proposal."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="selection_moves"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="selection_move",
    )
    direction = models.CharField(
        _("direction"), max_length=3, choices=SelectionMoveDirection.choices
    )
    moved_at = models.DateTimeField(_("moved"), default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("selection move")
        verbose_name_plural = _("selection moves")
        ordering = ["cohort", "moved_at", "id"]
        indexes = [models.Index(fields=["cohort", "direction"], name="selection_move_cohort")]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.direction}"
