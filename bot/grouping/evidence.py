"""Evidence that two reports tell one event, or two: small named functions.

Each function looks at one kind of evidence that any news report carries, in any language
and on any topic — how alike the words are (headline, lead, text), what happened (the kinds
of events), where (towns, countries, seas), when (the days named, the days between the
reports), who (names), and figures with their nouns (tolls, magnitudes) — and returns a
number, 0.0 when it has nothing to say. Weighed (`WEIGHTS`) and summed with the intercept,
they give the log-odds that the two reports tell one event; the grouper averages them over
a story's kept members, and `vigia explain` prints each (reason, weight).

The weights are fitted, not guessed: `bench/fit_grouping.py` computes these very functions
over every pair of reports published within three days of each other in the six labelled
sets (the shared dev and dev2 corpora, and the quake, protest, election and flood sets of
bench/data), fits a logistic regression, and prints the weights with each set's figures
when it is left out of the fit (bench/README.md, "Grouping"). The signs are what one would
expect; a weight whose sign flips between folds is not kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from rapidfuzz import fuzz

from ..text.lexicon import CARRY_TOLL, NO_TOLL, OWN_TOLL, TOLD_APART, Lexicon, told_apart
from .features import PEOPLE_COUNTED, SICK_COUNTED, Doc, _stem, all_stop_words

# Token prefixes of what the evidence weighs apart from the words: kinds, places, figures,
# ordinals, days, magnitudes, what tells one happening of a kind from another.
_APART = ("e:", "p:", "#", "k:", "v:", "o:", "d:", "m:", TOLD_APART)


def _is_word(token: str) -> bool:
    return not token.startswith(_APART)


def _subject(doc: Doc, lex: Lexicon) -> tuple[str, ...]:
    """The names and places the headline starts with ("Trinidad and Tobago prime minister
    praises ..." -> the country), after a title or role if one comes first ("President
    Piñera calls for peace" -> Piñera). A capitalised first word is no name here: headlines
    start with verbs too ("Suman 324 muertos ..."). Before a colon, a kind of event or no
    name at all is a rubric: the country or organisation after it is the subject ("Séisme au
    Maroc : l'Algérie ouvre son espace aérien", "Peru earthquake: Ecuador sends rescuers" ->
    Algeria, Ecuador); a name alone is who speaks ("Hegseth: five dead in new strike")."""
    rest = doc.title_rest
    after = [t for t in _subject_at(doc, lex, rest) if t.startswith(("p:", "n:"))] \
        if rest else []
    if after and any(t.startswith("e:") for t in doc.title[:rest]):
        return tuple(dict.fromkeys(after))
    return tuple(dict.fromkeys(_subject_at(doc, lex, 0) or after))


def _subject_at(doc: Doc, lex: Lexicon, start: int) -> list[str]:
    run: list[str] = []
    for k, tok in enumerate(doc.title[start:]):
        if tok in doc.names or (tok.startswith(("p:", "n:")) and tok not in lex.seas):
            run.append(tok)
        elif run or k >= SUBJECT_REACH or not tok.startswith("c:"):
            break
    return run


# A headline's subject may follow this many words of role or title ("Former Defence Minister")
SUBJECT_REACH = 2


# Magnitudes of one quake differ by a few tenths between agencies (7.7, 7.8).
MAGNITUDE_TOLERANCE = 0.35
_EMPTY: tuple = ()


@dataclass(frozen=True, slots=True)
class Frame:
    """One report as the evidence compares it: compact (tuples of interned strings), as a
    story keeps several of them for the whole window."""

    lang: str
    when: datetime
    # the words (and concepts) of the headline, the lead and the whole text; the kinds,
    # places, figures and days are weighed apart below, so the words are words only
    title: tuple[str, ...]
    lead: tuple[str, ...]
    text: tuple[str, ...]
    tokens: tuple[str, ...]  # every distinct token: what the grouper's index holds
    title_text: str  # the title's tokens, sorted, for rapidfuzz
    kinds: tuple[str, ...]
    lead_kinds: tuple[str, ...]  # every kind the headline and the first sentence name
    context_kinds: tuple[str, ...]
    about_kinds: tuple[str, ...]  # of those, what the report is about (_about)
    earlier_kinds: tuple[str, ...]  # context kinds named after "since"
    rare_kinds: tuple[str, ...]  # kinds that rarely recur (an earthquake, an election)
    places: tuple[str, ...]  # countries and towns (not seas)
    towns: tuple[str, ...]
    title_towns: tuple[str, ...]
    title_places: tuple[str, ...]  # every place its headline names: countries, towns, seas
    # what its headline says of which one of its kind it is ("a:cholera", events.yaml)
    title_variants: tuple[str, ...]
    seas: tuple[str, ...]
    names: tuple[str, ...]
    days: tuple[str, ...]  # "2025-09-02"
    title_days: tuple[str, ...]
    title_tolls: tuple[int, ...]
    tolls: tuple[int, ...]
    numbers: tuple[int, ...]
    magnitudes: tuple[float, ...]
    # the magnitudes its headline gives: the quake it reports, where its text may recall
    # another one ("a 6.8 aftershock ... after Monday's 7.6")
    title_magnitudes: tuple[float, ...]
    new: bool  # "another strike"
    tally: bool  # the headline's figure may be a running total
    revised: bool  # ... and is one happening's toll revised ("attack toll rises to 93")
    # the headline counts people dead, missing or injured ("388 residents unaccounted for")
    counted: bool
    sick: bool  # ... or the cases or the sick of an epidemic ("1,700 infected")
    subject: tuple[str, ...]  # the headline's first name or place group ("Trinidad PM")
    caps: tuple[str, ...]  # capitalised words first in a sentence: names or not ("Mati")

    @classmethod
    def of(cls, doc: Doc, when: datetime, lex: Lexicon) -> Frame:
        info = lex.kind_info
        places = doc.places - lex.seas
        tokens = tuple(dict.fromkeys(doc.title + doc.body))
        # days after the report's own (a day's grace for time zones) are plans ("retires
        # effective 1 April"): when something will happen, not which event is reported
        horizon = when.date() + timedelta(days=1)
        days = tuple(sorted(d.isoformat() for d in doc.dates if d <= horizon))
        return cls(
            lang=doc.lang, when=when,
            title=tuple(t for t in dict.fromkeys(doc.title) if _is_word(t)),
            lead=tuple(sorted(t for t in doc.lead if _is_word(t))),
            text=tuple(t for t in tokens if _is_word(t)),
            tokens=tokens,
            title_text=" ".join(sorted(set(doc.title))),
            kinds=tuple(sorted(doc.kinds)),
            lead_kinds=tuple(sorted(t for t in doc.lead if t.startswith("e:"))) or _EMPTY,
            context_kinds=tuple(sorted(doc.context_kinds)),
            about_kinds=_about(doc.kinds, tuple(sorted(doc.context_kinds)), lex),
            earlier_kinds=tuple(sorted(doc.earlier_kinds)),
            rare_kinds=tuple(sorted(k for k in doc.kinds if k in info and not info[k].serial)),
            places=tuple(sorted(places)),
            towns=tuple(sorted(doc.locals)),
            title_towns=tuple(sorted(doc.title_locals)),
            title_places=tuple(sorted({t for t in doc.title if t.startswith("p:")})),
            title_variants=tuple(sorted({t for t in doc.title if told_apart(t)})),
            seas=tuple(sorted(doc.places & lex.seas)),
            names=tuple(sorted(n for n in doc.names if not n.startswith("p:"))),
            days=days,
            title_days=tuple(sorted(t[2:] for t in set(doc.title)
                                    if t.startswith("d:") and t[2:] in days)),
            title_tolls=tuple(sorted(doc.title_killed)),
            tolls=tuple(sorted(doc.killed)),
            numbers=tuple(sorted(doc.numbers)),
            magnitudes=tuple(sorted(doc.magnitudes)),
            title_magnitudes=tuple(sorted({float(t[2:]) for t in doc.title
                                           if t.startswith("m:")})),
            new=doc.title_new,
            tally=doc.title_tally,
            revised=doc.title_revised,
            counted=_counts_people(doc.title),
            sick=_counts_people(doc.title, SICK_COUNTED),
            subject=_subject(doc, lex),
            caps=tuple(sorted(doc.caps)),
        )


_FIELDS = ("title", "lead", "text")


def norms(frame: Frame, idf: Callable[[str], float]) -> tuple[float, float, float]:
    """The IDF-weighted norms of a report's title, lead and text tokens."""
    return tuple(math.sqrt(sum(idf(t) ** 2 for t in getattr(frame, f)))  # type: ignore
                 for f in _FIELDS)


class Pair:
    """Two reports (the new item `a`, a story's member `b`), the window's IDF and the
    lexicon (which families of kinds go together). `b_norms`: the member's norms when the
    story keeps them (computed when it joined: the IDF drifts little over a window, and a
    story's members are compared with every later item)."""

    # _title, _rare, _kind_place, _apart, _written: evidence that several functions ask of
    # one pair, each computed once (None until asked)
    __slots__ = ("a", "b", "idf", "lex", "_cache", "_b_norms", "_title", "_rare",
                 "_kind_place", "_apart", "_written")

    def __init__(self, a: Frame, b: Frame, idf: Callable[[str], float], lex: Lexicon,
                 cache: dict | None = None,
                 b_norms: tuple[float, float, float] | None = None) -> None:
        self.a, self.b, self.idf, self.lex = a, b, idf, lex
        self._cache = cache if cache is not None else {}
        self._b_norms = b_norms
        self._title: float | None = None
        self._rare: float | None = None
        self._kind_place: float | None = None
        self._apart: float | None = None
        self._written: float | None = None

    def title_cosine(self) -> float:
        """cosine("title"), computed once per pair (two functions weigh it)."""
        if self._title is None:
            self._title = self.cosine("title")
        return self._title

    def cosine(self, field: str) -> float:
        """IDF-weighted cosine of the two reports' token sets (title, lead or text)."""
        y = getattr(self.b, field)
        if not y:
            return 0.0
        cache = self._cache
        key = (field, id(self.a))
        hit = cache.get(key)
        if hit is None:
            # the item's squared weights, once per item: it is compared with every kept
            # member of every candidate, and a shared token is then a lookup, not an idf call
            x = getattr(self.a, field)
            weights = {t: self.idf(t) ** 2 for t in x}
            hit = cache[key] = (math.sqrt(sum(weights[t] for t in x)), weights)
        na, weights = hit
        if not na:
            return 0.0
        nb = self._b_norms[_FIELDS.index(field)] if self._b_norms is not None else \
            math.sqrt(sum(self.idf(t) ** 2 for t in y))
        if not nb:
            return 0.0
        shared = 0.0
        get = weights.get
        for t in y:  # in y's order, as before: the same sum to the last bit
            w = get(t)
            if w is not None:
                shared += w
        return min(1.0, shared / (na * nb))


def _meet(x: tuple, y: tuple) -> bool:
    """Whether two small tuples share a value (no set is built: they hold a few each). A
    plain loop: a generator in any() costs twice as much on the hot path."""
    for v in x:  # noqa: SIM110
        if v in y:
            return True
    return False


# --------------------------------------------------------------------------- the words
def title_words(p: Pair) -> float:
    """How alike the headlines are (IDF-weighted cosine of their tokens)."""
    return p.title_cosine()


def no_title_word(p: Pair) -> float:
    """The headlines share no word or concept at all: whatever else is alike (a feed's
    boilerplate, a story's background), the headlines tell of other things."""
    return float(p.title_cosine() == 0.0)


def lead_words(p: Pair) -> float:
    """How alike the headlines and first sentences are: who did what, where."""
    return p.cosine("lead")


def text_words(p: Pair) -> float:
    """How alike everything the two reports say is."""
    return p.cosine("text")


def title_wording(p: Pair) -> float:
    """Headlines worded alike in one language (rapidfuzz): a rewrite of one wire report."""
    if p.a.lang != p.b.lang:
        return 0.0
    return fuzz.token_sort_ratio(p.a.title_text, p.b.title_text) / 100.0


def other_language(p: Pair) -> float:
    """Two languages: their words meet only through shared concepts, names, places and
    figures, so the same event scores lower on the words alone."""
    return float(p.a.lang != p.b.lang)


# ---------------------------------------------------------------------- what happened
def same_kind(p: Pair) -> float:
    """Both headlines report the same kind of event."""
    return float(_meet(p.a.kinds, p.b.kinds))


def related_kind(p: Pair) -> float:
    """A kind of event one reports is the other's, or its context ("aid after the quake").
    Not the context of a report of a happening that kills on its own ("13 killed in a
    helicopter crash after the quake"): that is another happening, not what it is about."""
    a, b = p.a, p.b
    return float(_meet(a.kinds + a.about_kinds, b.kinds + b.about_kinds))


def _about(kinds: Iterable[str], context: tuple[str, ...], lex: Lexicon) -> tuple[str, ...]:
    """The context kinds a report is about: not, beside a happening that kills which it
    reports, another that kills and does not go with it (a crash after a quake; a
    landslide after the floods is one disaster: events.yaml, families.kinds)."""
    info = lex.kind_info
    killers = [k for k in kinds if k in info and info[k].toll == OWN_TOLL]
    if not killers or not context:
        return context
    return tuple(c for c in context
                 if c not in info or info[c].toll != OWN_TOLL
                 or any((c, k) in lex.kinds_together for k in killers))


def rare_kind(p: Pair) -> float:
    """Both report the same kind of event that rarely recurs (an earthquake, an election)."""
    if p._rare is None:  # six other functions ask it of the same pair
        a, b = p.a.rare_kinds, p.b.rare_kinds
        # kinds that go together (a storm and its floods) are one disaster when the reports
        # tell of nothing else: a rare kind beside a serial one (arrests over collapsed
        # buildings) is that other happening's context
        together = p.lex.kinds_together
        p._rare = float(_meet(a, b) or (
            len(a) == len(p.a.kinds) and len(b) == len(p.b.kinds)
            and any((x, y) in together for x in a for y in b)))
    return p._rare


def kinds_differ(p: Pair) -> float:
    """The headlines' kinds share nothing and cannot describe one happening: a labour
    strike is not a military strike, a flood not a protest, a resignation not an asylum.
    Not when one report's headline or first sentence names the other's kind: each headline
    then tells one side of what both report ("a missile shot the airliner down" and "the
    airliner crashed")."""
    a, b = p.a.kinds, p.b.kinds
    if not a or not b or not set(a).isdisjoint(b):
        return 0.0
    if _meet(a, p.b.lead_kinds) or _meet(b, p.a.lead_kinds):
        return 0.0
    meet = p.lex.kinds_meet
    return 0.0 if any(meet(x, y) for x in a for y in b) else 1.0


# ------------------------------------------------------------------------------ where
def same_place(p: Pair) -> float:
    """A country, a town or a sea both name (a town maybe written without a locative)."""
    return float(_meet(p.a.places, p.b.places) or _meet(p.a.seas, p.b.seas)
                 or bool(town_written(p)))


def same_town(p: Pair) -> float:
    """The town one's lead names ("in Cumaná"), the other names too."""
    a, b = p.a, p.b
    return float(_meet(a.towns, b.places) or _meet(b.towns, a.places))


def town_written(p: Pair) -> float:
    """The town one's lead names, the other's headline writes without a locative, maybe in
    its own language's spelling ("Hawaii wildfire toll rises" beside "incendios en Hawái"),
    both reporting one kind of event and no deed (a visit names the town of the fire it is
    about)."""
    if p._written is None:  # same_place asks it too
        a, b = p.a, p.b
        mine = bool(a.towns) and not b.title_towns  # the cheap tests first: most pairs stop
        theirs = bool(b.towns) and not a.title_towns
        p._written = float(
            (mine or theirs) and not same_town(p) and bool(same_kind(p))
            and not _reports_deed(a, p.lex) and not _reports_deed(b, p.lex)
            and (mine and any(_headline_writes(t, b) for t in a.towns)
                 or theirs and any(_headline_writes(t, a) for t in b.towns)))
    return p._written


def towns_differ(p: Pair) -> float:
    """Each lead names a town the other never names: two places, two events."""
    a, b = p.a, p.b
    if not a.towns or not b.towns:
        return 0.0
    return float(not _meet(a.towns, b.places) and not _meet(b.towns, a.places))


def _reports_deed(frame: Frame, lex: Lexicon) -> bool:
    # a deed (an arrest, a visit) names the town of the happening it is about
    return bool(_deeds(frame.kinds, lex))


def _deeds(kinds: tuple[str, ...], lex: Lexicon) -> list[str]:
    """The kinds that are deeds killing nobody (events.yaml, `tolls`): an arrest, a visit."""
    info = lex.kind_info
    return [k for k in kinds if k in info and info[k].toll == NO_TOLL]


@lru_cache(maxsize=4096)
def _town_stems(town: str) -> tuple[str, ...]:
    stop = all_stop_words()
    return tuple(_stem(w) for w in town[2:].split("_") if len(w) > 1 and w not in stop)


def _headline_writes(town: str, frame: Frame) -> bool:
    """_written, or the town's one word spelled in another language's way: only among the
    headline's capitalised words, where a near spelling is a name and not a word ("paris"
    is no "parish")."""
    if _written(town, frame.title):
        return True
    stems = _town_stems(town)
    return len(stems) == 1 and len(stems[0]) >= 4 and any(
        fuzz.ratio(n, stems[0]) >= TOWN_LIKENESS
        for n in frame.names + frame.caps if n in frame.title)


def seas_differ(p: Pair) -> float:
    """Each names a sea the other does not: the Caribbean is not the Pacific."""
    a, b = p.a.seas, p.b.seas
    return float(bool(a) and bool(b) and set(a).isdisjoint(b))


def kind_and_place(p: Pair) -> float:
    """The same kind of event at the same place (a country, a town or a sea)."""
    if p._kind_place is None:  # asked by two functions of the same pair
        p._kind_place = float(same_kind(p) and same_place(p))
    return p._kind_place


def rare_kind_and_place(p: Pair) -> float:
    """The same kind of event that rarely recurs, at the same place: one earthquake, one
    election, told over days as its figures change."""
    return float(rare_kind(p) and same_place(p))


def recurring_kind_place_day(p: Pair) -> float:
    """The same kind of event that recurs (a protest, an attack), at the same place, on a
    day both name or reported the same day."""
    if rare_kind(p) or not kind_and_place(p):
        return 0.0
    return float(same_day(p) or published_same_day(p))


def recurring_kind_place_other_day(p: Pair) -> float:
    """The same kind of event that recurs, at the same place, but on other days: protests
    in one city a week apart are two protests. A headline that revises a toll tells of a
    happening of an earlier day: its day is no evidence."""
    if rare_kind(p) or p.a.revised or p.b.revised or not kind_and_place(p):
        return 0.0
    return float(not same_day(p) and not published_same_day(p))


# ------------------------------------------------------------------------------ when
def same_day(p: Pair) -> float:
    """A calendar day both name."""
    return float(_meet(p.a.days, p.b.days))


def days_differ(p: Pair) -> float:
    """Both name days, none in common (weighing less between reports that tell only of one
    rare event at one place, told over days, each naming the day of its count)."""
    a, b = p.a.days, p.b.days
    if not a or not b or not set(a).isdisjoint(b):
        return 0.0
    return RARE_DAYS_DIFFER if _only_rare(p.a) and _only_rare(p.b) and not (
        p.a.new or p.b.new) and rare_kind_and_place(p) else 1.0


def _only_rare(frame: Frame) -> bool:
    # reports that tell of nothing but the rare event: a rescue sent, an aid accepted is news
    # apart, whose day matters
    return bool(frame.kinds) and len(frame.rare_kinds) == len(frame.kinds)


# What other days weigh between two reports of one rare event at one place, against 1 for
# any other pair: 0.6 by measurement on the twenty sets (0.5 costs collapses and epidemics
# .002-.003, 0.4 loses an election event; with no weight, a quake's aftershocks merge).
RARE_DAYS_DIFFER = 0.6


def days_apart(p: Pair) -> float:
    """Days between the two reports' publication."""
    if p._apart is None:  # asked by four functions of the same pair
        p._apart = abs((p.a.when - p.b.when).total_seconds()) / 86400.0
    return p._apart


def published_same_day(p: Pair) -> float:
    """Published within a day of each other."""
    return float(days_apart(p) < 1.0)


def rare_event_days_apart(p: Pair) -> float:
    """Days between two reports of one kind of rare event at one place: an earthquake's or
    a flood's news goes on for days, its toll rising, and the days between weigh less."""
    return days_apart(p) if rare_kind_and_place(p) else 0.0


# ------------------------------------------------------------------------------- who
def subjects_differ(p: Pair) -> float:
    """Each headline starts with a name or place the other report never mentions: one is
    about what Maduro said, the other about what the US did."""
    a, b = p.a, p.b
    if not a.subject or not b.subject:
        return 0.0
    return float(set(a.subject).isdisjoint(b.tokens) and set(b.subject).isdisjoint(a.tokens))


def shared_names(p: Pair) -> float:
    """People and groups both name (up to three)."""
    if not p.a.names or not p.b.names:
        return 0.0
    return min(3, len(set(p.a.names).intersection(p.b.names))) / 3.0


# --------------------------------------------------------------------------- figures
def tolls_differ(p: Pair) -> float:
    """The headlines give tolls, none in common, and neither is a running total."""
    a, b = p.a, p.b
    if not a.title_tolls or not b.title_tolls or a.tally or b.tally:
        return 0.0
    return float(set(a.title_tolls).isdisjoint(b.title_tolls))


def recurring_tolls_differ(p: Pair) -> float:
    """... for an event of a kind that recurs: a strike that killed three is not the one
    that killed two (an earthquake's toll that differs is a toll that rose)."""
    return float(tolls_differ(p) and not rare_kind(p) and not _lagging_pair(p)
                 and not _toll_of_rare(p.a, p.b, p.lex) and not _toll_of_rare(p.b, p.a, p.lex))


def _toll_of_rare(a: Frame, b: Frame, lex: Lexicon) -> bool:
    """One headline names no happening of its own, only its toll, at the place where the
    other tells of a rare event only: no kind that recurs tells the two tolls apart."""
    return (bool(b.kinds) and len(b.rare_kinds) == len(b.kinds) and _tells_only_toll(a, lex)
            and _meet(a.places, b.places) and _names_kind_of(a, b, lex))


def _names_kind_of(a: Frame, b: Frame, lex: Lexicon) -> bool:
    """Whether a report's first sentence or context names a rare kind the other reports
    (or one that goes with it): a toll alone at a country says nothing of which happening
    ("37 dead in Turkey" may be bootleg liquor, not the quake)."""
    named = a.lead_kinds + a.context_kinds
    together = lex.kinds_together
    return any(k in named or any((k, n) in together for n in named) for k in b.rare_kinds)


def _lagging_pair(p: Pair) -> bool:
    """Two headlines of one site in a day whose tolls are within a quarter of each other
    (toll_veto's lagging outlet): "43 inmates died" and "44 inmates dead" in one prison."""
    a, b = p.a, p.b
    low, high = sorted((max(a.title_tolls), max(b.title_tolls)))
    return low >= LAGGING_TOLL * high and abs(a.when - b.when) <= _DAY and _site_met(
        a, (b,), p.lex)


def same_toll(p: Pair) -> float:
    """A toll both give."""
    return float(_meet(p.a.title_tolls, p.b.title_tolls) or _meet(p.a.tolls, p.b.tolls))


def rare_kind_tolls(p: Pair) -> float:
    """Tolls of one rare event at one place: a toll that rises is the same event."""
    return float(rare_kind_and_place(p) and bool(p.a.tolls) and bool(p.b.tolls))


def shared_numbers(p: Pair) -> float:
    """Figures both give (up to two)."""
    if not p.a.numbers or not p.b.numbers:
        return 0.0
    return min(2, len(set(p.a.numbers).intersection(p.b.numbers))) / 2.0


def magnitudes_differ(p: Pair) -> float:
    """Earthquakes of other magnitudes are other earthquakes."""
    a, b = p.a.magnitudes, p.b.magnitudes
    if not a or not b:
        return 0.0
    return float(min(abs(x - y) for x in a for y in b) > MAGNITUDE_TOLERANCE)


def another(p: Pair) -> float:
    """A headline says it reports one more event of a series ("another strike", "otra
    lancha", "nouveau séisme")."""
    return float(p.a.new or p.b.new)


EVIDENCE: tuple[Callable[[Pair], float], ...] = (
    title_words, no_title_word, lead_words, text_words, title_wording, other_language,
    related_kind, rare_kind, kinds_differ,
    same_town, town_written, seas_differ, rare_kind_and_place, recurring_kind_place_day,
    recurring_kind_place_other_day,
    same_day, days_differ, days_apart, published_same_day, rare_event_days_apart,
    shared_names, subjects_differ,
    recurring_tolls_differ, rare_kind_tolls, shared_numbers, magnitudes_differ, another,
)
NAMES = tuple(fn.__name__ for fn in EVIDENCE)


# ------------------------------------------------------------- a report against a story
# What no average of pairs weighs enough: evidence about the story as a whole, which rules
# a merge out (VETO) or weighs against it. These are not fitted: each says why it exists and
# what it was measured on.
VETO = -10.0


class StoryView:
    """What the story-level evidence reads of a story (the grouper's story satisfies it)."""

    n: int
    first_seen: datetime
    last_seen: datetime
    counts: dict[str, int]  # token -> members mentioning it
    head_tolls: tuple[int, ...]  # tolls its members' headlines give (no running totals)
    days: tuple[str, ...]  # days its members name
    magnitudes: tuple[float, ...]  # earthquake magnitudes its members give
    title_towns: tuple[str, ...]  # towns its members' headlines name
    members: list[Frame]


def toll_veto(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """The headline's toll is none that the story's headlines give, the story never names
    it, neither side is a running total, and the event is of a kind that recurs: a strike
    that killed three is not the strike that killed two the day before, however alike the
    words (on the dev set, two strikes announced in one template score far above any
    threshold without it). A quake's toll that differs is a toll that rose: no veto. Nor in
    the town the story's headlines name, when the item's text gives the story's toll (the
    same shooting counted with its gunman) or, within a day and with no "another", a higher
    toll (the clashes' toll rising): strikes at sea name no town. Nor, within a day and
    with no "another", a higher toll at the site the story's headlines name in the same
    country (an explosion at a chemical plant in China: 6 dead, then 9), or a lower one
    within a quarter of it, an outlet's count that lags (a port blast in Iran: 5 dead, then
    another outlet's 4)."""
    if not a.title_tolls or a.tally or not story.head_tolls or _rare(a, lex) \
            or any(_rare(m, lex) for m in story.members):
        return 0.0
    if not set(a.title_tolls).isdisjoint(story.head_tolls):
        return 0.0
    if any(f"k:{v}" in story.counts for v in a.title_tolls):
        return 0.0
    soon = not a.new and a.when - story.last_seen <= _DAY
    higher_soon = soon and min(a.title_tolls) > max(story.head_tolls)
    if _meet(a.towns, story.title_towns) and (
            not set(a.tolls).isdisjoint(story.head_tolls) or higher_soon):
        return 0.0
    lagging = soon and max(a.title_tolls) >= LAGGING_TOLL * max(story.head_tolls)
    if (higher_soon or lagging) and _same_site(a, story, lex):
        return 0.0
    return VETO


# A lower toll within this share of the story's, at its site within a day, is an outlet's
# count that lags, not another event's.
LAGGING_TOLL = 0.75


def _countries(places: tuple[str, ...], lex: Lexicon) -> tuple[str, ...]:
    """The countries among a report's places (not its towns, regions or seas)."""
    return tuple(p for p in places if p in lex.countries)


def _same_site(a: Frame, story: StoryView, lex: Lexicon) -> bool:
    """Whether the headline names a site of one happening that a headline of the story names
    too (`_site_met`)."""
    return _site_met(a, story.members, lex)


def _site_met(a: Frame, others: Iterable[Frame], lex: Lexicon) -> bool:
    """Whether the headline names a site of one happening (concepts.yaml `sites`: a factory,
    a mine) that one of the others' headlines names too, in the same country when the first
    names one."""
    sites = lex.sites.intersection(a.title)
    if not sites:
        return False
    countries = _countries(a.title_places, lex)
    return any(sites.intersection(b.title) and (not countries or _meet(countries, b.title_places))
               for b in others)


def later_day_veto(a: Frame, story: StoryView, lex: Lexicon, now: datetime) -> float:
    """Every day the item names is two days or more after every day the story names (and
    not after the report itself: "retires effective 12 December" is a plan), or the item
    recalls the story's days but its latest, two days or more after them, is the day it is
    published: another occasion of an event that recurs. One rare event's later days are
    its development."""
    if not a.days or not story.days or a.rare_kinds or a.revised:
        return 0.0
    told = (story.last_seen.date() + _DAY).isoformat()
    said = [d for d in story.days if d <= told]
    horizon = (now.date() + _DAY).isoformat()
    mine = [d for d in a.days if d <= horizon]
    if not said or not mine:
        return 0.0
    ref = datetime.fromisoformat(max(said))
    if not any(d in story.days for d in mine):
        return VETO if (datetime.fromisoformat(min(mine)) - ref).days >= 2 else 0.0
    # it recalls the story's days, but tells of its own day, two days or more after them
    # and the day it is published ("after Thursday's march, thousands marched again on
    # Saturday"): the next occasion
    latest = datetime.fromisoformat(max(mine))
    if (latest - ref).days >= 2 and latest.date() >= a.when.date() - _DAY:
        return VETO
    return 0.0


def sea_veto(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """The item names one sea and the story's members mostly name another one only: the
    Caribbean is not the Pacific."""
    if len(a.seas) != 1:
        return 0.0
    mine, counts, n = a.seas[0], story.counts, story.n
    if counts.get(mine, 0) * 2 >= n:
        return 0.0
    if any(counts.get(s, 0) * 2 >= n for s in lex.seas if s != mine):
        return VETO
    return 0.0


def countries_veto(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """A veto: the countries the item names, in its headline and in its text, are none
    that the story's kept reports name there, and it shares no town and no name with any
    of them: an outbreak of cholera in Sudan is not the outbreak of Ebola in DR Congo
    reported the same morning in the same words. (Alone, another country proves little: a
    shooting in El Paso is news in Mexico, whose citizens it killed; they share the town.)
    The name of a happening that travels (a storm's) is shared by all its landfalls and
    counts for nothing here."""
    for field in ("title_places", "places"):
        mine = _countries(getattr(a, field), lex)
        if not mine:
            return 0.0
        theirs = [p for m in story.members for p in _countries(getattr(m, field), lex)]
        if not theirs or _meet(mine, theirs):
            return 0.0
    names = () if _travels(a, lex) and any(_travels(m, lex) for m in story.members) else a.names
    if any(_meet(a.towns, m.towns) or _meet(names, m.names) for m in story.members):
        return 0.0
    return VETO


def _travels(frame: Frame, lex: Lexicon) -> bool:
    """Whether a report tells of a kind of happening that travels (events.yaml `travels`)."""
    info = lex.kind_info
    return any(k in info and info[k].travels for k in frame.kinds)


def _rare(frame: Frame, lex: Lexicon) -> bool:
    """Whether a report tells, or names as its context, a kind of event that rarely recurs
    ("5,300 feared dead after storm bursts dams": the storm's toll, whatever it is now)."""
    info = lex.kind_info
    return bool(frame.rare_kinds) or any(
        k in info and not info[k].serial for k in frame.context_kinds)


def _town_in(town: str, tokens: tuple[str, ...]) -> bool:
    """A town named in other words: the same token, or one spelled nearly alike ("p:valence",
    "p:valencia", "p:sevilla", "p:seville": towns are written in each language's way), but
    not "Puerto Ayacucho" for "Puerto La Cruz"."""
    if town in tokens:  # the commonest answer, looked up in C
        return True
    # then only the places among the tokens (an item's tokens are mostly words; towns_veto
    # asks this of each candidate story)
    return any(fuzz.ratio(t, town) >= TOWN_LIKENESS for t in tokens if t.startswith("p:"))


# How alike two towns' tokens must be (rapidfuzz ratio) to be one town in two languages:
# Valence/Valencia 84, Séville/Sevilla 89; Maracaibo/Maracay 80 and Puerto Ayacucho/Puerto La
# Cruz 73 are two towns each.
TOWN_LIKENESS = 82


# Reports a story of a rare kind (a fire, a flood, a quake) needs before a headline naming
# another town may join it: an event that several outlets tell is large enough to reach
# several towns, while one report of a market fire says nothing of a factory fire in the next
# town (tests/test_pipeline.py, 24 local events). 2 and 3 give the same eight tables; 5
# splits the wildfire set's fires again (F1 .795 -> .770).
SPREAD_REPORTS = 3


def towns_veto(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """A veto: the headline names a town ("in Cumaná") the story never names, and the
    story's headlines name another town the item never names: two towns, two events, however
    alike the rest ("Venezuela: in Barquisimeto, teachers strike" is not "... in Maturín,
    nurses strike"). Not for a kind of event that rarely recurs, which a story of several
    reports tells too: a fire, a flood, a quake spreads over a region's towns, and another
    one is told apart by its magnitude or its day. A town that the story's reports write
    without a locative ("the attack on Crocus City Hall", "in Dayton, Ohio") is one it
    names."""
    if not a.title_towns or any(t in story.counts or _words_named(t, story)
                                for t in a.title_towns):
        return 0.0
    if story.n >= SPREAD_REPORTS and a.rare_kinds and any(k in story.counts
                                                          for k in a.rare_kinds):
        return 0.0
    theirs = story.title_towns
    if not theirs or any(_town_in(t, a.tokens) or _written(t, a.title) for t in theirs) \
            or any(_town_in(t, theirs) for t in a.title_towns):
        return 0.0
    return VETO


def _words_named(town: str, story: StoryView) -> bool:
    """Whether the story's reports write a town's name with no locative before it: the
    longest word of a name of two words or more ("the attack on Crocus City Hall" beside
    "au Crocus City Hall": the other words may be a concept's, "city hall"), or a name of
    one word of four letters or more that a kept report writes as a name ("Dayton, Ohio" in
    a text names Ohio for "Tiroteo en Ohio"; not "Paz", a word of peace too, nor "nice" met
    in passing: Nice is another town)."""
    stems = _town_stems(town)
    if len(stems) > 1:
        return max(stems, key=len) in story.counts
    # one word: written as a name (capitalised) by a kept report, not a word met in passing
    return len(stems) == 1 and len(stems[0]) >= 4 and stems[0] in story.counts and any(
        stems[0] in m.names or stems[0] in m.caps for m in story.members)


def _written(town: str, tokens: tuple[str, ...]) -> bool:
    """A town the headline writes without a locative before it ("El Paso, Texas" names
    Texas, read as a town in "a shooting in Texas"): the stems of its words are among the
    headline's (only the headline's: a text names the towns of other events in passing)."""
    stems = _town_stems(town)
    return bool(stems) and all(s in tokens for s in stems)


def magnitude_veto(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """A veto: the item's earthquake has another magnitude than any the story's reports
    give (by more than agencies differ about one quake): an aftershock, or another quake. The
    headline's magnitude, when it gives one, is the quake the item reports; its text may
    recall the one before."""
    mine = a.title_magnitudes or a.magnitudes
    theirs = story.magnitudes
    if not mine or not theirs:
        return 0.0
    gap = min(abs(x - y) for x in mine for y in theirs)
    return VETO if gap > MAGNITUDE_TOLERANCE else 0.0


# A story's members that mention a name, below which it is new to the story.
NEW_SUBJECT_SHARE = 0.15
# How much a headline whose subject is new to a story of three reports or more weighs
# against joining it (log-odds): a reaction abroad ("Trinidad PM praises US strike"), another
# government's move, is another event (gold, on every labelled set).
NEW_SUBJECT_PENALTY = 3.0


def new_subject(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """The headline's subject (its first name or place) is one that almost none of the
    story's members mention. Not of a headline that revises a toll: who counts the dead, or
    where, is no other happening ("Death toll from Attica fires rises to 85")."""
    if story.n < 3 or not a.subject or a.revised or (
            a.title_tolls and any(k in story.counts for k in a.rare_kinds)):
        return 0.0
    limit = NEW_SUBJECT_SHARE * story.n
    if all(story_mentions(story.counts, tok) < limit for tok in a.subject):
        return -NEW_SUBJECT_PENALTY
    return 0.0


def new_deed(a: Frame, story: StoryView, lex: Lexicon) -> bool:
    """The headline reports a deed that kills nobody (an arrest, a charge, a visit, a vote:
    events.yaml, `tolls`) which none of the story's kept reports tells: a development of
    its own ("nine charged over the shipwreck" is not the shipwreck told again)."""
    return any(not any(k in m.kinds for m in story.members) for k in _deeds(a.kinds, lex))


def story_mentions(counts: dict[str, int], token: str) -> int:
    """The members that mention a name or a place, a town in any language's spelling
    ("Barcelone", "Barcelona")."""
    n = counts.get(token, 0)
    if token.startswith("p:") and not n:
        n = max((c for t, c in counts.items() if t.startswith("p:") and t != token
                 and fuzz.ratio(t, token) >= TOWN_LIKENESS), default=0)
    return n


def another_event(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """A veto: the headline says it reports one more event of a series ("another strike",
    "otra lancha", "nouveau séisme"), none of the story's kept reports says so, and the item
    names a day or a toll the story does not. Alone "another" proves nothing (the first
    report of a strike does not say it, the next ones do); beside another day or toll it
    settles it. (Dev: two Pacific strikes a day apart merged without it.) A rare event
    ("new quake") is told apart by its magnitude and its day; failing those, by a story that
    began before the day of the item's report (a quake's search called off, then "new quake
    hits the province" two days later)."""
    if not a.new or any(m.new for m in story.members):
        return 0.0
    if a.rare_kinds:
        # a rare event's "new" is told apart by its magnitude and its day; failing those, a
        # story begun before the day of this one's report tells an earlier one
        return VETO if story.first_seen.date() < a.when.date() - _DAY else 0.0
    other_day = bool(a.days) and bool(story.days) and set(a.days).isdisjoint(story.days)
    other_toll = bool(a.tolls) and bool(story.head_tolls) and \
        set(a.tolls).isdisjoint(story.head_tolls)
    return VETO if other_day or other_toll else 0.0


# How much kinds of events that cannot describe one happening weigh against a story
# (log-odds): the item's kinds against those most of the story's members report (a strike
# hours after a tanker seizure at the same coast; an asylum the day after a resignation).
# The pair evidence `kinds_differ` weighs each pair lightly, as kinds are often missed in
# one report; against a story whose members agree on their kind it is far stronger.
KIND_PENALTY = 3.0


def kind_conflict(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """The item reports a kind of event that cannot be the one most of the story's reports
    tell or tell of (a tanker seizure against a deadly strike, an asylum against a
    resignation). What a member names as its context is what the story is about too ("Navy
    holds the survivors of the strike" is the strike's story); the item's own context is not
    what it reports ("aid after the quake" is news apart)."""
    if not a.kinds:
        return 0.0
    counts: dict[str, int] = {}
    for m in story.members:
        for k in m.kinds:
            counts[k] = counts.get(k, 0) + 1
        for k in m.context_kinds:  # none of its kinds (features.analyze_texts)
            if k not in m.earlier_kinds:  # "since the capture" dates it, tells no story
                counts[k] = counts.get(k, 0) + 1
    usual = [k for k, c in counts.items() if c * 2 >= len(story.members)]
    if not usual:
        return 0.0
    # what the lead reports besides the headline's kinds: one happening told by two words
    # ("Sánchez announces 5,000 more troops" whose lead tells of the floods they are sent
    # to); not when the headline names its context, and so tells news apart from it ("aid
    # after the quake")
    own = a.kinds if a.context_kinds else a.kinds + a.lead_kinds
    if any(lex.kinds_meet(x, y) for x in own for y in usual):
        return 0.0
    return -KIND_PENALTY


# A headline naming a day this many days before the story began, a day the story does not
# name, is about an older event back in the news ("the March 2 strike killed survivors,
# report says" is no report of this week's strike).
HISTORY_DAYS = 7


def old_event(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """A veto: the headline names only days a week or more before the story began, days the
    story does not name: an older event back in the news. Not when the headline reports a
    deed the story's reports tell too (an arrest): the day is what the deed is about."""
    days = [d for d in a.title_days if d not in story.days]
    if not days or len(days) < len(a.title_days):
        return 0.0
    # a deed the story's reports tell too (an arrest) dates what it is about, not itself:
    # "arrest made; suspect set the blaze that ignited the Jan. 7 inferno"
    deeds = _deeds(a.kinds, lex)
    if deeds and any(_meet(deeds, m.kinds) for m in story.members):
        return 0.0
    first = story.first_seen.date()
    if all((first - datetime.fromisoformat(d).date()).days >= HISTORY_DAYS for d in days):
        return VETO
    return 0.0


# What a higher toll of the story's own rare event weighs for joining it (log-odds): the
# days between reports weigh against a merge (evidence.days_apart), but "Turkey, Syria
# earthquake death toll surpasses 15,000" three days after the quake is its update, and the
# issue's contract is that a rise of a story's own toll is never a new story.
TOLL_RISE_BONUS = 1.5


def _same_rare_event(a: Frame, m: Frame, lex: Lexicon) -> bool:
    together = lex.kinds_together
    return _meet(a.places, m.places) and (_meet(a.rare_kinds, m.rare_kinds) or any(
        (x, y) in together for x in a.rare_kinds for y in m.rare_kinds))


def _same_event_kind(a: Frame, m: Frame, lex: Lexicon) -> bool:
    # one family's kinds may tell one happening ("shooting at a concert hall", "attack")
    return _meet(a.places, m.places) and any(lex.kinds_meet(x, y)
                                             for x in a.kinds for y in m.kinds)


def _above(tolls: tuple[int, ...], story: StoryView) -> bool:
    """A toll higher than any the story's headlines gave."""
    return bool(tolls) and bool(story.head_tolls) and max(tolls) > max(story.head_tolls)


def _first_toll(a: Frame, tolls: tuple[int, ...], story: StoryView) -> bool:
    """A rare event's toll revised ("Ebola death toll rises to 12") where the story's
    headlines gave none ("Uganda: one death from Ebola", a figure in words): it rose from
    one the story told."""
    return (bool(a.rare_kinds) and a.revised and bool(tolls) and not story.head_tolls
            and any(_known(story, t) for t in a.title_towns + a.title_variants))


def _tells_only_toll(a: Frame, lex: Lexicon) -> bool:
    """The headline names no happening of its own, or only one that carries the toll of
    the happening it goes on from (a rescue): "more than 11,000 dead in Libya" (whose first
    sentence names the floods: _names_kind_of)."""
    info = lex.kind_info
    return all(k in info and info[k].toll == CARRY_TOLL for k in a.kinds)


def toll_rises(a: Frame, story: StoryView, lex: Lexicon) -> float:
    """The headline gives a toll higher than any the story's headlines gave, of a kind of
    event that rarely recurs, at a place that most of the story's kept reports name for
    that kind: the story's own toll has risen. (A new quake is told apart by its magnitude
    or its "new", which veto before this is asked.) Of a kind that recurs (an attack), only
    a headline that tells one happening's toll revised, not a running total, says so."""
    tolls = a.title_tolls or (a.tolls if a.tally else ())
    if a.new or not (_above(tolls, story) or _first_toll(a, tolls, story)):
        return 0.0
    if a.rare_kinds:
        alike = sum(1 for m in story.members if _same_rare_event(a, m, lex))
    elif a.revised and a.kinds:
        alike = sum(1 for m in story.members if _same_event_kind(a, m, lex))
    elif _tells_only_toll(a, lex) and rare_story(story, lex):
        alike = sum(1 for m in story.members if m.rare_kinds and _meet(a.places, m.places)
                    and _names_kind_of(a, m, lex))
    else:
        return 0.0
    return TOLL_RISE_BONUS if alike * 2 >= len(story.members) else 0.0


_DAY = timedelta(days=1)


def rare_story(story: StoryView, lex: Lexicon) -> bool:
    """Whether most of a story's kept reports tell a kind of event that rarely recurs and
    kills: a fire, a flood, an earthquake (not what follows it: a resignation over it)."""
    rare = story_rare_kinds(story, lex)
    return sum(_meet(m.kinds, rare) for m in story.members) * 2 > len(story.members)


def deeds_only(story: StoryView, lex: Lexicon) -> bool:
    """Whether most of a story's kept reports tell only peaceful deeds (a visit, an aid
    package, an arrest, a vote: no toll, no force) and count no dead in their headline: the
    dead its reports count are those of the happening the deeds are about (the floods the
    king visits), not the story's own. A headline that counts the dead beside a deed tells
    a killing too ("strikes kill 40 in Gaza as Netanyahu visits Washington")."""
    info = lex.kind_info
    deeds = sum(1 for m in story.members if m.kinds and not m.title_tolls and not m.counted
                and all(k in info and info[k].peaceful for k in m.kinds))
    return deeds * 2 > len(story.members)


def story_rare_kinds(story: StoryView, lex: Lexicon) -> tuple[str, ...]:
    """The rare kinds a story's kept reports tell or name as their context."""
    info = lex.kind_info
    return tuple(dict.fromkeys(
        k for m in story.members for k in m.kinds + m.context_kinds
        if k in info and not info[k].serial and info[k].toll == OWN_TOLL))


# How many tokens before its word a figure counts the dead, the missing or the injured ("388
# Maui residents unaccounted for")
PEOPLE_COUNT_REACH = 3


def _counts_people(title: tuple[str, ...], counted: frozenset[str] = PEOPLE_COUNTED) -> bool:
    """Whether a headline's figure counts people dead, missing or injured."""
    reach = PEOPLE_COUNT_REACH
    return any(t in counted and any(u[0] == "#" for u in title[max(0, i - reach):i])
               for i, t in enumerate(title))


def _specific(frame: Frame) -> tuple[str, ...]:
    """Who and where a report names more narrowly than a country or a region: its towns and
    its names (a storm's, a town's at the head of a sentence)."""
    return frame.towns + frame.names + frame.caps + tuple("p:" + c for c in frame.caps)


def _known(story: StoryView, token: str) -> bool:
    """Whether a story's reports named a name or a town, in any spelling, or the town as a
    name ("Kellerton wildfire kills five", "the toll of the fire in Kellerton")."""
    return bool(story_mentions(story.counts, token)) or (
        token.startswith("p:") and _stem(token[2:]) in story.counts)


def _named_higher(a: Frame, story: StoryView, lex: Lexicon) -> bool:
    """The headline gives a toll higher than any the story's headlines gave, and names the
    event by a name or a town the story named ("L'incendie de Kellerton a fait douze morts"):
    its toll grown, where "3 dead in a fire" may be any fire."""
    if not (_above(a.title_tolls, story) or a.title_tolls and not story.head_tolls):
        return False
    named = _headline_names(a, lex)
    if not named or not any(_known(story, t) for t in named):
        return False
    # the same storm's toll in another country is another landfall's: each place the
    # headline names is one most of the story's reports name
    return all(story_mentions(story.counts, t) * 2 >= story.n for t in a.title_places)


def _sickens(a: Frame, story: StoryView, lex: Lexicon) -> bool:
    """Whether the story's rare kind is one whose people are the sick (an epidemic), named
    by the headline: its cases counted are its count grown."""
    info = lex.kind_info
    return any(k in info and info[k].sickens for k in story_rare_kinds(story, lex)) and any(
        k in info and info[k].sickens for k in a.kinds + a.context_kinds)


def _headline_names(a: Frame, lex: Lexicon) -> tuple[str, ...]:
    """The names, towns and capitalised words of a report's headline, and its subject; and
    what tells its kind of event apart (`_told_apart`)."""
    caps = {_stem(c) for c in a.caps}
    return (a.subject + tuple(t for t in a.title if t in a.names or t in caps) + a.title_towns
            + _told_apart(a, lex))


def _told_apart(a: Frame, lex: Lexicon) -> tuple[str, ...]:
    """What the headline says of which one of its kind of event it reports, when the kind is
    told apart (events.yaml, `told_apart_by`): what tells it apart, with its countries
    ("Haiti reports more cholera cases": a:cholera, p:ht), a name as good as a town's. The
    kind alone says nothing: cholera in Haiti is one outbreak for weeks, and Ebola there
    another."""
    info = lex.kind_info
    apart = {t for k in a.rare_kinds for t in info[k].told_apart_by}
    said = tuple(t for t in a.title_variants if t in apart)
    if not said:
        return ()
    towns = set(a.title_towns)
    return said + tuple(p for p in _countries(a.title_places, lex) if p not in towns)


_REVIVAL_VETOES = (sea_veto, towns_veto, magnitude_veto, toll_veto, kind_conflict, new_subject,
                   another_event)


def may_revive(a: Frame, lex: Lexicon) -> bool:
    """What `revives` asks of the report alone, before any story is looked at: it says
    nothing of a new event, revises a toll or counts people, and names a rare kind."""
    return not a.new and (a.revised or a.counted or a.sick) and _rare(a, lex)


def _revival_checks(a: Frame, story: StoryView,
                    lex: Lexicon) -> list[tuple[str, Callable[[], bool]]]:
    """What a report needs to tell more of a rare event whose story left the window, each
    check as a question asked when needed. A toll is told for weeks after a fire, a flood
    or a quake; what else follows it (a lawsuit, a resignation, a visit) is news of its own,
    and so is "another quake". Only positive evidence joins: the headline revises a toll
    (or counts the people of the event it names as what came before), it reports that kind
    of event (or a search for its victims) or names it as the context of its toll, it names
    a town or a name the story's reports named and nothing the story never named, and no
    story-level evidence weighs against it."""
    info = lex.kind_info
    rare = story_rare_kinds(story, lex)

    def theirs(k: str) -> bool:
        return k in rare or any((k, r) in lex.kinds_together for r in rare)

    def kinds() -> bool:
        if a.kinds:
            return all(theirs(k) or (k in info and info[k].toll == CARRY_TOLL)
                       for k in a.kinds) and any(theirs(k) for k in a.kinds + a.context_kinds)
        return (bool(a.title_tolls) or a.counted) and any(theirs(k) for k in a.context_kinds)

    # a count of its people under a headline that names the event only as what came before
    # ("388 residents unaccounted for after the Lahaina fire") tells more of it, as a toll
    # revised does; a count beside the event itself ("3 injured in a fire") may be another
    return [
        ("the headline revises a toll (or counts the people of the event it names as what came "
         "before, or a higher toll of the one its headline names by a name the story gave), "
         "and says nothing of a new event",
         lambda: (a.revised or (a.counted and (not a.kinds or _named_higher(a, story, lex)))
                  or (a.sick and _sickens(a, story, lex))) and not a.new),
        ("it reports the story's kind of event, or gives its toll", kinds),
        ("it names a town or a name the story named",
         lambda: any(_known(story, t) for t in _specific(a) + _told_apart(a, lex))),
        ("every name and place its headline gives is one the story named (another storm's "
         "name is another storm)", lambda: all(_known(story, t) for t in _headline_names(a, lex))),
        ("nothing weighs against it", lambda: not any(fn(a, story, lex) for fn in _REVIVAL_VETOES)),
    ]


def revival(a: Frame, story: StoryView, lex: Lexicon) -> list[tuple[str, bool]]:
    """Each check of `_revival_checks` with whether it holds (for `vigia explain`); the last
    names the evidence that weighs against the report, if any."""
    checks = _revival_checks(a, story, lex)
    out = [(what, check()) for what, check in checks[:-1]]
    # the last check, with the names of what weighs against the report (each asked once)
    against = [fn.__name__ for fn in _REVIVAL_VETOES if fn(a, story, lex)]
    what = checks[-1][0] + (f" ({', '.join(against)})" if against else "")
    return [*out, (what, not against)]


def revives(a: Frame, story: StoryView, lex: Lexicon) -> bool:
    """Whether a report joins a rare event's story kept after the window: every check of
    `_revival_checks`, asked in order until one fails."""
    return may_revive(a, lex) and all(check() for _, check in _revival_checks(a, story, lex))


STORY_EVIDENCE = (sea_veto, countries_veto, towns_veto, magnitude_veto, toll_veto, later_day_veto,
                  kind_conflict, old_event, new_subject, another_event, toll_rises)


def story_evidence(a: Frame, story: StoryView, lex: Lexicon,
                   now: datetime) -> list[tuple[str, float]]:
    """The story-level evidence that says something, by name; a veto ends the list."""
    out = []
    for fn in STORY_EVIDENCE:
        w = fn(a, story, lex, now) if fn is later_day_veto else fn(a, story, lex)
        if w:
            out.append((fn.__name__, w))
            if w <= VETO:
                break
    return out


def features(pair: Pair) -> list[float]:
    """Every evidence function's value for one pair, in EVIDENCE order."""
    return [fn(pair) for fn in EVIDENCE]
