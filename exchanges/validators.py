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
