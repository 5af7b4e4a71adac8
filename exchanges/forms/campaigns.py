"""Forms of campaigns: the message in three languages, its audience and its schedule."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import ApplicationStatus, Country, Language, Role
from exchanges.models import Campaign, Cohort
from exchanges.validators import validate_mail_template_source


class CampaignForm(forms.ModelForm):
    audience_roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Applicants if none is ticked."),
    )
    audience_countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=Country.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every country if none is ticked."),
    )
    audience_statuses = forms.MultipleChoiceField(
        label=_("Application statuses"),
        choices=ApplicationStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "If any is ticked, only people with an application to this cohort in one "
            "of these statuses, and the countries above are those the applications "
            "count against."
        ),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "cohort",
            "audience_roles",
            "audience_countries",
            "audience_statuses",
            "subject_en",
            "body_en",
            "subject_ja",
            "body_ja",
            "subject_ko",
            "body_ko",
        ]
        widgets = {
            f"body_{code}": forms.Textarea(attrs={"rows": 8}) for code, _label in Language.choices
        }
        help_texts = {
            "body_en": _(
                "You may use {{ recipient_name }}, {{ cohort_name }} and "
                "{{ program_name }}. An unsubscribe link is added automatically."
            ),
            "body_ja": _("Leave empty to send the English text to Japanese readers."),
            "body_ko": _("Leave empty to send the English text to Korean readers."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.select_related("program")
        # The names in the staff member's language, not ``__str__``'s English.
        self.fields["cohort"].label_from_instance = lambda cohort: cohort.full_name

    def clean(self):
        cleaned = super().clean()
        for name in ("subject_en", "body_en", "subject_ja", "body_ja", "subject_ko", "body_ko"):
            value = cleaned.get(name)
            if value:
                try:
                    validate_mail_template_source(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        roles = cleaned.get("audience_roles")
        if cleaned.get("audience_statuses") and roles and Role.APPLICANT not in roles:
            self.add_error(
                "audience_statuses",
                _(
                    "Application statuses only select "
                    "applicants: tick Applicant as a role, or "
                    "no role."
                ),
            )
        for code in ("ja", "ko"):
            if bool(cleaned.get(f"subject_{code}")) != bool(cleaned.get(f"body_{code}")):
                self.add_error(f"body_{code}", _("Give both a subject and a message, or neither."))
        return cleaned


class CampaignScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("In your time zone. Leave empty to send now."),
    )

    def clean_send_at(self):
        value = self.cleaned_data["send_at"]
        if value and value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future, or leave it empty."))
        return value
