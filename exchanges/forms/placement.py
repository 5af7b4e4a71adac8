"""Forms of the host and mentor pages: they validate input and hand it to the services."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from exchanges.enums import HostGenderRule, HostKind, Language
from exchanges.models.placement import HOST_MAX_CAPACITY
from exchanges.services.placement import MENTOR_MAX_CAPACITY

MAX_HOST_PREFERENCES = 50


class HostForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("For a family, for example “Tanaka family”.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=HostKind.choices)
    city = forms.CharField(label=_("City (English)"), max_length=100)
    city_ja = forms.CharField(label=_("City (Japanese)"), max_length=100, required=False)
    city_ko = forms.CharField(label=_("City (Korean)"), max_length=100, required=False)
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=HOST_MAX_CAPACITY,
        initial=1,
        help_text=_("How many participants it can take."),
    )
    has_pets = forms.BooleanField(
        label=_("Has pets"),
        required=False,
        help_text=_("Participants allergic to pets are never placed here."),
    )
    accommodates_dietary_needs = forms.BooleanField(
        label=_("Can accommodate allergies and dietary needs"),
        required=False,
        initial=True,
        help_text=_(
            "Participants with allergies or dietary needs are only placed with hosts that can."
        ),
    )
    gender_rule = forms.ChoiceField(label=_("Who may stay"), choices=HostGenderRule.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "If you choose any, participants must speak one of them at conversation "
            "level or better."
        ),
    )
    preferences = forms.CharField(
        label=_("Preferred participants (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Application numbers, best first, separated by commas or spaces. "
            "Participants not listed come after the listed ones."
        ),
    )

    def clean_preferences(self) -> list[int]:
        raw = self.cleaned_data["preferences"].strip()
        if not raw:
            return []
        parts = [p for p in re.split(r"[\s,;]+", raw) if p]
        if any(not p.lstrip("#").isdigit() for p in parts):
            raise ValidationError(_("Enter application numbers only, for example “12, 7, 31”."))
        numbers = [int(p.lstrip("#")) for p in parts]
        if len(numbers) != len(set(numbers)):
            raise ValidationError(_("Each application number may appear only once."))
        if len(numbers) > MAX_HOST_PREFERENCES:
            raise ValidationError(
                _("List at most %(max)s participants."), params={"max": MAX_HOST_PREFERENCES}
            )
        return numbers

    @staticmethod
    def initial_for(host) -> dict:
        return {
            name: getattr(host, name)
            for name in (
                "name",
                "kind",
                "city",
                "city_ja",
                "city_ko",
                "capacity",
                "has_pets",
                "accommodates_dietary_needs",
                "gender_rule",
                "languages",
            )
        } | {"preferences": ", ".join(str(p) for p in host.preferences)}


class MentorStartForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Participants per mentor"), min_value=1, max_value=MENTOR_MAX_CAPACITY, initial=3
    )


class PlacementPublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the result. Publish it and email every placed participant."),
        required=True,
    )
