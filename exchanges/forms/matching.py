"""Forms of the matching pages: they validate input and hand it to the matching services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from exchanges.enums import Country, Gender, Interest, MatchingConstraintKind
from exchanges.validators import (
    MATCHING_MAX_PER_COUNTRY,
    MATCHING_MAX_TIME_LIMIT,
    MATCHING_MAX_WEIGHT,
    validate_matching_parameters,
)


def _weight(label, initial) -> forms.FloatField:
    return forms.FloatField(label=label, initial=initial, min_value=0,
                            max_value=MATCHING_MAX_WEIGHT,
                            widget=forms.NumberInput(attrs={"step": "0.5"}))


class MatchingStartForm(forms.Form):
    per_country = forms.IntegerField(
        label=_("Members per country in each group"), initial=1, min_value=1,
        max_value=MATCHING_MAX_PER_COUNTRY,
        help_text=_("1 forms triads (one member from each country)."))
    time_limit = forms.IntegerField(
        label=_("Time limit in seconds"), initial=20, min_value=1,
        max_value=MATCHING_MAX_TIME_LIMIT)
    weight_interests = _weight(_("Weight: each shared interest"), 2.0)
    weight_language = _weight(_("Weight: a common language"), 3.0)
    weight_sector = _weight(_("Weight: different sectors"), 1.0)
    weight_age = _weight(_("Weight: closeness in age"), 1.0)
    weight_gender = _weight(_("Weight: gender mix"), 0.5)

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "per_country": data["per_country"], "time_limit": data["time_limit"],
            "weights": {name: data[f"weight_{name}"] for name in
                        ("interests", "language", "sector", "age", "gender")},
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                validate_matching_parameters(self.parameters())
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return cleaned


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        country = Country(obj.country).label if obj.country in Country.values else obj.country
        return f"{obj.applicant.display_name} ({country})"


class SwapForm(forms.Form):
    first = _PersonChoiceField(label=_("First person"), queryset=None)
    second = _PersonChoiceField(label=_("Second person, from the same country"), queryset=None)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].queryset = members
        self.fields["second"].queryset = members

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first and second:
            if first.pk == second.pk:
                raise ValidationError(_("Choose two different people."))
            if first.country != second.country:
                raise ValidationError(_("Only two members from the same country can be swapped."))
        return cleaned


class ConstraintForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), choices=MatchingConstraintKind.choices)
    first = _PersonChoiceField(label=_("First participant"), queryset=None)
    second = _PersonChoiceField(label=_("Second participant"), queryset=None)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].queryset = participants
        self.fields["second"].queryset = participants

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first") and cleaned.get("first") == cleaned.get("second"):
            raise ValidationError(_("Choose two different participants."))
        return cleaned


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the groups. Publish them and email every participant."),
        required=True)


class MatchingProfileForm(forms.Form):
    interests = forms.MultipleChoiceField(
        label=_("Your interests"), choices=Interest.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose up to five. People who share interests are more likely to be "
                    "in one group."))
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", _("Prefer not to say")), *Gender.choices], required=False,
        help_text=_("Used only to mix groups."))

    def clean_interests(self):
        interests = self.cleaned_data["interests"]
        if len(interests) > 5:
            raise ValidationError(_("Choose at most %(max)s interests."), params={"max": 5})
        return interests
