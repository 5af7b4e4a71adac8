"""What every input serializer of the API shares: unknown fields are an error, not ignored;
integers and booleans are JSON's own types, not text or floats that look like them; and typed
text is checked against the pattern the schema declares for it."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from exchanges.validators import BIDI_CONTROL_CHARACTERS as _BIDI
from exchanges.validators import CONTROL_CHARACTERS as _CONTROL
from exchanges.validators import INVISIBLE_CHARACTERS as _INVISIBLE
from exchanges.validators import (
    validate_deliverable_email,
    validate_no_control_characters,
    validate_person_name,
    validate_url_shape,
)

#: Any text without control characters or bidirectional controls (tab and line breaks are
#: text).
TEXT_PATTERN = rf"^[^{_CONTROL}{_BIDI}]*$"
#: The same with at least one visible character. ``\x85`` and ``\ufeff`` are named because
#: Python's ``\s`` (what ``str.strip`` removes) and ECMA-262's differ on them, so a client's
#: regex engine and this one agree on what the pattern accepts.
VISIBLE_TEXT_PATTERN = (
    rf"^[^{_CONTROL}{_BIDI}]*[^\s{_CONTROL}{_BIDI}\x85\ufeff][^{_CONTROL}{_BIDI}]*$"
)
#: A person's name: visible text without the invisible characters of ``validate_person_name``.
NAME_PATTERN = (
    rf"^[^{_CONTROL}{_BIDI}{_INVISIBLE}]*[^\s{_CONTROL}{_BIDI}{_INVISIBLE}\x85\ufeff]"
    rf"[^{_CONTROL}{_BIDI}{_INVISIBLE}]*$"
)


class InputSerializer(serializers.Serializer):
    """A request body: a JSON object with only the declared fields.

    A misspelt optional field would otherwise be dropped silently and the request would do
    something else than the client meant. Unknown fields are reported together with every
    other failing field, so a client fixes its request in one round.
    """

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            unknown = {
                field: [ErrorDetail(str(_("Unknown field.")), code="unknown_field")]
                for field in sorted(set(data) - set(self.fields))
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class EmptyInputSerializer(InputSerializer):
    """The body of an action that takes no fields (``withdraw``, ``redeliver``): none or
    ``{}``; any field is unknown."""


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer. DRF's ``IntegerField`` takes the string ``"1"`` too; the schema says
    integer, so a string is refused, and so is ``true`` (which Python counts as 1) and a
    number with a fraction. A number without one (``1.0``) is an integer in JSON Schema's
    terms, so it is taken as ``1``."""

    def to_internal_value(self, data):
        if isinstance(data, float) and data.is_integer():
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean. DRF's ``BooleanField`` takes ``"yes"``, ``"true"`` and ``1`` too; the
    schema says boolean, so only ``true`` and ``false`` are taken."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictCharField(serializers.CharField):
    """A JSON string: ``CharField`` would take the number 5 as ``"5"``."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EmailField(StrictCharField, serializers.EmailField):
    """An address mail can be delivered to (``validate_deliverable_email``): the web signup
    checks the same."""

    default_error_messages = {"invalid": serializers.EmailField.default_error_messages["invalid"]}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_deliverable_email)


@extend_schema_field({"type": "string", "format": "uri", "maxLength": 500})
class UrlField(StrictCharField):
    """An absolute URL with a host (``validate_url_shape``); a value of another shape is 400
    naming the field. What the server's policy then makes of the scheme and host (for a
    webhook receiver, https and public addresses only) is checked by the service."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_url_shape)


class TextField(serializers.CharField):
    """Text a person typed, e.g. a note, or with ``person_name=True`` a person's name.

    The schema declares its pattern (``TEXT_PATTERN``, ``VISIBLE_TEXT_PATTERN`` when a blank
    value is refused, ``NAME_PATTERN`` for a name), and the value as sent is checked against
    it before surrounding whitespace is trimmed, so what the schema calls valid is exactly
    what is accepted: a name of only a line break or a byte-order mark is refused, not
    trimmed to nothing after the schema promised it would pass; a number is refused, not
    taken as its digits.
    """

    def __init__(self, *, person_name: bool = False, **kwargs):
        super().__init__(**kwargs)
        if person_name:
            pattern, self._check = NAME_PATTERN, validate_person_name
        else:
            pattern = TEXT_PATTERN if self.allow_blank else VISIBLE_TEXT_PATTERN
            self._check = validate_no_control_characters
        self._pattern = re.compile(pattern)
        # A RegexValidator is what drf-spectacular turns into the schema's ``pattern`` (the
        # trimmed value always passes it: the value as sent was checked first).
        self.validators.append(RegexValidator(pattern))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            # CharField would take 5 as "5"; the schema says string, so a number is refused.
            self.fail("invalid")
        if not self._pattern.search(data):
            self._check(data)
            self.fail("blank")
        return super().to_internal_value(data)
