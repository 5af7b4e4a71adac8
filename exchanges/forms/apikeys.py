"""Forms of the staff pages for partner API keys: issue a key, change its name, scopes or
expiry. They only validate; ``api.services`` issues, changes and logs."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiKey
from exchanges.enums import ApiScope
from exchanges.validators import validate_api_scopes


class ApiKeyChangeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, for example the system that uses it."),
        error_messages={"required": _("Give the key a name.")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this key may do. Give a partner only the scopes its system needs."),
        error_messages={
            "required": _("Choose at least one scope."),
            "invalid_choice": _("Choose the scopes from the list."),
        },
    )
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "In your time zone. After this moment the key stops working. Leave empty for no "
            "expiry (not recommended)."
        ),
        error_messages={"invalid": _("Enter a date and time, for example 2027-03-31 18:00.")},
    )

    def __init__(self, *args, organisation=None, key: ApiKey | None = None, **kwargs):
        if key is not None:
            kwargs.setdefault(
                "initial",
                {"name": key.name, "scopes": key.scopes, "expires_at": key.expires_at},
            )
            organisation = key.organisation
        super().__init__(*args, **kwargs)
        self.key = key
        self.organisation = organisation

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_scopes(self) -> list[str]:
        scopes = self.cleaned_data["scopes"]
        validate_api_scopes(scopes)
        return sorted(set(scopes))

    def clean_expires_at(self):
        value = self.cleaned_data["expires_at"]
        unchanged = self.key is not None and value == self.key.expires_at
        if value is not None and not unchanged and value <= timezone.now():
            raise ValidationError(
                _("Choose a time in the future, or leave it empty."), code="expiry_past"
            )
        return value

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation", self.organisation)
        name = cleaned.get("name")
        if organisation is not None and name:
            live = ApiKey.objects.filter(
                organisation=organisation, name__iexact=name, revoked_at__isnull=True
            )
            if self.key is not None:
                live = live.exclude(pk=self.key.pk)
            if live.exists():
                self.add_error(
                    "name",
                    ValidationError(
                        _("This organisation already has a key with this name."),
                        code="name_taken",
                    ),
                )
        return cleaned


class ApiKeyIssueForm(ApiKeyChangeForm):
    """Issue a key. The secretariat chooses the organisation among ``organisations``; partner
    staff issue for their own ``organisation``, so the field is left out for them."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        error_messages={
            "required": _("Choose the organisation the key is for."),
            "invalid_choice": _("Choose an organisation from the list."),
        },
    )

    field_order = ["organisation", "name", "scopes", "expires_at"]

    def __init__(self, *args, organisations=None, organisation=None, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        if organisation is not None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations

    def cleaned_organisation(self):
        return self.cleaned_data.get("organisation", self.organisation)
