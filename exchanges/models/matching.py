"""Matching: participants' matching profiles, staff constraints, runs and their groups.

Only what the solver needs is collected beyond the application itself: interests, an
optional gender, host preferences and the two allergy flags host placement filters on
(country, sector, institution, languages and the birth date are already on the application).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import Gender, MatchingConstraintKind, MatchingRunStatus
from exchanges.models.applications import Application
from exchanges.models.programs import Cohort


class MatchingProfile(models.Model):
    """What a confirmed participant tells the matching beyond their application."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="matching_profile",
    )
    interests = models.JSONField(_("interests"), default=list, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    # Host placement: the participant's ranking of the cohort's hosts (host ids, best first)
    # and the two facts its hard filters need.
    host_preferences = models.JSONField(_("preferred hosts"), default=list, blank=True)
    pet_allergy = models.BooleanField(_("allergic to pets"), default=False)
    dietary_needs = models.BooleanField(_("allergies or dietary needs"), default=False)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    class Meta:
        verbose_name = _("matching profile")
        verbose_name_plural = _("matching profiles")

    def __str__(self) -> str:
        return f"{self.application_id}"


class MatchingConstraint(models.Model):
    """A staff decision that two participants of a cohort must, or must never, share a group."""

    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="matching_constraints",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MatchingConstraintKind.choices)
    first = models.ForeignKey(
        Application,
        verbose_name=_("first participant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    second = models.ForeignKey(
        Application,
        verbose_name=_("second participant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("matching constraint")
        verbose_name_plural = _("matching constraints")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "first", "second"],
                name="matching_constraint_one_per_pair",
                violation_error_message=_(
                    "These two people already have a matching rule in this cohort."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(first=F("second")),
                name="matching_constraint_two_people",
                violation_error_message=_("A matching rule needs two different people."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.first_id}-{self.second_id}"


class MatchingRun(models.Model):
    """One solver run for a cohort, kept with its parameters so runs can be compared."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="matching_runs"
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("re-run of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reruns",
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MatchingRunStatus.choices,
        default=MatchingRunStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    participant_count = models.PositiveIntegerField(_("participants"), default=0)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    upper_bound = models.FloatField(_("upper bound"), null=True, blank=True)
    optimal = models.BooleanField(_("proven optimal"), default=False)
    edited = models.BooleanField(_("edited by staff"), default=False)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # While running: the worker's last sign of life, the best grouping found so far (lists of
    # application ids; ``objective`` and ``upper_bound`` follow it) and a stop request.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    best_groups = models.JSONField(_("best groups so far"), default=list, blank=True)
    stop_requested_at = models.DateTimeField(_("stop requested"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"],
                condition=Q(status=MatchingRunStatus.PUBLISHED),
                name="matching_run_one_published_per_cohort",
                violation_error_message=_("This cohort already has a published grouping."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.cohort_id}"

    def get_absolute_url(self) -> str:
        return reverse("staff:matching_run", kwargs={"cohort_id": self.cohort_id, "pk": self.pk})

    @property
    def gap(self) -> float | None:
        """Relative gap between the bound and the objective, in percent."""
        if self.objective is None or not self.upper_bound:
            return None
        return max(0.0, (self.upper_bound - self.objective) / self.upper_bound * 100)


class MatchGroup(models.Model):
    run = models.ForeignKey(
        MatchingRun, verbose_name=_("matching run"), on_delete=models.CASCADE, related_name="groups"
    )
    number = models.PositiveIntegerField(_("number"))
    score = models.FloatField(_("score"), default=0)
    # {"shared_interests": [...], "common_languages": [...], "sectors": [...]}
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    locked = models.BooleanField(_("locked"), default=False)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "number"],
                name="match_group_number",
                violation_error_message=_("This run already has a group with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.number}"


class MatchGroupMember(models.Model):
    run = models.ForeignKey(
        MatchingRun, verbose_name=_("matching run"), on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        MatchGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="members"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="match_memberships",
    )

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "application__country", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"],
                name="match_member_once_per_run",
                violation_error_message=_("This application is already in a group of this run."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.application_id}"
