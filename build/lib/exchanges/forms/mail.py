"""Forms of the staff email pages: outbox filters, template overrides and previews."""

from django import forms
from django.template import TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

from exchanges.enums import MailStatus
from exchanges.models import MailTemplate
from exchanges.validators import validate_mail_template_source


class OutboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Recipient, subject or Message-ID"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *MailStatus.choices]
    )
    template = forms.ChoiceField(label=_("Template"), required=False, choices=[])
    date_from = forms.DateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, template_keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            ("", _("Any template")),
            *[(key, key) for key in template_keys],
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned


class MailTemplateForm(forms.ModelForm):
    """A staff override. Broken template syntax is refused here, never met at send time."""

    class Meta:
        model = MailTemplate
        fields = ["subject", "text_body"]
        widgets = {"text_body": forms.Textarea(attrs={"rows": 14})}

    def clean_subject(self):
        return self._checked(self.cleaned_data["subject"])

    def clean_text_body(self):
        return self._checked(self.cleaned_data["text_body"])

    @staticmethod
    def _checked(source: str) -> str:
        validate_mail_template_source(source)
        return source


class PreviewRecipientForm(forms.Form):
    recipient = forms.EmailField(
        label=_("Preview for"),
        required=False,
        help_text=_("Email address of a real person; the first applicant if empty."),
    )


__all__ = [
    "MailTemplateForm",
    "OutboxFilterForm",
    "PreviewRecipientForm",
    "TemplateSyntaxError",
]
