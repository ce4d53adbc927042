"""An item's text -> what the grouper compares (a `Doc`), for any topic and language.

Token forms (plain strings, cheap to hash; each interned where it is made):
    c:killed     a concept of the vocabulary    e:earthquake  a kind of event
    p:ve         a country (ISO code)           p:caribbean   a region or a sea
    p:cumana     a town named after a locative ("in Cumaná")
    n:un         an organisation of the vocabulary; other names (capitalised inside a
                 sentence: Hegseth, Maduro) are plain words below, kept in `Doc.names`
    #11          a number (2 or more)           o:2           an ordinal
    d:2025-09-15 a calendar day named           k:3 / v:2     a number beside a word for
                 killed / survivors ("3 killed", "tres muertos", "deux survivants")
    strike       any other word: folded, a plural "s" dropped, cut to 6 letters, which also
                 lines up many en/es/fr cognates (operation/operativo/operation -> "operat")

The headline also gives two markers that carry no token: `Doc.title_new` ("another strike",
"otra lancha", "nouvelle frappe") and `Doc.title_tally` (its figure may be a running total
or a revised toll: "61 dead since September", "toll rises to 27").
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..text import CLAUSE, LOWER, NONCOUNT, NUM, ORD, WORD, Text, guess_language, language, read
from ..text.happenings import figure_positions, in_context, lead_end, novelty, split_kinds
from ..text.lexicon import Lexicon, lexicon, plural, told_apart
from ..text.names import local_places, mentions, names, title_cased
from ..text.tables import all_stop_words
from ..text.tokens import FIGURES

# Words longer than this are cut to it: long enough to keep "hegset" and "venezu" apart from
# other words, short enough that inflections ("strikes", "narcoterroristas") and many
# cognates meet. Chosen by reading the stems of the dev corpus, not by a score.
STEM_LEN = 6
# What an item is about is in its title and first sentences; some feeds put whole articles in
# the summary, which would cost time and memory for nothing. 600 characters is about the
# first 100 words (the dev corpus's longest summary has 330).
MAX_TITLE = 300
MAX_SUMMARY = 600
# A figure this many tokens (after stop words) from "killed"/"survivors" is that figure:
# "killed 11 people", "11 personnes tuees", "once muertos", "tuant 14 hommes".
FIGURE_REACH = 2
_FIGURE_TAGS = {"c:killed": "k:", "c:survivor": "v:"}
# A figure followed by one of these counts them, whatever stands near ("five killed, 30
# injured": 30 is no toll; "8 muertos y 200 arrestados"): other counts of people, and kinds
_OTHER_COUNTS = frozenset(("c:injured", "c:missing"))
# Besides a kind of event, what "another" may qualify as one more happening ("otra lancha");
# not the dead: "claims another victim" is one more dead of the same happening
_NOVELTY_OF = frozenset(("c:boat", "c:submarine"))
_EMPTY: frozenset = frozenset()


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
    caps: frozenset[str] = _EMPTY
    killed: frozenset[int] = _EMPTY  # figures next to a word for killed/dead
    title_killed: frozenset[int] = _EMPTY
    title_new: bool = False
    title_tally: bool = False
    # the headline tells one happening's toll revised ("attack toll rises to 93"): a toll or
    # its rise, no running total, no kind named in the plural ("toll from US strikes")
    title_revised: bool = False
    # kinds of events the headline reports (else the first sentence): "e:earthquake"; a
    # kind named as the context ("aid after quake") is in context_kinds instead
    kinds: frozenset[str] = _EMPTY
    title_kinds: frozenset[str] = _EMPTY
    context_kinds: frozenset[str] = _EMPTY
    # ... of those, the kinds the headline names after "since": an earlier happening
    earlier_kinds: frozenset[str] = _EMPTY
    # towns named after a locative in the headline or the first sentence ("p:cumana"), and
    # in the headline alone
    locals: frozenset[str] = _EMPTY
    title_locals: frozenset[str] = _EMPTY
    # every token of the headline and the first sentence (who, where, what: the lead)
    lead: frozenset[str] = _EMPTY
    # earthquake magnitudes named ("magnitude 7.8" -> 7.8)
    magnitudes: frozenset[float] = _EMPTY
    # where the headline's words after its first colon begin (0: none): what comes before is
    # often a rubric ("Séisme au Maroc : l'Algérie ouvre son espace aérien")
    title_rest: int = 0

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.title + self.body


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    return word[:STEM_LEN]


# folded word -> its interned stem, "" for a stop word of any language or a letter alone (a
# language's stop words are among all languages'): the words of news repeat. Cleared when it
# passes _STEMS_MAX words (about 2 MB).
_STEMS: dict[str, str] = {}
_STEMS_MAX = 20_000


def _word_stem(word: str, all_stop: frozenset[str]) -> str:
    stem = "" if len(word) < 2 or word in all_stop else sys.intern(_stem(word))
    if len(_STEMS) >= _STEMS_MAX:
        _STEMS.clear()
    _STEMS[word] = stem
    return stem


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


class _Acc:
    """What the texts of one item add up to."""

    __slots__ = ("numbers", "ordinals", "dates", "places", "names", "caps", "killed",
                 "kinds", "context_kinds", "earlier_kinds", "locals", "lead", "new", "tally",
                 "revised", "magnitudes", "aftershock", "rest")

    def __init__(self) -> None:
        self.numbers: set[int] = set()
        self.ordinals: set[int] = set()
        self.dates: set[date] = set()
        self.places: set[str] = set()
        self.names: set[str] = set()
        self.caps: set[str] = set()
        self.killed: set[int] = set()
        self.kinds: set[str] = set()
        self.context_kinds: set[str] = set()
        self.earlier_kinds: set[str] = set()
        self.locals: set[str] = set()
        self.lead: set[str] = set()
        self.magnitudes: set[float] = set()
        self.new = False
        self.tally = False
        self.revised = False
        self.aftershock = False  # the headline tells of an aftershock
        self.rest = 0


def _features(text: Text, lex: Lexicon, acc: _Acc, title: bool,
              other: Text | None = None) -> list[str]:
    """The tokens of one text, in order; fills `acc`. `other`: the item's other text."""
    lang = language(text.lang)
    tokens = text.tokens
    found = mentions(tokens, lang, lex, text.days)
    covered = {k for m in found for k in range(m.first, m.last + 1)}
    cased = title_cased(tokens)
    locals_ = _towns(tokens, lang, found, covered, cased, other)
    groups, firsts = names(tokens, lang, covered, cased)
    at: dict[int, list[str]] = {}
    for m in (*found, *locals_):
        at.setdefault(m.first, []).append(m.token)
        covered.update(range(m.first, m.last + 1))
    # the lead: the headline, or the summary's first sentence
    lead = len(tokens) if title else lead_end(tokens)
    if title:
        acc.aftershock = any(t.kind == WORD and t.norm in lang.aftershock for t in tokens)
    out, lead_len = _stream(text, lang, found, at, covered,
                            {k for g in groups for k in g}, set(firsts), lead, title, acc)
    acc.lead.update(out if lead_len < 0 else out[:lead_len])
    for m in found:
        if m.token[0] == "p":
            acc.places.add(m.token)
        elif m.token[0] == "n":
            acc.names.add(m.token)
    _kinds_of(found, text, lead, lang, lex, out, title, acc)
    for m in locals_:
        acc.places.add(m.token)
        if m.first < lead:
            acc.locals.add(m.token)
    if title:
        words = _marks(tokens, lang, out, found, acc, lex)
        if "c:toll" in out:
            _title_toll(tokens, words, lang, out, acc)
    return _figures(out, acc)


def _towns(tokens, lang, found, covered: set[int], cased: bool, other: Text | None) -> list:
    """The towns a text names that the vocabulary does not know ("in Cumaná")."""
    # a town's name may hold a word of the vocabulary ("Ciudad Bolívar"), not a country's
    places_at = {k for m in found if m.token[0] == "p" for k in range(m.first, m.last + 1)}
    locals_ = local_places(tokens, lang, places_at, covered)
    if locals_:
        # a disease is no town's word: "deaths in Ebola Virus outbreak" names no place
        apart_at = {k for m in found if told_apart(m.token) for k in range(m.first, m.last + 1)}
        locals_ = [m for m in locals_ if not apart_at.intersection(range(m.first, m.last + 1))]
    if cased and locals_:
        # in a title-cased headline capitals say nothing ("... in Escalating Diplomatic
        # Tensions" names no town): a town it names is one its text writes as a name too
        # ("Ongoing Fires in Los Angeles": "... in Los Angeles")
        named = _capitalised(other) if other is not None else _EMPTY
        locals_ = [m for m in locals_
                   if all(tokens[k].norm in named for k in range(m.first, m.last + 1))]
    return locals_


def _stream(text: Text, lang, found, at: dict[int, list[str]], covered: set[int],
            name_at: set[int], first_at: set[int], lead: int, title: bool,
            acc: _Acc) -> tuple[list[str], int]:
    """The text's tokens as the grouper compares them (stems, places, days, figures,
    magnitudes), and how many of them the lead holds (-1: all)."""
    tokens = text.tokens
    day_at = {d.first: d for d in text.days}
    in_day = {k for d in text.days for k in range(d.first, d.last + 1)}
    all_stop = all_stop_words()
    stems = _STEMS
    out: list[str] = []
    lead_len = -1  # the tokens out holds when the lead ends
    for k, tok in enumerate(tokens):
        if k == lead:
            lead_len = len(out)
        if k in day_at:
            acc.dates.add(day_at[k].day)
            out.append(sys.intern("d:" + day_at[k].day.isoformat()))
        elif k in in_day:
            continue
        elif k in at:
            out.extend(at[k])
        elif k in covered:
            continue
        elif tok.kind == WORD:  # the commonest first
            stem = stems.get(tok.norm)
            if stem is None:
                stem = _word_stem(tok.norm, all_stop)
            if not stem:
                continue
            if k in name_at:
                acc.names.add(stem)
            elif k in first_at:
                acc.caps.add(stem)
            out.append(stem)
        elif tok.kind == NUM:
            if tok.value is not None and tok.value >= 2:
                acc.numbers.add(tok.value)
                out.append(sys.intern(f"#{tok.value}"))
        elif tok.kind == ORD:
            if tok.value is not None and tok.value >= 2:
                acc.ordinals.add(tok.value)
                out.append(sys.intern(f"o:{tok.value}"))
        elif tok.kind == NONCOUNT:
            m = _magnitude(tokens, k, lang, found)
            if m is not None and not title and not acc.aftershock \
                    and _aftershock_of(tokens, k, lang):
                m = None  # the text recalls an aftershock; the headline's quake is another
            if m is not None:
                acc.magnitudes.add(m)
                out.append(sys.intern(f"m:{m:.1f}"))
        elif tok.kind == CLAUSE and title and not acc.rest and tok.norm == ":":
            acc.rest = len(out)
    return out, lead_len


def _kinds_of(found, text: Text, lead: int, lang, lex: Lexicon, out: list[str], title: bool,
              acc: _Acc) -> None:
    """The kinds of event the text reports, and those it names only as their context."""
    # what the headline reports, apart from its context ("aid after quake": aid); the first
    # sentence's kinds when the title has none
    tokens = text.tokens
    reported, context = split_kinds(
        found, tokens, lead, lex.context.get(lang.code, _EMPTY),
        text.published.year if text.published else None, lang.year_links)
    if title and not reported and context and "c:survivor" in out:
        # "Navy holds two survivors after the strike": the survivors are the strike's, and
        # the headline reports it (not "the first strike since the capture")
        after = lex.aftermath.get(lang.code, _EMPTY)
        promoted = {m.token for m in found
                    if m.token in context and in_context(tokens, m.first, after)}
        reported, context = promoted, context - promoted
    if context and title:
        # "the first strike since the capture": the capture dates it, no story is about it
        earlier = lex.earlier.get(lang.code, _EMPTY)
        span = lex.span.get(lang.code, _EMPTY)
        acc.earlier_kinds |= {
            m.token for m in found if m.token in context
            and in_context(tokens, m.first, earlier) and not in_context(tokens, m.first, span)}
    acc.context_kinds |= context
    if title or not acc.kinds:
        acc.kinds |= reported


# How far a magnitude word (or an earthquake word: "un séisme de 6,4") may stand from it.
MAGNITUDE_REACH = 3


def _aftershock_of(tokens, k: int, lang) -> bool:
    """Whether the figure at tokens[k] is an aftershock's: an aftershock word beside it, with
    nothing but magnitude and small words between ("a magnitude 4.5 aftershock", "une
    réplique de magnitude 4,5"; not "an aftershock followed the 7.1 quake")."""
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(tokens) and abs(j - k) <= MAGNITUDE_REACH:
            t = tokens[j]
            if t.kind != WORD:
                break
            if t.norm in lang.aftershock:
                return True
            if t.norm not in lang.magnitude and t.norm not in lang.stop:
                break
            j += step
    return False


def _magnitude(tokens, k: int, lang, found) -> float | None:
    """The magnitude a decimal figure at tokens[k] gives, if a magnitude word or an
    earthquake word stands within reach of it."""
    raw = tokens[k].norm.replace(",", ".")
    if raw.count(".") > 1 or not raw.replace(".", "").isdigit():
        return None
    value = float(raw)
    if not 1.0 <= value < 10.0:
        return None
    lo, hi = max(0, k - MAGNITUDE_REACH), k + MAGNITUDE_REACH + 1
    if any(t.kind == WORD and t.norm in lang.magnitude for t in tokens[lo:hi]):
        return value
    if any(m.token == "e:earthquake" and lo <= m.first < k for m in found):
        return value
    return None


def _marks(tokens, lang, out: list[str], found, acc: _Acc, lex: Lexicon) -> list[str]:
    """Whether the headline may give a running total or a revised toll, and whether it
    reports one more of a series; its words (for _title_toll)."""
    words = [t.norm if t.kind == WORD else "" for t in tokens]
    if "c:toll" in out:
        acc.tally = True
    # a word of a rise tells of a toll only beside a figure or the dead ("UAW reaches a
    # deal", "sea levels rise": no toll)
    if not acc.tally and (_counts(tokens, out) and lang.tally.anywhere(words)
                          or _increment(tokens, words, lang, lex)):
        acc.tally = True
    acc.new = novelty(words, found, lang, lex, _NOVELTY_OF, figure_positions(tokens))
    if acc.tally and not acc.new:
        acc.revised = not lang.running.anywhere(words) and not any(
            m.token[0] == "e" and _series(m.token, words[m.last], lex)
            for m in found)
    return words


# The concepts a headline's figure counts people by: the dead, the missing, the injured;
# and an epidemic's cases and sick (evidence.Frame's `counted` and `sick` read them too)
PEOPLE_COUNTED = frozenset(("c:killed", "c:missing", "c:injured"))
SICK_COUNTED = frozenset(("c:case", "c:sick"))


def _counts(tokens, out: list[str]) -> bool:
    """Whether a headline gives a figure, or names the dead, the missing, the injured, the
    cases or the sick."""
    return any(t.kind in FIGURES for t in tokens) or any(
        t in PEOPLE_COUNTED or t in SICK_COUNTED for t in out)


def _increment(tokens, words: list[str], lang, lex: Lexicon) -> bool:
    """The dead of an earlier happening counted again, more of them: a figure, a word of
    more within two words after it, and the dead after it ("two more people have died",
    "dos muertos más", "deux morts de plus"); not the dead of a new deed ("US kill three
    more"), nor more of others ("5.000 militares más")."""
    n = len(words)
    for i, t in enumerate(tokens):
        if t.kind != NUM or not any(words[j] and lang.increment.at(words, j)[0]
                                    for j in range(i + 1, min(i + 3, n))):
            continue
        if any(words[j] and lex.vocabulary.at(words, j)[1] == "c:killed"
               for j in range(i + 1, min(i + 6, n))):
            return True
    return False


def _series(kind: str, word: str, lex: Lexicon) -> bool:
    # "floods", "incendios": one disaster's name is often plural, and "the Tianjin blasts"
    # one happening; "strikes" are a series
    info = lex.kind_info.get(kind)
    return plural(word) if info is None else info.series(word)


def _figures(result: list[str], acc: _Acc) -> list[str]:
    """Adds "k:N"/"v:N" for each number whose nearest tag word (within reach) is
    killed/survivors: "11 muertos y 2 sobrevivientes" -> k:11, v:2."""
    if "c:killed" not in result and "c:survivor" not in result:
        return result
    # which one of its kind a happening is ("36 cholera deaths": a:cholera, and the
    # outbreak its word names) stands between a figure and its noun without counting
    seen = result
    if any(told_apart(t) for t in result):
        seen = [t for k, t in enumerate(result)
                if not told_apart(t) and not (t[0] == "e" and k and told_apart(result[k - 1]))]
    tags = [i for i, tok in enumerate(seen) if tok in _FIGURE_TAGS]
    extra: list[str] = []
    # only a number within reach of a tag can take it: those few positions, in order
    reach = sorted({j for i in tags for j in range(max(0, i - FIGURE_REACH),
                                                   min(len(seen), i + FIGURE_REACH + 1))})
    for j in reach:
        t = seen[j]
        if t[0] != "#":
            continue
        after = seen[j + 1] if j + 1 < len(seen) else ""
        if after in _OTHER_COUNTS or after.startswith("e:"):
            continue
        near = tags[0] if len(tags) == 1 else min(tags, key=lambda i: (abs(i - j), i < j))
        if abs(near - j) <= FIGURE_REACH:
            tag = _FIGURE_TAGS[seen[near]]
            extra.append(sys.intern(tag + t[1:]))
            if tag == "k:":
                acc.killed.add(int(t[1:]))
    return result + extra


def _title_toll(tokens, words: list[str], lang, out: list[str], acc: _Acc) -> None:
    """In a headline that names a toll, the figure just after the word for it or after a
    word of its rise is the toll ("death toll surpasses 9,000", "death toll from the floods
    rises to 158", "le bilan dépasse les 9 000 morts"): the number a rising toll is told by,
    which no word for killed stands beside. In the headline only: in a text, "so far" and
    "saldo" tell of other counts too."""
    for i, tok in enumerate(out):
        if tok == "c:toll":
            for t in out[i + 1: i + 1 + FIGURE_REACH]:
                if t[0] == "#":
                    acc.killed.add(int(t[1:]))
                    break
    tally = lang.tally
    for i, w in enumerate(words):
        if not w or not tally.may_start(w):
            continue
        n = tally.at(words, i)[0]
        for t in tokens[i + n: i + n + FIGURE_REACH]:
            if t.kind == NUM and t.value is not None and t.value >= 2:
                acc.killed.add(t.value)
                break


def _capitalised(text: Text) -> frozenset[str]:
    """The words a text capitalises where a common word would not be (not first in its
    sentence)."""
    return frozenset(t.norm for t in text.tokens if t.kind == WORD and t.cap != LOWER
                     and not t.first)


def _frozen(values: set) -> frozenset:
    # most of an item's sets are empty; one shared empty set saves ~200 bytes a field in
    # every window item (CPython no longer shares empty frozensets)
    return frozenset(values) if values else _EMPTY


def analyze(title: str, summary: str, language_hint: str | None = None,
            published: datetime | None = None, topics: Sequence[str] = ()) -> Doc:
    """The features of one item. `published` anchors "Monday", "yesterday" and bare dates;
    `topics` are the watchlists' topic vocabularies (bot/data/topics)."""
    title = (title or "")[:MAX_TITLE]
    summary = _cut(summary or "", MAX_SUMMARY)
    lang = guess_language(f"{title} {summary}", language_hint)
    pub = published.date() if published else None
    return analyze_texts(read(title, lang, pub), read(summary, lang, pub), topics)


def analyze_texts(title: Text, summary: Text, topics: Sequence[str] = ()) -> Doc:
    """The same from texts the caller has already read (the pipeline reads each once, for
    the grouper and the facts alike)."""
    lex = lexicon(tuple(topics))
    acc = _Acc()
    t = _features(title, lex, acc, title=True, other=summary)
    title_numbers = _frozen(acc.numbers)
    title_killed = _frozen(acc.killed)
    title_kinds = _frozen(acc.kinds)
    title_locals = _frozen(acc.locals)
    lead_title = set(acc.lead)
    b = _features(summary, lex, acc, title=False)
    return Doc(
        lang=title.lang,
        title=tuple(t),
        body=tuple(b),
        numbers=_frozen(acc.numbers),
        title_numbers=title_numbers,
        ordinals=_frozen(acc.ordinals),
        dates=_frozen(acc.dates),
        places=_frozen(acc.places),
        names=_frozen(acc.names),
        caps=_frozen(acc.caps - acc.names),
        killed=_frozen(acc.killed),
        title_killed=title_killed,
        title_new=acc.new,
        title_tally=acc.tally,
        title_revised=acc.revised,
        kinds=_frozen(acc.kinds),
        title_kinds=title_kinds,
        context_kinds=_frozen(acc.context_kinds - acc.kinds),
        earlier_kinds=_frozen(acc.earlier_kinds - acc.kinds),
        locals=_frozen(acc.locals),
        title_locals=title_locals,
        lead=_frozen(acc.lead | lead_title),
        magnitudes=_frozen(acc.magnitudes),
        title_rest=acc.rest,
    )


def tokens(text: str, language_hint: str | None = None, published: datetime | None = None,
           topics: Sequence[str] = ()) -> list[str]:
    """The feature tokens of one text, in order (see the module docstring for their forms)."""
    lang = guess_language(text, language_hint)
    acc = _Acc()
    pub = published.date() if published else None
    return _features(read(text, lang, pub), lexicon(tuple(topics)), acc, title=False)
