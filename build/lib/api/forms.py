"""Forms of the API app: issuing and changing partner keys in the admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiKey
from exchanges.enums import ApiScope


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this key may do. Give a partner only the scopes its system needs."),
    )

    class Meta:
        model = ApiKey
        fields = ["organisation", "name", "scopes", "expires_at"]
        help_texts = {
            "expires_at": _(
                "After this moment the key stops working. Leave empty for no "
                "expiry (not recommended)."
            ),
        }
