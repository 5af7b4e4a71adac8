"""Forms of the application-form builder: steps and questions with their options."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.enums import DateRange, QuestionKind
from exchanges.models import FormStep, Question


class FormStepForm(forms.ModelForm):
    class Meta:
        model = FormStep
        fields = ["title_en", "title_ja", "title_ko", "intro_en", "intro_ja", "intro_ko"]
        widgets = {
            f"intro_{lang}": forms.Textarea(attrs={"rows": 2}) for lang in ("en", "ja", "ko")
        }


OPTIONS_HELP = _(
    "One option per line: value | English | Japanese | Korean, for example “yes | Yes | はい | 예”."
)


class QuestionForm(forms.ModelForm):
    options_text = forms.CharField(
        label=_("Options"),
        required=False,
        help_text=OPTIONS_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    show_if_values_text = forms.CharField(
        label=_("Show only if the answer is one of"),
        required=False,
        help_text=_("Option values separated by commas; “true” for a ticked consent box."),
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "label_en",
            "label_ja",
            "label_ko",
            "help_en",
            "help_ja",
            "help_ko",
            "required",
            "max_words",
            "min_value",
            "max_value",
            "date_range",
            "document_kind",
            "show_if_question",
        ]
        widgets = {f"help_{lang}": forms.Textarea(attrs={"rows": 2}) for lang in ("en", "ja", "ko")}

    def __init__(self, *args, step: FormStep, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["date_range"].required = False
        earlier = Question.objects.filter(step__form_id=step.form_id).select_related("step")
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
        earlier = [
            q
            for q in earlier.order_by("step__position", "position", "id")
            if (q.step.position, q.position, q.pk) < self._own_position()
        ]
        self.fields["show_if_question"].queryset = Question.objects.filter(
            pk__in=[q.pk for q in earlier]
        )
        self.fields["show_if_question"].label_from_instance = lambda q: q.label
        if self.instance.pk:
            self.fields["options_text"].initial = "\n".join(
                " | ".join(
                    [str(o.get("value", "")), o.get("en", ""), o.get("ja", ""), o.get("ko", "")]
                )
                for o in self.instance.options
            )
            self.fields["show_if_values_text"].initial = ", ".join(
                str(v) for v in self.instance.show_if_values
            )

    def clean_date_range(self) -> str:
        # Only date questions use it; other kinds may leave it out and keep the widest range.
        return self.cleaned_data.get("date_range") or DateRange.ANY

    def _own_position(self) -> tuple:
        if self.instance.pk:
            return (self.step.position, self.instance.position, self.instance.pk)
        return (self.step.position, 10**6, 10**12)

    def clean_options_text(self) -> list[dict]:
        options, seen = [], set()
        for number, line in enumerate(self.cleaned_data["options_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(number)s needs at least a value and an English label.")
                    % {"number": number}
                )
            if parts[0] in seen:
                raise forms.ValidationError(
                    _("The value “%(value)s” appears twice.") % {"value": parts[0]}
                )
            seen.add(parts[0])
            parts += [""] * (4 - len(parts))
            options.append({"value": parts[0], "en": parts[1], "ja": parts[2], "ko": parts[3]})
        return options

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        options = cleaned.get("options_text") or []
        if (
            kind in {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.LIKERT}
            and len(options) < 2
        ):
            self.add_error("options_text", _("Give at least two options."))
        values = [
            v.strip() for v in (cleaned.get("show_if_values_text") or "").split(",") if v.strip()
        ]
        if cleaned.get("show_if_question") and not values:
            self.add_error("show_if_values_text", _("Give the answers that show this question."))
        cleaned["show_if_values"] = values
        return cleaned

    def save(self, commit=True):
        self.instance.options = self.cleaned_data["options_text"]
        self.instance.show_if_values = self.cleaned_data["show_if_values"]
        self.instance.step = self.step
        return super().save(commit=commit)
