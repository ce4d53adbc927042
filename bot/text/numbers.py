"""Numbers: digits and words become figures, and figures that count nothing are marked.

    "1,200", "1.200", "1 200", "1'200" -> 1200      "twenty-one", "veintiún", "vingt et un" -> 21
    "21st", "5o", "10e", "third", "quinta", "vingt-et-unième" -> ordinals
    "2 million" -> 2000000                  "3 to 5", "entre 3 y 5" -> 3 (the lower figure)
    "une vingtaine de", "un millar de" -> 20, 1000 (about that figure, as "about 20")
    years, times, sums, ages, shares, measures, codes ("F-35") -> NONCOUNT

The words are the language's tables (bot/data/lang/<code>.yaml). Vague quantities
("dozens", "decenas", "des dizaines") are no numbers at all, so nothing reads them; a noun of
one round figure ("une vingtaine", "un centenar") is that figure.
"""

from __future__ import annotations

from .tables import Language
from .tokens import CLAUSE, END, NONCOUNT, NUM, ORD, PAUSE, SYMBOL, WORD, Token

# No toll or count comes near this; a longer figure is a code, an id or a sum (and it keeps
# values inside SQLite's integers).
MAX_COUNT = 10_000_000
_SCALES = (100, 1000, 1_000_000)


def read(tokens: list[Token], lang: Language) -> list[Token]:
    """Give every number its value, merge number words into one token, mark non-counts."""
    out = _words_to_numbers(tokens, lang)
    for i, tok in enumerate(out):
        if tok.kind == NUM and tok.value is None:
            _digits(tok, lang, out[i - 1] if i else None)
    # a scale word and a range each join two figures side by side: most texts hold one
    # figure or none, and these passes over every token are skipped then
    if _counts(out) > 1:
        _scale(out, lang)
    _mark_not_counts(out, lang)
    return _ranges(out, lang) if _counts(out) > 1 else out


def _counts(tokens: list[Token]) -> int:
    return [t.kind for t in tokens].count(NUM)


# ------------------------------------------------------------------------- digits
def _digits(tok: Token, lang: Language, prev: Token | None) -> None:
    raw = tok.norm
    suffix = ""
    while raw and raw[-1].isalpha():
        suffix = raw[-1] + suffix
        raw = raw[:-1]
    if tok.glued and (prev is None or prev.kind in (WORD, NONCOUNT)):
        # a code ("F-35", "G20", "COVID-19"), the minutes of "8h30" (not "3-5", a range)
        tok.kind = NONCOUNT
        return
    groups = raw.replace(",", ".").split(".")
    if len(groups) > 1 and (len(groups[-1]) != 3 or len(groups[0]) > 3):
        tok.kind = NONCOUNT  # a decimal: a share, a magnitude, a measure
        tok.value = None
        return
    digits = raw.replace(",", "").replace(".", "").replace(" ", "").replace("'", "")
    value = int(digits) if digits.isdigit() and len(digits) <= 12 else None
    if suffix:
        if suffix in lang.ordinal_suffixes or suffix in _EN_SUFFIXES:
            tok.kind, tok.value = ORD, value
            return
        # a measure, a time, an age or a code glued to its letters ("3km", "10am", "15yo",
        # "4Ps", "5G"): never a count of people or things
        tok.kind, tok.value = NONCOUNT, None
        tok.norm = raw
        tok.end -= len(suffix)
        return
    tok.value = value
    if value is not None and len(digits) == 4 and "." not in raw and "," not in raw \
            and " " not in raw and 1900 <= value <= 2100:
        tok.kind = NONCOUNT  # a year


_EN_SUFFIXES = frozenset(("st", "nd", "rd", "th"))


# ------------------------------------------------------------------------- words
def _unit(words: list[str], i: int, lang: Language, inside: bool) -> tuple[int, int | None]:
    """(words used, value) of the number word at words[i]; multi-word units ("quatre vingt")
    first. `inside`: already in a run, where "un"/"una"/"une" count."""
    w = words[i]
    if w in lang.units:
        if i + 1 < len(words) and f"{w}-{words[i + 1]}" in lang.units:
            return 2, lang.units[f"{w}-{words[i + 1]}"]
        return 1, lang.units[w]
    if inside and w in lang.compound_only:
        return 1, lang.compound_only[w]
    return 0, None


def ordinal_value(word: str, lang: Language) -> int | None:
    """The value of one ordinal word ("third", "quinta", "vingtieme", "onzieme")."""
    v = lang.ordinals.get(word)
    if v is not None:
        return v
    suffix = lang.ordinal_suffix_word
    if suffix and word.endswith(suffix) and len(word) > len(suffix):
        stem = word[: -len(suffix)]
        base = lang.ordinal_stems.get(stem, stem)
        return lang.units.get(base)
    return None


def _compose(values: list[int]) -> int:
    total = current = 0
    for v in values:
        if v == 100:
            current = max(current, 1) * 100
        elif v in (1000, 1_000_000):
            total += max(current, 1) * v
            current = 0
        else:
            current += v
    return total + current


def _joinable(prev: int, nxt: int) -> bool:
    """Whether two number words side by side are one number ("twenty one", "cent deux",
    "soixante dix") rather than two ("three or five")."""
    if prev in _SCALES or nxt in _SCALES:
        return nxt >= prev or prev in _SCALES
    if prev >= 100 and prev % 100 == 0:  # "doscientos diez", "trescientas veintidós"
        return nxt < 100
    tens = 20 <= prev < 100 and prev % 10 == 0
    return tens and (nxt < 10 or (prev in (60, 80) and nxt < 20))


def _words_to_numbers(tokens: list[Token], lang: Language) -> list[Token]:
    if not _has_number_word(tokens, lang):
        return tokens
    words = [t.norm if t.kind == WORD else "" for t in tokens]
    out: list[Token] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.kind != WORD:
            out.append(tok)
            i += 1
            continue
        approx = lang.approximate.get(tok.norm)
        if approx is not None and i and words[i - 1] in lang.approximate_after:
            # "une vingtaine de morts": the figure, with its article ("tuant une centaine de
            # personnes": no word stands between the verb and the figure) and the "de" that
            # joins it to its noun
            last = i + 1 if i + 1 < n and words[i + 1] in lang.approximate_of else i
            out.append(_merged(tokens, _with_article(out, tokens, i), last, NUM, approx))
            i = last + 1
            continue
        used, value = _unit(words, i, lang, inside=False)
        if not used:
            o = ordinal_value(tok.norm, lang)
            if o is not None:
                out.append(_merged(tokens, i, i, ORD, o))
                i += 1
                # "decimo tercero", "vigesimo primero": a tens ordinal then a unit one
                if o % 10 == 0 and i < n and tokens[i].kind == WORD:
                    unit = ordinal_value(tokens[i].norm, lang)
                    if unit is not None and unit < 10:
                        out[-1] = _merged(tokens, i - 1, i, ORD, o + unit)
                        i += 1
            else:
                out.append(tok)
                i += 1
            continue
        values = [value]
        j = i + used  # next token after the run so far
        last = j - 1
        kind = NUM
        while j < n:
            k = j
            if words[k] in lang.connectors and k + 1 < n:
                k += 1
            u, v = _unit(words, k, lang, inside=True)
            if u and _joinable(values[-1], v):  # type: ignore[arg-type]
                values.append(v)  # type: ignore[arg-type]
                last = k + u - 1
                j = k + u
                continue
            o = ordinal_value(words[k], lang) if words[k] else None
            if o is not None and o < 10 and values[-1] >= 20 and values[-1] % 10 == 0:
                values.append(o)  # "twenty-first", "vingt et unieme"
                last, j, kind = k, k + 1, ORD
            break
        # "killed a dozen people": no word between the verb and the figure
        first = _with_article(out, tokens, i) if values[0] in _SCALES and i \
            and words[i - 1] in lang.scale_article else i
        out.append(_merged(tokens, first, last, kind, _compose(values)))
        i = last + 1
    return out


def _with_article(out: list[Token], tokens: list[Token], i: int) -> int:
    """Where a figure read at tokens[i] starts when the word before it, still a word of its
    own in `out`, is its article ("une centaine", "a dozen"): that word is taken back."""
    if out and out[-1] is tokens[i - 1]:
        out.pop()
        return i - 1
    return i


# number words an article may stand for "one" before ("a hundred", "a dozen", "un millón")
_SCALES = frozenset((12, 100, 1000, 1_000_000))


def _has_number_word(tokens: list[Token], lang: Language) -> bool:
    words, suffix = _number_words(lang), lang.ordinal_suffix_word
    for t in tokens:
        if t.kind == WORD and (t.norm in words or (suffix and t.norm.endswith(suffix))):
            return True
    return False


# id(tables) -> (tables, the words of its units, ordinals and round-figure nouns): one
# lookup per word of every text read, instead of three
_NUMBER_WORDS: dict[int, tuple[Language, frozenset[str]]] = {}


def _number_words(lang: Language) -> frozenset[str]:
    hit = _NUMBER_WORDS.get(id(lang))
    if hit is None or hit[0] is not lang:
        if len(_NUMBER_WORDS) > 16:  # tables made by tests; the bot's are three
            _NUMBER_WORDS.clear()
        hit = _NUMBER_WORDS[id(lang)] = (lang, frozenset(
            (*lang.units, *lang.ordinals, *lang.approximate)))
    return hit[1]


def _merged(tokens: list[Token], i: int, j: int, kind: int, value: int) -> Token:
    a, b = tokens[i], tokens[j]
    norm = " ".join(t.norm for t in tokens[i:j + 1])
    return Token(a.start, b.end, norm, kind, value, a.cap, a.first, a.glued)


# ------------------------------------------------------------------------- what counts
def _scale(tokens: list[Token], lang: Language) -> None:
    """'2 million', '3 mil', '1.5 millones': the digits times the scale word after them;
    '2 mil 300' (as Mexican news writes 2,300): the hundreds after a thousand added."""
    n = len(tokens)
    for i, tok in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if tok.kind == NUM and tok.value is not None and nxt.kind == NUM \
                and nxt.value in (1000, 1_000_000) and nxt.norm.isalpha():
            scale = nxt.value
            tok.value *= scale
            tok.end = nxt.end
            nxt.kind, nxt.value = NONCOUNT, None
            nxt.norm = ""
            rest = tokens[i + 2] if i + 2 < n else None
            if scale == 1000 and rest is not None and rest.kind == NUM \
                    and rest.norm.isdigit() and len(rest.norm) == 3 and rest.start == nxt.end + 1:
                tok.value += int(rest.norm)  # "2 mil 300"
                tok.end = rest.end
                rest.kind, rest.value, rest.norm = NONCOUNT, None, ""


def _mark_not_counts(tokens: list[Token], lang: Language) -> None:
    # only figures change here (a count becomes a non-count, a year-like non-count a count,
    # never a word either): the loop visits them alone
    figures = [i for i, t in enumerate(tokens) if t.kind == NUM or t.kind == NONCOUNT]
    if not figures:
        return
    words = [t.norm for t in tokens]
    n = len(tokens)
    for i in figures:
        tok = tokens[i]
        # "more than 2000 dead": a figure that looks like a year after these is a count
        if tok.kind == NONCOUNT and tok.value is not None and i > 0 \
                and lang.count_before.ending(words, i - 1)[0]:
            tok.kind = NUM
        if tok.kind != NUM:
            continue
        if tok.value is None or tok.value > MAX_COUNT:
            tok.kind, tok.value = NONCOUNT, None
            continue
        j = i + 1
        while j < n and tokens[j].kind == NONCOUNT and not tokens[j].norm:
            j += 1  # a scale word merged into the figure ("2 million")
        if j < n:
            nxt = tokens[j]
            if nxt.kind == CLAUSE and nxt.norm == ":" and j + 1 < n \
                    and tokens[j + 1].kind == NUM and tokens[j + 1].start == nxt.end:
                tok.kind = tokens[j + 1].kind = NONCOUNT  # a time, "10:30"
                continue
            if lang.not_count_after.at(words, j)[0] or nxt.kind == SYMBOL and nxt.norm == "%":
                tok.kind = NONCOUNT
                continue
        if i > 0:
            prev = tokens[i - 1]
            if lang.not_count_before.ending(words, i - 1)[0] or (
                    prev.kind == SYMBOL and prev.norm in "$\u20ac\u00a3"):
                tok.kind = NONCOUNT
    for i in figures:
        if tokens[i].kind == NONCOUNT:
            tokens[i].value = None


def _ranges(tokens: list[Token], lang: Language) -> list[Token]:
    """'3 to 5', '3-5', '3 or 4', 'between 3 and 5' -> one figure, the lower one; but 'from
    20 to 27' ('sube de 20 a 27') is a rise, and stays two figures."""
    out: list[Token] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.kind == NUM and i + 2 < n and tokens[i + 2].kind == NUM:
            gap = tokens[i + 1]
            before = tokens[i - 1].norm if i > 0 else ""
            lead = before in lang.range_lead
            is_range = gap.kind == WORD and (
                gap.norm in lang.range_words or (lead and gap.norm in lang.connectors))
            # "from 20 to 27" is a rise; where the table names the verbs of a rise ("sube de
            # 20 a 27"), "de 3 a 5" after any other word is a range ("dejó de 3 a 5 muertos")
            rise = before in lang.rise_from and (
                not lang.rise_verbs or i > 1 and tokens[i - 2].norm in lang.rise_verbs)
            if rise and tokens[i + 2].kind == NUM and gap.kind == WORD:
                # the figure a count rose from is no count any more ("sube de 135 a 139": 139
                # dead, not 135): a label of the rise, which a rule may still name (#)
                tok.kind, tok.value = NONCOUNT, None
            if is_range and not rise:
                b = tokens[i + 2]
                out.append(Token(tok.start, b.end, f"{tok.norm} {gap.norm} {b.norm}", NUM,
                                 min(tok.value, b.value), tok.cap, tok.first))  # type: ignore
                i += 3
                continue
        if tok.kind == NUM and i + 1 < n and tokens[i + 1].kind == NUM \
                and tokens[i + 1].glued and tokens[i + 1].value is not None \
                and tok.norm[:1].isdigit() and tokens[i + 1].norm[:1].isdigit():
            b = tokens[i + 1]  # "3-5"
            out.append(Token(tok.start, b.end, f"{tok.norm}-{b.norm}", NUM,
                             min(tok.value, b.value), tok.cap, tok.first))  # type: ignore
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


__all__ = ["read", "ordinal_value", "MAX_COUNT", "NUM", "ORD", "NONCOUNT", "END", "PAUSE"]
