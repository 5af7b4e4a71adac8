"""Forms of the alumni network: the directory profile, the directory's filters, a message,
a report and a suspension. They parse and render; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.enums import (
    AlumniContact,
    AlumniReportStatus,
    AlumniVisibility,
    Country,
    Sector,
    language_label,
)
from exchanges.models.alumni import (
    ALUMNI_DISPLAY_NAME_MAX,
    ALUMNI_INTERESTS_MAX,
    ALUMNI_MESSAGE_MAX,
    ALUMNI_ORGANISATION_MAX,
    ALUMNI_VISIBILITY_FIELDS,
)

# Languages an alumnus may list (names come from Django's translated language names).
ALUMNI_LANGUAGES = ("en", "ja", "ko", "zh-hans", "es", "fr", "de")
SEARCH_MAX = 100
REPORT_REASON_MAX = 500


def alumni_language_choices() -> list[tuple[str, str]]:
    return [(code, language_label(code)) for code in ALUMNI_LANGUAGES]


class AlumniProfileForm(forms.Form):
    """The profile and, beside each shown field, who may see it."""

    display_name = forms.CharField(
        label=_("Name shown in the directory"),
        max_length=ALUMNI_DISPLAY_NAME_MAX,
        help_text=_("Always shown to alumni and staff, so they can find you."),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "---------"), *Sector.choices], required=False
    )
    sector_visibility = forms.ChoiceField(
        label=_("Who sees your sector"), choices=AlumniVisibility.choices
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=ALUMNI_ORGANISATION_MAX, required=False
    )
    organisation_visibility = forms.ChoiceField(
        label=_("Who sees your organisation"), choices=AlumniVisibility.choices
    )
    country_visibility = forms.ChoiceField(
        label=_("Who sees your country"), choices=AlumniVisibility.choices
    )
    cohort_visibility = forms.ChoiceField(
        label=_("Who sees your cohort"), choices=AlumniVisibility.choices
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=alumni_language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages_visibility = forms.ChoiceField(
        label=_("Who sees your languages"), choices=AlumniVisibility.choices
    )
    interests = forms.CharField(
        label=_("Interests"),
        max_length=ALUMNI_INTERESTS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Topics you would like to talk about with other alumni."),
    )
    interests_visibility = forms.ChoiceField(
        label=_("Who sees your interests"), choices=AlumniVisibility.choices
    )
    contact = forms.ChoiceField(
        label=_("Contact preference"),
        choices=AlumniContact.choices,
        widget=forms.RadioSelect,
        help_text=_("Your email address is never shown; messages reach you through Trilink."),
    )
    open_to_mentoring = forms.BooleanField(
        label=_("I am open to mentoring participants of later cohorts"),
        required=False,
        help_text=_("Staff may then pair you with participants of your program as their mentor."),
    )

    def __init__(self, *args, country: str = "", cohort: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Country and cohort come from the alumni record; only who sees them is chosen.
        self.fields["country_visibility"].help_text = _("Your country: %(country)s") % {
            "country": country
        }
        self.fields["cohort_visibility"].help_text = _("Your cohort: %(cohort)s") % {
            "cohort": cohort
        }

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the name to show in the directory."))
        return name

    @staticmethod
    def initial_for(*, profile, record, user) -> dict:
        if profile is None:
            initial = {
                "display_name": user.display_name,
                "sector": record.sector,
                "organisation": record.institution,
                "contact": AlumniContact.MESSAGES,
                "languages": [
                    code
                    for code, level in (record.languages or {}).items()
                    if code in ALUMNI_LANGUAGES and level not in ("", "none")
                ],
            }
            initial.update(
                {f"{name}_visibility": AlumniVisibility.ALUMNI for name in ALUMNI_VISIBILITY_FIELDS}
            )
            return initial
        initial = {
            name: getattr(profile, name)
            for name in (
                "display_name",
                "sector",
                "organisation",
                "interests",
                "contact",
                "open_to_mentoring",
                *(f"{n}_visibility" for n in ALUMNI_VISIBILITY_FIELDS),
            )
        }
        initial["languages"] = [language.code for language in profile.languages.all()]
        return initial


class AlumniDirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=SEARCH_MAX, required=False)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Any country")), *Country.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Any sector")), *Sector.choices], required=False
    )
    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int, required=False, empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)
    mentoring = forms.BooleanField(label=_("Open to mentoring"), required=False)

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [
            ("", _("Any cohort")),
            *((c.pk, f"{c.program.name} · {c.name}") for c in cohorts),
        ]
        self.fields["language"].choices = [("", _("Any language")), *alumni_language_choices()]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class AlumniMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=ALUMNI_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Your email address is not shown to the recipient."),
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."))
        return body


class AlumniReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this message?"),
        max_length=REPORT_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AlumniReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *AlumniReportStatus.choices],
        required=False,
    )


class AlumniSuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept for staff)"), max_length=REPORT_REASON_MAX, required=False
    )
