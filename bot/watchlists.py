"""Which watchlists an item matches: include/exclude terms, case- and accent-insensitive.

A term matches at the start of a word, so "venezuela" also finds "venezuelan" and
"Venezuela's", while "eu" does not fire inside "deuda".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .config import WatchlistConfig
from .model import Item
from .text import fold, words_of


def terms_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern finding any of `terms` at the start of a word, in folded text (also
    what a chat's /filters words are matched with)."""
    # a term of no word at all (a lone accent, which the config refuses) would match anywhere
    folded = sorted({fold(t).strip() for t in terms if words_of(t)}, key=len, reverse=True)
    if not folded:
        return None
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in folded)
    return re.compile(rf"(?<!\w)(?:{alternatives})")


class WatchlistMatcher:
    def __init__(self, watchlists: Sequence[WatchlistConfig]) -> None:
        self._rules = [(w.name, set(w.languages), terms_pattern(w.include),
                        terms_pattern(w.exclude))
                       for w in watchlists]

    def match(self, item: Item) -> list[str]:
        text = fold(f"{item.title}\n{item.summary}")
        names = []
        for name, languages, include, exclude in self._rules:
            if languages and item.language and item.language not in languages:
                continue
            if include is None or not include.search(text):
                continue
            if exclude is not None and exclude.search(text):
                continue
            names.append(name)
        return names
