"""Staff forms of applications: pipeline filters and status decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.enums import ApplicationStatus, Country, Sector

SORT_CHOICES = [
    ("-submitted_at", _("Newest submission first")),
    ("submitted_at", _("Oldest submission first")),
    ("name", _("Name A–Z")),
    ("-name", _("Name Z–A")),
    ("country", _("Country")),
    ("status", _("Status")),
    ("-updated_at", _("Recently changed")),
    ("waitlist_position", _("Waiting list position")),
    ("offer_respond_by", _("Offer deadline, soonest first")),
    ("-score", _("Highest review score first")),
    ("score", _("Lowest review score first")),
]


class PipelineFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, help_text=_("Name, email or institution")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ApplicationStatus.choices],
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("All countries")), *Country.choices]
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    min_score = forms.DecimalField(
        label=_("Review score at least"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Mean weighted score, 0–100"),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ApplicationStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in allowed]
