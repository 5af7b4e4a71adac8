"""Template filters that show stored codes as words in the viewer's language.

``{{ code|country_name }}``, ``{{ application.languages|language_levels }}``,
``{{ entry.action_type|activity_label }}``, ``{{ entry.data|activity_details }}`` and
``{{ row.value|answer_for:row.question }}``: pages never show a country code, a language
code, a Python list or ``True``.
"""

from django import template

from exchanges import activity_types
from exchanges.enums import LANGUAGE_LEVEL_ORDER, LanguageLevel, country_label, language_label
from exchanges.formatting import deadline_text
from exchanges.selectors.reviews import answer_text

register = template.Library()


@register.filter
def country_name(code) -> str:
    return country_label(code) if code else ""


@register.filter
def language_levels(languages) -> str:
    """``{"en": "professional", "ja": "native"}`` as "English: Professional, Japanese: …",
    leaving out languages declared as none, highest level first."""
    if not isinstance(languages, dict):
        return ""
    known = [
        (code, level)
        for code, level in languages.items()
        if level in LanguageLevel.values and level != LanguageLevel.NONE
    ]
    known.sort(key=lambda item: (-LANGUAGE_LEVEL_ORDER[item[1]], item[0]))
    return ", ".join(
        f"{language_label(code)}: {LanguageLevel(level).label}" for code, level in known
    )


@register.filter
def activity_label(action_type: str) -> str:
    return activity_types.activity_label(action_type)


@register.filter
def activity_details(data) -> list[tuple[str, str]]:
    """``{% for label, value in entry.data|activity_details %}``: an activity entry's data as
    translated labels and readable values, never a Python dictionary."""
    return activity_types.activity_details(data)


@register.filter
def answer_for(value, question) -> str:
    return answer_text(question, value)


@register.filter
def deadline(value, zone=None) -> str:
    """``{{ cohort.deadline|deadline }}`` in the active time zone, or
    ``{{ cohort.deadline|deadline:cohort.time_zone }}`` in the cohort's."""
    return deadline_text(value, zone or None)
