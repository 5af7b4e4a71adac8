"""Forms of the matching pages: they validate input and hand it to the matching services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from exchanges.enums import (
    Gender,
    Interest,
    MatchingConstraintKind,
    MatchingLeftoverRule,
)
from exchanges.validators import (
    MATCHING_MAX_PER_COUNTRY,
    MATCHING_MAX_TIME_LIMIT,
    MATCHING_MAX_WEIGHT,
    validate_matching_parameters,
)


def _weight(label, initial) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        initial=initial,
        min_value=0,
        max_value=MATCHING_MAX_WEIGHT,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )


class MatchingStartForm(forms.Form):
    per_country = forms.IntegerField(
        label=_("Members per country in each group"),
        initial=1,
        min_value=1,
        max_value=MATCHING_MAX_PER_COUNTRY,
        help_text=_("1 forms triads (one member from each country)."),
    )
    leftover = forms.ChoiceField(
        label=_("When the countries are uneven"),
        choices=MatchingLeftoverRule.choices,
        initial=MatchingLeftoverRule.EXTEND,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Full groups are formed first. The rule decides where the people left "
            "over from the larger countries go; hard rules are always kept."
        ),
    )
    time_limit = forms.IntegerField(
        label=_("Time limit in seconds"), initial=20, min_value=1, max_value=MATCHING_MAX_TIME_LIMIT
    )
    weight_interests = _weight(_("Weight: each shared interest"), 2.0)
    weight_language = _weight(_("Weight: a common language"), 3.0)
    weight_sector = _weight(_("Weight: different sectors"), 1.0)
    weight_age = _weight(_("Weight: closeness in age"), 1.0)
    weight_gender = _weight(_("Weight: gender mix"), 0.5)

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "per_country": data["per_country"],
            "time_limit": data["time_limit"],
            "leftover": data["leftover"] or MatchingLeftoverRule.EXTEND,
            "weights": {
                name: data[f"weight_{name}"]
                for name in ("interests", "language", "sector", "age", "gender")
            },
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                validate_matching_parameters(self.parameters())
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return cleaned


class SwapForm(forms.Form):
    """Two members of the run named by application number (found with the search on the
    swap page, so no page lists every member)."""

    first = forms.IntegerField(
        label=_("First person (application number)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    second = forms.IntegerField(
        label=_("Second person, from the same country (application number)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self._members = members

    def _person(self, name: str):
        person = self._members.filter(pk=self.cleaned_data[name]).first()
        if person is None:
            raise ValidationError(_("Nobody in these groups has this application number."))
        return person

    def clean_first(self):
        return self._person("first")

    def clean_second(self):
        return self._person("second")

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
    """Two participants named by application number (found with the search next to the
    form, so the page never lists every participant)."""

    kind = forms.ChoiceField(label=_("Rule"), choices=MatchingConstraintKind.choices)
    first = forms.IntegerField(
        label=_("First participant (application number)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    second = forms.IntegerField(
        label=_("Second participant (application number)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self._participants = participants

    def _person(self, name: str):
        person = self._participants.filter(pk=self.cleaned_data[name]).first()
        if person is None:
            raise ValidationError(
                _("No confirmed participant of this cohort has this application number.")
            )
        return person

    def clean_first(self):
        return self._person("first")

    def clean_second(self):
        return self._person("second")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first") and cleaned.get("first") == cleaned.get("second"):
            raise ValidationError(_("Choose two different participants."))
        return cleaned


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the groups. Publish them and email every participant."),
        required=True,
    )


class MatchingProfileForm(forms.Form):
    interests = forms.MultipleChoiceField(
        label=_("Your interests"),
        choices=Interest.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose up to five. People who share interests are more likely to be in one group."
        ),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", _("Prefer not to say")), *Gender.choices],
        required=False,
        help_text=_("Used only to mix groups and for hosts that take only women or only men."),
    )
    pet_allergy = forms.BooleanField(
        label=_("I am allergic to pets"),
        required=False,
        help_text=_("You will only be placed with hosts without pets."),
    )
    dietary_needs = forms.BooleanField(
        label=_("I have other allergies or dietary needs"),
        required=False,
        help_text=_(
            "You will only be placed with hosts who can accommodate them. Please tell "
            "the secretariat the details."
        ),
    )

    HOST_CHOICES = 3

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("No preference"))] + [
            (str(h.pk), f"{h.name} ({h.localised_city}, {h.get_kind_display()})") for h in hosts
        ]
        labels = [
            _("Preferred host: first choice"),
            _("Preferred host: second choice"),
            _("Preferred host: third choice"),
        ]
        if len(choices) > 1:
            for index, label in enumerate(labels[: self.HOST_CHOICES], start=1):
                self.fields[f"host_{index}"] = forms.TypedChoiceField(
                    label=label, choices=choices, required=False, coerce=int, empty_value=None
                )

    def host_preferences(self) -> list[int]:
        return [
            self.cleaned_data[name]
            for name in (f"host_{i}" for i in range(1, self.HOST_CHOICES + 1))
            if self.cleaned_data.get(name)
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = self.host_preferences() if not self.errors else []
        if len(chosen) != len(set(chosen)):
            raise ValidationError(_("Choose each host at most once."))
        return cleaned

    def clean_interests(self):
        interests = self.cleaned_data["interests"]
        if len(interests) > 5:
            raise ValidationError(_("Choose at most %(max)s interests."), params={"max": 5})
        return interests
