"""Text -> comparable features, for English, Spanish and French, with no translation.

`analyze(title, summary, language, published)` turns an item's text into a `Doc`: tokens in
which the words of the three languages that name the same thing become one token (from the
data in bot/data/lexicon.yaml), numbers in digits whether written "3", "three", "tres" or
"trois", ordinals ("second strike", "deuxieme frappe"), calendar days the text refers to
("Monday", "15 septembre", "el 2 de septiembre"), places and names kept as anchors.

Token forms (plain strings, cheap to hash):
    c:strike     a concept of the lexicon          p:caribbean  a place
    n:eln        a name of the lexicon (Tren de Aragua, Southern Command, ...); other names
                 (capitalised mid-sentence: Hegseth, Maduro) are plain words below, also kept
                 in `Doc.names` as anchors
    #11          a number (2 or more; years and days of dates are not numbers)
    o:2          an ordinal                        d:2025-09-15 a calendar day
    k:3          a number next to a word for killed/dead ("3 killed", "tres muertos",
                 "tuant trois"): the toll of an event, the figure that tells look-alikes apart
    v:2          a number next to a word for survivors
    strike       any other word: folded, plural "s" dropped, cut to 6 letters, which also
                 lines up many en/es/fr cognates (operation/operativo/operation -> "operat")

The headline is also read for two markers (lexicon.yaml, `markers`) that carry no token:
`Doc.title_new` ("another strike", "otra lancha", "nouvelle frappe") and `Doc.title_tally`
(its figure may be a running total or a revised toll: "61 dead since September").

Pure functions over plain data; the lexicon is loaded once at import. Per-word work (folding,
the lexicon, stop words, whether text2num would read the word as a number) is cached by
raw word, and the costly number conversion runs only on texts that have a number word.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources

import yaml
from text_to_num import alpha2digit

LANGUAGES = ("en", "es", "fr")
# Words longer than this are cut to it: long enough to keep "hegset" and "venezu" apart from
# other words, short enough that inflections ("strikes", "narcoterroristas") and many
# cognates meet. Chosen by reading the stems of the dev corpus, not by a score.
STEM_LEN = 6


@dataclass(frozen=True, slots=True)
class Doc:
    """What the grouper compares. All sets hold folded, language-neutral tokens."""

    lang: str
    title: tuple[str, ...]
    body: tuple[str, ...]
    numbers: frozenset[int]
    title_numbers: frozenset[int]
    ordinals: frozenset[int]
    dates: frozenset[date]
    places: frozenset[str]
    names: frozenset[str]
    # capitalised words first in a sentence ("Sheinbaum said ..."): names or not, the
    # grouper decides from the names it has seen elsewhere
    caps: frozenset[str] = frozenset()
    killed: frozenset[int] = frozenset()  # figures next to a word for killed/dead
    title_killed: frozenset[int] = frozenset()
    # the headline says it reports one more event of a series ("another strike", "otra
    # lancha", "nouvelle frappe"; lexicon.yaml, markers)
    title_new: bool = False
    # the headline's figures may be a running total or a revised toll ("61 dead since
    # September", "van 21 muertos", "toll rises to 4")
    title_tally: bool = False

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.title + self.body


# ---------------------------------------------------------------------------- folding
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case without accents: "Caraïbes" -> "caraibes", "Pacífico" -> "pacifico"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return _COMBINING.sub("", text).replace("œ", "oe").replace("æ", "ae")


# ----------------------------------------------------------------------------- lexicon
@dataclass(slots=True)
class _Lexicon:
    exact: dict[str, str]
    prefixes: dict[str, str]
    prefix_lens: tuple[int, ...]
    phrases: dict[str, list[tuple[tuple[str, ...], bool, str]]]
    ordinals: dict[str, int]
    weekdays: dict[str, int]
    months: dict[str, int]
    relative: dict[tuple[str, ...], int]
    stop: dict[str, frozenset[str]]
    all_stop: frozenset[str]
    special: frozenset[str]  # words that may start a phrase, a date or an ordinal
    # headline markers (see _marks): words, and phrases by their first word
    novelty: frozenset[str] = frozenset()
    novelty_of: frozenset[str] = frozenset()
    tally: frozenset[str] = frozenset()
    tally_phrases: dict[str, tuple[tuple[str, ...], ...]] = None  # type: ignore[assignment]
    mark_words: frozenset[str] = frozenset()  # every word that may start a marker


def _read(name: str) -> dict:
    return yaml.safe_load(resources.files("bot").joinpath("data", name).read_text("utf-8"))


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    data = _read("lexicon.yaml")
    exact: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
    for section, tag in (("concepts", "c:"), ("places", "p:"), ("names", "n:")):
        for key, forms in (data.get(section) or {}).items():
            token = sys.intern(tag + str(key))
            for form in forms:
                words = _words(fold(str(form)))
                is_prefix = str(form).endswith("*")
                if len(words) > 1:
                    phrases.setdefault(words[0], []).append((tuple(words), is_prefix, token))
                elif is_prefix:
                    prefixes.setdefault(words[0], token)
                else:
                    exact.setdefault(words[0], token)
    for entries in phrases.values():
        entries.sort(key=lambda e: -len(e[0]))  # longest phrase first

    def numbered(section: str) -> dict[str, int]:
        return {fold(str(f)): int(k) for k, forms in data[section].items() for f in forms}

    relative = {tuple(_words(fold(str(f)))): int(k)
                for k, forms in data["relative_days"].items() for f in forms}
    stop_data = _read("stopwords.yaml")
    stop = {lang: frozenset(fold(str(w)) for w in words) for lang, words in stop_data.items()}
    ordinals = numbered("ordinals")
    weekdays = numbered("weekdays")
    months = numbered("months")
    special = frozenset(phrases) | {k[0] for k in relative} | set(ordinals) | set(weekdays) \
        | set(months)
    markers = data.get("markers") or {}
    novelty = frozenset(fold(str(w)) for w in markers.get("novelty") or ())
    tally: set[str] = set()
    tally_phrases: dict[str, list[tuple[str, ...]]] = {}
    for form in markers.get("tally") or ():
        words = tuple(_words(fold(str(form))))
        if len(words) == 1:
            tally.add(words[0])
        elif words:
            tally_phrases.setdefault(words[0], []).append(words)
    return _Lexicon(
        novelty=novelty,
        novelty_of=frozenset("c:" + str(c) for c in markers.get("novelty_of") or ()),
        tally=frozenset(tally),
        tally_phrases={k: tuple(v) for k, v in tally_phrases.items()},
        mark_words=novelty | frozenset(tally) | frozenset(tally_phrases),
        special=special,
        exact=exact,
        prefixes=prefixes,
        prefix_lens=tuple(sorted({len(p) for p in prefixes}, reverse=True)),
        phrases=phrases,
        ordinals=ordinals,
        weekdays=weekdays,
        months=months,
        relative=relative,
        stop=stop,
        all_stop=frozenset().union(*stop.values()),
    )


_WORD = re.compile(r"[^\W_]+")


def _words(folded: str) -> list[str]:
    return _WORD.findall(folded)


# --------------------------------------------------------------------------- language
def guess_language(text: str, hint: str | None = None) -> str:
    """The hint when it is one of en/es/fr, else the language whose stop words are most used."""
    if hint:
        hint = hint.lower()[:2]
        if hint in LANGUAGES:
            return hint
    lex = lexicon()
    words = _words(fold(text))
    best, best_n = "en", -1
    for lang in LANGUAGES:
        n = sum(1 for w in words if w in lex.stop[lang])
        if n > best_n:
            best, best_n = lang, n
    return best


# --------------------------------------------------------------------------- tokenizer
# A raw token: a number with thousands separators, a word, or a sentence end.
_RAW = re.compile(r"\d{1,3}(?:[.,\u202f\u00a0 ]\d{3})+(?!\d)|[^\W_]+|[.!?;:«»\"“”|]")
_ORDINAL_DIGITS = re.compile(r"^(\d{1,3})(?:st|nd|rd|th|e|eme|er|ere|re|o|a|do|da|vo|va|to|ta)$")
_SENTENCE_END = frozenset(".!?;:«»\"“”|")


def _number_text(text: str, lang: str) -> str:
    try:
        return alpha2digit(text, lang, threshold=0)
    except Exception:  # noqa: BLE001 - a text2num edge case must not drop an item
        return text


# A word's entry in the per-language word cache (_WORDS): (folded form, kind, token, bits).
# kind: 0 dropped (a stop word, a letter), 1 place, 2 lexicon name, 3 concept, 4 cut word,
# 5 a word the tokenizer reads in context (phrases, dates, ordinals, numbers), 6 a sentence
# end. bits: capitalised, an acronym (ELN, OFAC), a number word alpha2digit would change on
# its own ("three", "once", "segunda"), a sentence end after which a sentence starts, or a
# quote (no bits are 0 for a sentence end).
_CAP, _ACRONYM, _NUMBER, _RESTART, _QUOTE = 1, 2, 4, 8, 16
_END = 6
_SLOW = 5
# "un"/"una"/"une" are numbers to alpha2digit ("1") and stop words here: either way they
# leave no token, so they alone do not make a text worth converting (nor count as capitals
# in a title-cased headline, as their "1" would not)
_ARTICLE_ONE = frozenset({"un", "una", "une"})
_WORDS: dict[str, dict[str, tuple[str, int, str, int]]] = {}


def _entry(lex: _Lexicon, lang: str, w: str) -> tuple[str, int, str, int]:
    if w in _SENTENCE_END:
        return w, _END, "", _QUOTE if w in "«»\"“”" else _RESTART
    f = fold(w)
    if f == w:
        f = w
    bits = 0
    if w[0].isupper():
        bits |= _CAP
        if len(w) >= 3 and w.isupper() and w.isalpha():
            bits |= _ACRONYM
    if lang != "en" and f in _ARTICLE_ONE:
        bits = 0
    else:
        try:
            if alpha2digit(w, lang, threshold=0) != w:
                bits |= _NUMBER
        except Exception:  # noqa: BLE001 - let the whole text's conversion decide
            bits |= _NUMBER
    if f in lex.special or f[:1].isdigit():
        return f, _SLOW, "", bits
    stop = lex.stop.get(lang, lex.all_stop)
    token, kind = _plain(lex, stop, f)
    return f, kind, sys.intern(token), bits


def _entries(text: str, lang: str, lex: _Lexicon) -> list[tuple[str, int, str, int]]:
    cache = _WORDS.get(lang)
    if cache is None:
        cache = _WORDS[lang] = {}
    raw = _RAW.findall(text)
    ents = list(map(cache.get, raw))  # map: no Python frame per word
    if None in ents:
        if len(cache) > _CACHE_SIZE:
            cache.clear()
        for k, e in enumerate(ents):
            if e is None:
                ents[k] = cache[raw[k]] = _entry(lex, lang, raw[k])
    return ents


def _scan(text: str, lang: str, lex: _Lexicon) -> tuple[list, list[str], list[int], bool]:
    """The text's word entries, folded words and capital codes, sentence ends left out, and
    whether the text is title-cased ("US Strikes Boat In Pacific": capitals say nothing).
    Capital codes (see _NAME_FLAGS): 0 none, 1 an acronym (ELN, OFAC), 3 capitalised within
    a sentence, 4 capitalised first word. Numbers written in words become digits first
    (alpha2digit), but only when the text has a word alpha2digit would change: most have
    none, and it is the costliest step."""
    ents = _entries(text, lang, lex)
    converted = False
    while True:
        wents = [e for e in ents if e[1] != _END]
        flags = []
        caps = 0
        start = True
        for e in ents:
            b = e[3]
            if not b:
                flags.append(0)
                start = False
            elif e[1] == _END:
                start = bool(b & _RESTART)
            elif b & _NUMBER and not converted:
                break
            else:
                if b & _CAP:
                    caps += 1
                    # an acronym is a name; two capitals (TT, IA, PM) are too ambiguous
                    flags.append(1 if b & _ACRONYM else 4 if start else 3)
                else:
                    flags.append(0)
                start = False
        else:
            n_words = len(wents)
            title_case = n_words >= 4 and caps > 0.6 * n_words
            return wents, [e[0] for e in wents], flags, title_case
        ents = _entries(_number_text(text, lang), lang, lex)
        converted = True


# Name flag by capital code: 1 a name (an acronym, or capitalised, not first in its
# sentence), 2 a capitalised first word, 0 otherwise; in a title-cased text only acronyms.
_NAME_FLAGS = ((0, 1, 0, 1, 2), (0, 1, 0, 0, 0))


# Per-word caches (_WORDS per language: a raw word's entry, see _entry; _LEX_CACHE: lexicon
# lookups), each emptied when it reaches this size: the words of a day's news repeat; 50,000
# entries a cache is a few MB and keeps most hits.
_CACHE_SIZE = 50_000
_LEX_CACHE: dict[str, str | None] = {}
_THOUSANDS = re.compile(r"[.,\u202f\u00a0 ]")


def _as_int(word: str) -> int | None:
    if not word[:1].isdigit():
        return None
    if word.isdigit():
        return int(word)
    digits = _THOUSANDS.sub("", word)
    return int(digits) if digits.isdigit() and len(digits) <= 9 else None


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    return word[:STEM_LEN]


def _day(pub: date | None, month: int, day: int, year: int | None) -> date | None:
    if not 1 <= day <= 31:
        return None
    if year is None:
        if pub is None:
            return None
        year = pub.year
        try:
            when = date(year, month, day)
        except ValueError:
            return None
        # "December 30" read on 2 January is last year's
        return when.replace(year=year - 1) if when > pub + timedelta(days=40) else when
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _lookup(lex: _Lexicon, w: str) -> str | None:
    """The lexicon token of one word (exact form, else the longest matching prefix)."""
    if w in _LEX_CACHE:
        return _LEX_CACHE[w]
    token = lex.exact.get(w)
    if token is None:
        for length in lex.prefix_lens:
            if len(w) >= length and (token := lex.prefixes.get(w[:length])) is not None:
                break
    if len(_LEX_CACHE) > _CACHE_SIZE:
        _LEX_CACHE.clear()
    _LEX_CACHE[w] = token  # interned with the lexicon
    return token


def _plain(lex: _Lexicon, stop: frozenset[str], w: str) -> tuple[str, int]:
    """(token, kind) of an ordinary word: kind 0 dropped (stop word), 1 place, 2 lexicon
    name, 3 concept, 4 a cut word."""
    if w in stop or len(w) < 2:
        return "", 0
    token = _lookup(lex, w)
    if token is not None:
        return token, {"p": 1, "n": 2}.get(token[0], 3)
    if w in lex.all_stop:
        return "", 0
    return _stem(w), 4


# How many words after a novelty marker may name the act or object it qualifies ("another
# alleged drug boat", "yet another deadly boat strike").
_NOVELTY_REACH = 4


def _marks(lex: _Lexicon, words: list[str], out: dict) -> None:
    """Sets out["new"] / out["tally"] from a headline's words (see Doc.title_new/_tally)."""
    if lex.mark_words.isdisjoint(words):
        return
    for i, w in enumerate(words):
        if w not in lex.mark_words:
            continue
        if w in lex.tally:
            out["tally"] = True
        for phrase in lex.tally_phrases.get(w, ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                out["tally"] = True
        if w in lex.novelty and not out.get("new"):
            out["new"] = any(_lookup(lex, x) in lex.novelty_of
                             for x in words[i + 1 : i + 1 + _NOVELTY_REACH])


def _features(text: str, lang: str, pub: date | None, out: dict,
              title: bool = False) -> list[str]:
    lex = lexicon()
    wents, words, codes, title_case = _scan(text, lang, lex)
    name_flag = _NAME_FLAGS[title_case]
    if title:
        _marks(lex, words, out)
    stop = lex.stop.get(lang, lex.all_stop)
    phrases = lex.phrases
    relative = lex.relative
    months = lex.months
    result: list[str] = []
    places, names, caps = out["places"], out["names"], out["caps"]
    n = len(wents)
    i = 0
    while i < n:
        _, kind, token, _ = wents[i]
        if kind != _SLOW:
            # an ordinary word: its outcome depends on the word and the language only
            if kind:
                result.append(token)
                if kind == 1:
                    places.add(token)
                elif kind == 2:
                    names.add(token)
                elif kind == 4:
                    is_name = name_flag[codes[i]]
                    if is_name:
                        # the same token as the word in lower case, kept as an anchor
                        (names if is_name == 1 else caps).add(token)
            i += 1
            continue
        w = words[i]
        is_name = name_flag[codes[i]]
        # phrases of the lexicon (multi-word, hyphens are spaces)
        entries = phrases.get(w)
        if entries:
            matched = False
            for pw, is_prefix, token in entries:
                k = len(pw)
                if i + k > n or words[i + 1 : i + k - 1] != list(pw[1:-1]):
                    continue
                last = words[i + k - 1]
                if last == pw[-1] or (is_prefix and last.startswith(pw[-1])):
                    result.append(token)
                    if token[0] == "p":
                        out["places"].add(token)
                    elif token[0] == "n":
                        out["names"].add(token)
                    i += k
                    matched = True
                    break
            if matched:
                continue
        nxt0 = words[i + 1] if i + 1 < n else None
        width, rel = 2, relative.get((w, nxt0))
        if rel is None:
            width, rel = 1, relative.get((w,))
        if rel is not None and pub is not None:
            d = pub - timedelta(days=rel)
            out["dates"].add(d)
            result.append(sys.intern("d:" + d.isoformat()))
            i += width
            continue
        value = _as_int(w)
        if value is not None:
            # "15 septembre", "15 de septiembre", "15 September 2025"
            j = 1 if nxt0 != "de" else 2
            month = months.get(words[i + j]) if i + j < n else None
            if month:
                year = _year(words[i + j + 1 : i + j + 3])
                d = _day(pub, month, value, year)
                if d is not None:
                    out["dates"].add(d)
                    result.append(sys.intern("d:" + d.isoformat()))
                    i += j + 1
                    if year is not None:
                        i += 2 if words[i] == "de" else 1
                    continue
            if 1900 <= value <= 2100:
                i += 1
                continue
            if value >= 2:
                out["numbers"].add(value)
                result.append(sys.intern(f"#{value}"))
            i += 1
            continue
        if w[:1].isdigit():
            m = _ORDINAL_DIGITS.match(w)
            if m:
                o = int(m.group(1))
                if o >= 2:
                    out["ordinals"].add(o)
                    result.append(sys.intern(f"o:{o}"))
                i += 1
                continue
        month = months.get(w)
        if month and nxt0 is not None and (day := _as_int(nxt0)) is not None and 1 <= day <= 31:
            year = _year(words[i + 2 : i + 4])
            d = _day(pub, month, day, year)
            if d is not None:
                out["dates"].add(d)
                result.append(sys.intern("d:" + d.isoformat()))
                i += 2 + (year is not None)
                continue
        wd = lex.weekdays.get(w)
        if wd is not None and pub is not None:
            d = pub - timedelta(days=(pub.weekday() - wd) % 7)
            out["dates"].add(d)
            result.append(sys.intern("d:" + d.isoformat()))
            i += 1
            continue
        o = lex.ordinals.get(w)
        if o is not None:
            out["ordinals"].add(o)
            result.append(sys.intern(f"o:{o}"))
            i += 1
            continue
        if w in stop or len(w) < 2:
            i += 1
            continue
        token = _lookup(lex, w)
        if token is not None:
            result.append(token)
            if token[0] == "p":
                out["places"].add(token)
            elif token[0] == "n":
                out["names"].add(token)
        elif w not in lex.all_stop:
            token = sys.intern(_stem(w))
            if is_name == 1:  # the same token as the word in lower case, kept as an anchor
                out["names"].add(token)
            elif is_name == 2:
                out["caps"].add(token)
            result.append(token)
        i += 1
    return _figures(result, out)


# A figure this many tokens (after stop words) from "killed"/"survivors" is that figure:
# "killed 11 people", "11 personnes tuees", "once muertos", "tuant 14 hommes".
_FIGURE_REACH = 2
_FIGURE_TAGS = {"c:killed": "k:", "c:survivor": "v:"}


def _figures(result: list[str], out: dict) -> list[str]:
    """Adds "k:N"/"v:N" for each number whose nearest tag word (within reach) is
    killed/survivors: "11 muertos y 2 sobrevivientes" -> k:11, v:2."""
    if "c:killed" not in result and "c:survivor" not in result:
        return result
    tags = [i for i, tok in enumerate(result) if tok in _FIGURE_TAGS]
    if not tags:
        return result
    extra: list[str] = []
    for j, t in enumerate(result):
        if t[0] != "#":
            continue
        # one tag (the usual case) is the nearest one: no min() with a key per number
        near = tags[0] if len(tags) == 1 else min(tags, key=lambda i: (abs(i - j), i < j))
        if abs(near - j) <= _FIGURE_REACH:
            tag = _FIGURE_TAGS[result[near]]
            extra.append(sys.intern(tag + t[1:]))
            if tag == "k:":
                out["killed"].add(int(t[1:]))
    return result + extra


def _year(words: list[str]) -> int | None:
    if words and words[0] == "de":
        words = words[1:]
    if words and words[0].isdigit() and len(words[0]) == 4 and 1900 <= int(words[0]) <= 2100:
        return int(words[0])
    return None


def tokens(text: str, language: str | None = None, published: datetime | None = None) -> list[str]:
    """The feature tokens of one text, in order (see the module docstring for their forms)."""
    lang = guess_language(text, language)
    out: dict = {"numbers": set(), "ordinals": set(), "dates": set(), "places": set(),
                 "names": set(), "killed": set(), "caps": set()}
    return _features(text, lang, published.date() if published else None, out)


# What an item is about is in its title and first sentences; some feeds put whole articles in
# the summary, which would cost time and memory for nothing. 600 characters is about the
# first 100 words (the dev corpus's longest summary has 330).
MAX_TITLE = 300
MAX_SUMMARY = 600


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def analyze(title: str, summary: str, language: str | None = None,
            published: datetime | None = None) -> Doc:
    """The features of one item. `published` anchors "Monday", "yesterday" and bare dates."""
    title = (title or "")[:MAX_TITLE]
    summary = _cut(summary or "", MAX_SUMMARY)
    lang = guess_language(f"{title} {summary}", language)
    pub = published.date() if published else None
    out: dict = {"numbers": set(), "ordinals": set(), "dates": set(), "places": set(),
                 "names": set(), "killed": set(), "caps": set()}
    t = _features(title or "", lang, pub, out, title=True)
    title_numbers = frozenset(out["numbers"])
    title_killed = frozenset(out["killed"])
    b = _features(summary or "", lang, pub, out)
    return Doc(
        lang=lang,
        # every token is interned where it is made: one string object per distinct token,
        # however many stories hold it
        title=tuple(t),
        body=tuple(b),
        numbers=frozenset(out["numbers"]),
        title_numbers=title_numbers,
        ordinals=frozenset(out["ordinals"]),
        dates=frozenset(out["dates"]),
        places=frozenset(out["places"]),
        names=frozenset(out["names"]),
        caps=frozenset(out["caps"] - out["names"]),
        killed=frozenset(out["killed"]),
        title_killed=title_killed,
        title_new=bool(out.get("new")),
        title_tally=bool(out.get("tally")) or "c:cumulative" in t,
    )
