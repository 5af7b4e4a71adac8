"""Applicant-facing forms. They parse and render; validation of answers lives in the services."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from exchanges.enums import Country, LanguageLevel, QuestionKind, Sector
from exchanges.validators import UPLOAD_ACCEPT, upload_help_text, validate_birth_date

OTHER_COUNTRY = "ZZ"
COUNTRY_CHOICES = [("", "---------"), *Country.choices, (OTHER_COUNTRY, _("Another country"))]
LANGUAGE_FIELDS = {"en": "english_level", "ja": "japanese_level", "ko": "korean_level"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EligibilityForm(forms.Form):
    """The facts the eligibility rules need; the pre-check page and step 1 both use it."""

    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DateInput, validators=[validate_birth_date]
    )
    citizenship = forms.ChoiceField(label=_("Citizenship"), choices=COUNTRY_CHOICES)
    residence_country = forms.ChoiceField(label=_("Country of residence"), choices=COUNTRY_CHOICES)
    english_level = forms.ChoiceField(label=_("English"), choices=LanguageLevel.choices)
    japanese_level = forms.ChoiceField(label=_("Japanese"), choices=LanguageLevel.choices)
    korean_level = forms.ChoiceField(label=_("Korean"), choices=LanguageLevel.choices)

    def languages(self) -> dict[str, str]:
        return {code: self.cleaned_data[field] for code, field in LANGUAGE_FIELDS.items()}

    @classmethod
    def initial_from(cls, application) -> dict:
        initial = {
            name: getattr(application, name)
            for name in ("birth_date", "citizenship", "residence_country", "sector", "institution")
        }
        for code, field in LANGUAGE_FIELDS.items():
            initial[field] = (application.languages or {}).get(code, LanguageLevel.NONE)
        return initial


class ProfileStepForm(EligibilityForm):
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "---------"), *Sector.choices])
    institution = forms.CharField(label=_("Institution or employer"), max_length=200)

    def profile_data(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in ("birth_date", "citizenship", "residence_country", "sector", "institution")
        }
        data["languages"] = self.languages()
        return data


def _autosave_attrs(autosave_url: str, kind: str) -> dict:
    trigger = (
        "keyup changed delay:1s"
        if kind in {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER}
        else "change"
    )
    return {
        "hx-post": autosave_url,
        "hx-trigger": trigger,
        "hx-include": "closest form",
        "hx-target": "#autosave-status",
        "hx-swap": "innerHTML",
    }


class QuestionStepForm(forms.Form):
    """A form of one step's questions. Every field is optional here: whether an answer is
    required depends on show-if conditions, which ``application_save_answers`` decides."""

    def __init__(
        self,
        *args,
        questions,
        answers: dict,
        autosave_url: str = "",
        documents: dict | None = None,
        language: str | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.documents = documents or {}
        language = (language or get_language() or "en").split("-")[0]
        for question in questions:
            self.fields[question.field_name] = self._field(
                question, language, answers.get(question.pk)
            )
            field = self.fields[question.field_name]
            if autosave_url and question.kind != QuestionKind.FILE:
                field.widget.attrs.update(_autosave_attrs(autosave_url, question.kind))
            if question.required:
                field.widget.attrs["aria-required"] = "true"
            field.question = question

    def _field(self, question, language: str, value):
        label = getattr(question, f"label_{language}", "") or question.label_en
        help_text = getattr(question, f"help_{language}", "") or question.help_en
        if question.required:
            label = _("%(label)s (required)") % {"label": label}
        common = {"label": label, "help_text": help_text, "required": False}
        kind = question.kind
        if kind == QuestionKind.SHORT_TEXT:
            return forms.CharField(max_length=500, initial=value, **common)
        if kind == QuestionKind.LONG_TEXT:
            if question.max_words:
                common["help_text"] = " ".join(
                    filter(
                        None,
                        [
                            help_text,
                            str(
                                _("Up to %(max)s words (in Japanese, characters).")
                                % {"max": question.max_words}
                            ),
                        ],
                    )
                )
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 6}), initial=value, **common
            )
        if kind in {QuestionKind.SINGLE_CHOICE, QuestionKind.LIKERT}:
            return forms.ChoiceField(
                choices=question.option_choices(language),
                widget=forms.RadioSelect,
                initial=value,
                **common,
            )
        if kind == QuestionKind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                choices=question.option_choices(language),
                widget=forms.CheckboxSelectMultiple,
                initial=value or [],
                **common,
            )
        if kind == QuestionKind.DATE:
            return forms.CharField(
                widget=forms.DateInput(attrs={"type": "date"}), initial=value, **common
            )
        if kind == QuestionKind.NUMBER:
            return forms.CharField(
                widget=forms.TextInput(attrs={"inputmode": "decimal"}), initial=value, **common
            )
        if kind == QuestionKind.CONSENT:
            return forms.BooleanField(initial=bool(value), **common)
        if kind == QuestionKind.FILE:
            common["help_text"] = " ".join(
                filter(None, [help_text, upload_help_text(max_mb=settings.MAX_UPLOAD_MB)])
            )
            document = self.documents.get(question.pk)
            if document is not None:
                common["help_text"] += " " + str(
                    _("Uploaded: %(name)s.") % {"name": document.original_name}
                )
            # An empty file is refused by the upload service, with the file's name.
            return forms.FileField(
                widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
                allow_empty_file=True,
                **common,
            )
        raise ValueError(kind)

    def raw_answers(self) -> dict[int, object]:
        """The submitted raw values, keyed by question id, of the non-file questions."""
        result = {}
        for question in self.questions:
            name = self.add_prefix(question.field_name)
            if question.kind == QuestionKind.FILE:
                continue
            if question.kind == QuestionKind.MULTIPLE_CHOICE:
                result[question.pk] = self.data.getlist(name)
            elif question.kind == QuestionKind.CONSENT:
                result[question.pk] = name in self.data
            else:
                result[question.pk] = self.data.get(name, "")
        return result


class RefereeForm(forms.Form):
    name = forms.CharField(label=_("Referee's name"), max_length=200)
    email = forms.EmailField(label=_("Referee's email address"))
    language = forms.ChoiceField(
        label=_("Language of the email to the referee"), choices=settings.LANGUAGES
    )


class GuardianForm(forms.Form):
    guardian_name = forms.CharField(label=_("Parent or guardian's name"), max_length=200)
    guardian_email = forms.EmailField(label=_("Parent or guardian's email address"))


class GuardianConsentForm(forms.Form):
    signed_name = forms.CharField(label=_("Your full name, as a signature"), max_length=200)
    agree = forms.BooleanField(
        label=_("I am the parent or legal guardian and I consent to this application.")
    )


class LetterUploadForm(forms.Form):
    letter = forms.FileField(
        label=_("Recommendation letter"),
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same accepted types as every other upload (exchanges.validators.UPLOAD_TYPES).
        self.fields["letter"].help_text = upload_help_text(max_mb=settings.MAX_UPLOAD_MB)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw my application. I understand this cannot be undone."),
        error_messages={
            "required": _("Tick the box to confirm that you withdraw your application.")
        },
    )
