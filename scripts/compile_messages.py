#!/usr/bin/env python3
"""Compile gettext catalogues (.po -> .mo) in pure Python, so no GNU gettext is needed.

Django's ``compilemessages`` shells out to GNU ``msgfmt``; a fresh machine may not have it.
This script writes the same catalogue ``msgfmt --no-hash`` would: fuzzy and untranslated
messages are left out, the header is kept, contexts (``msgctxt``) are joined to the msgid with
``\\x04`` and plural forms are stored NUL-separated. Python's ``gettext`` and therefore Django
read the result exactly like msgfmt's output (the hash table msgfmt adds is only a lookup
speed-up that neither uses).

Usage::

    python scripts/compile_messages.py              # every locale/*/LC_MESSAGES/*.po
    python scripts/compile_messages.py path/to.po   # just these
    python scripts/compile_messages.py --check      # exit 1 if a .mo is stale or missing

Standard library only: it runs before the virtualenv has anything installed.
"""

from __future__ import annotations

import argparse
import gettext
import io
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MO_MAGIC = 0x950412DE
CONTEXT_SEPARATOR = "\x04"
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")
_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")


class PoSyntaxError(ValueError):
    """The .po file cannot be read; the message names the file and line."""


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translations(self) -> list[str]:
        """Every msgstr of the entry: one, or one per plural form in index order."""
        if self.msgid_plural is not None:
            return [self.msgstr_plural[index] for index in sorted(self.msgstr_plural)]
        return [self.msgstr]

    @property
    def translated(self) -> bool:
        return all(self.translations) and bool(self.translations)

    @property
    def key(self) -> str:
        """The lookup key as stored in a .mo file."""
        msgid = self.msgid
        if self.msgid_plural is not None:
            msgid = f"{msgid}\0{self.msgid_plural}"
        if self.msgctxt is not None:
            msgid = f"{self.msgctxt}{CONTEXT_SEPARATOR}{msgid}"
        return msgid

    @property
    def value(self) -> str:
        return "\0".join(self.translations)


_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "?": "?",
}
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))")


def _unquote(literal: str, where: str) -> str:
    """Decode one C-style quoted string as gettext writes them."""
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        raise PoSyntaxError(f"{where}: expected a quoted string, got {literal!r}")
    body = literal[1:-1]
    if re.search(r'(?<!\\)(?:\\\\)*"', body):
        raise PoSyntaxError(f"{where}: unescaped quote in {literal!r}")

    def replace(match: re.Match) -> str:
        octal, hexadecimal, char = match.groups()
        if octal is not None:
            return chr(int(octal, 8))
        if hexadecimal is not None:
            return chr(int(hexadecimal, 16))
        if char not in _ESCAPES:
            raise PoSyntaxError(f"{where}: unknown escape \\{char} in {literal!r}")
        return _ESCAPES[char]

    return _ESCAPE.sub(replace, body)


def _decode(data: bytes) -> str:
    match = _CHARSET.search(data)
    charset = match.group(1).decode("ascii") if match else "utf-8"
    if charset.upper() == "CHARSET":  # the placeholder of a fresh template
        charset = "utf-8"
    return data.decode(charset)


def parse_po(text: str, *, name: str = "<po>") -> list[PoEntry]:
    """Parse a catalogue into entries, the header (msgid "") included, obsolete ones left out."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    flags: set[str] = set()
    current: str | None = None  # which field continuation lines extend
    plural_index: int | None = None

    def finish() -> None:
        nonlocal entry, current, plural_index
        if entry is not None:
            entries.append(entry)
        entry, current, plural_index = None, None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        where = f"{name}:{number}"
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#~"):
                continue  # obsolete entries are not compiled
            if entry is not None and current is not None and current.startswith("msgstr"):
                finish()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            if entry is None or current is None:
                raise PoSyntaxError(f"{where}: string continuation without a keyword")
            piece = _unquote(line, where)
            if current == "msgstr[]":
                entry.msgstr_plural[plural_index] += piece
            else:
                setattr(entry, current, getattr(entry, current) + piece)
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise PoSyntaxError(f"{where}: cannot read {raw!r}")
        keyword, index, literal = match.groups()
        value = _unquote(literal, where)
        if keyword in {"msgctxt", "msgid"} and (
            entry is None or (current is not None and current.startswith("msgstr"))
        ):
            finish()
            entry = PoEntry(flags=flags, line=number)
            flags = set()
        if entry is None:
            raise PoSyntaxError(f"{where}: {keyword} before msgid")
        if keyword == "msgctxt":
            if current is not None:
                raise PoSyntaxError(f"{where}: msgctxt must come first in an entry")
            entry.msgctxt, current = value, "msgctxt"
        elif keyword == "msgid":
            if current not in {None, "msgctxt"}:
                raise PoSyntaxError(f"{where}: unexpected msgid")
            entry.msgid, current = value, "msgid"
        elif keyword == "msgid_plural":
            if current != "msgid":
                raise PoSyntaxError(f"{where}: msgid_plural must follow msgid")
            entry.msgid_plural, current = value, "msgid_plural"
        elif index is not None:
            if entry.msgid_plural is None:
                raise PoSyntaxError(f"{where}: msgstr[{index}] without msgid_plural")
            plural_index = int(index)
            entry.msgstr_plural[plural_index] = value
            current = "msgstr[]"
        else:
            if entry.msgid_plural is not None:
                raise PoSyntaxError(f"{where}: plural entry needs msgstr[N]")
            if current != "msgid":
                raise PoSyntaxError(f"{where}: msgstr must follow msgid")
            entry.msgstr, current = value, "msgstr"
    if entry is not None and current is not None and not current.startswith("msgstr"):
        raise PoSyntaxError(f"{name}: last entry has no msgstr")
    finish()
    return entries


def read_po(path: Path) -> list[PoEntry]:
    return parse_po(_decode(Path(path).read_bytes()), name=str(path))


def catalog(entries: list[PoEntry]) -> dict[str, str]:
    """What a .mo file holds: the header and every translated, non-fuzzy message."""
    result = {}
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            # msgfmt keeps the header even while it is fuzzy, minus the template's creation
            # date, so a catalogue compiles to the same bytes whenever it is compiled.
            result[""] = "".join(
                line
                for line in entry.msgstr.splitlines(keepends=True)
                if not line.startswith("POT-Creation-Date:")
            )
        elif entry.translated and not entry.fuzzy:
            result[entry.key] = entry.value
    return result


def build_mo(messages: dict[str, str], *, encoding: str = "utf-8") -> bytes:
    """Serialise a catalogue in the GNU .mo format (little-endian, no hash table)."""
    keys = sorted(messages, key=lambda key: key.encode(encoding))
    ids = [key.encode(encoding) for key in keys]
    strs = [messages[key].encode(encoding) for key in keys]
    count = len(keys)
    header_size = 7 * 4
    originals_offset = header_size
    translations_offset = originals_offset + count * 8
    data_offset = translations_offset + count * 8

    tables = []
    blob = bytearray()
    for group in (ids, strs):
        table = []
        for item in group:
            table.append((len(item), data_offset + len(blob)))
            blob += item + b"\0"
        tables.append(table)

    output = bytearray(
        struct.pack(
            "<7I",
            MO_MAGIC,
            0,
            count,
            originals_offset,
            translations_offset,
            0,
            data_offset,
        )
    )
    for table in tables:
        for length, offset in table:
            output += struct.pack("<2I", length, offset)
    output += blob
    return bytes(output)


def compile_po(path: Path) -> bytes:
    return build_mo(catalog(read_po(path)))


def loaded_catalog(mo_data: bytes) -> dict:
    """A compiled catalogue as Python's gettext (and so Django) reads it."""
    return dict(gettext.GNUTranslations(io.BytesIO(mo_data))._catalog)


def is_up_to_date(po_path: Path) -> bool:
    """True when the .mo next to ``po_path`` holds exactly what the .po compiles to.

    Compares what gettext reads, not bytes, so a .mo written by GNU msgfmt (with its hash
    table) counts as up to date.
    """
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return False
    return loaded_catalog(mo_path.read_bytes()) == loaded_catalog(compile_po(po_path))


def default_catalogues(base_dir: Path = BASE_DIR) -> list[Path]:
    return sorted((base_dir / "locale").glob("*/LC_MESSAGES/*.po"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="*", type=Path, help=".po files (default: locale/*/LC_MESSAGES/*.po)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail when a .mo is missing or out of date",
    )
    args = parser.parse_args(argv)
    paths = args.files or default_catalogues()
    stale = []
    for po_path in paths:
        try:
            compiled = compile_po(po_path)
        except (PoSyntaxError, UnicodeDecodeError, LookupError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        mo_path = po_path.with_suffix(".mo")
        if args.check:
            if not is_up_to_date(po_path):
                stale.append(mo_path)
            continue
        if not mo_path.exists() or mo_path.read_bytes() != compiled:
            mo_path.write_bytes(compiled)
            print(f"compiled {po_path}")
    if stale:
        for mo_path in stale:
            print(f"out of date: {mo_path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
