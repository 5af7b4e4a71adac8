"""Names in the order the viewer's language uses: family first in ja/ko, given first in en."""

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import User
from accounts.names import format_person_name


def _render_person_name(person, language: str) -> str:
    with translation.override(language):
        return Template("{% load people %}{{ person|person_name }}").render(
            Context({"person": person})
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Taro Yamada"), ("ja", "Yamada Taro"), ("ko", "Yamada Taro")],
)
def test_format_person_name_without_local_name_orders_by_language(language, expected):
    result = format_person_name(given_name="Taro", family_name="Yamada", language=language)

    assert result == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Minjun Kim"), ("ja", "김민준"), ("ko", "김민준")]
)
def test_format_person_name_with_local_name_uses_it_for_family_first_languages(language, expected):
    result = format_person_name(
        given_name="Minjun", family_name="Kim", local_name="김민준", language=language
    )

    assert result == expected


def test_format_person_name_defaults_to_active_language():
    with translation.override("ja"):
        result = format_person_name(given_name="Yui", family_name="Tanaka")

    assert result == "Tanaka Yui"


def test_format_person_name_regional_language_code_uses_base_language():
    result = format_person_name(given_name="Yui", family_name="Tanaka", language="ja-jp")

    assert result == "Tanaka Yui"


def test_format_person_name_missing_family_name_has_no_stray_space():
    result = format_person_name(given_name="Yui", family_name="", language="ja")

    assert result == "Yui"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Yui Tanaka"), ("ja", "田中結衣"), ("ko", "田中結衣")],
)
def test_person_name_filter_orders_by_active_language(language, expected):
    person = User(given_name="Yui", family_name="Tanaka", local_name="田中結衣")

    assert _render_person_name(person, language) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "Ava Smith"), ("ko", "Smith Ava")])
def test_person_name_filter_without_local_name_orders_latin_names(language, expected):
    person = User(given_name="Ava", family_name="Smith")

    assert _render_person_name(person, language) == expected


def test_person_name_filter_none_renders_empty():
    assert _render_person_name(None, "en") == ""


def test_user_display_name_follows_active_language():
    user = User(given_name="Haruka", family_name="Sato", local_name="佐藤遥")

    with translation.override("en"):
        english = user.display_name
    with translation.override("ja"):
        japanese = user.display_name

    assert (english, japanese) == ("Haruka Sato", "佐藤遥")


@pytest.mark.parametrize("language", ["en", "ja", "ko"])
def test_western_name_stays_given_first_in_every_language(language):
    person = User(given_name="Olivia", family_name="Johnson", country="US")

    assert _render_person_name(person, language) == "Olivia Johnson"


@pytest.mark.parametrize("language", ["en", "ja", "ko"])
def test_name_in_japanese_or_korean_script_is_family_first_everywhere(language):
    assert format_person_name(given_name="太郎", family_name="山田", language=language) == (
        "山田 太郎"
    )
    assert format_person_name(given_name="민준", family_name="김", language=language) == "김 민준"


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Taro Yamada"), ("ja", "Yamada Taro"), ("ko", "Yamada Taro")]
)
def test_romanised_japanese_name_follows_the_viewer(language, expected):
    person = User(given_name="Taro", family_name="Yamada", country="JP")

    assert _render_person_name(person, language) == expected
