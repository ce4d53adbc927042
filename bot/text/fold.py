"""Folding: lower case without accents, one character for one character.

"Caraïbes" -> "caraibes", "Pacífico" -> "pacifico", "l’armée" -> "l'armee". Every character
maps to exactly one character, so an index in the folded text is an index in the original:
the facts engine cites the sentence a figure came from, the grouper and the watchlists
compare folded words, and all of them use this one function.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Characters a plain NFKD decomposition does not bring to one ASCII character.
_SPECIAL = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2039": '"', "\u203a": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200b": " ",
    "\n": " ", "\t": " ", "\r": " ",
    "\u0153": "o", "\u00e6": "a", "\u00df": "s", "\u00f8": "o", "\u0142": "l", "\u0111": "d",
    "\u2026": ".", "\u00ba": "o", "\u00aa": "a",
}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    low = ch.lower()
    if len(low) != 1:  # "İ" lowers to two characters
        low = low[0]
    if low in _SPECIAL:
        return _SPECIAL[low]
    base = unicodedata.normalize("NFKD", low)
    if not base:
        return " "
    first = base[0]
    # a combining mark left alone (a lone accent) folds to a space, never to nothing
    if unicodedata.combining(first):
        return " "
    return first if len(base) == 1 or unicodedata.combining(base[1]) else first


# code point -> folded character, grown as characters are met (str.translate reads it in C)
_TABLE: dict[int, str] = {9: " ", 10: " ", 13: " ", 96: "'"}


def fold(text: str) -> str:
    """Lower case, accents removed, quotes and dashes unified; len(fold(t)) == len(t) for
    text in NFC, which items are (bot.parse): a decomposed accent is composed first."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer ("İ")
        low = "".join([c.lower()[0] for c in text])
    if not low.isascii():
        table = _TABLE
        for ch in set(low):
            if ord(ch) > 127 and ord(ch) not in table:
                table[ord(ch)] = _fold_char(ch)
    return low.translate(_TABLE)
