"""Forms of privacy: erasure requests and their processing, privacy notices, the consent step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.enums import ErasureStatus
from exchanges.models import PrivacyNotice


class ErasureRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that erasure cannot be undone and closes my account."),
        error_messages={"required": _("Tick the box to confirm that you want to be erased.")},
    )


class ErasureCompleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Erase this person's data now. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class ErasureRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal (sent to the applicant)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason the applicant will read.")},
    )


class ErasureFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ErasureStatus.choices],
    )


class PrivacyNoticeForm(forms.ModelForm):
    class Meta:
        model = PrivacyNotice
        fields = ["text_en", "text_ja", "text_ko"]
        widgets = {name: forms.Textarea(attrs={"rows": 12}) for name in fields}
        error_messages = {
            name: {"required": _("The notice is needed in all three languages.")} for name in fields
        }


class PrivacyConsentForm(forms.Form):
    """The first thing an application records: the notice read and the sharing choice.

    Without a published notice there is nothing to accept, and only the sharing choice is
    asked."""

    accept_notice = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Read and accept the privacy notice to apply.")},
    )
    shares_with_partners = forms.BooleanField(
        label=_(
            "Partner organisations of the program may see my personal data to help select "
            "and prepare participants."
        ),
        required=False,
        help_text=_(
            "Optional. Without your consent, partner organisations see no personal data of "
            "yours; the secretariat still reviews your application."
        ),
    )

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        if notice is None:
            del self.fields["accept_notice"]
