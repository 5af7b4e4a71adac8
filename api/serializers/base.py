"""What every input serializer of the API shares: unknown fields are an error, not ignored,
and typed text is checked against the pattern the schema declares for it."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from exchanges.validators import CONTROL_CHARACTERS as _CONTROL
from exchanges.validators import validate_no_control_characters

#: Any text without control characters (tab and line breaks are text).
TEXT_PATTERN = rf"^[^{_CONTROL}]*$"
#: The same with at least one visible character. ``\x85`` and ``\ufeff`` are named because
#: Python's ``\s`` (what ``str.strip`` removes) and ECMA-262's differ on them, so a client's
#: regex engine and this one agree on what the pattern accepts.
VISIBLE_TEXT_PATTERN = rf"^[^{_CONTROL}]*[^\s{_CONTROL}\x85\ufeff][^{_CONTROL}]*$"


class InputSerializer(serializers.Serializer):
    """A request body: a JSON object with only the declared fields.

    A misspelt optional field would otherwise be dropped silently and the request would do
    something else than the client meant.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        field: [ErrorDetail(str(_("Unknown field.")), code="unknown_field")]
                        for field in unknown
                    }
                )
        return super().to_internal_value(data)


class TextField(serializers.CharField):
    """Text a person typed, e.g. a name or a note.

    The schema declares its pattern (``TEXT_PATTERN``, or ``VISIBLE_TEXT_PATTERN`` when a
    blank value is refused), and the value as sent is checked against it before surrounding
    whitespace is trimmed, so what the schema calls valid is exactly what is accepted: a
    name of only a line break or a byte-order mark is refused, not trimmed to nothing after
    the schema promised it would pass; a number is refused, not taken as its digits.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        pattern = TEXT_PATTERN if self.allow_blank else VISIBLE_TEXT_PATTERN
        self._pattern = re.compile(pattern)
        # A RegexValidator is what drf-spectacular turns into the schema's ``pattern`` (the
        # trimmed value always passes it: the value as sent was checked first).
        self.validators.append(RegexValidator(pattern))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            # CharField would take 5 as "5"; the schema says string, so a number is refused.
            self.fail("invalid")
        if not self._pattern.search(data):
            validate_no_control_characters(data)
            self.fail("blank")
        return super().to_internal_value(data)
