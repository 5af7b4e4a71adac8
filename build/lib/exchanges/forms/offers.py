"""Offer forms: the applicant's decline confirmation and the staff deadline change.

They check input only; the offer services decide whether the change is allowed (the deadline
must be in the future and before the program starts) and views show their refusal on the
field, so the date typed stays in the form.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.enums import Country


class OfferDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It helps us plan future programs; staff only."),
    )
    confirm = forms.BooleanField(
        label=_("Yes, decline my place. I understand this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you decline your place.")},
    )


class OfferDeadlineForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="offer_deadline")
    respond_by = forms.DateField(
        label=_("New deadline (date)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the new deadline."),
            "invalid": _("Enter a date such as 2030-03-20."),
        },
    )

    def __init__(self, *args, time_zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respond_by"].help_text = _(
            "The offer ends at 23:59 on this day in the cohort's time zone (%(zone)s)."
        ) % {"zone": time_zone}


class WaitlistPromoteForm(forms.Form):
    country = forms.ChoiceField(choices=Country.choices)
