"""Application forms: a cohort's form, its ordered steps and their questions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from exchanges.enums import DateRange, DocumentKind, QuestionKind
from exchanges.models.programs import Cohort, _localised
from exchanges.validators import validate_not_partner_sharing_consent


class ApplicationForm(models.Model):
    """The web form applicants of one cohort fill in."""

    cohort = models.OneToOneField(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="form"
    )
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_ja = models.TextField(_("introduction (Japanese)"), blank=True)
    intro_ko = models.TextField(_("introduction (Korean)"), blank=True)

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")

    def __str__(self) -> str:
        return str(self.cohort)

    @property
    def intro(self) -> str:
        return _localised(self, "intro")


class FormStep(models.Model):
    form = models.ForeignKey(
        ApplicationForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_ja = models.TextField(_("introduction (Japanese)"), blank=True)
    intro_ko = models.TextField(_("introduction (Korean)"), blank=True)

    class Meta:
        verbose_name = _("form step")
        verbose_name_plural = _("form steps")
        ordering = ["form", "position", "id"]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def intro(self) -> str:
        return _localised(self, "intro")


class Question(models.Model):
    """One question of a step.

    ``options`` is a list of ``{"value": ..., "en": ..., "ja": ..., "ko": ...}`` for choice
    and Likert questions. ``show_if_question``/``show_if_values`` make the question appear
    only when an earlier question's answer is (or, for multiple choice, contains) one of the
    values; a hidden question is neither required nor stored.
    """

    step = models.ForeignKey(
        FormStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    label_en = models.CharField(_("label (English)"), max_length=300)
    label_ja = models.CharField(_("label (Japanese)"), max_length=300, blank=True)
    label_ko = models.CharField(_("label (Korean)"), max_length=300, blank=True)
    help_en = models.TextField(_("help text (English)"), blank=True)
    help_ja = models.TextField(_("help text (Japanese)"), blank=True)
    help_ko = models.TextField(_("help text (Korean)"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    max_words = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    date_range = models.CharField(
        _("accepted dates"),
        max_length=20,
        choices=DateRange.choices,
        default=DateRange.ANY,
        help_text=_("For date questions: which dates an answer may give."),
    )
    document_kind = models.CharField(
        _("document kind"), max_length=20, choices=DocumentKind.choices, blank=True
    )
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("show only if question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependants",
    )
    show_if_values = models.JSONField(_("has one of the values"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["step__position", "step_id", "position", "id"]

    def __str__(self) -> str:
        return self.label_en

    def clean(self) -> None:
        validate_not_partner_sharing_consent(kind=self.kind, labels=self.labels)

    @property
    def labels(self) -> list[str]:
        return [self.label_en, self.label_ja, self.label_ko]

    @property
    def label(self) -> str:
        return _localised(self, "label")

    @property
    def help_text(self) -> str:
        return _localised(self, "help")

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    def option_choices(self, language: str) -> list[tuple[str, str]]:
        return [
            (str(opt["value"]), opt.get(language) or opt.get("en") or str(opt["value"]))
            for opt in self.options
        ]
