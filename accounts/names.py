"""Display of personal names in the order the viewer's language uses.

A name is stored as given and family name in Latin script, with an optional full name in the
person's local script (for example 山田太郎 or 김민준). Japanese and Korean put the family name
first; English puts the given name first.
"""

from django.utils.translation import get_language

FAMILY_FIRST_LANGUAGES = frozenset({"ja", "ko"})


def format_person_name(
    *, given_name: str, family_name: str, local_name: str = "", language: str | None = None
) -> str:
    """Return the name as a reader of ``language`` (default: the active language) expects it."""
    language = (language or get_language() or "en").split("-")[0]
    if language in FAMILY_FIRST_LANGUAGES:
        if local_name:
            return local_name
        return " ".join(part for part in (family_name, given_name) if part)
    return " ".join(part for part in (given_name, family_name) if part)
