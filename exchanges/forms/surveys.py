"""Survey forms: the respondent's questionnaire and the staff editing forms. They validate
input and hand it to ``exchanges.services.surveys``; the answer rules live there, so the page
and the service refuse the same answers with the same messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.enums import SURVEY_QUESTION_RANGE, Country, SurveyKind, SurveyQuestionKind
from exchanges.models import Survey, SurveyQuestion
from exchanges.services.surveys import OPEN_TEXT_MAX_LENGTH, survey_answers_clean

LIKERT_LABELS = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]


class SurveyResponseForm(forms.Form):
    """One field per question the respondent is asked (``q<id>``). Every field accepts any
    text, so what was typed is redisplayed on error; ``clean`` applies the service's rules."""

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.field_name] = self._field(question)

    @staticmethod
    def _field(question: SurveyQuestion) -> forms.Field:
        attrs = {"aria-required": "true"} if question.required else {}
        if question.kind == SurveyQuestionKind.LIKERT:
            widget = forms.RadioSelect(choices=LIKERT_LABELS)
        elif question.kind == SurveyQuestionKind.NPS:
            low, high = SURVEY_QUESTION_RANGE[question.kind]
            widget = forms.RadioSelect(choices=[(n, str(n)) for n in range(low, high + 1)])
        elif question.kind == SurveyQuestionKind.THERMOMETER:
            low, high = SURVEY_QUESTION_RANGE[question.kind]
            widget = forms.NumberInput(
                attrs={
                    **attrs,
                    "min": low,
                    "max": high,
                    "step": 1,
                    "inputmode": "numeric",
                    "class": "form-control thermometer-input",
                }
            )
        else:
            widget = forms.Textarea(
                attrs={
                    **attrs,
                    "rows": 4,
                    "class": "form-control",
                    "maxlength": OPEN_TEXT_MAX_LENGTH,
                }
            )
        return forms.CharField(label=question.text, required=False, widget=widget, strip=False)

    def raw_answers(self) -> dict[int, str]:
        return {q.pk: self.data.get(self.add_prefix(q.field_name), "") for q in self.questions}

    def clean(self):
        cleaned = super().clean()
        _values, errors = survey_answers_clean(questions=self.questions, data=self.raw_answers())
        by_id = {q.pk: q for q in self.questions}
        for question_id, messages in errors.items():
            for message in messages:
                self.add_error(by_id[question_id].field_name, message)
        return cleaned

    def add_errors(self, errors: dict[int, list[str]]) -> None:
        by_id = {q.pk: q for q in self.questions}
        for question_id, messages in errors.items():
            if question_id in by_id:
                for message in messages:
                    self.add_error(by_id[question_id].field_name, message)

    def rows(self) -> list[dict]:
        return [
            {"question": q, "field": self[q.field_name], "kind": q.kind} for q in self.questions
        ]


class SurveyCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of survey"), choices=SurveyKind.choices)

    def __init__(self, *args, existing_kinds: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in SurveyKind.choices if value not in existing_kinds
        ]


class SurveySettingsForm(forms.ModelForm):
    """Titles, introductions and the schedule (in the staff member's time zone)."""

    class Meta:
        model = Survey
        fields = [
            "title_en",
            "title_ja",
            "title_ko",
            "intro_en",
            "intro_ja",
            "intro_ko",
            "opens_at",
            "closes_at",
            "anonymous",
        ]
        widgets = {
            **{f"intro_{lang}": forms.Textarea(attrs={"rows": 3}) for lang in ("en", "ja", "ko")},
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "opens_at": _("In your time zone. Invitations are emailed from this time."),
            "closes_at": _("In your time zone. Reminders go out 3 days and 1 day before."),
        }

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The survey must close after it opens."))
        return cleaned


class SurveyQuestionForm(forms.ModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["kind", "text_en", "text_ja", "text_ko", "country", "required", "code"]
        widgets = {f"text_{lang}": forms.Textarea(attrs={"rows": 2}) for lang in ("en", "ja", "ko")}
        help_texts = {
            "code": _(
                "Optional. A short name that stays the same across surveys (for example "
                "“trust-people”), so answers can be compared before and after."
            ),
        }

    def __init__(self, *args, countries: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Country.choices)
        self.fields["country"].choices = [
            ("", "—"),
            *[(code, labels.get(code, code)) for code in countries],
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == SurveyQuestionKind.THERMOMETER and not cleaned.get("country"):
            self.add_error("country", _("A feeling thermometer needs the country it asks about."))
        return cleaned

    def validate_unique(self):
        # The service reports a duplicate code; the form has no survey to check it against.
        pass


class SurveyConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I am sure"),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )
