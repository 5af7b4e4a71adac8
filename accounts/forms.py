"""Account forms. allauth picks the signup form up through ``ACCOUNT_FORMS``."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exchanges.enums import Country, Language
from exchanges.validators import (
    available_time_zones,
    selectable_time_zones,
    validate_deliverable_email,
    validate_person_name,
    validate_time_zone,
)

NAME_FIELDS = ("given_name", "family_name", "local_name")

# The zones people in the three countries use most come first in the drop-down.
COMMON_TIME_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Asia/Tokyo",
    "Asia/Seoul",
    "UTC",
]


def time_zone_choices(current: str = "") -> list[tuple[str, str]]:
    """The common zones first, then every other ``Area/Location`` zone; ``current`` (a zone
    already stored or reported by the browser under an older alias) is kept as a choice."""
    others = set(selectable_time_zones()) - set(COMMON_TIME_ZONES)
    if current in available_time_zones() and current not in COMMON_TIME_ZONES:
        others.add(current)
    return [(tz, tz) for tz in COMMON_TIME_ZONES] + [(tz, tz) for tz in sorted(others)]


class ProfileFieldsMixin(forms.Form):
    # A name appears in emails and on staff pages: no control, bidirectional or invisible
    # characters (``validate_person_name``), as the API's nominations check too.
    given_name = forms.CharField(
        label=_("Given name"), max_length=150, validators=[validate_person_name]
    )
    family_name = forms.CharField(
        label=_("Family name"), max_length=150, validators=[validate_person_name]
    )
    local_name = forms.CharField(
        label=_("Name in local script (optional)"),
        max_length=150,
        required=False,
        help_text=_("For example 山田太郎 or 김민준."),
        validators=[validate_person_name],
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", "---------"), *Country.choices], required=False
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, validators=[validate_time_zone]
    )

    def clean_given_name(self) -> str:
        return self.cleaned_data["given_name"].strip()

    def clean_family_name(self) -> str:
        return self.cleaned_data["family_name"].strip()


class SignupForm(ProfileFieldsMixin, AllauthSignupForm):
    field_order = [
        "email",
        "password1",
        "password2",
        "given_name",
        "family_name",
        "local_name",
        "preferred_language",
        "country",
        "time_zone",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Mail to the address must be deliverable: no ``name@localhost`` (as nominations).
        self.fields["email"].validators.append(validate_deliverable_email)
        self.fields["preferred_language"].initial = translation.get_language() or "en"
        # The browser's zone: the middleware activated it from the cookie trilink.js sets, and
        # trilink.js also preselects it where the cookie is not there yet (first visit).
        current = timezone.get_current_timezone_name()
        self.fields["time_zone"].initial = current if current in available_time_zones() else "UTC"
        self.fields["time_zone"].choices = time_zone_choices(current)
        self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = "true"


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in NAME_FIELDS:
            self.fields[name].validators.append(validate_person_name)
        self.fields["time_zone"].choices = time_zone_choices(self.instance.time_zone)

    class Meta:
        model = User
        fields = [
            "given_name",
            "family_name",
            "local_name",
            "preferred_language",
            "country",
            "time_zone",
        ]
