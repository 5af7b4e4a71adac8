"""Template helpers for people: ``{{ user|person_name }}``."""

from django import template

from accounts.names import format_person_name

register = template.Library()


@register.filter
def person_name(person) -> str:
    """Any object with given_name, family_name and optionally local_name."""
    if person is None:
        return ""
    return format_person_name(
        given_name=getattr(person, "given_name", ""),
        family_name=getattr(person, "family_name", ""),
        local_name=getattr(person, "local_name", ""),
        country=getattr(person, "country", None),
    )
