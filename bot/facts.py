"""Reading the figures that matter out of one item: death tolls, survivors, strike counts.

    extract_facts(title, summary, language) -> [Fact]

At most one Fact per name (see bot.model.FACT_NAMES):

- ``deaths``        people killed in THIS event (one strike, one raid)
- ``survivors``     survivors of this event
- ``deaths_total``  cumulative deaths of the whole campaign so far
- ``strikes_total`` cumulative number of strikes so far

Pure: no I/O, no clock. The steps, per text (title, then summary):

1. *Fold*: lower case, accents and typographic quotes removed, one char for one char, so an
   index in the folded text is an index in the original.
2. *Numbers*: digits ("1,200", "1.200", "1 200", "21st", "10e") and number words ("eleven",
   "once", "quatre-vingt-trois", "veintiún") become placeholders in a working string:
   ``#11`` for a count, ``@21`` for an ordinal, ``§`` for a figure that is never a count
   (years, dates, times, ages, money, percentages, "22-second"). Ranges ("3 to 5",
   "entre 3 y 5") become their lower figure, as ACLED does. Vague quantities ("dozens",
   "decenas", "des dizaines") are not numbers at all, so they are left out by construction.
3. *Mentions*: per-language rules anchored on each figure (the words just before it and
   from it on) find deaths, survivors and strike counts next to a cue verb or noun; a piece
   map turns their positions back into spans of the original text. Anchoring on the few
   figures, and finding literal cue words with str.find, keeps an item cheap: a regular
   expression tried at every position of the text costs several times more.
4. *Scope*: a deaths mention is cumulative when its own wording says so ("bringing the
   toll to", "elevando a", "portant à") or a campaign cue ("since September", "so far",
   "en lo que va", "depuis début septembre", "in 21 strikes") stands in its clause (or
   opens its sentence, or is a quoted tally "according to administration figures" right
   after it), nearer to it than to any other deaths mention. Mentions about an earlier
   event ("the first strike killed 11", "tras el del 2 de septiembre") are dropped, and so
   are tallies marked as older than this event ("prior to Thursday's strike").
5. *Choice*: ``deaths`` is the first per-event mention in reading order (title first), unless
   a mention says it is the whole of which another is a part ("two ... among the six
   killed"); ``deaths_total`` and ``strikes_total`` take the highest campaign figure read
   (the latest count is the largest one quoted); ``survivors`` the first.

The cue lexicon is the module-level tables below (per language), each with the reason it
exists; the thresholds (ORDINAL_MIN, CARDINAL_STRIKES_MIN, the windows) say why next to them.

When unsure, a figure is left out: a missing fact only delays an alert, a wrong one sends a
false "toll now 87" to every subscriber.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .model import Fact

__all__ = ["extract_facts"]

LANGS = ("en", "es", "fr")

# ---------------------------------------------------------------------------------------------
# Folding: one output char per input char, so spans map back 1:1.
# ---------------------------------------------------------------------------------------------

# Characters outside Latin-1 that news text uses, each replaced by one ASCII char.
_WIDE_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u2039": '"', "\u203a": '"', "\u2013": "-", "\u2014": "-", "\u2011": "-",
    "\u2010": "-", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u0153": "o", "\u2026": ".",
}


def _build_latin1_table() -> bytes:
    """A 256-entry byte table: Latin-1 letters to their ASCII base, quotes and spaces unified."""
    table = bytearray(range(256))
    for code in range(0xC0, 0x100):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii():
            table[code] = ord(base.lower())
    for ch, to in (("\u00ab", '"'), ("\u00bb", '"'), ("\u00b4", "'"), ("`", "'"),
                   ("\u00a0", " "), ("\n", " "), ("\t", " "), ("\r", " "), ("\u00df", "s"),
                   ("\u00e6", "a")):
        table[ord(ch)] = ord(to)
    return bytes(table)


_LATIN1_TABLE = _build_latin1_table()


def _fold(text: str) -> str:
    """Lower case without accents, quotes and dashes unified: one char for one char, so an
    index in the folded text is an index in the original. Byte-table translation: a dict-based
    str.translate costs several times more on accented text."""
    low = text.lower()
    if len(low) != len(text):  # a rare char whose lower case is longer ("İ"): go char by char
        low = "".join(c.lower()[:1] for c in text)
    if not low.isascii():
        for ch, to in _WIDE_FOLD.items():
            if ch in low:
                low = low.replace(ch, to)
    return low.encode("latin-1", "replace").translate(_LATIN1_TABLE).decode("latin-1")


# Abbreviations whose full stop is not the end of a sentence ("U.S.", "Sept. 2", "Adm.").
_ABBREVS = frozenset("sept sep oct nov dec jan feb aug apr jun jul adm gov gen sen rep dr mr mrs "
                     "ms st no vs lt col sgt capt approx est".split())


# "u.s.", "u.n.", "ee.uu.", "e.-u." (etats-unis): short letter groups joined by full stops
_INITIALISM = re.compile(r"(?<![a-z])(?:[a-z]{1,2}\.-?){2,}")


def _unstop_abbreviations(folded: str) -> str:
    """Blank the full stops of abbreviations, one char for one char."""
    if "." not in folded:
        return folded
    chars = list(folded)
    for m in _INITIALISM.finditer(folded):
        for k in range(m.start(), m.end()):
            if chars[k] == ".":
                chars[k] = " "
    i = folded.find(".")
    while i >= 0:
        j = i - 1
        while j >= 0 and folded[j].isalpha():
            j -= 1
        # "sept. 2", "adm. bradley": a known abbreviation before a space
        if folded[j + 1:i] in _ABBREVS and folded[i + 1:i + 2] == " ":
            chars[i] = " "
        i = folded.find(".", i + 1)
    return "".join(chars)


# ---------------------------------------------------------------------------------------------
# Number words. Cardinals are read with text2num where it knows the word (it keeps accents
# and the three grammars), with a small table as the fallback for what it does not convert
# ("veintiún", words written without accents, as all-caps headlines often are).
# ---------------------------------------------------------------------------------------------

_UNITS = {
    "en": {
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
        "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
        "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
        "million": 1000000,
    },
    "es": {
        # "un"/"una" are left out: as articles they are far more common than as the number.
        "cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
        "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
        "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18,
        "diecinueve": 19, "veinte": 20, "veintiuno": 21, "veintiun": 21, "veintiuna": 21,
        "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
        "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
        "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
        "ochenta": 80, "noventa": 90, "cien": 100, "ciento": 100, "doscientos": 200,
        "doscientas": 200, "trescientos": 300, "trescientas": 300, "cuatrocientos": 400,
        "cuatrocientas": 400, "quinientos": 500, "quinientas": 500, "seiscientos": 600,
        "seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800,
        "ochocientas": 800, "novecientos": 900, "novecientas": 900, "mil": 1000,
        "millon": 1000000, "millones": 1000000,
    },
    "fr": {
        # "un"/"une" are left out (articles); "quatre-vingt" is one word for 80.
        "zero": 0, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
        "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
        "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
        "quarante": 40, "cinquante": 50, "soixante": 60, "quatre-vingt": 80,
        "quatre-vingts": 80, "cent": 100, "cents": 100, "mille": 1000, "million": 1000000,
        "millions": 1000000,
    },
}
# "un"/"une"/"one" inside a compound ("vingt et un", "treinta y un") are the number.
_COMPOUND_ONLY = {"en": {}, "es": {"un": 1, "una": 1}, "fr": {"un": 1, "une": 1}}
_MULTIPLIERS = {100, 1000, 1000000}

_ORDINALS = {
    "en": {
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
        "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
        "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
        "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
        "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    },
    "es": {
        "primer": 1, "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercer": 3,
        "tercero": 3, "tercera": 3, "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5,
        "sexto": 6, "sexta": 6, "septimo": 7, "septima": 7, "setimo": 7, "setima": 7,
        "octavo": 8, "octava": 8, "noveno": 9, "novena": 9, "decimo": 10, "decima": 10,
        "undecimo": 11, "undecima": 11, "duodecimo": 12, "duodecima": 12,
        "vigesimo": 20, "vigesima": 20, "trigesimo": 30, "trigesima": 30,
        "cuadragesimo": 40, "cuadragesima": 40,
    },
    "fr": {"premier": 1, "premiere": 1, "second": 2, "seconde": 2},
}
# French ordinals are the cardinal + "ième" ("troisième", "vingt-et-unième"); these are the
# stems whose spelling changes before the suffix.
_FR_ORD_STEMS = {"cinqu": "cinq", "neuv": "neuf", "quatr": "quatre", "onz": "onze",
                 "douz": "douze", "treiz": "treize", "quatorz": "quatorze", "quinz": "quinze",
                 "seiz": "seize", "trent": "trente", "quarant": "quarante",
                 "cinquant": "cinquante", "soixant": "soixante", "unt": "un", "un": "un",
                 "mill": "mille"}

_CONNECTORS = {"en": ("and",), "es": ("y",), "fr": ("et",)}


def _compose(words: list[str], lang: str) -> int | None:
    """Value of a run of folded number words ("quatre-vingt-trois" split on hyphens)."""
    units = _UNITS[lang]
    extra = _COMPOUND_ONLY[lang]
    total = 0
    current = 0
    seen = False
    for w in words:
        v = units.get(w)
        if v is None:
            v = extra.get(w)
        if v is None:
            return None
        seen = True
        if v in _MULTIPLIERS:
            if v == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * v
                current = 0
        else:
            current += v
    return total + current if seen else None


@lru_cache(maxsize=4096)
def _cardinal_value(original: str, folded: str, lang: str) -> int | None:
    try:
        from text_to_num import text2num

        return int(text2num(original.lower(), lang))
    except Exception:  # text2num refuses what it does not know ("veintiún", no accents)
        pass
    parts = [p for p in re.split(r"[\s-]+", folded) if p and p not in _CONNECTORS[lang]]
    if lang == "fr":  # "quatre vingt" -> one 80
        merged: list[str] = []
        for p in parts:
            if p in ("vingt", "vingts") and merged and merged[-1] == "quatre":
                merged[-1] = "quatre-vingt"
            else:
                merged.append(p)
        parts = merged
    return _compose(parts, lang)


@lru_cache(maxsize=4096)
def _ordinal_value(word: str, lang: str) -> int | None:
    """Value of a folded ordinal word ("third", "vigesimo", "vingt-et-unieme")."""
    table = _ORDINALS[lang]
    if word in table:
        return table[word]
    if lang == "en":  # "twenty-first"
        head, _, tail = word.rpartition("-")
        if head in _UNITS["en"] and tail in table:
            return _UNITS["en"][head] + table[tail]
        return None
    if lang == "es":  # "decimotercero", "decimo tercero", "vigesimo primero"
        for prefix, base in (("decimo", 10), ("decima", 10), ("vigesimo", 20), ("vigesima", 20),
                             ("trigesimo", 30), ("trigesima", 30)):
            if word.startswith(prefix) and word != prefix:
                rest = word[len(prefix):].strip(" -")
                if rest in table and table[rest] < 10:
                    return base + table[rest]
        return None
    # French: strip "ieme", repair the stem, read the cardinal.
    if not word.endswith("ieme"):
        return None
    stem = word[:-4]
    pieces = stem.split("-")
    pieces[-1] = _FR_ORD_STEMS.get(pieces[-1], pieces[-1])
    if pieces[-1] == "un" and len(pieces) == 1:
        return None  # "unième" alone is not a word
    return _cardinal_value("", "-".join(pieces), "fr") if pieces else None


_DIGIT_CHARS = "0123456789"
# No toll or strike count comes near this; a longer figure is a code, an id or a sum.
MAX_COUNT = 10_000_000


def _digit_matches(folded: str) -> list[re.Match[str]]:
    """_DIGITS_RE matches, tried only where a digit starts a run: str.find per digit is far
    cheaper than running the expression over every position of the text."""
    starts: list[int] = []
    for d in _DIGIT_CHARS:
        i = folded.find(d)
        while i >= 0:
            if i == 0 or not folded[i - 1].isdigit():
                starts.append(i)
            i = folded.find(d, i + 1)
    if not starts:
        return []
    starts.sort()
    out: list[re.Match[str]] = []
    end = -1
    for i in starts:
        if i < end:
            continue
        m = _DIGITS_RE.match(folded, i)
        if m:
            out.append(m)
            end = m.end()
    return out


@dataclass(slots=True)
class _Num:
    start: int  # in the folded/original text
    end: int
    value: int | None  # None: not a count (date, year, age, money...)
    ordinal: bool = False
    whole: bool = False  # the M of "two of the M": read past, never as the count


_NUM_ATOMS = {lang: frozenset(_UNITS[lang]) for lang in LANGS}
_ORD_ATOMS = {lang: frozenset(_ORDINALS[lang]) for lang in LANGS}
_NUM_ATOMS_B = {lang: frozenset(w.encode() for w in v) for lang, v in _NUM_ATOMS.items()}
_ORD_ATOMS_B = {lang: frozenset(w.encode() for w in v) for lang, v in _ORD_ATOMS.items()}
_ES_ORD_TENS = {"decimo": 10, "decima": 10, "vigesimo": 20, "vigesima": 20, "trigesimo": 30,
                "trigesima": 30}
# Punctuation to spaces, so that str.split() yields the words (hyphens kept: "twenty-one").
_PUNCT_TO_SPACE = str.maketrans({c: " " for c in ".,;:!?\"'()[]{}/\u00a7#@%$"})
_PUNCT_BYTES = bytes.maketrans(b".,;:!?\"'()[]{}/#@%$", b" " * 19)
_RUN_GAP = re.compile(r"[\s-]+(?:(?:and|y|et)[\s-]+)?")
# "vingt et unième", "trente et unième": the traditional spelling, without hyphens
_FR_ET_UNIEME = re.compile(r"[\s-]+et[\s-]+unieme(?![\w-])")
_TRAILING_ONE = re.compile(r"[\s-]+(?:et|y)[\s-]+(?:un|une|una|uno)(?![\w-])")


def _is_cardinal_word(w: str, lang: str) -> bool:
    atoms = _NUM_ATOMS[lang]
    if w in atoms:
        return True
    if "-" in w:
        parts = w.split("-")
        return parts[0] in atoms and all(
            p in atoms or p in _CONNECTORS[lang] or p in _COMPOUND_ONLY[lang] for p in parts)
    return False


_WORD_MARKS = {"en": ("-",), "es": ("-", "decim", "vigesim", "trigesim"), "fr": ("-", "ieme")}


def _atom_value(word: str, lang: str) -> int | None:
    last = word.rsplit("-", 1)[-1]
    return _UNITS[lang].get(last)


def _joinable(prev: str, nxt: str, lang: str) -> bool:
    """Whether two number words side by side are one number ("twenty one", "treinta y dos",
    "quatre vingt", "cent deux") rather than two ("entre trois et cinq", "three or five")."""
    a, b = _atom_value(prev, lang), _atom_value(nxt.split("-", 1)[0], lang)
    if a is None or b is None:
        return False
    if a in _MULTIPLIERS or b in _MULTIPLIERS:
        return True
    if lang == "fr" and a == 4 and b == 20:
        return True  # "quatre vingt"
    tens = a >= 20 and a % 10 == 0
    return tens and (b < 10 or (lang == "fr" and b < 20 and a in (60, 80)))


def _hyphen_or_ieme_words(folded: str, lang: str) -> set[str]:
    """Words with a hyphen ("quatre-vingt-trois", "twenty-first") or, in French, ending in
    "ieme" ("troisieme"): found from the few '-' and 'ieme' positions."""
    out: set[str] = set()
    for mark in _WORD_MARKS[lang]:
        i = folded.find(mark)
        while i >= 0:
            a = i
            while a > 0 and (folded[a - 1].isalpha() or folded[a - 1] == "-"):
                a -= 1
            b = i + len(mark)
            while b < len(folded) and (folded[b].isalpha() or folded[b] == "-"):
                b += 1
            out.add(folded[a:b].strip("-"))
            i = folded.find(mark, b)
    return out


def _words(folded: str) -> set[bytes]:
    """The text's words as bytes: bytes.translate is a table lookup, far cheaper than
    str.translate; folded text is ASCII but for rare symbols, which become "?"."""
    return set(folded.encode("ascii", "replace").translate(_PUNCT_BYTES).split())


def _word_numbers(orig: str, folded: str, lang: str,
                  bwords: set[bytes] | None = None) -> list[_Num]:
    """Number words and ordinal words, found through a set lookup over the text's words
    (a regular expression over every position costs ten times more)."""
    if bwords is None:
        bwords = _words(folded)
    hits = [w.decode() for w in bwords & _NUM_ATOMS_B[lang]]
    ords = [w.decode() for w in bwords & _ORD_ATOMS_B[lang]]
    if any(mark in folded for mark in _WORD_MARKS[lang]):
        for w in _hyphen_or_ieme_words(folded, lang):
            if w in _NUM_ATOMS[lang] or w in _ORD_ATOMS[lang]:
                continue
            if "-" in w and _is_cardinal_word(w, lang):
                hits.append(w)
            elif _ordinal_value(w, lang) is not None:
                ords.append(w)
    if not hits and not ords:
        return []
    found: list[tuple[int, int, str, bool]] = []
    n = len(folded)
    for group, is_ord in ((hits, False), (ords, True)):
        for w in group:
            i = folded.find(w)
            while i >= 0:
                j = i + len(w)
                if (i == 0 or not (folded[i - 1].isalnum() or folded[i - 1] == "-")) and (
                    j == n or not (folded[j].isalnum() or folded[j] == "-")
                ):
                    found.append((i, j, w, is_ord))
                i = folded.find(w, j)
    found.sort()
    out: list[_Num] = []
    k = 0
    while k < len(found):
        i, j, w, is_ord = found[k]
        k += 1
        if is_ord:
            value = _ordinal_value(w, lang)
            # "decimo tercero", "vigesimo primero": a tens ordinal then a unit ordinal
            if lang == "es" and w in _ES_ORD_TENS and k < len(found) and found[k][3]:
                i2, j2, w2, _ = found[k]
                unit = _ORDINALS["es"].get(w2)
                if folded[j:i2].strip() == "" and unit is not None and unit < 10:
                    value = _ES_ORD_TENS[w] + unit
                    j = j2
                    k += 1
            out.append(_Num(i, j, value, True))
            continue
        # a run of cardinal words: "twenty one", "treinta y dos", "vingt et un"
        prev = w
        while k < len(found) and not found[k][3]:
            i2, j2, w2, _ = found[k]
            if not _RUN_GAP.fullmatch(folded, j, i2) or not _joinable(prev, w2, lang):
                break
            j = j2
            prev = w2
            k += 1
        if lang == "fr" and (ord_tail := _FR_ET_UNIEME.match(folded, j)):
            tens = _cardinal_value(orig[i:j], folded[i:j], lang)
            if tens is not None and tens % 10 == 0:  # "vingt et unieme": 21st
                out.append(_Num(i, ord_tail.end(), tens + 1, True))
                continue
        tail = _TRAILING_ONE.match(folded, j)
        if tail:
            j = tail.end()
        out.append(_Num(i, j, _cardinal_value(orig[i:j], folded[i:j], lang)))
    return out


# Digits: "1,200", "1.200", "1 200" (thousands groups), "21", "3.5"; an ordinal suffix
# ("21st", "10th", "10e", "10eme", "11º", "11.º", "11a") makes it an ordinal.
_DIGITS_RE = re.compile(
    r"(\d{1,3}(?:(?:,\d{3})+|(?:\.\d{3})+|(?: \d{3})+)(?![\d])|\d+(?:[.,]\d+)?)"
    r"(st|nd|rd|th|eme|e|er|re|\.?\u00ba|\.?\u00aa|o|a)?(?![\w])"
)

_MONTHS = (
    "january|february|march|april|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre|ene|abr|ago|dic|"
    "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|"
    "janv|fevr|avr|juil"
)
# A figure right before these is not a count of people: it is a date, an age, a sum, a
# duration, a distance or a share. Checked on the folded text right after the number.
_NOT_COUNT_AFTER = re.compile(
    rf"\s*(?:(?:de|of|du|er|th|st|nd|rd)\s+)?(?:{_MONTHS})\b|"
    r"\s*(?:%|percent|per cent|por ciento|pour cent|pourcent)|"
    r"-?\s*(?:year|years|yr|ans?|anos?|annees?)(?:[\s-]+old)?\b|"
    r"-(?:second|minute|hour|day|week|month|year|mile|foot|feet|meter|metre|kilometer|"
    r"kilometre|km|ton|tonne)s?\b|"
    r"\s*(?:h\d\d|:\d\d|a\.?m\b|p\.?m\b|heures?\b|horas?\b|hours?\b|h\b|"
    r"(?:million|billion|mil millones|millones|millions|milliards?)?\s*(?:dollars?|dolares|"
    r"euros?|usd|pesos|bolivares)\b)"
)
_NOT_COUNT_BEFORE = re.compile(
    rf"(?:(?:{_MONTHS})\.?\s+(?:the\s+)?|[$\u20ac\u00a3]\s*|usd\s*|\baged?\s+|\bage of\s+|"
    r"\b(?:de|of)\s+(?:los\s+)?anos\s+|\bno\s+|\bnadie\s+)$"
)
# First words (and chars) next to a figure that may make it a non-count; only then are the
# rules above tried.
_NOT_COUNT_WORDS = frozenset(_MONTHS.split("|")) | frozenset(
    "de of du er th st nd rd percent per por pour pourcent year years yr an ans ano anos annee "
    "annees old h heures heure horas hora hours hour am pm a.m p.m million billion mil millones "
    "millions milliard milliards dollars dollar dolares euros euro usd pesos bolivares aged age "
    "no nadie in".split())
_NOT_COUNT_CHARS = frozenset("%-:$\u20ac\u00a3")
_SCALE_HEADS = (" thousand", " mil", " million")
_PARTITIVE_HEADS = (" of ", " de l", " de e", " des ", " d'entre", " parmi")
# Lower figure of a range: "3 to 5", "3-5", "3 or 4", "de 3 a 5", "entre 3 y 5".
_RANGE_GAP = re.compile(r"\s*(?:-|to|or|a|\u00e0|o|ou|au)\s*")
_RANGE_AND_GAP = re.compile(r"\s+(?:and|y|e|et)\s+")
_RANGE_LEAD = re.compile(r"(?:between|entre)\s+$")
# "two of the four aboard": the second figure is the whole, not the count the verb is about.
_OF_GAP = re.compile(r"\s+(?:of|of the|de|de los|de las|des|d'entre les|sur)\s+")
_PARTITIVE = re.compile(r"\s+(?:of the|of those|of these|of|de los|de las|de estos|des|"
                        r"d'entre les|parmi les)\s+")
_SCALE_AFTER = re.compile(r"\s+(thousand|mil|mille|million|millions|millones)\b")


def _find_numbers(orig: str, folded: str, lang: str,
                  bwords: set[bytes] | None = None) -> list[_Num]:
    nums: list[_Num] = []
    for m in _digit_matches(folded):
        if m.start() and (folded[m.start() - 1].isalnum() or folded[m.start() - 1] in ".,"):
            continue  # inside a code or a word ("F-35", "1.5.2")
        raw, suffix = m.group(1), m.group(2)
        end = m.end()
        if "." in raw[-3:-2] + raw[-2:-1] and len(raw.split(".")[-1]) < 3 or (
            "," in raw and len(raw.split(",")[-1]) < 3
        ):
            nums.append(_Num(m.start(), end, None))  # a decimal: a share or a measure
            continue
        value = int(raw.replace(",", "").replace(".", "").replace(" ", ""))
        ordinal = False
        if suffix:
            if suffix in ("a", "o") and lang != "es" or suffix in ("e", "er", "re", "eme") and (
                lang not in ("fr", None)
            ):
                nums.append(_Num(m.start(), end, None))
                continue
            ordinal = True
        sm = _SCALE_AFTER.match(folded, end) if folded.startswith(_SCALE_HEADS, end) else None
        if sm and not ordinal:
            value *= _UNITS["en"].get(sm.group(1), 0) or (
                1000 if sm.group(1) in ("mil", "mille") else 1000000
            )
            end = sm.end()
        nums.append(_Num(m.start(), end, value, ordinal))
    nums.extend(_word_numbers(orig, folded, lang, bwords))
    nums.sort(key=lambda n: n.start)
    # Drop overlaps (an ordinal word that is also inside a cardinal run, "sept" and "Sept.").
    kept: list[_Num] = []
    for n in nums:
        if kept and n.start < kept[-1].end:
            continue
        kept.append(n)
    # What a figure is: a date, a year, an age, money... is never a count.
    for n in kept:
        if n.value is not None and n.value > MAX_COUNT:
            n.value = None  # a code, an id or a sum; also keeps values inside SQLite's int64
        if n.value is None or n.ordinal:
            continue
        raw = folded[n.start:n.end]
        if len(raw) == 4 and raw[:2] in ("19", "20") and raw.isdigit():
            n.value = None  # a year
            continue
        # the cheap look at the next and previous words decides whether the rules are needed
        after = folded[n.end:n.end + 14]
        nxt = after.translate(_PUNCT_TO_SPACE).split(None, 1)
        maybe = after[:1] in _NOT_COUNT_CHARS or bool(nxt) and (
            nxt[0] in _NOT_COUNT_WORDS or "-" in nxt[0])
        if maybe and _NOT_COUNT_AFTER.match(folded, n.end):
            n.value = None
            continue
        before = folded[max(0, n.start - 16):n.start]
        prev = before.split()
        maybe = before[-1:] in _NOT_COUNT_CHARS or bool(prev) and (
            prev[-1].strip(".") in _NOT_COUNT_WORDS)
        if maybe and _NOT_COUNT_BEFORE.search(folded, max(0, n.start - 16), n.start):
            n.value = None
    # Ranges become their lower figure; "N of M" keeps N only.
    merged: list[_Num] = []
    for n in kept:
        if merged:
            p = merged[-1]
            gap = folded[p.end:n.start]
            if len(gap) <= 9 and (p.value is not None and n.value is not None and not p.ordinal
                    and not n.ordinal):
                if _RANGE_GAP.fullmatch(gap) or (
                    _RANGE_AND_GAP.fullmatch(gap)
                    and _RANGE_LEAD.search(folded, max(0, p.start - 10), p.start)
                ):
                    merged[-1] = _Num(p.start, n.end, min(p.value, n.value))
                    continue
                if _OF_GAP.fullmatch(gap):
                    n.whole = True
        merged.append(n)
    # "one of the survivors", "two of the dead": a part, not the count the noun is about.
    for i, n in enumerate(merged):
        if n.value is None or n.ordinal or n.whole:
            continue
        pm = _PARTITIVE.match(folded, n.end) if folded.startswith(
            _PARTITIVE_HEADS, n.end) else None
        if pm and not (i + 1 < len(merged) and merged[i + 1].start == pm.end()):
            n.value = None
    return merged


# ---------------------------------------------------------------------------------------------
# The working string: numbers replaced by placeholders, with a map back to the original.
# ---------------------------------------------------------------------------------------------


class _Work:
    __slots__ = ("text", "_ns", "_os", "_oe", "_rep")

    def __init__(self, folded: str, nums: list[_Num]) -> None:
        parts: list[str] = []
        self._ns: list[int] = []
        self._os: list[int] = []
        self._oe: list[int] = []
        self._rep: list[bool] = []
        pos = 0
        npos = 0
        for n in nums:
            if n.start > pos:
                self._add(npos, pos, n.start, False)
                parts.append(folded[pos:n.start])
                npos += n.start - pos
            if n.whole:
                token = f"~{n.value}"
            elif n.value is None:
                token = "\u00a7"
            elif n.ordinal:
                token = f"@{n.value}"
            else:
                token = f"#{n.value}"
            self._add(npos, n.start, n.end, True)
            parts.append(token)
            npos += len(token)
            pos = n.end
        if pos < len(folded):
            self._add(npos, pos, len(folded), False)
            parts.append(folded[pos:])
        self.text = "".join(parts)

    def _add(self, ns: int, os_: int, oe: int, rep: bool) -> None:
        self._ns.append(ns)
        self._os.append(os_)
        self._oe.append(oe)
        self._rep.append(rep)

    def orig(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of a working-string range."""
        i = bisect_right(self._ns, start) - 1
        s = self._os[i] if self._rep[i] else self._os[i] + (start - self._ns[i])
        j = bisect_right(self._ns, max(end - 1, start)) - 1
        e = self._oe[j] if self._rep[j] else self._os[j] + (end - self._ns[j])
        return s, e


# ---------------------------------------------------------------------------------------------
# Cue lexicon (data). Patterns run over the folded working string: lower case, no accents,
# counts as "#N", ordinals as "@N", non-counts as "§".
# ---------------------------------------------------------------------------------------------

# One word that is not a figure and does not end the sentence. Used to allow a few words
# (adjectives, names in apposition) between a figure and its verb; it never crosses another
# figure, so "two citizens were among six people killed" reads 6, not 2.
W = r"(?:[^\s#@\u00a7.;:!?]+\s+)"
# Same, but may cross figures (only inside wordings that are cumulative on their own).
W2 = r"(?:[^\s.;:!?]+\s+)"
# Qualifiers kept as the figure itself: a lower bound is the conservative reading.
Q = (r"(?:(?:at least|no fewer than|no less than|al menos|por lo menos|como minimo|au moins|"
     r"au minimum|more than|over|mas de|plus de|nearly|almost|about|around|some|"
     r"approximately|roughly|an estimated|cerca de|casi|unos|unas|alrededor de|"
     r"aproximadamente|pres de|environ|quelque|a total of|un total de|ya|desormais|"
     r"d')\s*)*")
DET = (r"(?:(?:all|the|all the|los|las|les|todos los|todas las|tous les|toutes les|its|their|"
       r"those|these|esos|estos|esas|estas|ces|ses|sus|otros|otras|other|autres|los otros|"
       r"entre|among|parmi)\s+)?")
QUOTE = r"\"?\s*"
# An adverb between a verb and its figure: "tuant apparemment trois personnes".
ADV = r"(?:[a-z]+(?:ment|mente|ly)\s+)?"

_PERSON = r"(?:person|persona|personne|man|hombre|homme|woman|mujer|femme|individual|crew member)"

# Nouns after a figure that make it something other than people (a fleet, a sum, a count of
# strikes): "8 warships", "10,000 troops", "four boats". A deaths figure followed by one of
# these is rejected.
_NON_PERSON = re.compile(
    r"(?:\"?\s*)(?:(?:us|u s|american|navy|military|alleged|suspected|drug|more|other)\s+)*"
    r"(?:warships?|ships?|vessels?|boats?|speedboats?|destroyers?|submarines?|jets?|"
    r"aircraft|planes?|drones?|missiles?|troops|personnel|strikes?|attacks?|"
    r"operations?|raids?|miles?|kilometers?|kilometres?|km|hours?|days?|weeks?|months?|"
    r"years?|dollars?|tons?|kilos?|times|buques|barcos|lanchas|embarcaciones|naves|"
    r"aviones|tropas|efectivos|ataques|operaciones|bombardeos|horas|dias|"
    r"semanas|meses|anos|navires|bateaux|embarcations|avions|troupes|effectifs|"
    r"frappes|attaques|heures|jours|semaines|mois|ans)\b"
)

_STRIKE_SING = (r"(?:strike|airstrike|air strike|attack|operation|raid|bombing|ataque|"
                r"bombardeo|operacion|golpe|intervencion|frappe|attaque|bombardement)")
_STRIKE_PLUR = (r"(?:strikes|airstrikes|air strikes|attacks|operations|raids|bombings|"
                r"ataques|bombardeos|operaciones|golpes|intervenciones|frappes|attaques|"
                r"bombardements)")
_BOAT = (r"(?:boat|vessel|speedboat|narco-boat|semi-submersible|lancha|narcolancha|"
         r"embarcacion|barco|bote|buque|bateau|embarcation|navire|vedette|destruction|"
         r"destruccion)")
# "21 boats", "22 lanchas", "23 bateaux" (struck so far): not a count of strikes (one strike
# may hit several boats), but a campaign's scale that dates a toll beside it
_BOATS_COUNT_RE = re.compile(
    r"#(\d+)\s+(?:[^\s#@\u00a7.;:!?]+\s+){0,1}?(?:boats|vessels|speedboats|narco-boats|"
    r"semi-submersibles|lanchas|narcolanchas|embarcaciones|barcos|botes|buques|bateaux|"
    r"embarcations|navires|vedettes)\b")

# Wordings that are campaign totals on their own, per language.
# Each rule below is anchored on one figure: BEFORE is matched on the words just before the
# figure (it ends where the figure starts), AFTER on the words from the figure on. Anchoring
# on the few figures of a text instead of scanning every position is what keeps an item cheap
# (bench/facts_eval.py measures it).

# Wordings that are campaign totals on their own (deaths_total), as (before, after) pairs.
_CUM_RULES = {
    "en": [
        # "bringing the total killed since September to 87", "brought the death toll to 57"
        (rf"\b(?:bring|brings|bringing|brought|raising|raised|raises|pushing|pushed|pushes|"
         rf"taking|took|takes|lifting|lifted|putting|puts|put)\s+(?:the\s+)?{W2}{{0,9}}?"
         rf"(?:toll|total|number|tally|count|dead|killed)\s+{W2}{{0,7}}?to\s+{Q}$", None),
        # "brought to at least 57 the number killed"
        (rf"\b(?:bring|brings|bringing|brought|raising|raised|taking|took)\s+to\s+{Q}$",
         rf"#\d+\s+{W}{{0,2}}?(?:the\s+)?(?:number|numbers|total|toll|tally|count)\b"),
        # "toll reaches 61", "the number killed has reached 34", "the toll stands at 43"
        (rf"\b(?:toll|tally|(?:total|number)\s+(?:of\s+)?(?:people\s+)?(?:killed|dead|deaths|"
         rf"fatalities))\s+{W2}{{0,6}}?(?:has\s+|have\s+|now\s+)?(?:reache[sd]|reach|rose|rises|"
         rf"risen|climbed|climbs|jumped|stands|stood|hit|hits|grew|is now|now stands|totals|"
         rf"totaled|totalled|is|was|surpass(?:es|ed)?|exceed(?:s|ed)?|tops|topped|passe[sd]|"
         rf"passed)\s+(?:now\s+)?(?:to\s+|at\s+|past\s+)?{Q}$", None),
    ],
    "es": [
        # "elevando a 27 el número de víctimas", "ya asciende a por lo menos 21 muertos",
        # "van 21 muertos"
        (rf"\b(?:elev\w*|ascend\w*|asciend\w*|sube|suben|subio|subiendo|suma|suman|sumando|"
         rf"lleva|llevan|van|alcanz\w*|acumul\w*)\s+(?:ya\s+)?(?:a\s+|en\s+)?{Q}$",
         rf"#\d+\s+{W}{{0,3}}?(?:muertos|muertas|victimas|fallecidos|vidas|el numero|la cifra|"
         rf"el saldo|el total|el balance|el recuento)\b"),
        # "el número de muertos asciende a 30"
        (rf"\b(?:numero|cifra|saldo|balance|total|recuento)\s+(?:total\s+)?(?:de\s+)?"
         rf"(?:muertos|victimas|fallecidos)\s+{W2}{{0,4}}?(?:asciende|ascendio|se eleva|"
         rf"se elevo|sube|subio|llega|llego|alcanza|alcanzo|es de|queda en)\s+(?:ya\s+)?"
         rf"(?:a\s+|en\s+|de\s+)?{Q}$", None),
    ],
    "fr": [
        # "portant à 17 le nombre total de morts", "portant à au moins 57 victimes le bilan"
        (rf"\bport(?:ant|e|ent|ait|er|ee)\s+(?:ainsi\s+)?a\s+{Q}$",
         rf"#\d+\s+{W}{{0,5}}?(?:morts|victimes|tues|deces|personnes|le bilan|bilan|"
         rf"le nombre)\b"),
        # "portant le bilan total des victimes à au moins 62 personnes"
        (rf"\bport(?:ant|e|ent|ait)\s+(?:le|son|ce)\s+bilan\s+{W2}{{0,8}}?a\s+{Q}$", None),
        # "le bilan s'élève désormais à 21 morts", "le bilan fait état d'au moins 57 morts"
        (rf"\bbilan\s+{W2}{{0,4}}?(?:s'eleve|s'elevait|s'etablit|atteint|passe|monte|"
         rf"est|etait|fait etat|se monte)\s*(?:desormais\s+|"
         rf"maintenant\s+|ainsi\s+)?(?:a\s+|de\s+|d')?{Q}$", None),
    ],
}

# A deaths figure next to a death verb or noun, whatever its scope.
_DEATHS_BEFORE = {
    # "killed 11 people", "killing all three men aboard", "claimed the lives of 4"
    "en": (rf"\b(?:kills|kill|killed|killing|slew|slaying|claimed the lives of|"
           rf"claiming the lives of|took the lives of|taking the lives of|deaths of|death of|"
           rf"toll at|toll of|toll now at)\s+"
           rf"{ADV}{QUOTE}{DET}{Q}{QUOTE}$"),
    # "mató a tres personas", "dieron de baja a once", "murieron tres hombres"
    "es": (rf"\b(?:mato|mataron|matando|mata|matan|ha matado|han matado|habria matado|asesino|"
           rf"asesinaron|elimino|eliminaron|eliminando|dio de baja|dieron de baja|abatio|"
           rf"abatieron|murieron|mueren|fallecieron|perecieron|perdieron la vida|han muerto|"
           rf"han fallecido|han perdido la vida|se cobro la vida de|se cobraron la vida de|"
           rf"cobro la vida de|muerte de)\s+{ADV}"
           rf"{QUOTE}(?:a\s+)?{DET}{Q}(?:a\s+)?{QUOTE}$"),
    # "tuant trois personnes", "a tué 11 personnes", "tuant les quatre hommes à bord"
    "fr": (rf"\b(?:tue|tuant|tuent|ont tue|a tue|avait tue|avaient tue|ont coute la vie a|"
           rf"a coute la vie a|coutant la vie a|mort de)\s+{ADV}{QUOTE}{DET}{Q}{QUOTE}$"),
}
# From a figure to its verb or noun: up to seven words, so that an apposition fits
# ("11 personas, presuntos integrantes del Tren de Aragua, murieron"); W never crosses
# another figure or the end of a sentence, which keeps the reach inside one statement.
# Nouns ("27 deaths", "14 lives") must follow within two words.
_DEATHS_AFTER = {
    # "three people have been killed", "11 terrorists killed", "four dead", "27 deaths",
    # "its three occupants died", "left 11 people dead", "14 lives"
    "en": (rf"#(\d+)\s+(?:{W}{{0,7}}?(?:(?:were|was|have|has|had|been|are|is|got|reportedly|"
           rf"allegedly|all|also|later|confirmed)\s+)*(?:killed|dead|died|perished|slain|"
           rf"lost their lives)|{W}{{0,2}}?(?:deaths|fatalities|victims|lives))\b"),
    # "tres personas murieron", "11 abatidos", "seis narcoterroristas muertos",
    # "11 personas, presuntos integrantes del Tren de Aragua, murieron", "14 muertos"
    "es": (rf"#(\d+)\s+{W}{{0,7}}?(?:(?:ya\s+)?(?:han|habian|fueron|han sido|resultaron|"
           rf"quedaron|que)\s+)*(?:murieron|muertos|muertas|muerto|mueren|murio|muere|fallecieron|"
           rf"fallecidos|fallecidas|fallecio|abatidos|abatidas|eliminados|eliminadas|"
           rf"asesinados|asesinadas|perdieron la vida|sin vida|muertes|victimas|vidas)\b"),
    # "quatre personnes ont été tuées", "14 tués", "six morts", "11 narcotrafiquants, tous
    # tués", "six victimes"
    "fr": (rf"#(\d+)\s+{W}{{0,7}}?(?:(?:ont ete|ont|sont|auraient ete|avaient ete|a ete|ete|"
           rf"seraient|tous|toutes)\s+)*(?:tues|tuees|morts|mortes|decedes|decedees|deces|"
           rf"victimes|peri|perdu la vie|trouve la mort)\b"),
}
# "killing one person", "tuant une personne": an article counts as one before a person noun.
_DEATHS_ONE = {
    "en": rf"\b(?:kills|killed|killing)\s+(?:a|an)\s+(?:other\s+)?{_PERSON}\b",
    "es": rf"\b(?:mato|matando|mata)\s+a\s+(?:un|una)\s+{_PERSON}\b",
    "fr": rf"\b(?:tue|tuant|a tue)\s+(?:un|une)\s+{_PERSON}\b",
}

# "two crew members, a Colombian and an Ecuadorian, were the only survivors"
_COPULA = (r"(?:were|are|fueron|son|eran|sont|etaient|ont ete)\s+(?:the\s+|los\s+|las\s+|"
           r"les\s+)?(?:only\s+|unicos\s+|unicas\s+|seuls\s+|seules\s+)?")
_SURVIVORS_AFTER = {
    "en": (rf"#(\d+)\s+(?:{W}{{0,2}}?(?:survivors?|surviving)|{W}{{0,3}}?(?:(?:have|has|had|"
           rf"reportedly|also)\s+)*(?:survived|survive|survives)|{W}{{0,7}}?{_COPULA}(?:survivors?))\b"),
    "es": (rf"#(\d+)\s+(?:{W}{{0,2}}?(?:sobrevivientes?|supervivientes?)|{W}{{0,3}}?(?:(?:han|"
           rf"ha|habian|que)\s+)*(?:sobrevivieron|sobrevivio|sobrevivido|sobreviven|"
           rf"sobrevive)|{W}{{0,7}}?{_COPULA}(?:sobrevivientes?|supervivientes?))\b"),
    "fr": (rf"#(\d+)\s+(?:{W}{{0,2}}?survivant(?:e)?s?|{W}{{0,3}}?(?:ont|a|avaient|avait|"
           rf"auraient|aurait)\s+survecu|{W}{{0,3}}?(?:survivent|survit)|{W}{{0,7}}?{_COPULA}survivant(?:e)?s?)\b"),
}
# One survivor said with an article: "a lone survivor", "un sobreviviente", "un survivant",
# "one person survived", "una más sobrevivió", "un homme a survécu". A plural "survivors"
# without a figure ("there were survivors") says nothing about how many.
_SURVIVOR_ONE = {
    "en": (r"\b(?:a|an|the|its)\s+(?:(?:sole|lone|single|only)\s+)?survivor\b|"
           rf"\b(?:a|an)\s+(?:{_PERSON}|crewman|sailor|occupant)\s+(?:has\s+|had\s+)?survived\b"),
    "es": (r"\b(?:un|una|el|la|al|del|su)\s+(?:(?:unico|unica|solo|sola)\s+)?"
           r"(?:sobreviviente|superviviente)\b|"
           rf"\b(?:un|una|uno)\s+(?:mas\s+|{_PERSON}\s+)?(?:sobrevivio|ha sobrevivido)\b"),
    "fr": (r"\b(?:un|une|le|la|l'|du|au)\s*(?:(?:seul|seule|unique)\s+)?survivante?\b|"
           rf"\b(?:un|une)\s+(?:seul\s+|seule\s+)?(?:{_PERSON}\s+)?(?:a|aurait)\s+survecu\b"),
}
_SURVIVOR_STEMS = ("surviv", "sobreviv", "supervivi", "survecu")
# Two people named one by one as the subject of a plural "survived": "a Colombian and an
# Ecuadorian survived", "un colombiano y un ecuatoriano que sobrevivieron", "un Colombien et un
# Équatorien ont survécu". Two survivors, though no figure is written. Not the pluperfect
# ("had survived", "avaient survécu"): like "had killed" in _PRIOR, it tells an earlier event.
_SURVIVOR_PAIR = re.compile(
    r"\b(?:a|an|un|una|une)\s+[a-z'-]+\s+(?:and|y|e|et)\s+(?:a|an|un|una|une)\s+[a-z'-]+\s*,?\s+"
    r"(?:(?:who|que|qui)\s+)?(?:(?:have|han|ont)\s+)?(?:both\s+|ambos\s+|"
    r"tous deux\s+)?(?:survived|sobrevivieron|sobrevivido|survecu)\b")
# A sentence saying that searchers found no survivor, or failed to find the one reported
# ("the search failed to find the sole survivor", "found no survivors, though officials said
# one person survived"): the count is disputed by the text itself, so it is left out.
_SURV_NOT_FOUND = re.compile(
    r"\b(?:(?:failed|fails|unable|could not|couldn't|did not|didn't)\s+(?:to\s+)?"
    r"(?:find|locate|rescue|found|located|rescued)|found no|no survivors? (?:was|were|has been|"
    r"have been) found|(?:no|nunca)\s+(?:pudo|pudieron|logro|lograron|ha podido|han podido)\s+"
    r"(?:encontrar|localizar|rescatar|hallar)|no (?:encontro|encontraron|hallo|hallaron)|"
    r"sin (?:encontrar|hallar|localizar)|ningun (?:sobreviviente|superviviente)|"
    r"n'(?:a|ont|avait|avaient) pas (?:pu )?(?:retrouver|retrouve|localiser|localise|secourir|"
    r"trouve|trouver)|sans (?:retrouver|localiser)|aucun survivant)")

# Strike counts. An ordinal next to a strike (or boat) counts the campaign: "the 21st strike",
# "el quinto ataque", "la dixième frappe", "a fourth strike", "the fifth time".
_ORD_AFTER = rf"@(\d+)\s+{W}{{0,3}}?(?:{_STRIKE_SING}|{_BOAT}|time|vez|fois)\b"
# "cette attaque est la troisième", "it was the 10th", "strike number 11"
_ORD_BEFORE = (rf"(?:\b{_STRIKE_SING}|\bit|\bthis|\besta|\beste|\bcette|\bc'|\bce)\s*"
               rf"{W}{{0,2}}?(?:is|was|marks|marked|est|etait|es|fue|constituye|seria|serait|"
               rf"would be)\s+{W}{{0,2}}?(?:the|its|la|le|el|sa|su)\s+$")
# "a new strike, the 23rd since September", "une nouvelle frappe, la 23e depuis septembre"
_ORD_APPOSED = rf"\b{_STRIKE_SING},?\s+(?:{W}{{0,2}}?)?(?:the|la|le|el|its|sa|su)\s+$"
_NUMBER_BEFORE = rf"\b(?:{_STRIKE_SING}|{_BOAT})\s+(?:number|numero|no|n)\s+$"
# A cardinal count of strikes: "13 strikes since September", "in the five strikes",
# "ya son cinco operaciones", "sept frappes".
_CARD_AFTER = (rf"#(\d+)\s+(?:(?!(?:in|en|dans|of|de|people|personas|personnes|killed|"
               rf"muertos|morts|tues)\b){W}){{0,3}}?{_STRIKE_PLUR}\b")
_STRIKE_PLURAL_WORDS = ("strikes", "attacks", "operations", "raids", "bombings", "ataques",
                        "bombardeos", "operaciones", "golpes", "intervenciones", "frappes",
                        "attaques", "bombardements")
_OTHER_BEFORE = r"\b(?:other|otros|otras|autres|more|mas|plus|earlier|previous|prior)\s+$"
# "the total number of strikes stands at 10", "el número de ataques asciende a 10", "le nombre
# de frappes s'élève à 10": a running count named as such, cumulative by its own wording.
# (Counts of boats struck are not read as strikes: one strike may hit several boats, so once
# it has, "14 boats destroyed since September" is not the number of strikes.)
_STRIKES_NUMBER_BEFORE_RE = re.compile(
    r"\b(?:number|numero|nombre)\s+(?:total\s+)?(?:of|de|des)\s+" + W + r"{0,2}?"
    + _STRIKE_PLUR + r"\s+" + W + r"{0,2}?(?:(?:has|have|now)\s+)?(?:stands at|stood at|"
    r"reached|reaches|rose to|totals|is now|asciende(?: ya)? a|ascendio a|se eleva(?: ya)? a|"
    r"se elevo a|llega a|llego a|s'eleve(?: desormais| maintenant)? a|s'elevait a|"
    r"atteint(?: desormais)?|passe a)\s+" + Q + r"$"
    # "bringing the number of strikes to 21", "elevando el número de ataques a 21", "portant
    # le nombre de frappes à 21"
    r"|\b(?:bring\w*|brought|rais\w*|tak\w*|took|push\w*|lift\w*|elev\w*|llev\w*|"
    r"port\w*)\s+(?:the\s+|el\s+|le\s+)?(?:total\s+)?(?:number|numero|nombre|count|tally)\s+"
    r"(?:total\s+)?(?:of|de|des)\s+" + W + r"{0,2}?" + _STRIKE_PLUR + r"\s+" + W2
    + r"{0,5}?(?:to|a)\s+" + Q + r"$")
# The thing a running count counts, when the count's wording names it: "bringing the number
# of strikes to 21" counts strikes, not deaths; "eleva a 21 el número de lanchas", boats.
_COUNTED_THING = re.compile(
    r"\b(?:number|count|tally|numero|nombre|cifra)\s+(?:total\s+)?(?:of\s+|de\s+|des\s+|d')(?:(?:the|"
    r"los|las|les|us|u s|american|americaines|estadounidenses|known|military|deadly|such)\s+)?"
    r"(" + _STRIKE_PLUR + r"|boats|vessels|lanchas|narcolanchas|embarcaciones|barcos|buques|"
    r"bateaux|navires|embarcations)\b")
# Ordinals below this count only through their own rules: 1 never ("the first strike" names
# the earlier event), 2 only where _second_counts finds the wording unambiguous ("a second
# strike" may be "another strike" or a follow-up strike on the same boat). Raise to be
# stricter, lower to be bolder.
ORDINAL_MIN = 3
# A count of strikes needs a campaign cue unless it is at least this large: one operation
# ("three strikes on four vessels killed 14") rarely has more than four strikes, while a
# campaign tally quoted without "since ..." ("sept frappes, 32 morts") is larger.
CARDINAL_STRIKES_MIN = 5
# Words that make a strike ordinal count a sub-series, not the campaign: "the third strike of
# the day", "the fourth strike this week", "the second on the same boat". Seas are handled
# apart (_REGION_AFTER below).
_SUBSERIES = re.compile(
    r"\s*" + W + r"{0,3}?(?:of the day|that day|this week|on the same|del dia|de la jornada|"
    r"esta semana|"
    r"de la journee|cette semaine|en una semana|in a week|en une semaine|"
    r"in (?:less than )?(?:\u00a7|#\d+) (?:hours|days))"
)
# A sea named right after a strike ordinal ("the fifth strike in the Caribbean"). Whether it
# makes the ordinal a sub-series count depends on the sea (see _region_subseries). Group 1 is
# the sea, group 2 a second sea joined to it ("in the Caribbean and the eastern Pacific").
_SEA = r"(caribbean|caribe|caraibes|pacific|pacifico|pacifique)"
_REGION_AFTER = re.compile(
    r"\s*" + W + r"{0,3}?(?:in|en|dans)\s+(?:the\s+|el\s+|le\s+|les\s+|la region des\s+|"
    r"la region del\s+)?(?:(?:eastern|east|southern|western)\s+)?" + _SEA +
    r"(?:\s+(?:oriental|orientale|est|sur|sud))?"
    r"(\s+(?:and|y|et)\s+(?:(?:the|el|le|les)\s+)?(?:(?:eastern|east)\s+)?"
    r"(?:caribbean|caribe|caraibes|pacific|pacifico|pacifique))?"
)
# Seas the campaign reached after it began (its first Pacific strike came six weeks in): an
# ordinal counted there ("the third strike in the Pacific") is always a sub-series. The other
# seas (the Caribbean, where it began) are the campaign's own area, so "the fifth strike in the
# Caribbean" counts the campaign, unless the text also names another sea: then the campaign
# has more than one theatre in view and a one-sea count is a part of it.
_LATER_SEAS = frozenset(("pacific", "pacifico", "pacifique"))
_SEA_STEMS = {"caribbean": ("pacific", "pacifi"), "caribe": ("pacifi",),
              "caraibes": ("pacifi",)}
_SINCE_WORD_RE = re.compile(r"\b(?:since|desde|depuis)\b")


def _region_subseries(text: str, pos: int, hi: int) -> bool:
    """Whether a sea named right after a strike ordinal makes it a sub-series count."""
    m = _REGION_AFTER.match(text, pos, hi)
    if m is None or m.group(2):  # no sea, or two seas: the whole campaign
        return False
    if _SINCE_WORD_RE.search(text, m.end(), hi):
        return False  # "the fifth strike in the Pacific since September": dated from the start
    sea = m.group(1)
    if sea in _LATER_SEAS:
        return True
    return any(stem in text for stem in _SEA_STEMS[sea])


# "Second" (2) counts the campaign only where the wording cannot mean a follow-up strike on the
# same boat ("a second strike killed the survivors", "struck it a second time") or "another".
# English uses "a second strike" for both, so there only a campaign cue right after it counts
# ("the second strike since September"). Spanish and French say "otro ataque" / "une nouvelle
# frappe" for "another", and their "segundo ataque" / "deuxième frappe" is the second of the
# series when the target is a new boat ("un segundo ataque contra una lancha", "une deuxième
# frappe contre un bateau"), when a copula presents it ("es el segundo ataque", "c'est la
# deuxième frappe") or when the noun is a new boat ("una segunda lancha", "une deuxième
# embarcation": a follow-up hits the same boat, never a second one). A definite article alone
# ("el segundo ataque", "la segunda lancha") names a strike or boat already known: the
# follow-up of an earlier story, or one boat of an operation told boat by boat.
_ORD2_AFTER_RE = re.compile(
    r"@2\s+\"?\s*(?:(?!(?:de|del|of|du|des|d'|on|en|a)\b)[a-z'-]+\s+)?(?:(" + _STRIKE_SING +
    r")|" + _BOAT + r")\b")
_ORD2_COPULA_RE = re.compile(
    r"\b(?:es|fue|era|seria|sera|est|etait|serait|sera|c'est|s'agit de|constituye|marca|"
    r"marque)\s+(?:(?:al menos|au moins|ya|deja)\s+)?(?:el|la|le|l')\s*\"?\s*$")
_ORD2_DEFINITE_RE = re.compile(
    r"\b(?:el|la|le|l'|los|las|les|del|al|du|au|este|esta|ese|esa|ce|cette|su|sa|son)\s*"
    r"\"?\s*$")
_ORD2_NEW_TARGET_RE = re.compile(
    r"\s*\"?\s*" + W + r"{0,3}?(?:contra|sobre|a|contre|sur)\s+(?:(?:un|una|une|otra|otro|"
    r"supuesta|supuesto|presunta|presunto|pretendue?|presumee?|nueva|nouveau|nouvelle)\s+)*"
    r"(?:narco-?)?" + _BOAT + r"\b")
_ORD2_SINCE_EN_RE = re.compile(r"\s*" + W + r"{0,2}?since\b")
# Wordings of a follow-up on the same boat, anywhere in the sentence; survivors anywhere in the
# text (the follow-up strike is the one told about its survivors).
# "also" / "también" / "aussi": a second boat hit in the same strike.
_FOLLOW_UP_RE = re.compile(r"\b(?:same|mism[oa]|meme|follow-up|double[- ]tap|wreck\w*|restos|"
                           r"epave|debris|rematar|achever|also|tambien|aussi|egalement)\b")
# A date right after: "el segundo ataque del 2 de septiembre" names one strike, not a count.
_ORD2_DATED_RE = re.compile(r"\s*" + W + r"{0,3}?(?:del?|du|of|on)\s+\u00a7")


def _second_counts(text: str, p: int, lo: int, hi: int, lang: str) -> int:
    """End of the wording when the ordinal 2 at `p` counts the campaign, else 0."""
    m = _ORD2_AFTER_RE.match(text, p, hi)
    if m is None or _ORD2_DATED_RE.match(text, m.end(), hi):
        return 0
    if text.find("@", lo, p) >= 0 or text.find("@", p + 2, hi) >= 0:
        return 0  # an enumeration ("the first boat ..., the second ..."): one operation's parts
    if _FOLLOW_UP_RE.search(text, lo, hi) or any(s in text for s in _SURVIVOR_STEMS):
        return 0
    if lang == "en":
        return m.end() if _ORD2_SINCE_EN_RE.match(text, m.end(), hi) else 0
    before = max(lo, p - 40)
    if _ORD2_COPULA_RE.search(text, before, p):
        return m.end()
    if _ORD2_DEFINITE_RE.search(text, before, p):
        return 0
    if m.group(1) is None:  # a new boat: "una segunda lancha", "ataca segunda lancha"
        return m.end()
    if _ORD2_NEW_TARGET_RE.match(text, m.end(), hi) or _SINCE_WORD_RE.search(text, m.end(), hi):
        return m.end()
    return 0


# "The strike ..., which killed two, is at least the sixth.": an ordinal that ends its sentence
# after a copula, in a sentence whose subject is a strike. The subject and the ordinal may stand
# far apart (a relative clause between), which _ORD_BEFORE's short reach does not allow.
_ORD_COPULA_END_RE = re.compile(
    r"\b(?:is|was|est|etait|serait|es|fue|seria)\s+(?:(?:at least|au moins|al menos|por lo menos|"
    r"probably|probablement|probablemente)\s+)?(?:the|la|le|el)\s+\"?\s*$")
_STRIKE_SUBJECT_RE = re.compile(
    r"\s*\"?\s*(?:the|this|that|l'|la|le|cette|el|este|ese|esta)\s*(?:(?:latest|new|last|"
    r"nouvelle|derniere|nuevo|ultimo|us|u s)\s+)*" + _STRIKE_SING + r"\b")
_ORD_END_RE = re.compile(r"\s*\"?\s*(?:(?:since|desde|depuis)\b[^.;:!?]*)?$")

_DAY_NOUNS = re.compile(r"\b(?:day|week|month|year|dia|semana|mes|ano|jour|semaine|mois|an|"
                        r"annee|hour|hora|heure)s?\b")

# Cue rules anchored on a literal word, as (anchor, AT, BEFORE, NOT_BEFORE): the anchor is
# found with str.find (cheap), then AT must match from the anchor on, BEFORE must match the
# words just before it and NOT_BEFORE must not. A literal search and a few anchored matches
# cost a fraction of a regular expression tried at every position of the text.
_Rule = tuple[str, str | None, str | None, str | None]

# Campaign cues for a figure that is not cumulative by its own wording.
_SINCE_EN = r"since (?:early |late |mid-?|the (?:start|beginning) of |last |then|the campaign|" \
    r"the operation|the start|the (?:strikes|attacks|raids|bombings) (?:began|started)|" \
    r"\u00a7|(?:" + _MONTHS + r")\b)"
_SINCE_ES = r"desde (?:el |los |inicios|principios|comienzos|mediados|finales|que|entonces|" \
    r"\u00a7|(?:" + _MONTHS + r")\b)"
_SINCE_FR = r"depuis (?:le |la |debut|la mi-|fin|le debut|\u00a7|(?:" + _MONTHS + r")\b)"
# "in strikes" / "en ataques" / "dans des frappes" with no article, number or date: see _CUES.
_IN_STRIKES_AT = (r"{}\b(?!\s+(?:on|against|off|contra|del|de|el|du|le|contre)\s+(?:\S+\s+)?"
                  r"[#~\u00a7@])(?![^.;:!?]*?\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
                  r"today|yesterday|overnight|this week|lunes|martes|miercoles|jueves|viernes|"
                  r"sabado|domingo|hoy|ayer|anoche|esta semana|lundi|mardi|mercredi|jeudi|"
                  r"vendredi|samedi|dimanche|aujourd'hui|hier|cette semaine|cette nuit)\b)")
# Anchored on the whole wording ("in strikes", "in u s strikes"), not on "strikes": a literal
# search that rarely hits is far cheaper than the look-ahead tried at every "strikes".
_IN_STRIKES = {
    "en": [f"in {adj}strikes" for adj in ("", "us ", "u s ", "american ", "recent ", "deadly ",
                                          "military ", "boat ", "the boat ")],
    "es": ["en ataques"],
    "fr": ["dans des frappes", "lors de frappes", "lors des frappes"],
}
_CUES: dict[str, list[_Rule]] = {
    "en": [
        ("since", _SINCE_EN, None, None), ("so far", None, None, None),
        ("to date", None, None, None), ("in total", None, None, None),
        ("in all", None, None, None), ("all told", None, None, None),
        ("overall", None, None, None), ("cumulative", None, None, None),
        ("total", None, None, r"\ba\s+$"), ("campaign", None, None, None),
        ("offensive", None, None, None),
        # "the U.S. has now killed 87": the perfect with "now" sums up what came before
        ("now", r"now (?:killed|stands|stood|at)\b", r"\b(?:has|have|toll)\s+$", None),
        ("such", r"such (?:strikes|attacks|operations|raids)\b", None, None),
        ("strikes ha", r"strikes (?:have|has)\b", r"\b(?:these|the|all)\s+" + W + r"{0,2}?$",
         None),
        ("attacks ha", r"attacks (?:have|has)\b", r"\b(?:these|the|all)\s+" + W + r"{0,2}?$",
         None),
        ("operations ha", r"operations (?:have|has)\b",
         r"\b(?:these|the|all)\s+" + W + r"{0,2}?$", None),
        # "has killed at least 32 people in strikes on drug boats": deaths in unnumbered,
        # undated strikes are those of many events, the campaign's. Not "in the strikes"
        # (the few of one operation), nor strikes dated or counted ("in strikes on Monday",
        # "in strikes on four boats").
        *[(w, _IN_STRIKES_AT.format(w), None, None) for w in _IN_STRIKES["en"]],
    ],
    "es": [
        ("desde", _SINCE_ES, None, None), ("en lo que va", None, None, None),
        ("hasta ahora", None, None, None), ("hasta la fecha", None, None, None),
        ("hasta el momento", None, None, None), ("en total", None, None, None),
        ("total", None, None, r"\bun\s+$"), ("campana", None, None, None),
        ("ofensiva", None, None, None), ("acumulad", r"acumulad[oa]s?\b", None, None),
        # "(con este) ya son 83 los muertos", "ya suman 83": "already" a running count
        ("ya son", None, None, None), ("ya suman", None, None, None),
        ("estos ataques", None, None, None), ("esos ataques", None, None, None),
        ("estas operaciones", None, None, None), ("estas acciones", None, None, None),
        ("estos bombardeos", None, None, None),
        ("ataques", r"ataques\s+\"?\s*(?:se han cobrado|han matado|han dejado|suman|acumulan)\b",
         r"\b(?:los|sus)\s+$", None),
        *[(w, _IN_STRIKES_AT.format(w), None, None) for w in _IN_STRIKES["es"]],  # see "en"
    ],
    "fr": [
        ("depuis", _SINCE_FR, None, None), ("jusqu'ici", None, None, None),
        ("jusqu'a present", None, None, None), ("jusqu'a maintenant", None, None, None),
        ("a ce jour", None, None, None), ("au total", None, None, None),
        ("total", None, None, r"\bun\s+$"), ("campagne", None, None, None),
        ("offensive", None, None, None), ("decompte", None, None, None),
        ("ces frappes", None, None, None), ("ces attaques", None, None, None),
        ("ces operations", None, None, None), ("ces bombardements", None, None, None),
        ("desormais", None, None, None),
        *[(w, _IN_STRIKES_AT.format(w), None, None) for w in _IN_STRIKES["fr"]],  # see "en"
    ],
}
# "according to administration figures", "per White House figures", "selon un décompte de
# l'AFP": a tally is quoted, so the figure of the clause before is a campaign total.
_FIG_EN = r"\b(?:per|according to|by|citing)\s+" + W + r"{0,3}?$"
_FIG_ES = r"\b(?:segun|de acuerdo con)\s+" + W + r"{0,3}?$"
_FIG_FR = r"\bselon\s+" + W + r"{0,3}?$"
_FIGURE_CUES: dict[str, list[_Rule]] = {
    "en": [(w, None, _FIG_EN, None) for w in ("figures", "tally", "count", "numbers")],
    "es": [(w, None, _FIG_ES, None) for w in ("cifras", "recuento", "conteo", "datos")],
    "fr": [(w, None, _FIG_FR, None) for w in ("chiffres", "decompte", "donnees")],
}

# Cues that a figure belongs to an earlier event, looked for in the words just before the
# figure's wording, inside it and to the end of its clause: "the first strike killed 11",
# "a September 2 strike killed 11", "after a strike ... killed six", "tras el del 2 de
# septiembre con once muertos", "une première frappe avait fait onze morts".
_FIRST_AT = r"(?:first|@1)\s+" + W + r"{0,2}?(?:strike|attack|boat|vessel|operation|one|such)\b"
_PRIOR: dict[str, list[_Rule]] = {
    "en": [
        ("first", _FIRST_AT, r"\b(?:the|a|an|its)\s+$", None),
        ("@1", _FIRST_AT, r"\b(?:the|a|an|its)\s+$", None),
        ("earlier", None, None, None), ("previous", r"previous(?:ly)?\b", None, None),
        ("prior", None, None, None), ("before", None, None, None),
        ("preceding", None, None, None), ("similar", None, None, None),
        ("last week", None, None, None), ("last month", None, None, None),
        ("ago", None, None, None),
        ("had killed", None, None, None), ("had left", None, None, None),
        # "Trump separately said two were killed", "in a separate strike": another matter
        ("separate", r"separate(?:ly)?\b", None, None),
        ("\u00a7", "\u00a7 " + W + r"{0,1}?(?:strike|attack)\b", r"\ba\s+" + W + r"{0,1}?$",
         None),
    ],
    "es": [
        ("@1", None, None, None), ("anterior", r"anterior(?:es)?\b", None, None),
        ("antes", None, None, None), ("previ", r"previ[oa]s?\b", None, None),
        ("pasad", r"pasad[oa]s?\b", None, None),
        ("habia", r"habian? (?:matado|muerto|dejado)\b", None, None),
        ("por separado", None, None, None), ("separad", r"separad[oa]\b", None, None),
    ],
    "fr": [
        ("@1", None, None, None), ("precedent", r"precedent(?:e|es|s)?\b", None, None),
        ("auparavant", None, None, None), ("avant", None, None, None),
        ("anterieur", r"anterieur(?:e|es|s)?\b", None, None),
        ("derni", r"derni(?:er|ere) (?:semaine|mois)\b", None, None),
        ("avai", r"avai(?:t|ent) (?:tue|fait|coute)\b", None, None),
        ("separement", None, None, None), ("par ailleurs", None, None, None),
        ("distinct", r"distincte?\b", None, None),
    ],
}
# Cues of an earlier event that count only where they come before the figure: "days after
# the fifth strike killed six", "tras el ataque que dejó 11 muertos". After the figure they
# give this event's cause: "three dead after strike on boat", "tres muertos tras un ataque".
_PRIOR_LEAD: dict[str, list[_Rule]] = {
    "en": [
        ("after", r"after\s+" + W2 + r"{0,3}?(?:strikes?|attacks?|operations?|raids?)\b",
         None, None),
        ("following", r"following\s+" + W2 + r"{0,3}?(?:strikes?|attacks?|operations?|"
         r"raids?)\b", None, None),
    ],
    "es": [
        ("tras", r"tras\s+(?:el|la|los|las|un|una)\s", None, None),
        ("despues de", r"despues de\s+(?:el|la|los|las|un|una)\s", None, None),
    ],
    "fr": [
        ("apres", r"apres\s+(?:la|le|les|une|un)\s+" + W + r"{0,1}?(?:frappes?|attaques?|"
         r"operations?)\b", None, None),
    ],
}
# For a campaign total or a count of strikes, only an explicit "before": "prior to Thursday's
# strike, 27 had been killed", "en los cinco anteriores", "auparavant, cinq frappes avaient
# tué 27 personnes". (Such older tallies are harmless to the ledger, but they are not the
# campaign "so far".)
_PRIOR_TALLY: dict[str, list[_Rule]] = {
    "en": [(w, None, None, None) for w in ("prior", "before", "previous", "previously",
                                            "earlier", "preceding")],
    "es": [("anterior", r"anterior(?:es)?\b", None, None), ("antes", None, None, None),
           ("previ", r"previ[oa]s\b", None, None)],
    "fr": [("auparavant", None, None, None), ("avant", None, None, None),
           ("precedent", r"precedent(?:e|es|s)?\b", None, None),
           ("anterieur", r"anterieur(?:e|es|s)?\b", None, None),
           ("avai", r"avai(?:t|ent) (?:tue|fait|coute)\b", None, None)],
}


class _Anchored:
    """Compiled anchored rules: find(text, lo, hi) -> [(start, end)] of every cue found."""

    __slots__ = ("rules", "gated", "ungated", "gates")

    def __init__(self, rules: list[_Rule]) -> None:
        # gate: the anchor's first word, when the anchor is a whole word (then a set lookup
        # in the text's words tells whether looking for it is worth it)
        self.rules = [(anchor, re.compile(at) if at else None,
                       re.compile(before) if before else None,
                       re.compile(not_before) if not_before else None,
                       anchor.split()[0].encode() if anchor[0].isalpha() and (
                           at is None or at.startswith(anchor)
                           and at[len(anchor):len(anchor) + 1] in (" ", "\\")) else None)
                      for anchor, at, before, not_before in rules]
        self.gated: dict[bytes, list] = {}
        for rule in self.rules:
            if rule[4] is not None:
                self.gated.setdefault(rule[4], []).append(rule)
        self.ungated = [rule for rule in self.rules if rule[4] is None]
        self.gates = frozenset(self.gated)

    def find(self, text: str, words: set[bytes] | None = None, lo: int = 0,
             hi: int | None = None) -> list[tuple[int, int]]:
        if hi is None:
            hi = len(text)
        out: list[tuple[int, int]] = []
        if words is None:
            rules = self.rules
        else:  # only the rules whose word is in the text: one set intersection in C
            rules = list(self.ungated)
            for gate in self.gates & words:
                rules.extend(self.gated[gate])
        for anchor, at, before, not_before, _ in rules:
            i = text.find(anchor, lo, hi)
            while i >= 0:
                nxt = i + 1
                if anchor[0].isalpha() and i > 0 and text[i - 1].isalnum():
                    i = text.find(anchor, nxt, hi)
                    continue
                if at is not None:
                    m = at.match(text, i, hi)
                    end = m.end() if m else -1
                else:
                    end = i + len(anchor)
                    if end < len(text) and text[end].isalnum():
                        end = -1
                start = i
                if end >= 0 and before is not None:
                    mb = before.search(text, max(lo, i - 40), i)
                    if mb is None:
                        end = -1
                    else:
                        start = mb.start()
                if end >= 0 and not_before is not None and not_before.search(
                        text, max(lo, i - 10), i):
                    end = -1
                if end >= 0:
                    out.append((start, end))
                i = text.find(anchor, nxt, hi)
        return out


# How far back (in chars of the working string) a prior-event cue may stand from a figure.
# One clause: far enough for "A September 2 strike killed 11", short enough not to reach a
# different clause of a long sentence.
PRIOR_WINDOW = 70
# How far back a verb may stand from its figure ("killed at least 11 suspected ...").
BEFORE_WINDOW = 60
# Cumulative wordings can be long ("bringing the total death toll from all eight operations
# to at least 34").
CUM_WINDOW = 160

# Deaths "among" a larger figure: that larger figure is the event's whole ("two citizens were
# among six people killed").
# "two of the four crew survived" (the part) against "one of the two survivors", "one of the
# 11 people killed" (the whole): after "of (the)", a noun of death or survival that the whole
# carries without a verb of its own is about the whole.
_OF_WHOLE = re.compile(r"\s+(?:(?:of|de|d'entre|parmi)\s+((?:the|those|these|los|las|estos|"
                       r"esos|les|eux|elles)\s+)?|(des)\s+)~(\d+)\b")
_NO_AUX = (r"(?:(?!(?:were|was|have|has|had|are|is|been|fueron|han|habian|son|eran|ont|sont|"
           r"etaient|a|ete)\b)[^\s#@\u00a7.;:!?]+\s+)")
_WHOLE_NOUN = {
    "deaths": re.compile(rf"\s+{_NO_AUX}{{0,2}}?(?:killed|dead|victims|muertos|muertas|"
                         r"fallecidos|fallecidas|victimas|morts|tues|tuees|victimes)\b"),
    "survivors": re.compile(rf"\s+{_NO_AUX}{{0,2}}?(?:survivors|sobrevivientes|supervivientes|"
                            r"survivants|survivantes)\b"),
}


_FINITE_AFTER = re.compile(r"\s+(?:[^\s#@\u00a7]+\s+){0,3}?(?:was|were|is|are|era|eran|fue|"
                           r"fueron|etait|etaient|est|sont)\b")


def _read_partitive(text: str, p: int, e: int, hi: int, kind: str,
                    rule: re.Pattern[str]) -> tuple[int, int] | None:
    """(value, end) of "#2 of the ~4 crew survived" read as 2, or as 4 where the noun is the
    whole's ("#1 of the ~2 survivors"); None when the figure is not followed by "of ~N"."""
    m = _OF_WHOLE.match(text, e, hi)
    if m is None:
        return None
    rest = m.end()
    whole = _WHOLE_NOUN[kind].match(text, rest, hi)
    # "two of four crew killed" (a headline) is the part; "one of the 11 killed", the whole
    # "1 of 3 killed was a fisherman": a verb of its own after the noun, so the noun is the
    # whole's, as with an article
    if whole and (kind == "survivors" or m.group(1) or m.group(2) or _FINITE_AFTER.match(
            text, whole.end(), hi)):
        return int(m.group(3)), whole.end()
    head = text[p:e]
    part = rule.match(head + text[rest:hi])
    if part is None:
        return None
    return int(text[p + 1:e]), rest + part.end() - len(head)


# "3 killed, no survivors": the survivors' noun negated, whatever figure stands before it
_NO_SURVIVORS = re.compile(r"\b(?:no|without|sin|ningun|ninguno|aucun|sans|zero)\s+"
                           r"(?:survivors?|sobrevivientes?|supervivientes?|survivants?)\b")
# "4 more strikes", "tres ataques más": strikes added to a count, not the count
_MORE_WORDS = "more|additional|further|otros|otras|nuevos|nuevas|autres|nouvelles"
_MORE_AFTER_RE = re.compile(rf"\s+(?:{_MORE_WORDS}|other|new|supplementaires)\b"
                            r"|\s+\S+\s+(?:mas|de plus)\b")
# ... and the deaths beside such strikes are an increment too (see _read_text)
_MORE_STRIKES_RE = re.compile(rf"#\d+\s+(?:{_MORE_WORDS})\s+{W}{{0,1}}?{_STRIKE_PLUR}\b")
# Campaign nouns: a cue of their own ("the campaign has killed 83"), but not in a clause about
# one strike ("the campaign's latest strike killed 3", "la dernière frappe de la campagne").
_CAMPAIGN_NOUNS = frozenset({"campaign", "offensive", "campana", "ofensiva", "campagne"})
_ONE_STRIKE_RE = re.compile(rf"\b{_STRIKE_SING}\b(?!\s+(?:campaign|group|force)\b)")
# A clause that opens on one of these continues the clause before it: "the US has struck 20
# boats since September, killing at least 87", "depuis septembre, ..., tuant 83 personnes".
_PARTICIPLE = {
    "en": re.compile(r"(?:killing|leaving)\b"),
    "es": re.compile(r"(?:matando|dejando|causando|cobrando)\b"),
    "fr": re.compile(r"(?:tuant|faisant|causant|coutant)\b"),
}
_AMONG = re.compile(r"\b(?:among|parmi|entre los|entre las)\s+(?:the\s+|les\s+)?\S*$")
# A cumulative wording that names one strike is that strike's toll ("the toll of the strike").
_SINGLE_EVENT = re.compile(r"\b(?:of|from) (?:the|this|that) (?:strike|attack|raid)\b|"
                           r"\b(?:del|de este|de ese) (?:ataque|bombardeo)\b|"
                           r"\b(?:de la|de cette|de l') ?(?:frappe|attaque)\b")
_PLACEHOLDER = re.compile(r"([#@])(\d+)")


# Substrings without which a rule cannot match: tested before the regular expression.
_CUM_TRIGGERS = {
    "en": ("bring", "brought", "rais", "push", "tak", "took", "lift", "put", "toll", "tally",
           "total", "number"),
    "es": ("elev", "ascen", "ascien", "sub", "sum", "llev", "van", "alcanz", "acumul",
           "numero", "cifra", "saldo", "balance", "total", "recuento"),
    "fr": ("port", "bilan"),
}
_BEFORE_TRIGGERS = {
    "en": ("kill", "slew", "slay", "lives of", "death"),
    "es": ("mat", "asesin", "elimin", "baja", "abati", "muri", "muer", "falle", "perec",
           "perdi", "cobr"),
    "fr": ("tu", "cout", "mort"),
}
_ONE_TRIGGERS = {
    "en": ("killing a", "killed a", "kills a"),
    "es": (" a un",),
    "fr": ("tue un", "tuant un"),
}


@dataclass(frozen=True, slots=True)
class _Lang:
    cum: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]
    deaths_before: re.Pattern[str]
    deaths_after: re.Pattern[str]
    deaths_one: re.Pattern[str]
    surv_after: re.Pattern[str]
    surv_one: re.Pattern[str]
    cues: _Anchored
    figures: _Anchored
    prior: _Anchored
    prior_lead: _Anchored
    prior_tally: _Anchored
    cum_triggers: tuple[str, ...]
    before_triggers: tuple[str, ...]
    one_triggers: tuple[str, ...]


def _compile(lang: str) -> _Lang:
    c = re.compile
    return _Lang(
        cum=tuple((c(b), c(a) if a else None) for b, a in _CUM_RULES[lang]),
        deaths_before=c(_DEATHS_BEFORE[lang]),
        deaths_after=c(_DEATHS_AFTER[lang]),
        deaths_one=c(_DEATHS_ONE[lang]),
        surv_after=c(_SURVIVORS_AFTER[lang]),
        surv_one=c(_SURVIVOR_ONE[lang]),
        cues=_Anchored(_CUES[lang]),
        figures=_Anchored(_FIGURE_CUES[lang]),
        prior=_Anchored(_PRIOR[lang]),
        prior_lead=_Anchored(_PRIOR_LEAD[lang]),
        prior_tally=_Anchored(_PRIOR_TALLY[lang]),
        cum_triggers=_CUM_TRIGGERS[lang],
        before_triggers=_BEFORE_TRIGGERS[lang],
        one_triggers=_ONE_TRIGGERS[lang],
    )


_PATTERNS = {lang: _compile(lang) for lang in LANGS}
_ORD_AFTER_RE = re.compile(_ORD_AFTER)
_ORD_BEFORE_RE = re.compile(f"(?:{_ORD_BEFORE})|(?:{_ORD_APPOSED})")
_NUMBER_BEFORE_RE = re.compile(_NUMBER_BEFORE)
_CARD_AFTER_RE = re.compile(_CARD_AFTER)
_OTHER_BEFORE_RE = re.compile(_OTHER_BEFORE)
_NON_PERSON_AFTER = _NON_PERSON

# ---------------------------------------------------------------------------------------------
# Language guess (only when the feed does not say): a few function words per language.
# ---------------------------------------------------------------------------------------------

_LANG_WORDS = {
    "en": frozenset("the and of in on was were said with killed strike that".split()),
    "es": frozenset("el los las del que y en un una con por murieron ataque dijo".split()),
    "fr": frozenset("le les des du et une est dans sur a frappe selon qui".split()),
}


def _guess_language(folded: str) -> str:
    words = folded.translate(_PUNCT_TO_SPACE).split()
    scores = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _LANG_WORDS.items()}
    return max(LANGS, key=lambda lang: scores[lang])


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Mention:
    kind: str  # "deaths" | "survivors" | "strikes"
    value: int
    start: int  # in the working string
    end: int
    order: int  # reading order: title before summary, then position
    seg: int  # index of the sentence piece
    cumulative: bool = False
    prior: bool = False
    among: bool = False
    span: str = ""


# Words of a campaign of strikes, raids or attacks (see the end of _read_text).
_CAMPAIGN_STEMS = {
    "en": ("strike", "attack", "raid", "bomb", "operation", "campaign", "offensive", "boat"),
    "es": ("ataque", "bombard", "operacion", "ofensiva", "campana", "golpe", "accion",
           "intervencion", "lancha", "embarcacion"),
    "fr": ("frappe", "attaque", "bombard", "raid", "operation", "campagne", "offensive",
           "bateau", "embarcation"),
}
# Stems of the words _DEATHS_AFTER ends on.
_AFTER_STEMS = {
    "en": ("kill", "dead", "died", "perish", "slain", "lost their", "death", "fatalit", "victim",
           "lives"),
    "es": ("muri", "muert", "muer", "falle", "abati", "elimin", "asesin", "perdi", "sin vida",
           "victim", "vidas"),
    "fr": ("tue", "mort", "dece", "victim", "peri", "perdu", "trouve la"),
}
# Stems of every cue word the rules need (verbs, nouns of death, survival and strikes). An
# item without any of them cannot yield a fact, whatever its figures.
_CUE_STEMS = {
    "en": ("kill", "dead", "death", "died", "dies", "fatal", "victim", "lives", "toll", "tally",
           "surviv", "strike", "attack", "operation", "raid", "bomb", "slain", "slew", "perish",
           "casualt", "total", "number", "boat", "vessel"),
    "es": ("muert", "muri", "muer", "mat", "falle", "abati", "elimin", "baja", "vida", "victim",
           "sobreviv", "supervivi", "ataque", "golpe", "bombard", "operac", "interven", "asesin",
           "cobr", "perec", "perdi", "total", "numero", "cifra", "saldo", "balance", "recuento",
           "eleva", "ascien", "lancha", "embarcac", "barco"),
    "fr": ("tue", "tua", "mort", "deces", "decede", "victim", "peri", "vie", "bilan", "surviv",
           "survecu", "frappe", "attaque", "operation", "bombard", "raid", "total", "nombre",
           "bateau", "embarcation", "navire"),
}


def _find_all(text: str, needles: tuple[str, ...]) -> list[int]:
    """Sorted start positions of every occurrence of any of the needles."""
    out: list[int] = []
    for needle in needles:
        i = text.find(needle)
        while i >= 0:
            out.append(i)
            i = text.find(needle, i + 1)
    out.sort()
    return out


def _within(positions: list[int], lo: int, hi: int) -> bool:
    """Whether a position in the sorted list falls in [lo, hi)."""
    k = bisect_left(positions, lo)
    return k < len(positions) and positions[k] < hi


def _positions(text: str, chars: str) -> list[int]:
    """Sorted positions of any of `chars` (a few str.find loops: cheaper than a regex scan)."""
    out: list[int] = []
    for c in chars:
        i = text.find(c)
        while i >= 0:
            out.append(i)
            i = text.find(c, i + 1)
    out.sort()
    return out


_FIGURE_ATOMS = {lang: _NUM_ATOMS[lang] | _ORD_ATOMS[lang] for lang in LANGS}
_FIGURE_ATOMS_B = {lang: _NUM_ATOMS_B[lang] | _ORD_ATOMS_B[lang] for lang in LANGS}


def _may_hold_figure(folded: str, lang: str, bwords: set[bytes]) -> bool:
    """Whether the text has a digit or a number word: a cheap test (ten substring searches,
    one set intersection, a look at the word before each hyphen) that spares figure-free items
    the number reading, which costs several times more."""
    if any(d in folded for d in _DIGIT_CHARS) or bwords & _FIGURE_ATOMS_B[lang]:
        return True
    if any(mark in folded for mark in _WORD_MARKS[lang][1:]):  # "troisieme", "decimo"
        return True
    atoms = _FIGURE_ATOMS[lang]  # "twenty-one", "quatre-vingt-trois": the part before "-"
    i = folded.find("-")
    while i >= 0:
        k = max(folded.rfind(" ", 0, i), folded.rfind("(", 0, i), folded.rfind('"', 0, i))
        if folded[k + 1:i] in atoms:
            return True
        i = folded.find("-", i + 1)
    return False


def _read_text(orig: str, lang: str, text_index: int, out: list[_Mention]) -> None:
    folded = _fold(orig)
    if not any(stem in folded for stem in _CUE_STEMS[lang]):
        return  # no word of death, survival or strikes: most items of a feed stop here
    bwords = _words(folded)  # the same words before and after _unstop_abbreviations
    has_surv = any(s in folded for s in _SURVIVOR_STEMS)
    if not has_surv and not _may_hold_figure(folded, lang, bwords):
        return  # no digit and no number word: nothing below can match
    if "." in folded:
        folded = _unstop_abbreviations(folded)
    nums = _find_numbers(orig, folded, lang, bwords)
    if not nums and not has_surv:
        return
    work = _Work(folded, nums)
    text = work.text
    pat = _PATTERNS[lang]
    bounds = _positions(text, ".;:!?")
    found: list[_Mention] = []
    boat_counts: list[tuple[int, int]] = []  # see _BOATS_COUNT_RE
    taken: set[tuple[str, int]] = set()

    def seg_of(pos: int) -> tuple[int, int, int]:
        k = bisect_right(bounds, pos)
        lo = bounds[k - 1] + 1 if k else 0
        hi = bounds[k] if k < len(bounds) else len(text)
        return k, lo, hi

    def add(kind: str, start: int, end: int, value: int, key: int, seg: int,
            cumulative: bool = False) -> _Mention | None:
        if (kind, key) in taken:
            return None
        taken.add((kind, key))
        a, b = work.orig(start, end)
        mention = _Mention(kind, value, start, end, text_index * 100000 + start, seg,
                           cumulative, span=orig[a:b].strip(" ,\"'\u00ab\u00bb\u201c\u201d"))
        found.append(mention)
        return mention

    # What the text can hold at all, decided once: each test is a substring search.
    has_cum = any(t in text for t in pat.cum_triggers)
    has_before = any(t in text for t in pat.before_triggers)
    has_plural = any(t in text for t in _STRIKE_PLURAL_WORDS)
    has_among = any(t in text for t in ("among", "parmi", "entre l"))
    has_number = has_plural and any(t in text for t in ("number", "numero", "nombre"))
    # where the cue words stand, found once; each figure then asks with a bisection
    cum_at = _find_all(text, pat.cum_triggers) if has_cum else []
    after_at = _find_all(text, _AFTER_STEMS[lang])
    surv_at = _find_all(text, _SURVIVOR_STEMS) if has_surv else []
    for ph in _PLACEHOLDER.finditer(text):
        p, e = ph.start(), ph.end()
        value = int(ph.group(2))
        seg, lo, hi = seg_of(p)
        if ph.group(1) == "@":
            # strike ordinals
            if value < ORDINAL_MIN:
                if value == 2 and (end2 := _second_counts(text, p, lo, hi, lang)) and not (
                        _region_subseries(text, end2, hi) or _SUBSERIES.match(text, end2, hi)):
                    add("strikes", p, end2, value, p, seg, True)
                continue
            m = _ORD_AFTER_RE.match(text, p, hi)
            if m:
                if _DAY_NOUNS.search(text, e, m.end()) or _region_subseries(
                        text, m.end(), hi) or (
                    _SUBSERIES.match(text, m.end(), hi)
                    and not _SINCE_WORD_RE.search(text, m.end(), hi)
                ):
                    continue
                add("strikes", p, m.end(), value, p, seg, True)
                continue
            m = _ORD_BEFORE_RE.search(text, max(lo, p - 50), p)
            if m and not _SUBSERIES.match(text, e, hi) and not _region_subseries(text, e, hi):
                add("strikes", m.start(), e, value, p, seg, True)
            elif m is None and _ORD_END_RE.match(text, e, hi) and _ORD_COPULA_END_RE.search(
                    text, max(lo, p - 40), p) and _STRIKE_SUBJECT_RE.match(text, lo, hi):
                add("strikes", p, e, value, p, seg, True)
            continue
        # "strike number 21", "el ataque número 21": a count of strikes, not of people
        if value >= ORDINAL_MIN and text[p - 2:p] in ("o ", "r ", "n ") and (
                m := _NUMBER_BEFORE_RE.search(text, max(lo, p - 40), p)):
            add("strikes", m.start(), e, value, p, seg, True)
            continue
        # deaths: wordings that are campaign totals on their own
        wlo = max(lo, p - CUM_WINDOW)
        counted = None
        if _within(cum_at, wlo, p):
            for before, after in pat.cum:
                m = before.search(text, wlo, p)
                if m is None:
                    continue
                a_end = e
                if after is not None:
                    ma = after.match(text, p, hi)
                    if ma is None:
                        continue
                    a_end = ma.end()
                counted = _COUNTED_THING.search(text, m.start(), min(hi, a_end + 40))
                if counted is not None and counted.start() < a_end and (
                        "#" not in text[counted.end():p]):  # not another figure's noun
                    count_start = m.start()
                    break  # a count of strikes or boats (read below), not a toll
                counted = None
                single = _SINGLE_EVENT.search(text, m.start(), a_end) is not None
                add("deaths", m.start(), a_end, value, p, seg, not single)
                break
        if counted is not None:
            if counted.group(1) in _STRIKE_PLURAL_WORDS or "strikes" in counted.group(1):
                add("strikes", count_start, max(counted.end(), e), value, p, seg, True)
            continue
        partitive = "~" in text[e:e + 24]
        if partitive and ("deaths", p) not in taken and (
                read := _read_partitive(text, p, e, hi, "deaths", pat.deaths_after)):
            add("deaths", p, read[1], read[0], p, seg)
        if ("deaths", p) not in taken:
            # the regex only where a death word follows within reach (a substring test first)
            ma = pat.deaths_after.match(text, p, hi) if _within(
                after_at, e, min(hi, e + 90)) else None
            mb = None
            if ma is None:
                blo = max(lo, p - BEFORE_WINDOW)
                if has_before:
                    mb = pat.deaths_before.search(text, blo, p)
            if (ma or mb) and not _NON_PERSON_AFTER.match(text, e + 1):
                start = mb.start() if mb else p
                mention = add("deaths", start, ma.end() if ma else e, value, p, seg)
                if mention is not None and has_among and _AMONG.search(text, max(lo, p - 30), p):
                    mention.among = True
        # survivors
        if has_surv and value > 0 and partitive and (
                read := _read_partitive(text, p, e, hi, "survivors", pat.surv_after)):
            add("survivors", p, read[1], read[0], p, seg)
        elif has_surv and value > 0:
            m = pat.surv_after.match(text, p, hi) if _within(
                surv_at, e, min(hi, e + 90)) else None
            # "killed two survivors" (a follow-up strike): people killed are not survivors
            if m and not (has_before and pat.deaths_before.search(
                    text, max(lo, p - BEFORE_WINDOW), p)) and not _NO_SURVIVORS.search(
                    text, p, m.end()):
                add("survivors", p, m.end(), value, p, seg)
        # a count of strikes
        if value >= 2 and has_plural:
            m = _CARD_AFTER_RE.match(text, p, hi)
            if m and not _OTHER_BEFORE_RE.search(text, max(lo, p - 12), p) and not (
                    _MORE_AFTER_RE.match(text, e)):
                mention = add("strikes", p, m.end(), value, p, seg)
                if mention is not None and value >= CARDINAL_STRIKES_MIN:
                    mention.cumulative = True
        if value >= CARDINAL_STRIKES_MIN and (m := _BOATS_COUNT_RE.match(text, p, hi)):
            boat_counts.append((p, m.end()))
        if value >= 2 and has_number and ("strikes", p) not in taken and (
                mb := _STRIKES_NUMBER_BEFORE_RE.search(text, max(lo, p - 90), p)):
            add("strikes", mb.start(), e, value, p, seg, True)
    if has_surv:
        for stem in _SURVIVOR_STEMS:
            i = text.find(stem)
            while i >= 0:
                # an article or "one person" stands at most a few words before the stem
                m = pat.surv_one.search(text, max(0, i - 40), min(len(text), i + 20))
                if m and not any(f.kind == "survivors" and f.start <= m.start() < f.end
                                 for f in found):
                    add("survivors", m.start(), m.end(), 1, m.start(), seg_of(m.start())[0])
                i = text.find(stem, i + 1)
    if has_surv and (m := _SURVIVOR_PAIR.search(text)):
        add("survivors", m.start(), m.end(), 2, m.start(), seg_of(m.start())[0])
    if any(t in text for t in pat.one_triggers):
        for m in pat.deaths_one.finditer(text):
            add("deaths", m.start(), m.end(), 1, m.start(), seg_of(m.start())[0])
    if not found:
        return

    cbounds = _positions(text, ".;:!?,()")

    def clause_of(pos: int) -> tuple[int, int]:
        k = bisect_right(cbounds, pos)
        return (cbounds[k - 1] + 1 if k else 0), (cbounds[k] if k < len(cbounds) else len(text))

    # Campaign cues, sentence piece by sentence piece. A cue marks the nearest deaths figure
    # of its own clause as a campaign total; a cue that opens the sentence ("Since September,
    # ...") reaches the figure that follows; a quoted tally ("according to administration
    # figures") reaches back to the clause before. A cue two clauses away ("..., Trump said,
    # the latest in a series of such operations") says nothing about the figure.
    all_cues = [(a, b, "text") for a, b in pat.cues.find(text, bwords)]
    all_cues += [(a, b, "figures") for a, b in pat.figures.find(text, bwords)]
    for k in sorted({f.seg for f in found}):
        _, lo, hi = seg_of(bounds[k - 1] + 1 if k else 0)
        here = [f for f in found if f.seg == k]
        cues = [c for c in all_cues if lo <= c[0] < hi]
        for f in here:
            if f.kind == "strikes" and not f.cumulative:
                f.cumulative = any(a < f.end + 40 and b > f.start - 40 for a, b, _ in cues)
        # a cumulative count of strikes dates the deaths figure beside it ("sept frappes,
        # 32 morts"; "at least 83 killed in 21 strikes")
        for f in here:
            if f.kind == "strikes" and f.cumulative and text[f.start] == "#":
                cues.append((f.start, f.end, "strikes"))
        cues += [(a, b, "strikes") for a, b in boat_counts if lo <= a < hi]
        deaths = [f for f in here if f.kind == "deaths"]
        for a, b, kind in cues:
            if kind == "text":
                leading = text[lo:a].strip(" \"'") == ""
                for f in here:
                    if f.kind == "survivors" and (leading or clause_of(f.start) == clause_of(a)):
                        f.prior = True  # "since then, 43 killed and two survived": a tally
            if not deaths:
                continue
            if kind == "text" and text[a:b] in _CAMPAIGN_NOUNS and _ONE_STRIKE_RE.search(
                    text, *clause_of(a)):
                continue  # "the campaign's latest strike killed 3": that strike's toll
            if any(f.start <= a and b <= f.end for f in deaths):
                continue  # the cue is part of a wording already read
            if kind != "strikes" and any(
                    f.kind == "strikes" and f.start <= a <= f.end + 2 for f in here):
                continue  # "the 21st strike since September": the cue dates the count
            clause = clause_of(a)
            pool = [f for f in deaths if clause_of(f.start) == clause
                    or clause_of(max(f.start, f.end - 1)) == clause]
            if not pool:
                if kind == "strikes":
                    pool = deaths
                elif text[lo:a].strip(" \"'") == "":
                    pool = [f for f in deaths if f.start >= b][:1]
                elif kind == "figures":
                    pool = [f for f in deaths if f.end <= a][-1:]
                elif clause[1] < hi:
                    # "has struck 20 boats since September, killing at least 87": the
                    # participle's clause shares the cue's subject and time
                    nxt = clause_of(clause[1] + 1)
                    pool = [f for f in deaths if clause_of(f.start) == nxt
                            and not text[nxt[0]:f.start].strip(" \"'")
                            and _PARTICIPLE[lang].match(text, f.start)]
            if kind == "strikes":
                # "Ataque de EE.UU. deja tres muertos y eleva a 10 los ataques": a toll whose
                # clause opens on one strike is that strike's, whatever count stands beside it
                pool = [f for f in pool if not _ONE_STRIKE_RE.search(
                    text, clause_of(f.start)[0], f.start)]
            if kind == "strikes" and any(f.kind == "survivors" for f in here) and not any(
                    clause_of(f.start) == clause for f in pool):
                pool = []  # "3 killed, 1 survives, 10 strikes so far": survivors are one event's
            if pool:
                best = min(pool, key=lambda f: max(0, a - f.end, f.start - b))
                best.cumulative = True
    # Earlier events and older tallies.
    prior_hits = pat.prior.find(text, bwords)
    lead_hits = pat.prior_lead.find(text, bwords)
    tally_hits = pat.prior_tally.find(text, bwords) if any(f.cumulative for f in found) else []
    for f in found:
        if f.kind == "strikes" and text[f.start] != "#":
            continue  # an ordinal counts the campaign at that strike, however old
        # survivors: only their own clause ("the first strike killed eight, ..., with one
        # survivor" is about the whole day); deaths: the words before, up to PRIOR_WINDOW
        clo = clause_of(f.start)[0]
        lo = clo if f.kind == "survivors" else max(seg_of(f.start)[1], f.start - PRIOR_WINDOW)
        hi = max(f.end, clause_of(max(f.start, f.end - 1))[1])
        hits = tally_hits if f.cumulative else prior_hits
        if any(lo <= a and b <= hi for a, b in hits) or not f.cumulative and any(
                lo <= a < f.start and b <= hi for a, b in lead_hits):
            f.prior = True
    # "since then, 4 more strikes have killed 14": an increment, neither a total nor an event
    for m in _MORE_STRIKES_RE.finditer(text):
        clause = clause_of(m.start())
        for f in found:
            if f.kind == "deaths" and clause_of(f.start) == clause:
                f.prior = True
    # A piece after ";" that only gives a larger toll than one already read continues the
    # campaign cue of the piece before it ("deux tués. C'est la huitième attaque depuis le 2
    # septembre; « au moins 34 personnes ont été tuées »").
    for f in found:
        if f.kind != "deaths" or f.cumulative or f.prior or not f.seg or (
                text[bounds[f.seg - 1]] != ";"):
            continue
        plo, phi = (bounds[f.seg - 2] + 1 if f.seg > 1 else 0), bounds[f.seg - 1]
        cued = any(plo <= a < phi for a, _, kind in all_cues if kind == "text") or any(
            g.kind == "strikes" and g.cumulative and g.seg == f.seg - 1 for g in found)
        deaths = [g for g in found if g.kind == "deaths" and g is not f]
        if cued and not any(g.seg in (f.seg, f.seg - 1) for g in deaths) and any(
                g.seg < f.seg - 1 and not (g.cumulative or g.prior) and g.value < f.value
                for g in deaths):
            f.cumulative = True
    if has_surv:
        for f in found:
            if f.kind == "survivors":
                _, lo, hi = seg_of(f.start)
                if _SURV_NOT_FOUND.search(text, lo, hi):
                    f.prior = True
    # A campaign total is a total of strikes or attacks: a text that speaks of none ("the
    # crisis has killed 5,000 since 2014") gives no deaths_total for the watchlist.
    if not any(stem in text for stem in _CAMPAIGN_STEMS[lang]):
        for f in found:
            if f.kind == "deaths" and f.cumulative:
                f.prior = True
    out.extend(f for f in found if f.kind != "strikes" or f.cumulative)


def extract_facts(title: str, summary: str, language: str | None) -> list[Fact]:
    """The figures this item states: at most one Fact per name, each with its text span."""
    lang = language.lower()[:2] if language else None
    if lang not in LANGS:
        lang = _guess_language(_fold(f"{title} {summary}"))
    # Title and summary are read as one text, the title first, with a sentence boundary
    # between them (no rule reaches across one): the fixed cost of a text is paid once.
    title, summary = (title or "").strip(), (summary or "").strip()
    text = f"{title} . {summary}" if title and summary else title or summary
    mentions: list[_Mention] = []
    if text:
        _read_text(text, lang, 0, mentions)
    if not mentions:
        return []
    facts: list[Fact] = []
    total = [m for m in mentions if m.kind == "deaths" and m.cumulative and not m.prior]
    # A figure the item also gives as the campaign total is that total, said loosely
    # ("'more than 80 killed' in US strikes" over "80 dead since September").
    totals = {m.value for m in total}
    event = [m for m in mentions if m.kind == "deaths" and not m.cumulative and not m.prior
             and m.value not in totals]
    if event:
        among = [m for m in event if m.among]
        pick = min(among or event, key=lambda m: m.order)
        facts.append(Fact("deaths", pick.value, pick.span))
    surv = [m for m in mentions if m.kind == "survivors" and not m.prior]
    if surv:
        pick = min(surv, key=lambda m: m.order)
        facts.append(Fact("survivors", pick.value, pick.span))
    if total:
        pick = max(total, key=lambda m: (m.value, -m.order))
        facts.append(Fact("deaths_total", pick.value, pick.span))
    strikes = [m for m in mentions if m.kind == "strikes" and not m.prior]
    if strikes:
        pick = max(strikes, key=lambda m: (m.value, -m.order))
        facts.append(Fact("strikes_total", pick.value, pick.span))
    return facts
