"""Which of the supported languages a text is in.

The feed's or the item's own language wins when it names a supported one; otherwise the
language whose stop words the text uses most. (py3langid and similar classifiers were
measured: +120 MB of memory for the daemon, far past its budget, to tell apart three
languages whose stop words already do.)
"""

from __future__ import annotations

import re
from functools import lru_cache

from .fold import fold
from .tables import LANGUAGES, language

_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str, hint: str | None = None) -> str:
    """"en", "es" or "fr": the hint when it is one of them, else by stop words."""
    if hint:
        code = hint.lower()[:2]
        if code in LANGUAGES:
            return code
    return _by_stop_words(text)


# The grouper and the facts each guess the language of the same item's text, one after the
# other: the second guess is a hit. Small, as a text may be a whole article.
@lru_cache(maxsize=32)
def _by_stop_words(text: str) -> str:
    words = _WORD.findall(fold(text))
    best, best_n = LANGUAGES[0], -1
    for code in LANGUAGES:
        stop = language(code).stop
        n = sum(1 for w in words if w in stop)
        if n > best_n:
            best, best_n = code, n
    return best
