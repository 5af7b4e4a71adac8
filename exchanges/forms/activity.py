"""The staff's search of the activity log (the audit trail)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.activity_types import Activity


def _model_choices() -> list[tuple[str, str]]:
    models = sorted({activity.concerns for activity in Activity})
    return [("", _("Any kind of object")), *[(name, name) for name in models]]


def _action_choices() -> list[tuple[str, str]]:
    return [
        ("", _("Any action")),
        *sorted(((a.value, f"{a.label} ({a.value})") for a in Activity), key=lambda c: c[0]),
    ]


class ActivitySearchForm(forms.Form):
    actor = forms.CharField(
        label=_("Who"), required=False, max_length=200, help_text=_("Email address or name")
    )
    model = forms.ChoiceField(label=_("Kind of object"), required=False, choices=_model_choices)
    object_id = forms.IntegerField(label=_("Object number"), required=False, min_value=1)
    action_type = forms.ChoiceField(label=_("Action"), required=False, choices=_action_choices)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned
