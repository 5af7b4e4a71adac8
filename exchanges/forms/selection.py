"""Forms of the selection pages: ranking settings, filters, moves and bulk decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.enums import Country, Sector, SelectionDecision, SelectionMoveDirection
from exchanges.models import SelectionSettings

# What a bulk decision applies to: the ticked applications, or a whole proposed section.
SECTION_CHOICES = (
    ("", _("The applications ticked below")),
    ("selected", _("Everyone proposed for selection")),
    ("waitlist", _("Everyone proposed for the waiting list")),
    ("rest", _("Everyone not proposed")),
)


class SelectionSettingsForm(forms.ModelForm):
    class Meta:
        model = SelectionSettings
        fields = ["rank_by", "disagreement_threshold"]


class RankingFilterForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("All countries")), *Country.choices]
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )


class SelectionExportForm(forms.Form):
    """Which round an export of the rankings or the proposal covers: one of the cohort's
    rounds, or empty for the last one. A round the cohort does not have (from a hand-made
    link) is a form error naming it, not a missing page."""

    round = forms.TypedChoiceField(
        label=_("Round to export"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _(
                "This cohort has no round “%(value)s”. Choose one of its rounds, or none for "
                "the last round."
            )
        },
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.rounds = {r.number: r for r in rounds}
        self.fields["round"].choices = [
            ("", _("The last round")),
            *((r.number, f"{r.number}. {r.label}") for r in rounds),
        ]

    def chosen_round(self):
        """The round chosen (valid form only), or None: the cohort's last round."""
        number = self.cleaned_data.get("round")
        return self.rounds.get(number) if number is not None else None


class SelectionMoveForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("", _("Back to where the ranking puts it")), *SelectionMoveDirection.choices],
        required=False,
    )


class SelectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=SelectionDecision.choices)
    country = forms.ChoiceField(choices=Country.choices, widget=forms.HiddenInput, required=False)
    # "pipeline": the applications of the pipeline's filtered list (its filter fields posted
    # along), instead of the proposal's.
    source = forms.ChoiceField(
        choices=[("", ""), ("pipeline", "pipeline")], widget=forms.HiddenInput, required=False
    )
    section = forms.ChoiceField(label=_("Apply to"), choices=SECTION_CHOICES, required=False)
    applications = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.MultipleHiddenInput
    )
    # The ids the preview showed, hashed: deciding is refused if the proposal changed since.
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, application_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in application_ids]

    def clean(self):
        data = super().clean()
        if data.get("source"):
            return data
        if not data.get("country"):
            raise forms.ValidationError(_("Choose a country."))
        if not data.get("section") and not data.get("applications"):
            raise forms.ValidationError(
                _("Tick the applications to decide on, or choose a whole section.")
            )
        return data
