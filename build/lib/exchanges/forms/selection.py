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
