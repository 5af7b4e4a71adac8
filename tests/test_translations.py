"""Translation catalogues: complete in Japanese and Korean, compiled, and current with the code.

The catalogues are read with ``scripts/compile_messages.py``, the pure-Python compiler a fresh
machine uses instead of GNU msgfmt; its own tests on a sample catalogue come last.
"""

import gettext
import importlib.util
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
REQUIRED_LANGUAGES = ("ja", "ko")


def _load_compiler():
    spec = importlib.util.spec_from_file_location(
        "compile_messages", BASE_DIR / "scripts" / "compile_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


compiler = _load_compiler()
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def _label(entry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt is not None else ""
    return f"line {entry.line}: {context}{entry.msgid!r}"


def _untranslated(po_path: Path) -> list[str]:
    problems = []
    for entry in compiler.read_po(po_path):
        if entry.msgid == "" and entry.msgctxt is None:
            continue  # the header
        if entry.fuzzy:
            problems.append(f"{_label(entry)} (fuzzy)")
        elif not entry.translated:
            problems.append(f"{_label(entry)} (empty)")
    return problems


# --- The catalogues in locale/ -----------------------------------------------------------------


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_catalogue_exists_for_required_language(language):
    # Deliberately strict: Trilink ships Japanese and Korean, so a missing catalogue is a
    # failure, not a vacuous pass. Create it with `make messages`.
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"

    assert po_path.is_file(), f"Missing catalogue {po_path.relative_to(BASE_DIR)}"


@pytest.mark.parametrize(
    "po_path",
    [path for path in CATALOGUES if path.parent.parent.name in REQUIRED_LANGUAGES],
    ids=lambda path: str(path.relative_to(LOCALE_DIR)),
)
def test_catalogue_every_msgid_translated_and_not_fuzzy(po_path):
    problems = _untranslated(po_path)

    assert problems == [], (
        f"{po_path.relative_to(BASE_DIR)} has {len(problems)} untranslated or fuzzy "
        "message(s):\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: str(path.relative_to(LOCALE_DIR)))
def test_catalogue_compiled_mo_matches_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"Missing {mo_path.relative_to(BASE_DIR)}: run `make messages`"

    committed = compiler.loaded_catalog(mo_path.read_bytes())
    expected = compiler.loaded_catalog(compiler.compile_po(po_path))

    assert sorted(set(expected) ^ set(committed), key=str) == [], "Stale .mo: run `make messages`"
    assert committed == expected


def _copy_sources(target: Path) -> None:
    ignore = shutil.ignore_patterns(
        ".venv",
        "var",
        ".git",
        "__pycache__",
        "*.egg-info",
        ".pytest_cache",
        ".ruff_cache",
        "staticfiles",
        "node_modules",
    )
    shutil.copytree(BASE_DIR, target, ignore=ignore)


@pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("CI", "") != "true",
    reason="GNU gettext (xgettext) is needed to extract messages from the code",
)
def test_catalogue_contains_every_string_marked_in_code(tmp_path):
    # Extract the code's strings into a copy of the checkout and merge them with the committed
    # catalogues, so a string marked for translation but never added to a catalogue fails here.
    copy = tmp_path / "trilink"
    _copy_sources(copy)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TRILINK_VAR_DIR": str(tmp_path / "var"),
    }
    languages = [arg for language in REQUIRED_LANGUAGES for arg in ("-l", language)]

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            *languages,
            "--no-obsolete",
            "--ignore=.venv/*",
            "--ignore=var/*",
            "--ignore=tests/*",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    problems = [
        f"{language} {problem}"
        for language in REQUIRED_LANGUAGES
        for problem in _untranslated(copy / "locale" / language / "LC_MESSAGES" / "django.po")
    ]
    assert problems == [], (
        f"{len(problems)} string(s) in the code lack a translation; run `make messages` and "
        "translate them:\n  " + "\n  ".join(problems)
    )


# --- Terminology --------------------------------------------------------------------------------

# One word per concept in each language, in the catalogue and in the per-language emails: the
# waiting list is 補欠 (as the status and the decision emails say), declining a place is 참가
# 포기 (사양 also reads as "specification"), and the checklist is 체크리스트.
AVOIDED_TERMS = {"ja": ("キャンセル待ち",), "ko": ("사양", "점검 목록")}


@pytest.mark.parametrize("language", sorted(AVOIDED_TERMS))
def test_catalogue_and_emails_use_one_term_per_concept(language):
    texts = [
        (f"locale/{language} line {entry.line}", " ".join(entry.translations))
        for entry in compiler.read_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    ] + [
        (str(path.relative_to(BASE_DIR)), path.read_text(encoding="utf-8"))
        for path in sorted((BASE_DIR / "templates" / "emails" / language).glob("*"))
    ]

    found = [
        f"{where}: {term}"
        for where, text in texts
        for term in AVOIDED_TERMS[language]
        if term in text
    ]

    assert found == []


# --- scripts/compile_messages.py on a sample catalogue -----------------------------------------

SAMPLE_PO = r"""# Sample catalogue for the compiler tests.
msgid ""
msgstr ""
"Project-Id-Version: Sample\n"
"POT-Creation-Date: 2026-01-01 00:00+0000\n"
"Language: ko\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: templates/base.html:10
msgid "Sign in"
msgstr "로그인"

#, python-format
msgid "Welcome back, %(name)s."
msgstr "%(name)s님, 다시 오신 것을 환영합니다."

msgctxt "role"
msgid "Applicant"
msgstr "지원자"

msgctxt "cohort status"
msgid "Open"
msgstr "모집 중"

msgid "Open"
msgstr "열기"

msgid ""
"A long sentence that gettext wraps "
"over several lines."
msgstr ""
"여러 줄에 걸쳐 "
"나뉜 긴 문장입니다."

msgid "Line one\nLine \"two\"\ttabbed \\ done"
msgstr "첫 줄\n\"둘째\" 줄\t탭 \\ 끝"

msgid "%(total)s applicant"
msgid_plural "%(total)s applicants"
msgstr[0] "지원자 %(total)s명"
msgstr[1] "지원자 %(total)s명들"

msgctxt "seats"
msgid "%(n)s seat"
msgid_plural "%(n)s seats"
msgstr[0] "%(n)s석"
msgstr[1] "%(n)s석들"

#, fuzzy
msgid "Fuzzy message"
msgstr "퍼지 메시지"

msgid "Untranslated message"
msgstr ""

#~ msgid "Obsolete message"
#~ msgstr "사용하지 않는 메시지"
"""


@pytest.fixture
def sample_po(tmp_path) -> Path:
    path = tmp_path / "django.po"
    path.write_text(SAMPLE_PO, encoding="utf-8")
    return path


def _translations(po_path: Path) -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(compiler.compile_po(po_path)))


def test_compile_messages_simple_message(sample_po):
    assert _translations(sample_po).gettext("Sign in") == "로그인"


def test_compile_messages_contexts_are_separate(sample_po):
    translations = _translations(sample_po)

    assert translations.pgettext("role", "Applicant") == "지원자"
    assert translations.pgettext("cohort status", "Open") == "모집 중"
    assert translations.gettext("Open") == "열기"


def test_compile_messages_multiline_strings_are_joined(sample_po):
    result = _translations(sample_po).gettext(
        "A long sentence that gettext wraps over several lines."
    )

    assert result == "여러 줄에 걸쳐 나뉜 긴 문장입니다."


def test_compile_messages_escapes_are_decoded(sample_po):
    result = _translations(sample_po).gettext('Line one\nLine "two"\ttabbed \\ done')

    assert result == '첫 줄\n"둘째" 줄\t탭 \\ 끝'


def test_compile_messages_plural_forms(sample_po):
    translations = _translations(sample_po)

    assert [
        translations.ngettext("%(total)s applicant", "%(total)s applicants", n) for n in (1, 2)
    ] == ["지원자 %(total)s명", "지원자 %(total)s명들"]


def test_compile_messages_plural_forms_with_context(sample_po):
    translations = _translations(sample_po)

    assert [translations.npgettext("seats", "%(n)s seat", "%(n)s seats", n) for n in (1, 5)] == [
        "%(n)s석",
        "%(n)s석들",
    ]


def test_compile_messages_leaves_out_fuzzy_untranslated_and_obsolete(sample_po):
    catalog = compiler.loaded_catalog(compiler.compile_po(sample_po))

    assert "Fuzzy message" not in catalog
    assert "Untranslated message" not in catalog
    assert "Obsolete message" not in catalog
    # The header, 7 singular messages, and 2 plural messages stored as one key per form.
    assert len(catalog) == 12


def test_compile_messages_header_keeps_charset_and_plural_forms(sample_po):
    info = _translations(sample_po).info()

    assert (info["content-type"], info["plural-forms"]) == (
        "text/plain; charset=UTF-8",
        "nplurals=2; plural=(n != 1);",
    )
    assert "pot-creation-date" not in info


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt is not installed")
def test_compile_messages_output_equals_gnu_msgfmt(sample_po, tmp_path):
    gnu_mo = tmp_path / "gnu.mo"
    subprocess.run(["msgfmt", "--no-hash", "-o", str(gnu_mo), str(sample_po)], check=True)

    assert compiler.compile_po(sample_po) == gnu_mo.read_bytes()


def test_compile_messages_parse_reports_fuzzy_and_empty(sample_po):
    assert _untranslated(sample_po) == [
        "line 53: 'Fuzzy message' (fuzzy)",
        "line 56: 'Untranslated message' (empty)",
    ]


def test_compile_messages_syntax_error_names_line(tmp_path):
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "b"\nnonsense\n', encoding="utf-8")

    with pytest.raises(compiler.PoSyntaxError, match=r"broken\.po:3: cannot read"):
        compiler.read_po(broken)


def test_compile_messages_cli_writes_mo_and_check_passes(sample_po):
    written = compiler.main([str(sample_po)])
    checked = compiler.main(["--check", str(sample_po)])

    assert (written, checked) == (0, 0)
    assert sample_po.with_suffix(".mo").read_bytes() == compiler.compile_po(sample_po)


def test_compile_messages_cli_check_fails_on_stale_mo(sample_po):
    compiler.main([str(sample_po)])
    sample_po.write_text(
        SAMPLE_PO.replace('msgstr "로그인"', 'msgstr "로그인하기"'), encoding="utf-8"
    )

    assert compiler.main(["--check", str(sample_po)]) == 1
