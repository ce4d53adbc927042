"""The facts tables (bot/data/facts/<code>.yaml), loaded once and compiled.

A table has three parts, each row with the example sentences it exists for (the tests are
those rows, tests/test_facts_rules.py):

- ``classes``: word classes, each a list of folded words or phrases ("at least"); an entry
  "{other}" takes in another class, "*ment" any word ending so.
- ``rules``: a phrase shape around a figure that states a fact (``fact``: deaths, injured,
  missing, survivors, strikes), with what else the shape says: ``toll`` (rise | bring: a
  toll said to stand at, or brought to, a figure), ``value`` (a shape without a figure:
  "a lone survivor" is 1), ``min`` (the smallest figure it reads), ``whole: false`` (not
  the M of "two of the M": the part takes the verb), ``prefer`` ("among the six killed":
  the whole over its parts), ``total`` (a running count by its own wording), ``sum`` (the
  figure is the sum of the counts the shape holds: "ten guards and four inmates"), ``plus``
  (people the shape names beside its figure, added to it: "kills the mayor and five
  others" is 6), ``stop`` (a class whose words the rule's gaps never cross, beside those of
  its fact: a place that is no "critical condition", no "garde à vue").
- ``cues``: shapes that say where a figure belongs (``cue``): ``campaign`` (a running total
  over a series: "since September", "so far"), ``prior`` (an earlier event: "the first
  strike killed"), ``lead`` (an earlier event when it comes before the figure: "days after a
  strike killed six"), ``before`` (a tally older than this event), ``increment`` ("four more
  strikes"), ``subseries`` (an ordinal of a part: "the third strike this week"),
  ``not_found`` (a survivor nobody found), ``negated`` (a count denied: "none of the 132
  aboard survived" gives no 132 survivors), ``labour`` (a strike that is a walkout),
  ``one_event`` (a clause about one event: "the latest strike"), ``previous`` (reaches the
  clause before: "according to official figures"), ``not_campaign`` (a campaign cue inside
  it is none: "the deadliest since 2001"), ``part`` (a figure of a part: "55 in Morelos, 11
  in Puebla", "of whom 202"), ``perpetrators`` (a figure of an attack's attackers killed, no
  victims: "police shot dead five suspected terrorists", "three gunmen killed"), ``hedge``
  (a figure feared, not counted: "up to 1,000 feared dead"), ``happening`` (a happening
  named: in the title or the first sentence, it makes the later sentences' figures its own),
  ``toll`` (a toll named, with or without its figure: "death toll rises"; in the title it
  says the item reports a happening that kills, see bot.facts.scope.recalled), ``reported``
  (reported speech or a time reached: "officials said", "by Saturday evening"; a ``prior``
  cue marked ``backshift: true``, a tense that such words shift back, "had killed", says
  nothing after one in its sentence). ``weak:
  true`` marks a campaign cue that a one-event clause overrides; ``span: true`` a campaign
  cue that only spans time ("since the start of the epidemic"), under which the toll of the
  one happening the headline reports is still its own; ``reach: sentence`` a cue that
  reaches every mention of its sentence (not only of its clause); ``lede: false`` a cue that
  says nothing in the title or the first sentence (an earlier event named there is the one
  the item reports), unless the headline reports one more happening of a series ("new quake
  shakes ...": the earlier one is then named as such); ``new: true`` a cue that says
  something only under such a headline ("the Tuesday quake" is an earlier one below "new
  quake", this one elsewhere).

See bot.facts for how mentions, scope and choice use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..text import LANGUAGES, fold, language, read_data, words_of
from .matcher import M_CODE, M_NUM, M_ORD, Pattern, WordSet

SLOT_MARKS = {"N": M_NUM, "ORD": M_ORD, "NO": M_CODE}

FACT_KINDS = frozenset(("deaths", "injured", "missing", "survivors", "strikes"))
CUE_KINDS = frozenset(("campaign", "prior", "lead", "before", "increment", "subseries",
                       "not_found", "labour", "one_event", "previous", "not_campaign", "part",
                       "perpetrators", "hedge", "happening", "toll", "negated", "reported"))
TOLLS = frozenset(("rise", "bring"))
# cues tried in the title and the first sentence only, whether or not a figure is read there
LEDE_CUES = frozenset(("happening", "toll"))


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule (it states a fact) or a cue (it says where a fact belongs)."""

    id: str
    lang: str
    patterns: tuple[Pattern, ...]
    fact: str = ""  # rules: what the figure counts
    cue: str = ""  # cues: what the shape says of the figures near it
    value: int | None = None
    toll: str = ""
    min: int = 0
    whole: bool = True
    prefer: bool = False
    total: bool = False
    weak: bool = False
    reach: str = "clause"  # cues: "clause", or "sentence" (every mention of the sentence)
    lede: bool = True  # cues: False when it says nothing in the title or first sentence
    new: bool = False  # cues: True when it says something only under a "new quake" headline
    order: int = 0
    examples: tuple[dict, ...] = field(default=(), compare=False)
    span: bool = False  # cues: a campaign cue that only spans time ("since the outbreak began")
    # rules: the figure read is the sum of every count the match holds ("ten guards and four
    # inmates were killed": 14)
    sum: bool = False
    # rules: the people the shape names beside the figure, added to it ("kills the mayor
    # and five others": 6)
    plus: int = 0
    # cues: a tense that reported speech shifts back ("officials said the blast had killed
    # 12"): no earlier event after a `reported` cue of its sentence
    backshift: bool = False


@dataclass(frozen=True, slots=True)
class Index:
    """Patterns ready to be tried: those anchored on a figure, in table order, with the key
    words that admit them to a sentence; those anchored on a word, by their first word (or
    first two words of a phrase: "in total" is not tried at every "in") or word ending."""

    figure_patterns: tuple[tuple[Rule, Pattern], ...]
    figure_keys: dict[str, tuple[int, ...]]
    figure_unkeyed: frozenset[int]
    by_word: dict[str, tuple[tuple[Rule, Pattern], ...]]
    by_pair: dict[tuple[str, ...], tuple[tuple[Rule, Pattern], ...]]  # 2 or 3 first words
    by_suffix: tuple[tuple[Rule, Pattern], ...]
    anchor_words: frozenset[str]  # every first word of by_word and by_pair
    key_words: frozenset[str]  # every key word of figure_keys
    # by what a figure reads (M_NUM, M_ORD, M_CODE): the patterns the word right before
    # (after) the figure admits, and those that admit any word there
    prev_index: dict[int, dict[str, frozenset[int]]]
    prev_any: dict[int, frozenset[int]]
    next_index: dict[int, dict[str, frozenset[int]]]
    next_any: dict[int, frozenset[int]]


@dataclass(frozen=True, slots=True)
class Table:
    lang: str
    rules: tuple[Rule, ...]
    classes: dict[str, WordSet]
    partitive: WordSet
    facts: Index  # the rules, tried in every sentence
    cues: Index  # the cues, tried only where a rule read a figure
    lede: Index  # the happening and toll cues, tried in the title and first sentence


def _index(rules: list[Rule]) -> Index:
    by_word: dict[str, list[tuple[Rule, Pattern]]] = {}
    by_pair: dict[tuple[str, ...], list[tuple[Rule, Pattern]]] = {}
    by_suffix: list[tuple[Rule, Pattern]] = []
    figure_patterns: list[tuple[Rule, Pattern]] = []
    for r in rules:
        for p in r.patterns:
            if p.slot:
                figure_patterns.append((r, p))
                continue
            assert p.anchor is not None
            for phrases in p.anchor.by_first.values():
                for ph in phrases:
                    # a phrase by its first two or three words: "of the day" is not tried
                    # at every "of the"
                    entry = by_word.setdefault(ph[0], []) if len(ph) == 1 else \
                        by_pair.setdefault(ph[:3], [])
                    if (r, p) not in entry:
                        entry.append((r, p))
            if p.anchor.suffixes:
                by_suffix.append((r, p))
    keys: dict[str, list[int]] = {}
    unkeyed = set()
    for k, (_, p) in enumerate(figure_patterns):
        if p.key is None:
            unkeyed.add(k)
        for w in p.key or ():
            keys.setdefault(w, []).append(k)
    prev_index, prev_any = _adjacency(figure_patterns, "prev_first")
    next_index, next_any = _adjacency(figure_patterns, "next_first")
    return Index(tuple(figure_patterns), {k: tuple(v) for k, v in keys.items()},
                 frozenset(unkeyed), {k: tuple(v) for k, v in by_word.items()},
                 {k: tuple(v) for k, v in by_pair.items()}, tuple(by_suffix),
                 frozenset(by_word) | frozenset(key[0] for key in by_pair), frozenset(keys),
                 prev_index, prev_any, next_index, next_any)


def _adjacency(patterns: list[tuple[Rule, Pattern]], side: str) -> tuple[
        dict[int, dict[str, frozenset[int]]], dict[int, frozenset[int]]]:
    index: dict[int, dict[str, set[int]]] = {}
    anywhere: dict[int, set[int]] = {}
    for k, (_, p) in enumerate(patterns):
        mark = SLOT_MARKS[p.slot]
        first = getattr(p, side)
        if first is None or first[2]:  # any word, or a word ending ("*ly"): no index
            anywhere.setdefault(mark, set()).add(k)
            continue
        for w in first[1]:
            index.setdefault(mark, {}).setdefault(w, set()).add(k)
    return ({m: {w: frozenset(v) for w, v in d.items()} for m, d in index.items()},
            {m: frozenset(v) for m, v in anywhere.items()})


# Classes the language tables give (bot/data/lang): a facts table does not define them again
_LANGUAGE_CLASSES: dict[str, Any] = {"month": lambda t: t.months,
                                     "weekday": lambda t: t.weekdays}


def _class_resolver(lang: str, raw: dict[str, Any]) -> Any:
    tables = language(lang)
    built: dict[str, WordSet] = {}

    def resolve(name: str, seen: tuple[str, ...] = ()) -> WordSet:
        if name in built:
            return built[name]
        if name in seen:
            raise ValueError(f"facts/{lang}.yaml: class {name!r} includes itself")
        if name in _LANGUAGE_CLASSES:
            if name in raw:
                # a table's own "weekday" would change every row that reads the language's
                raise ValueError(f"facts/{lang}.yaml: class {name!r} is the language table's")
            ws = WordSet((w,) for w in _LANGUAGE_CLASSES[name](tables))
            built[name] = ws
            return ws
        if name not in raw:
            raise ValueError(f"facts/{lang}.yaml: no class {name!r}")
        phrases: set[tuple[str, ...]] = set()
        suffixes: list[str] = []
        out = WordSet()
        for entry in raw[name] or ():
            text = str(entry)
            if text.startswith("{") and text.endswith("}"):
                out = out.union(resolve(text[1:-1], (*seen, name)))
            elif text.startswith("*"):
                suffixes.append(fold(text[1:]))
            else:
                phrases.add(words_of(text))
        ws = out.union(WordSet(phrases, suffixes))
        built[name] = ws
        return ws

    return resolve, built


def _rule(row: dict, lang: str, order: int, resolve: Any, gap_stop: dict[str, WordSet],
          where: str, span_stop: dict[str, WordSet] | None = None) -> Rule:
    common = language(lang).stop
    rid = str(row.get("id") or f"{where}#{order}")
    sources = row.get("patterns") or [row.get("pattern")]
    fact, cue = str(row.get("fact") or ""), str(row.get("cue") or "")
    if bool(fact) == bool(cue) or fact and fact not in FACT_KINDS or cue and cue not in CUE_KINDS:
        raise ValueError(f"{where} {rid}: needs one fact ({sorted(FACT_KINDS)}) or one cue "
                         f"({sorted(CUE_KINDS)})")
    toll = str(row.get("toll") or "")
    if toll and toll not in TOLLS:
        raise ValueError(f"{where} {rid}: toll is one of {sorted(TOLLS)}")
    stop = gap_stop.get(fact or cue)
    if row.get("stop"):  # words this rule's gaps never cross, beside its fact's
        extra = resolve(str(row["stop"]))
        stop = extra if stop is None else stop.union(extra)
    span = (span_stop or {}).get(fact or cue)
    try:
        patterns = tuple(Pattern(str(p), resolve, stop, common, span) for p in sources if p)
    except ValueError as e:
        raise ValueError(f"{where} {rid}: {e}") from None
    if not patterns:
        raise ValueError(f"{where} {rid}: no pattern")
    value = row.get("value")
    for p in patterns:
        if fact and not p.slot and value is None:
            raise ValueError(f"{where} {rid}: {p.source!r} reads no figure and gives no value")
    return Rule(rid, lang, patterns, fact, cue, None if value is None else int(value), toll,
                int(row.get("min") or 0), bool(row.get("whole", True)),
                bool(row.get("prefer")), bool(row.get("total")), bool(row.get("weak")),
                str(row.get("reach") or "clause"), bool(row.get("lede", True)),
                bool(row.get("new")), order,
                tuple(row.get("examples") or ()), span=bool(row.get("span")),
                sum=bool(row.get("sum")), plus=int(row.get("plus") or 0),
                backshift=bool(row.get("backshift")))


@cache
def table(lang: str) -> Table:
    """The compiled table of one language (unknown codes get English's)."""
    if lang not in LANGUAGES:
        lang = "en"
    data = read_data("facts", f"{lang}.yaml")
    where = f"bot/data/facts/{lang}.yaml"
    resolve, built = _class_resolver(lang, data.get("classes") or {})
    for name in data.get("classes") or {}:
        resolve(name)
    gap_stop = {k: resolve(str(v)) for k, v in (data.get("gap_stop") or {}).items()}
    # single words only: a span stops at a word, not at the first word of a phrase
    span_stop = {k: WordSet(p for ps in resolve(str(v)).by_first.values() for p in ps
                            if len(p) == 1)
                 for k, v in (data.get("span_stop") or {}).items()}
    rows = [(r, "rules") for r in data.get("rules") or ()]
    rows += [(r, "cues") for r in data.get("cues") or ()]
    rules = tuple(_rule(row, lang, k, resolve, gap_stop, f"{where} {part}", span_stop)
                  for k, (row, part) in enumerate(rows))
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"{where}: rule ids repeat: {repeated}")
    partitive = WordSet(words_of(str(w)) for w in data.get("partitive") or ())
    return Table(lang, rules, built, partitive, _index([r for r in rules if r.fact]),
                 _index([r for r in rules if r.cue and r.cue not in LEDE_CUES]),
                 _index([r for r in rules if r.cue in LEDE_CUES]))
