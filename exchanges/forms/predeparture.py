"""Forms of the pre-departure pages: one per checklist section, the itinerary editor and the
staff list's filters. They parse input and run the same section validators as the service,
so each message appears next to its field and nothing typed is lost."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exchanges.enums import Country, DietaryNeed, PredepartureSection, VisaStatus
from exchanges.models import Cohort, ItineraryItem
from exchanges.validators import (
    passport_valid_through,
    validate_arrival_section,
    validate_dietary_section,
    validate_emergency_contact_section,
    validate_insurance_section,
    validate_itinerary_item,
    validate_passport_section,
    validate_visa_section,
)

NOTES_MAX_LENGTH = 2000


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _date_text(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


class ChecklistSectionForm(forms.Form):
    """One section of the checklist. Fields are named as the model's; ``validate`` calls the
    section's shared validator with the cohort's dates."""

    section: str = ""

    def __init__(self, *args, cohort: Cohort, today=None, **kwargs):
        kwargs.setdefault("prefix", self.section)
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.today = today

    def validate(self, values: dict) -> None:
        """Check the rules across fields and dates; sections without such rules need none."""

    def clean(self):
        cleaned = super().clean()
        try:
            self.validate(cleaned)
        except ValidationError as error:
            # A field that did not parse already says so; do not add "enter …" beside it.
            for field, messages in error.error_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    @classmethod
    def initial_for(cls, checklist) -> dict:
        return {name: getattr(checklist, name) for name in cls.base_fields}

    def disable(self) -> None:
        for field in self.fields.values():
            field.disabled = True


class PassportForm(ChecklistSectionForm):
    section = PredepartureSection.PASSPORT

    passport_valid_until = forms.DateField(
        label=_("Passport valid until"), required=False, widget=_date_input()
    )
    passport_validity_confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        through = _date_text(passport_valid_through(self.cohort.ends_on))
        self.fields["passport_valid_until"].help_text = _(
            "The expiry date printed in your passport; it must be %(date)s or later. "
            "The passport number is not needed."
        ) % {"date": through}
        self.fields["passport_validity_confirmed"].label = _(
            "My passport is valid until at least %(date)s, six months after the program ends."
        ) % {"date": through}

    def validate(self, values: dict) -> None:
        validate_passport_section(values, ends_on=self.cohort.ends_on)


class VisaForm(ChecklistSectionForm):
    section = PredepartureSection.VISA

    visa_status = forms.ChoiceField(
        label=_("Visa status"), required=False, choices=VisaStatus.choices, widget=forms.RadioSelect
    )
    visa_granted_on = forms.DateField(
        label=_("Visa granted on"),
        required=False,
        widget=_date_input(),
        help_text=_("Only if your visa has been granted."),
    )

    def validate(self, values: dict) -> None:
        validate_visa_section(values, today=self.today)


class InsuranceForm(ChecklistSectionForm):
    section = PredepartureSection.INSURANCE

    insurance_confirmed = forms.BooleanField(
        label=_("I have travel insurance that covers medical treatment for the whole program."),
        required=False,
    )
    insurance_provider = forms.CharField(
        label=_("Insurance company"), max_length=200, required=False
    )
    insurance_valid_from = forms.DateField(
        label=_("Cover starts"), required=False, widget=_date_input()
    )
    insurance_valid_until = forms.DateField(
        label=_("Cover ends"), required=False, widget=_date_input()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurance_valid_from"].help_text = _(
            "On or before %(date)s, the program's first day."
        ) % {"date": _date_text(self.cohort.starts_on)}
        self.fields["insurance_valid_until"].help_text = _(
            "On or after %(date)s, the program's last day."
        ) % {"date": _date_text(self.cohort.ends_on)}

    def validate(self, values: dict) -> None:
        validate_insurance_section(
            values, starts_on=self.cohort.starts_on, ends_on=self.cohort.ends_on
        )


class EmergencyContactForm(ChecklistSectionForm):
    section = PredepartureSection.EMERGENCY_CONTACT

    emergency_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    emergency_relationship = forms.CharField(
        label=_("Relationship to you"),
        max_length=100,
        required=False,
        help_text=_("For example mother, spouse or friend."),
    )
    emergency_phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        required=False,
        help_text=_(
            "In international format with the country code, for example "
            "+81 90 1234 5678 or +82 10 1234 5678."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )

    def validate(self, values: dict) -> None:
        validate_emergency_contact_section(values)


class DietaryForm(ChecklistSectionForm):
    section = PredepartureSection.DIETARY

    dietary_needs = forms.MultipleChoiceField(
        label=_("What you cannot or do not eat"),
        required=False,
        choices=DietaryNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty if you have no dietary needs, then save."),
    )
    dietary_notes = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example how severe an allergy is."),
    )

    def validate(self, values: dict) -> None:
        validate_dietary_section(values)


class MedicalForm(ChecklistSectionForm):
    section = PredepartureSection.MEDICAL

    medical_notes = forms.CharField(
        label=_("Medical or accessibility needs (optional)"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Anything that helps the secretariat keep you safe and make the program "
            "accessible, for example medication, mobility or hearing needs. Leave it "
            "empty if there is nothing, then save."
        ),
    )


class ArrivalForm(ChecklistSectionForm):
    section = PredepartureSection.ARRIVAL

    arrival_on = forms.DateField(label=_("Arrival date"), required=False, widget=_date_input())
    arrival_time = forms.TimeField(
        label=_("Arrival time"),
        required=False,
        widget=_time_input(),
        help_text=_("Local time at the destination, as on your ticket."),
    )
    arrival_transport = forms.CharField(
        label=_("Flight or train"),
        max_length=100,
        required=False,
        help_text=_("For example KE 17 or KTX 101."),
    )

    def validate(self, values: dict) -> None:
        validate_arrival_section(
            values, starts_on=self.cohort.starts_on, ends_on=self.cohort.ends_on
        )


SECTION_FORMS: dict[str, type[ChecklistSectionForm]] = {
    form.section: form
    for form in (
        PassportForm,
        VisaForm,
        InsuranceForm,
        EmergencyContactForm,
        DietaryForm,
        MedicalForm,
        ArrivalForm,
    )
}


class ItineraryItemForm(forms.ModelForm):
    map_url = forms.URLField(
        label=_("Map link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("Optional: a link to the place on a map service."),
    )

    class Meta:
        model = ItineraryItem
        fields = [
            "day",
            "start_time",
            "end_time",
            "title_en",
            "title_ja",
            "title_ko",
            "place_en",
            "place_ja",
            "place_ko",
            "notes",
            "notes_ja",
            "notes_ko",
            "map_url",
        ]
        widgets = {
            "day": _date_input(),
            "start_time": _time_input(),
            "end_time": _time_input(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "notes_ja": forms.Textarea(attrs={"rows": 2}),
            "notes_ko": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["day"].help_text = _("From %(start)s to %(end)s.") % {
            "start": _date_text(cohort.starts_on),
            "end": _date_text(cohort.ends_on),
        }
        zone = {"zone": cohort.time_zone}
        self.fields["start_time"].help_text = _("In the cohort's time zone, %(zone)s.") % zone
        self.fields["end_time"].help_text = _("Optional; in %(zone)s.") % zone

    def clean(self):
        cleaned = super().clean()
        try:
            validate_itinerary_item(
                cleaned, starts_on=self.cohort.starts_on, ends_on=self.cohort.ends_on
            )
        except ValidationError as error:
            for field, messages in error.error_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned


COMPLETION_CHOICES = [
    ("", _("All participants")),
    ("incomplete", pgettext_lazy("checklist filter", "Incomplete")),
    ("complete", pgettext_lazy("checklist filter", "Complete")),
]


class PredepartureFilterForm(forms.Form):
    completion = forms.ChoiceField(label=_("Checklist"), required=False, choices=COMPLETION_CHOICES)
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("All countries")), *Country.choices]
    )

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}
