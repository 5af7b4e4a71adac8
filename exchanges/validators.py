"""Validation shared by model ``clean``, forms and API serializers."""

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names, such as ``Asia/Seoul``."""
    if value not in available_time_zones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone."), code="invalid_time_zone",
            params={"value": value},
        )


def validate_mail_template_source(value: str) -> None:
    """Refuse email template text that does not compile, with the engine's own message.

    Staff-edited subjects and bodies are Django template source; checking them when saved means
    a template error shows in the form and its preview, never when an email is sent.
    """
    from django.template import Engine, Template, TemplateSyntaxError  # noqa: PLC0415 -- leaf

    try:
        Template(value, engine=Engine(autoescape=False))
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("Template error: %(error)s"), code="template_syntax", params={"error": error}
        ) from error
