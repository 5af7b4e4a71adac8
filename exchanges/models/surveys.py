"""Surveys of a cohort: questions, invitations by private link, responses and answers.

Storage is shaped for the analytics that read it later: one ``SurveyAnswer`` row per question
answered, with a numeric value (Likert, thermometer, NPS) or a text, so distributions and means
are plain aggregate queries; every response keeps the respondent's ``application`` (pre- and
post-program answers of one person pair on it) and ``country`` (broken down by delegation);
every question of the standard questionnaire carries a stable ``code`` (``trust-people``,
``thermometer-JP``...) shared by the surveys of every kind, so the same item pairs across
surveys even when staff reword it; a custom item gets ``item-<id>`` unless staff give one.

Pairing across waves (pre, post, 6 and 12 months) uses ``SurveyResponse.respondent``, a
pseudonymous key that is the same for one person in every survey of the cohort: an HMAC of the
application id for answers given here, of the source tool's respondent id for imported ones.
An ``anonymous`` survey keeps no invitation or application on its responses, only that key,
so answers still pair without leading back to the person.

A survey's status is derived, never stored (see ``Survey.status_at``): a draft until
``published_at`` is set, then scheduled, open or closed by ``opens_at`` and ``closes_at``.
Closing a survey early moves ``closes_at`` to now.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import (
    SURVEY_FOLLOWUP_MONTHS,
    Country,
    Language,
    SurveyKind,
    SurveyQuestionKind,
    SurveyStatus,
)
from exchanges.models.applications import Application
from exchanges.models.programs import Cohort, _localised


class Survey(models.Model):
    """One questionnaire of a cohort; a cohort has at most one survey of each kind."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="surveys"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_ja = models.TextField(_("introduction (Japanese)"), blank=True)
    intro_ko = models.TextField(_("introduction (Korean)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Answers keep no link to the person, only a pseudonymous key that pairs their "
            "answers across surveys."
        ),
    )
    # None while a draft: invitations go out only for published surveys.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["opens_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "kind"],
                name="survey_one_per_kind",
                violation_error_message=_("This cohort already has a survey of this kind."),
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
                violation_error_message=_("The survey must close after it opens."),
            ),
        ]
        indexes = [models.Index(fields=["published_at", "closes_at"], name="survey_published")]

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.kind}"

    def get_absolute_url(self) -> str:
        return reverse("staff:survey", kwargs={"cohort_id": self.cohort_id, "pk": self.pk})

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def intro(self) -> str:
        return _localised(self, "intro")

    @property
    def months_after(self) -> int | None:
        return SURVEY_FOLLOWUP_MONTHS.get(self.kind)

    def status_at(self, now) -> str:
        if self.published_at is None:
            return SurveyStatus.DRAFT
        if now < self.opens_at:
            return SurveyStatus.SCHEDULED
        if now < self.closes_at:
            return SurveyStatus.OPEN
        return SurveyStatus.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return str(SurveyStatus(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN

    def takes_answers_at(self, now) -> bool:
        """Open, and for a pre-program survey the program has not started yet: answers
        given during the program are no baseline for the pre/post comparison, so from the
        first program day the survey is no longer offered, whatever its closing time."""
        if self.status_at(now) != SurveyStatus.OPEN:
            return False
        return self.kind != SurveyKind.PRE_PROGRAM or now < self.cohort.program_starts_at


class SurveyQuestion(models.Model):
    """A question; a thermometer names the country it asks about in ``country``."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyQuestionKind.choices)
    # Stable across surveys and rewording, so analytics pair the same item pre and post.
    code = models.SlugField(_("code"), max_length=50, blank=True)
    text_en = models.TextField(_("question (English)"))
    text_ja = models.TextField(_("question (Japanese)"), blank=True)
    text_ko = models.TextField(_("question (Korean)"), blank=True)
    country = models.CharField(
        _("toward country"),
        max_length=2,
        choices=Country.choices,
        blank=True,
        help_text=_("For feeling thermometers: the country the question asks about."),
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code"],
                condition=~models.Q(code=""),
                name="survey_question_unique_code",
                violation_error_message=_("This survey already has a question with this code."),
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"{self.survey_id}:{self.pk}"

    @property
    def text(self) -> str:
        return _localised(self, "text")

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    def is_asked_of(self, country: str) -> bool:
        """A thermometer is not asked about the respondent's own country."""
        return not (
            self.kind == SurveyQuestionKind.THERMOMETER and self.country and self.country == country
        )


class SurveyInvitation(models.Model):
    """One person's invitation to a survey. Its private link is a signed id (see
    ``exchanges.services.surveys.survey_invitation_token``): the same link in the invitation
    and every reminder, and nothing secret to store or leak. The link stops working at
    ``link_expires_at`` (``SURVEY_LINK_DAYS`` after the last email that carried it) or when
    the survey closes, whichever comes first."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    # The delegation the person belongs to, kept as it was when invited.
    country = models.CharField(_("country"), max_length=2, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the invitation email was queued; None until then (or while the address opted out).
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Set with each email that carries the link; None until the first (older rows: counted
    # from ``invited_at``, see ``survey_link_expires_at``).
    link_expires_at = models.DateTimeField(_("private link expires"), null=True, blank=True)
    # Answers saved with "finish later", keyed by question id; emptied on submission.
    draft = models.JSONField(_("saved answers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "application"],
                name="survey_invitation_once",
                violation_error_message=_(
                    "This application has already been invited to this survey."
                ),
            ),
        ]
        indexes = [models.Index(fields=["survey", "country"], name="survey_invitation_country")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.application_id}"


class SurveyResponse(models.Model):
    """A submitted questionnaire: at most one per invitation and one per respondent key.

    ``invitation`` and ``application`` are empty for anonymous surveys and imported answers."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="response",
        null=True,
        blank=True,
    )
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
        null=True,
        blank=True,
    )
    respondent = models.CharField(_("respondent key"), max_length=40)
    imported = models.BooleanField(_("imported"), default=False)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                name="survey_response_once_per_respondent",
                violation_error_message=_("This person has already answered this survey."),
            ),
        ]
        indexes = [models.Index(fields=["survey", "country"], name="survey_response_country")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.respondent}"


class SurveyAnswer(models.Model):
    """One answered question: ``value`` for scales, ``text`` for open questions."""

    response = models.ForeignKey(
        SurveyResponse,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        SurveyQuestion,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    value = models.SmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                name="survey_answer_once",
                violation_error_message=_("This response already has an answer to this question."),
            ),
        ]
        indexes = [models.Index(fields=["question", "value"], name="survey_answer_value")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"
