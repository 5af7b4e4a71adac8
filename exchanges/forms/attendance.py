"""Forms of attendance: the roll call without JavaScript and the cohort's completion rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.enums import AttendanceStatus


class CompletionRuleForm(forms.Form):
    min_attendance_percent = forms.IntegerField(
        label=_("Minimum attendance (%)"),
        min_value=0,
        max_value=100,
        help_text=_(
            "Share of the sessions a participant must attend; excused sessions do not count."
        ),
        error_messages={
            "required": _("Enter a percentage from 0 to 100."),
            "invalid": _("Enter a whole number from 0 to 100."),
            "min_value": _("Enter a percentage from 0 to 100."),
            "max_value": _("Enter a percentage from 0 to 100."),
        },
    )
    require_post_survey = forms.BooleanField(
        label=_("The post-program survey must be answered"), required=False
    )


class RollCallForm(forms.Form):
    """The roll call posted without JavaScript: ``mark-<application id>`` per participant on
    the page and the page's ``batch`` id, from which each mark's id is derived (a form
    submitted twice is saved once)."""

    batch = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, application_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.application_ids = application_ids
        for application_id in application_ids:
            self.fields[f"mark-{application_id}"] = forms.ChoiceField(
                choices=AttendanceStatus.choices,
                required=False,
                error_messages={"invalid_choice": _("Choose present, absent or excused.")},
            )

    def marks(self) -> list[tuple[int, str]]:
        return [
            (application_id, self.cleaned_data[f"mark-{application_id}"])
            for application_id in self.application_ids
            if self.cleaned_data.get(f"mark-{application_id}")
        ]
