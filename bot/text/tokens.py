"""Splitting a text into tokens that keep their place in the original.

A token is a word, a number, a symbol or a mark that ends a sentence or a clause. Each keeps
its span in the original text (the folded text has the same length, see bot.text.fold), its
folded form, and how it was written (capitalised, an acronym, first in its sentence): the
facts engine cites spans, the grouper compares folded words and names.
"""

from __future__ import annotations

import re

from .tables import Language

# Token kinds
WORD, NUM, ORD, NONCOUNT, SYMBOL, PAUSE, CLAUSE, END, QUOTE = range(9)
PUNCT = frozenset((PAUSE, CLAUSE, END, QUOTE))
FIGURES = frozenset((NUM, ORD, NONCOUNT))

# Capitalisation
LOWER, CAPITAL, ACRONYM = 0, 1, 2


class Token:
    __slots__ = ("start", "end", "norm", "kind", "value", "cap", "first", "glued")

    def __init__(self, start: int, end: int, norm: str, kind: int, value: int | None = None,
                 cap: int = LOWER, first: bool = False, glued: bool = False) -> None:
        self.start = start
        self.end = end
        self.norm = norm  # folded word, digits, or the mark itself
        self.kind = kind
        self.value = value  # NUM and ORD: the figure
        self.cap = cap
        self.first = first  # first word of its sentence (or after a colon or a quote)
        self.glued = glued  # joined to the token before by a hyphen or nothing ("F-35")

    def __repr__(self) -> str:
        v = f"={self.value}" if self.value is not None else ""
        return f"<{self.norm}{v} {'WNOXSPCEQ'[self.kind]}{self.start}>"


_TOKEN = re.compile(
    r"(?P<init>(?<![^\W\d_])(?:[^\W\d_]{1,2}\.-?){2,}(?![^\W\d_]))"
    r"|(?P<num>\d{1,3}(?:(?:,\d{3})+|(?:\.\d{3})+|(?: \d{3})+|(?:'\d{3})+)(?!\d|[.,]\d)"
    r"|\d+(?:[.,]\d+)?)"
    r"(?P<suf>[^\W\d_]{1,3}(?![^\W\d_]))?"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<end>[.!?|]+)"
    r"|(?P<clause>[;:])"
    r"|(?P<pause>[,()\[\]]| - )"
    r"|(?P<quote>\")"
    r"|(?P<sym>[$\u20ac\u00a3%])"
)
_KINDS = {"end": END, "clause": CLAUSE, "pause": PAUSE, "quote": QUOTE, "sym": SYMBOL}


def split(original: str, folded: str, lang: Language) -> list[Token]:
    """The tokens of one text. Numbers are raw here (digits only, no word numbers yet): see
    bot.text.numbers. A full stop after an abbreviation ("Sept.", "Adm.") or inside an
    initialism ("U.S.", "EE.UU.") does not end the sentence."""
    out: list[Token] = []
    append = out.append
    first = True
    abbreviations = lang.abbreviations
    # the loop runs once per token of every text read: the commonest groups are tested
    # first, and a word's capitals are looked at only when its first letter is one
    for m in _TOKEN.finditer(folded):
        group = m.lastgroup
        start, end = m.span()
        if group == "word":
            cap = LOWER
            if original[start:start + 1].isupper():
                raw = original[start:end]
                cap = ACRONYM if len(raw) >= 3 and raw.isupper() else CAPITAL
            glued = start > 1 and folded[start - 1] == "-" and folded[start - 2].isalnum()
            append(Token(start, end, m.group(), WORD, None, cap, first, glued))
            first = False
        elif group == "num" or group == "suf":
            glued = start > 0 and (folded[start - 1].isalpha() or (
                folded[start - 1] == "-" and start > 1 and folded[start - 2].isalnum()))
            tok = Token(start, m.end("num"), m.group("num"), NUM, None, LOWER, first, glued)
            append(tok)
            suffix = m.group("suf")
            if suffix:
                tok.norm += suffix
                tok.end = end
            first = False
        elif group == "init":
            norm = "".join(ch for ch in m.group() if ch.isalpha())
            cap = ACRONYM if original[start:start + 1].isupper() else LOWER
            glued = start > 1 and folded[start - 1] == "-" and folded[start - 2].isalnum()
            append(Token(start, end, norm, WORD, None, cap, first, glued))
            first = False
        else:
            kind = _KINDS[group]  # type: ignore[index]
            if kind == END and folded[start] == "." and out and out[-1].kind == WORD \
                    and out[-1].norm in abbreviations and out[-1].end == start:
                continue  # "Sept. 2", "Adm. Holsey"
            append(Token(start, end, folded[start:end], kind))
            if kind != PAUSE and kind != SYMBOL:  # END, CLAUSE, QUOTE
                first = True
    return out
