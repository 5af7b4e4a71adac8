"""Display of personal names, following each person's own naming convention.

A name is stored as given and family name, with an optional full name in the person's local
script (for example 山田太郎 or 김민준). The rule:

* A name written in Japanese or Korean script (kanji, kana, hangul) is family name first
  everywhere, in every interface language: 山田太郎, 김민준, never "太郎 山田".
* A person from a family-name-first country (Japan, Korea) with a name in local script is
  shown by it on Japanese and Korean pages, and by the romanised name in the English order on
  English pages ("Minjun Kim").
* A romanised name of such a person, or of a person whose country is unknown, follows the
  viewer's language: "Taro Yamada" in English, "Yamada Taro" in Japanese and Korean.
* Everyone else keeps their own order, given name first, in every language: "Olivia
  Johnson" also on Japanese and Korean pages.
"""

import re

from django.utils.translation import get_language

FAMILY_FIRST_LANGUAGES = frozenset({"ja", "ko"})
# Countries whose naming convention puts the family name first.
FAMILY_FIRST_COUNTRIES = frozenset({"JP", "KR", "CN", "TW", "HK", "MO", "VN"})
_EAST_ASIAN_SCRIPT = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


def _joined(*parts: str, separator: str = " ") -> str:
    return separator.join(part for part in parts if part)


def format_person_name(
    *,
    given_name: str,
    family_name: str,
    local_name: str = "",
    language: str | None = None,
    country: str | None = None,
) -> str:
    """The name as this person's convention and the reader of ``language`` (default: the
    active language) expect it. ``country`` is the person's; None means unknown."""
    language = (language or get_language() or "en").split("-")[0]
    if _EAST_ASIAN_SCRIPT.search(given_name + family_name):
        return _joined(family_name, given_name)
    if local_name and language in FAMILY_FIRST_LANGUAGES:
        return local_name
    family_first_person = not country or country in FAMILY_FIRST_COUNTRIES or bool(local_name)
    if language in FAMILY_FIRST_LANGUAGES and family_first_person:
        return _joined(family_name, given_name)
    return _joined(given_name, family_name)
