"""What the bot says, in English, Spanish or French: gettext catalogues.

    tr = translator("es")
    tr._("Unsubscribed from {name}.", name="venezuela")     # "Suscripción a venezuela cancelada."
    tr.n_("{n} outlet", "{n} outlets", 3)                    # "3 medios"
    tr.p_("fact", "killed")                                  # "muertos"

English is the source: the texts in the code are the msgids. `bot/locale/vigia.pot` is the
template, generated from the code (`python -m bot.i18n` writes it and lists what a catalogue
lacks); `bot/locale/es.po` and `fr.po` translate it, and are read as they are (po.py says
why no .mo is compiled). A test keeps the template in step with the code and checks that
every catalogue translates every text with the same {placeholders}.

Only Telegram speaks the subscriber's language. The console and `vigia replay`'s alert
`text` stay English (replay's output is a contract), as do logs and admin notices.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ..config import UI_LANGUAGES
from .po import load

LANGUAGES = UI_LANGUAGES
DEFAULT = "en"
# Each language by its own name, as a reader looking for theirs knows it.
NAMES = {"en": "English", "es": "Español", "fr": "Français"}


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    """Marks a text kept in a constant for the catalogue; `tr._(constant)` translates it."""
    return message


@dataclass(frozen=True)
class Tr:
    """One language's texts. Placeholders are str.format's, by name."""

    code: str
    catalog: gettext.NullTranslations

    def _(self, message: str, /, **values: object) -> str:
        text = self.catalog.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self.catalog.ngettext(singular, plural, n).format(n=n, **values)

    def p_(self, context: str, message: str, /, **values: object) -> str:
        text = self.catalog.pgettext(context, message)
        return text.format(**values) if values else text


def locale_dir() -> Path:
    return Path(str(resources.files("bot") / "locale"))


def translator(code: str | None) -> Tr:
    """The texts of `code` ("es", "es-419", "fr-CA"), English for any other."""
    return _translator(supported(code) or DEFAULT)


@cache  # one per supported language: read once, at its first use
def _translator(lang: str) -> Tr:
    if lang == DEFAULT:
        return Tr(lang, gettext.NullTranslations())
    return Tr(lang, load(locale_dir() / f"{lang}.po"))


def supported(code: str | None) -> str | None:
    """The supported language a Telegram `language_code` ("es", "pt-br", "fr-CA") names."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


ENGLISH = translator(DEFAULT)
