"""A .po file read into the stdlib's `gettext.GNUTranslations`, with no build step.

    translations = load(Path("bot/locale/es.po"))     # a gettext.GNUTranslations
    translations.gettext("Unsubscribed from {name}.")

gettext reads compiled .mo files; our catalogues are .po sources. Compiling them at install
needs either a setuptools build hook (not run by `pip install -e`, so a checkout and an
install would read different files) or Babel as a dependency, and a committed .mo goes stale
beside its .po. So the .po is parsed here (msgctxt, msgid, msgid_plural, msgstr[n],
continued strings, C escapes; fuzzy and obsolete entries are skipped, as msgfmt does) and
turned into .mo bytes in memory, in the layout of CPython's Tools/i18n/msgfmt.py, for
GNUTranslations to read: lookups, contexts and the Plural-Forms expression are the stdlib's.
Three catalogues of a few hundred entries take a few milliseconds.
"""

from __future__ import annotations

import array
import ast
import gettext
import io
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path


class POError(ValueError):
    """A .po file that cannot be read, with the line."""


@dataclass
class Entry:
    msgid: str = ""
    msgstr: list[str] = field(default_factory=list)  # one per plural form
    msgctxt: str | None = None
    plural: str | None = None
    fuzzy: bool = False
    line: int = 0


def parse(text: str, name: str = "<po>") -> list[Entry]:
    """The entries of a .po file, the header (msgid "") first among them."""
    entries: list[Entry] = []
    entry, key = Entry(), None
    values: dict[str, str] = {}

    def finish() -> None:
        nonlocal entry, values
        if "msgid" in values:
            entry.msgid = values.pop("msgid")
            entry.msgctxt = values.pop("msgctxt", None)
            entry.plural = values.pop("msgid_plural", None)
            forms = sorted((k for k in values if k.startswith("msgstr")),
                           key=lambda k: int(k[7:-1]) if "[" in k else 0)
            entry.msgstr = [values[k] for k in forms]
            entries.append(entry)
        entry, values = Entry(), {}

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        translated = any(k.startswith("msgstr") for k in values)
        if not line:
            finish()
            key = None
        elif line.startswith("#~"):  # obsolete
            continue
        elif line.startswith("#"):
            if translated:
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
        elif line.startswith('"'):
            if key is None:
                raise POError(f"{name}:{n}: a string continues nothing")
            values[key] += _string(line, name, n)
        else:
            keyword, _, rest = line.partition(" ")
            if not (keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr")
                    or re.fullmatch(r"msgstr\[\d\]", keyword)):
                raise POError(f"{name}:{n}: unknown keyword {keyword!r}")
            if keyword in ("msgctxt", "msgid") and translated:
                finish()
            if not values:
                entry.line = n
            key = keyword
            values[key] = _string(rest.strip(), name, n)
    finish()
    return entries


def _string(token: str, name: str, n: int) -> str:
    if not (len(token) >= 2 and token[0] == token[-1] == '"'):
        raise POError(f"{name}:{n}: expected a quoted string")
    try:
        # The C escapes of a .po string (\n, \t, \", \\) are Python's too.
        return ast.literal_eval(token)
    except (ValueError, SyntaxError):
        raise POError(f"{name}:{n}: bad string {token}") from None


def mo_bytes(entries: list[Entry]) -> bytes:
    """The entries as a .mo file (untranslated and fuzzy ones left out, as msgfmt does)."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        if e.fuzzy and e.msgid:
            continue
        if e.msgid and not all(e.msgstr):
            continue
        key = e.msgid if e.plural is None else e.msgid + "\0" + e.plural
        if e.msgctxt is not None:
            key = e.msgctxt + "\x04" + key
        messages[key.encode()] = "\0".join(e.msgstr).encode()
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(messages[k])))
        ids += k + b"\0"
        strs += messages[k] + b"\0"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8,
                         0, 0)
    return header + array.array("i", koffsets + voffsets).tobytes() + ids + strs


def load(path: Path) -> gettext.GNUTranslations:
    entries = parse(path.read_text(encoding="utf-8"), str(path))
    return gettext.GNUTranslations(io.BytesIO(mo_bytes(entries)))
