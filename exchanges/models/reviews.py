"""Review: a cohort's rubric and review settings, its reviewer pool, assignments and reviews.

An application gets ``reviews_per_application`` reviewers (``ReviewAssignment`` rows, one per
reviewer and application). A reviewer scores every ``ReviewCriterion`` of the cohort's rubric
(``ReviewScore`` rows under one ``Review``), or declares a conflict of interest, which frees
the assignment so another reviewer can take it. Raw scores are kept per criterion so that
per-reviewer normalisation can be computed later without asking anyone again.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import ReviewAssignmentStatus, ReviewRecommendation
from exchanges.models.applications import Application
from exchanges.models.programs import Cohort, _localised
from exchanges.models.questions import Question

CRITERION_MAX_SCORE = 100
CRITERION_MAX_WEIGHT = Decimal("100")
REVIEWS_PER_APPLICATION_MAX = 10


class ReviewCriterion(models.Model):
    """One line of a round's rubric, scored from 0 to ``max_score`` and weighted.

    Each review round has its own rubric. ``round`` empty means round 1's rubric (round 1
    may not exist yet when staff write it, like assignments without a round); a later round
    starts with a copy of the previous round's rubric, which staff then change freely until
    the round's first review is submitted.
    """

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="review_criteria"
    )
    round = models.ForeignKey(
        "ReviewRound",
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="criteria",
        help_text=_("Empty: round 1."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(CRITERION_MAX_WEIGHT)],
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest score"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(CRITERION_MAX_SCORE)],
    )

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["cohort", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
                violation_error_message=_("The weight must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=1),
                name="criterion_max_score_positive",
                violation_error_message=_("The maximum score must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def description(self) -> str:
        return _localised(self, "description")


class CohortReviewSettings(models.Model):
    """How a cohort is reviewed: reviewers per application, exclusions, blind mode, due date.

    ``identifying_questions`` are form questions whose answers blind mode hides as well as
    the applicant's name, email, institution and date of birth.
    """

    cohort = models.OneToOneField(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="review_settings"
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(REVIEWS_PER_APPLICATION_MAX)],
    )
    avoid_same_country = models.BooleanField(
        _("never a reviewer from the applicant's country"), default=False
    )
    blind = models.BooleanField(_("blind review"), default=False)
    due_at = models.DateTimeField(_("reviews due"), null=True, blank=True)
    identifying_questions = models.ManyToManyField(
        Question, verbose_name=_("identifying questions"), blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")

    def __str__(self) -> str:
        return f"review settings {self.cohort_id}"


class ReviewerPoolMember(models.Model):
    """A reviewer who may be assigned applications of a cohort.

    A removed member keeps the row (``is_active`` false), so its history and the reminder
    keys that name it stay valid; adding them again reactivates it.
    """

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="reviewer_pool"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="review_pools",
    )
    is_active = models.BooleanField(_("active"), default=True)
    max_assignments = models.PositiveSmallIntegerField(
        _("most applications"),
        null=True,
        blank=True,
        help_text=_("Automatic assignment gives this reviewer no more; empty for no limit."),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reviewer pool member")
        verbose_name_plural = _("reviewer pool")
        ordering = ["cohort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "reviewer"],
                name="pool_unique_reviewer",
                violation_error_message=_(
                    "This reviewer is already in the cohort's reviewer pool."
                ),
            ),
        ]
        indexes = [models.Index(fields=["cohort", "is_active"], name="pool_cohort_active")]

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.reviewer_id}"


class ReviewRound(models.Model):
    """One review round of a cohort: its own reviewers per application, due date and pool.

    Rounds are numbered from 1. Round 1 reviews every submitted application; a later round
    reviews only the applications staff advanced to it (``ReviewRoundEntry`` rows, chosen
    from the previous round's ranking). ``own_country_only`` makes it a screening round:
    each reviewer reviews, and sees, only applicants of their own country. An empty
    ``reviewers`` set means the cohort's whole reviewer pool. Reviewers see only the
    assignments of their cohort's current (highest-numbered) round.
    """

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="review_rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(REVIEWS_PER_APPLICATION_MAX)],
    )
    due_at = models.DateTimeField(_("reviews due"), null=True, blank=True)
    own_country_only = models.BooleanField(
        _("reviewers review only their own country's applicants"), default=False
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewers of this round"),
        blank=True,
        related_name="+",
        help_text=_("Empty: the cohort's whole reviewer pool."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "number"],
                name="review_round_unique_number",
                violation_error_message=_(
                    "This cohort already has a review round with this number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.number}"

    @property
    def label(self) -> str:
        return self.name or _("Round %(number)s") % {"number": self.number}


class ReviewRoundEntry(models.Model):
    """An application staff advanced to a round after round 1."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="entries"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_round_entries",
    )
    advanced_at = models.DateTimeField(_("advanced"), default=timezone.now)
    advanced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advanced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("application in a round")
        verbose_name_plural = _("applications in a round")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "application"],
                name="review_round_entry_unique",
                violation_error_message=_("This application is already in this review round."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.application_id}"


class ReviewAssignment(models.Model):
    """One reviewer asked to review one application (never twice: a unique constraint).

    ``cohort`` repeats the application's cohort so that queues, progress tables and reminders
    filter and count on one indexed table. ``batch`` names the assignment run that created it:
    the reviewer gets one email per batch. ``round`` is the review round it belongs to;
    empty only for rows written outside the services before the cohort had rounds, which
    count as round 1. A reviewer reviews an application at most once, across all rounds.
    """

    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    round = models.ForeignKey(
        ReviewRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReviewAssignmentStatus.choices,
        default=ReviewAssignmentStatus.ASSIGNED,
    )
    batch = models.CharField(_("assignment batch"), max_length=32, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("review submitted"), null=True, blank=True)
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)
    conflict_declared_at = models.DateTimeField(_("conflict declared"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="assignment_unique_reviewer",
                violation_error_message=_("This reviewer is already assigned to this application."),
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"], name="assignment_reviewer_status"),
            models.Index(
                fields=["cohort", "reviewer", "status"], name="assignment_cohort_reviewer"
            ),
            models.Index(fields=["application", "status"], name="assignment_application"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.reviewer_id}"

    def get_absolute_url(self) -> str:
        return reverse("review:assignment", kwargs={"pk": self.pk})

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewAssignmentStatus.ASSIGNED


class Review(models.Model):
    """The review written for an assignment; ``weighted_score`` is 0–100.

    ``weighted_score`` = 100 × Σ(weight × score / highest score) / Σ weight, so criteria with
    different scales weigh only by their weight.
    """

    assignment = models.OneToOneField(
        ReviewAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="review",
    )
    weighted_score = models.DecimalField(_("weighted score"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=30, blank=True, choices=ReviewRecommendation.choices
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weighted_score__gte=0, weighted_score__lte=100),
                name="review_weighted_score_range",
                violation_error_message=_("The weighted score must be from 0 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.assignment_id}"


class ReviewScore(models.Model):
    """The raw score a review gave one criterion (kept raw for later normalisation)."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        ReviewCriterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"],
                name="score_one_per_criterion",
                violation_error_message=_("This review already has a score for this criterion."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}:{self.criterion_id}={self.score}"


class ReviewerConflict(models.Model):
    """An institution or organisation a reviewer must never review applicants from.

    Compared with the application's institution ignoring case and whitespace, like the
    reviewer's own organisation.
    """

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="review_conflicts",
    )
    institution = models.CharField(_("institution or organisation"), max_length=200)
    normalised = models.CharField(max_length=200, editable=False)
    created_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        verbose_name = _("reviewer conflict")
        verbose_name_plural = _("reviewer conflicts")
        ordering = ["reviewer", "institution", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "normalised"],
                name="reviewer_conflict_unique",
                violation_error_message=_(
                    "This conflict of interest is already recorded for this reviewer."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id}:{self.institution}"
