"""The text layer: one implementation each of folding, language, tokens, numbers, dates.

    read(text, lang, published) -> Text: the tokens of one text, numbers read, days found

Grouping (bot.grouping) and facts (bot.facts) both read items through here, so that a word,
a figure or a day is understood the same way by both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from . import dates, numbers
from .dates import Day
from .fold import fold
from .language import guess_language
from .tables import LANGUAGES, Language, Phrases, language, phrases, read_data, words_of
from .tokens import (
    ACRONYM,
    CAPITAL,
    CLAUSE,
    END,
    FIGURES,
    LOWER,
    NONCOUNT,
    NUM,
    ORD,
    PAUSE,
    PUNCT,
    QUOTE,
    SYMBOL,
    WORD,
    Token,
    split,
)


@dataclass(frozen=True, slots=True)
class Text:
    original: str
    lang: str
    tokens: list[Token]
    days: list[Day]
    published: date | None = None


def read(text: str, lang: str, published: date | None = None) -> Text:
    """Tokens with their figures, and the days named, of one text in `lang`. The tokens are
    read once per text and shared (the grouper and the facts read the same texts): callers
    must not change them."""
    tables = language(lang)
    tokens = _tokens(text, tables.code)
    return Text(text, tables.code, tokens, dates.find(tokens, tables, published), published)


@lru_cache(maxsize=128)
def _tokens(text: str, lang: str) -> list[Token]:
    tables = language(lang)
    # every read() then marks the numbers of dates as no counts (dates.find, whatever the
    # publication day), and the marks are the same whoever reads first
    return numbers.read(split(text, fold(text), tables), tables)


__all__ = [
    "ACRONYM", "CAPITAL", "CLAUSE", "END", "FIGURES", "LANGUAGES", "LOWER", "NONCOUNT", "NUM",
    "ORD", "PAUSE", "PUNCT", "QUOTE", "SYMBOL", "WORD", "Day", "Language", "Phrases", "Text",
    "Token", "fold", "guess_language", "language", "phrases", "read", "read_data", "words_of",
]
