"""Online story grouping: one story per event, across outlets and languages.

Pure core: plain data in, decisions out, `now` passed in, no I/O, no clock.

How an item finds its story
---------------------------
1. `normalize.analyze` turns its title and summary into language-neutral tokens (lexicon
   concepts, numbers, tolls, ordinals, calendar days, places, names, cut words).
2. Blocking: the stories of the window are indexed by token. The item's rarest tokens (held
   by the fewest stories) name the candidate stories; a token that too many stories hold
   ("strike", "US") names none. An item is so compared with a bounded number of stories,
   whether the store holds ten thousand items or a million.
3. Scoring against the story, not its first item. The candidates that explain most of the
   item (IDF-weighted) get the full comparison. A story keeps, per token, how many of its
   members mention it (its profile) and the tokens of its first and latest members:
     - the closest member: IDF-weighted Dice of the item with each kept member;
     - the profile: how much of the item (and of its title) the story's members explain,
       and how much of the story's core (what most members say) the item carries;
     - rapidfuzz's token_sort_ratio of the item's title against the titles of the kept
       members in the same language (syndicated copies, rewrites of one report);
   minus evidence that it is another event of the same kind:
     - the oceans disagree (Caribbean vs Pacific);
     - the headline tolls disagree ("kills 6" vs a story of 3 dead); a veto when the item's
       headline toll is none of those its members' headlines give nor any figure their text
       names (unless a headline may be a running total: "61 dead since ...");
     - the headline says "another strike" ("otra lancha", "nouvelle frappe"): the evidence
       about tolls, days and a quiet story weighs double;
     - the ordinals disagree ("third strike" vs a story of the second);
     - the calendar days named disagree (days after the report's own are plans, not
       evidence), or the story has been quiet for days;
     - a toll in the headline and nobody killed in the story, or the story's headlines
       report killing and the item names no strike, explosion, killing or survivor;
     - the item's title or lead names a person, group or country that (nearly) none of the
       story's members mention: a reaction or a development, not the same report.
4. The best candidate at or above the threshold gets the item; otherwise a new story starts,
   with id "s" + sha1(item.id)[:11], the same on every run.
5. Stories whose latest item is older than the window are evicted, with everything indexed
   for them: memory is bounded by the window, not by all items ever seen.

Cross-language matching uses no translation: the lexicon (bot/data/lexicon.yaml) maps words
of en/es/fr to shared tokens, and numbers, names, places and days are the same in every
language. Precision comes first: a missed link costs a duplicate alert; a wrong merge hides
an event.

Determinism: every iteration that feeds a decision runs over insertion-ordered dicts or
sorted lists, so the same items in the same order give the same stories on every run and
under any PYTHONHASHSEED.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz

from .model import Item
from .normalize import Doc, analyze

OCEANS = frozenset({"p:caribbean", "p:pacific"})
_EMPTY: frozenset[str] = frozenset()
# Concepts that say an item reports a deadly act (Tunables.actless_penalty).
_DEADLY_ACTS = frozenset({"c:strike", "c:killed", "c:sink", "c:destroy", "c:kinetic",
                          "c:murder", "c:survivor"})
# Token kinds whose agreement says "same event": numbers, tolls, ordinals, days, oceans.
_FACETS = ("#", "k:", "o:", "d:")
# A day named up to this long after a report's own may still be its event's (time zones).
_DAY_GRACE = timedelta(days=1)


def story_id_for(item_id: str) -> str:
    """The id of a story that starts with this item: stable across runs and machines."""
    return "s" + hashlib.sha1(item_id.encode("utf-8")).hexdigest()[:11]


def _item_key(item_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(item_id.encode("utf-8"), digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class Tunables:
    """Every knob of the grouper.

    How they were measured: bench/grouping_eval.py replays the labelled dev corpus
    (../shared/corpus/dev.jsonl, 170 items, en/es/fr) through Grouper.assign and reports
    B-cubed P/R/F1 and cross-language pair recall. Each value below was then moved to 0.5x,
    0.75x, 1.25x and 1.5x with the others fixed (the sweep is in bench/README.md); the
    comment of each says what happens around it. Values sit where the figures are flat,
    not on a peak of these 25 events, except where a comment says otherwise.
    """

    # Score needed to join a story: the sharpest knob. On the dev set P is 0.97-0.98 from
    # 0.37 to 0.44 (F1 0.94 falling to 0.88 at 0.43); below, reactions join the event they
    # react to (0.36: P 0.94; 0.30: P 0.82); above, a story told over several days splits
    # (0.46: F1 0.85; 0.50: F1 0.80). 0.40 sits in that range where F1 is still flat
    # (0.38-0.40: 0.94). Precision first: if in doubt, raise it; a split costs one extra
    # alert, a merge hides an event.
    threshold: float = 0.40
    # A story with no member in the item's language is reached only through shared
    # concepts, names, numbers and days, so scores run lower; this much comes off the
    # threshold then. 0.06-0.18: F1 0.93, P 0.97-0.98; at 0, cross-language recall 0.78.
    cross_language_relief: float = 0.12
    # Weight of the closest member (IDF-weighted Dice with one kept report) against the
    # story profile. 0.64-1.0: F1 0.92-0.94 with P 0.95-0.98; at 0.43 the profile, which a
    # long story fills with many words, pulls reactions in (P 0.94).
    member_weight: float = 0.85
    # Weight of the rapidfuzz title score (same language only). 0.11-0.23: same figures; at
    # 0.075 close rewrites of one wire report split (F1 0.90, cross-language recall 0.81).
    fuzzy_weight: float = 0.15
    # Token weights by kind, multiplied with IDF. Names, numbers and days identify an event
    # more than words do, words of the title more than those of the summary. Each of these
    # from 0.75x to 1.25x keeps P 0.97-0.98 and F1 >= 0.91.
    title_weight: float = 2.0
    kind_weight: tuple[tuple[str, float], ...] = (
        ("n:", 1.5), ("#", 1.5), ("k:", 1.5), ("v:", 1.5), ("d:", 1.2), ("o:", 1.0),
        ("p:", 1.0), ("c:", 1.0),
    )
    word_weight: float = 1.0
    name_weight: float = 1.5  # capitalised words (names) that are not lexicon names
    # IDF smoothing: pseudo-stories added to the window's count so that the first stories of
    # a run do not make every token look rare. 30-60: same figures; 20: F1 0.91.
    idf_prior: float = 40.0
    # A token explains an item's token fully once this share of the story's members mention
    # it. 0.25-0.75: same figures.
    member_share: float = 0.5
    # Evidence against (subtracted from the score):
    # Caribbean vs Pacific: a veto. An item that names only one ocean never joins a story
    # whose members mostly name only the other. On the dev set other evidence already keeps
    # the oceans' strikes apart (0.5 to 1.5: same figures); same-day twin reports that
    # differ only by their ocean need the veto (tests/test_grouping.py).
    ocean_penalty: float = 1.0
    # Headline tolls disjoint ("kills 4" vs a story whose headlines say 14). 0.075-0.22:
    # same dev figures (the Pacific strikes of 27 and 29 October stay apart either way).
    figure_penalty: float = 0.15
    # Headline tolls in disagreement with every member whose headline states one ("kills
    # three" vs "kills two"), the story's text not mentioning the item's figure, and neither
    # headline a running total or a revised toll ("61 dead since September", "toll rises
    # to 4"; normalize, Doc.title_tally): a veto. Two reports of one strike quote its toll;
    # wording, ocean and outlet alike, a different toll is another strike. On the dev set no
    # pair of reports of one event is so apart (0.3 to 1.5: same figures). The item's own
    # text may name the story's toll: a strike on two boats, "six killed, three on each",
    # is not Saturday's strike that killed three (requiring it not to was worth nothing on
    # the dev set, and merged such look-alikes).
    toll_veto: float = 1.0
    # The headline says it reports one more event of a series ("another", "otra", "nouvelle
    # frappe"; normalize, Doc.title_new): the evidence that it is not this story's event
    # (tolls, days, a quiet story) weighs this much more, and a toll below the headline that
    # no member gives counts as a toll in disagreement. Reports of the event itself say so
    # too ("en nuevo ataque"), so on its own it is no evidence. Ordinals are left out:
    # "another strike, the sixth" is how reports of one strike that outlets count
    # differently read. 1-4: same dev figures.
    novelty_factor: float = 2.0
    # "second strike" vs a story of the third. 0.05-0.12: same; 0.15: F1 0.93. Kept low:
    # outlets count strikes differently ("quinta lancha" for the fourth strike).
    ordinal_penalty: float = 0.10
    # The days named on both sides are disjoint (half when they only share a day few
    # members name), or they share the story's usual day (bonus). 0.06-0.12 / 0.025-0.075:
    # same figures; a penalty of 0.04 lets a next-day reaction join (P 0.94).
    date_penalty: float = 0.08
    date_bonus: float = 0.05
    # ... and when every day the item names is this many days after every day the story
    # names: "three killed on Friday" is not Monday's strike that also killed three. A veto,
    # as for the tolls: two strikes announced in the same template two days apart (the same
    # ocean, the same toll, "on Saturday" vs "on Monday") score 0.92 before it, so anything
    # below 0.67 would merge them, or let the alert policy take the second for a twin of the
    # first (pipeline.TWIN_THRESHOLD). Dev figures are the same from 0.12 to 1.0.
    far_date_days: int = 2
    far_date_penalty: float = 1.0
    # The headline names a day this many days or more before the story's first report, a
    # day the story's headlines do not name and few of its members give: the item is about
    # an older event ("Sept. 2 strike: Hegseth ordered survivors killed, report says" is no
    # report of this week's strike, whose members may well recall Sept. 2 further down).
    history_days: int = 7
    history_penalty: float = 0.25
    # The headline gives a toll ("strike kills four") and no member of a story of two or
    # more mentions anyone killed (a tanker seizure, a designation): another kind of event.
    deathless_penalty: float = 0.15
    # ... and the mirror: the story's headlines give a toll (most of them say someone was
    # killed) and the item names no strike, explosion, sinking, killing or survivor anywhere
    # ("US seizes oil tanker off Venezuela" hours after "US strike kills four off Venezuela":
    # 0.53 on an invented pair, with the place, the country and the president in common).
    # On the dev set every report of a strike names one of those: it never applies there
    # (0.15 to 1.0: same figures). 0.40 takes such a pair below the alert policy's twin
    # threshold as well (pipeline.TWIN_THRESHOLD): at 0.30 a story of one report still
    # took the seizure for its repeat (0.27) and told nobody.
    actless_penalty: float = 0.40
    # The story has had no item for this long; past it, each further day costs this much.
    # Events in the dev set are reported over 1-3 days. 0.03-0.09: same figures.
    quiet_grace: timedelta = timedelta(hours=36)
    quiet_penalty_per_day: float = 0.06
    # The title or lead names a person, group or country that fewer than `anchor_share` of
    # the story's members mention (a reaction abroad, another government's move): another
    # development. 0.075-0.125: P 0.98, F1 0.93-0.94; 0.05: reactions merge (P 0.94); 0.15:
    # F1 0.92 and cross-language recall 0.85.
    new_anchor_penalty: float = 0.10
    # ... times this when the new name is the headline's subject (its first words: "Trinidad
    # and Tobago prime minister praises ..."). 1.5-2.5: same dev figures; 3: F1 0.92.
    subject_factor: float = 2.0
    anchor_min_members: int = 3  # a story of one or two reports has not said much yet
    anchor_share: float = 0.15  # 0.075-0.15: same figures
    lead_tokens: int = 10  # the summary's first tokens: who acts, where (5-12: same)
    # Not anchors: the US is in nearly every report of this beat; oceans are weighed above.
    generic_anchors: frozenset[str] = frozenset({"p:us"}) | OCEANS
    # Blocking and cost bounds: at most `block_keys` of the item's rarest tokens look up
    # stories, reading at most `block_volume` story ids (always the rarest key's); a token
    # that more than `max_postings` stories of the window hold is not indexed (it would
    # name a large part of the window); the `max_candidates` stories that share the most
    # rare weight get the cheap coverage score and the best `rescore` of them the full
    # comparison. From 0.75x up none changes a dev decision; they bound the cost per item,
    # so that it does not grow with the store (bench/README.md). Below: block_keys 6 loses
    # a link (P 0.95), rescore 1 picks the wrong story of two (P 0.92).
    block_keys: int = 12
    block_volume: int = 50
    max_postings: int = 400
    max_candidates: int = 4
    rescore: int = 2
    # A story that explains less than this share of the item is not compared further: it
    # saves the full comparison for most new stories. 0.12-0.25: same dev figures; 0.31:
    # the first cross-language links are lost (F1 0.93).
    min_coverage: float = 0.25
    # Members kept per story for the member and rapidfuzz comparisons: the first one and
    # the latest ones. 6-12: same figures; 4: F1 0.93. Each costs memory (bench/README.md).
    kept_members: int = 6
    # A story's core: tokens at least this share of its members (of their titles) mention.
    # 0.37-0.75 / 0.3-0.6: F1 0.93-0.94.
    core_share: float = 0.5
    title_core_share: float = 0.4
    # What the story's members say below their titles explains an item's title this much
    # (1.0: as much as their titles). 0.45-0.9: same figures.
    body_for_title: float = 0.6
    # Share of members that makes a figure, ordinal or day "the story's" (1/6-1/2: same).
    usual_share: float = 1 / 3


_NONE: dict = {}  # shared empty "ordered set"; never mutated (see _refresh)


@dataclass(slots=True)
class _Story:
    id: str
    first_seen: datetime
    last_seen: datetime
    n: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # token -> members mentioning it
    title_counts: dict[str, int] = field(default_factory=dict)  # token -> members' titles
    # dicts used as ordered sets (only the keys count), kept up to date on every add; while
    # all counted tokens qualify they are the counts dict itself
    core: dict = field(default_factory=dict)
    title_core: dict = field(default_factory=dict)
    usual: dict = field(default_factory=lambda: _NONE)  # facets most members give
    title_usual: dict = field(default_factory=lambda: _NONE)  # ... in their titles
    # small sets as tuples (most stories have one language, a day or two, a few names)
    languages: tuple[str, ...] = ()
    days: tuple[date, ...] = ()  # calendar days its members name
    names: tuple[str, ...] = ()
    head_tolls: tuple[str, ...] = ()  # "k:N" of its members' headlines that are no tally
    # kept members: (language, sorted title tokens as text, flat (token, weight, ...) tuple);
    # a story of one item keeps none: its counts are its member (see _members)
    members: list[tuple[str, str, tuple]] = field(default_factory=list)
    items: list[int] = field(default_factory=list)  # keys of the member item ids


class _ItemContext:
    """What the evidence checks need of one item, computed once per item."""

    __slots__ = ("total", "title_set", "title_text", "ocean", "other_ocean", "title_tolls",
                 "tolls", "title_numbers", "numbers", "ordinals", "days", "dates", "new",
                 "title_days", "tally", "_doc", "_generic", "_lead", "_anchors", "_subject",
                 "_actless")

    def __init__(self, doc: Doc, weights: dict[str, float],
                 generic: frozenset[str] = frozenset(), lead: int = 10,
                 total: float | None = None) -> None:
        self.total = sum(weights.values()) if total is None else total
        self.title_set = tuple(dict.fromkeys(doc.title))
        self.title_text = " ".join(sorted(self.title_set))
        oceans = OCEANS.intersection(doc.title)
        if len(oceans) != 1:
            oceans = doc.places & OCEANS
        self.ocean = next(iter(oceans)) if len(oceans) == 1 else None
        self.other_ocean = next((o for o in OCEANS if o != self.ocean), None)
        # most of these sets are empty: the shared empty ones skip a generator each (this
        # runs for most items)
        self.title_tolls = frozenset(f"k:{v}" for v in doc.title_killed) \
            if doc.title_killed else _EMPTY
        self.tolls = frozenset(f"k:{v}" for v in doc.killed) if doc.killed else _EMPTY
        self.new = doc.title_new
        self.tally = doc.title_tally
        self.title_numbers = tuple(f"#{v}" for v in sorted(doc.title_numbers)) \
            if doc.title_numbers else ()
        self.numbers = frozenset(f"#{v}" for v in doc.numbers) if doc.numbers else _EMPTY
        self.ordinals = frozenset(f"o:{v}" for v in doc.ordinals) if doc.ordinals else _EMPTY
        self.dates = tuple(sorted(doc.dates)) if doc.dates else ()
        self.days = tuple(f"d:{d.isoformat()}" for d in self.dates) if doc.dates else ()
        self.title_days = tuple(tok for tok in self.title_set if tok[:2] == "d:")
        self._doc, self._generic, self._lead = doc, generic, lead
        self._anchors: tuple[tuple[str, ...], ...] | None = None
        self._subject: tuple[str, ...] | None = None
        self._actless: bool | None = None

    @property
    def actless(self) -> bool:
        """Whether the item names no deadly act anywhere (no strike, killing, survivor).
        Computed once: it is read for each candidate story."""
        if self._actless is None:
            doc = self._doc
            self._actless = _DEADLY_ACTS.isdisjoint(doc.title) and \
                _DEADLY_ACTS.isdisjoint(doc.body)
        return self._actless

    @property
    def anchors(self) -> tuple[tuple[str, ...], ...]:
        """Names and places of the title and the lead, grouped when adjacent ("Pete
        Hegseth", "Trinidad and Tobago"): a group is new to a story only if all of it is.
        Computed when first asked (only stories of a few members ask)."""
        if self._anchors is None:
            self._find_anchors()
        return self._anchors  # type: ignore[return-value]

    @property
    def subject(self) -> tuple[str, ...] | None:
        """The headline's subject: the group its first token starts."""
        if self._anchors is None:
            self._find_anchors()
        return self._subject

    def _find_anchors(self) -> None:
        doc, generic, lead = self._doc, self._generic, self._lead
        groups: list[tuple[str, ...]] = []
        names, caps = doc.names, doc.caps  # hoisted: read for every token below
        for seq in (doc.title, doc.body[:lead]):
            run: list[str] = []
            for tok in (*seq, ""):
                if tok and (tok in names or tok[:2] in ("p:", "n:") or tok in caps) \
                        and tok not in generic:
                    run.append(tok)
                elif run:
                    group = tuple(dict.fromkeys(run))
                    if group not in groups:
                        groups.append(group)
                    run = []
        self._anchors = tuple(groups)
        first = doc.title[0] if doc.title else None
        self._subject = next((g for g in groups if g[0] == first), None)


# log(df + 1) for the document frequencies most tokens have
_LOGS = [math.log(d + 1.0) for d in range(4096)]


def _log1(d: int) -> float:
    """log(d + 1), from the table, which grows to the largest document frequency seen (at
    most the stories of the window: tokens such as "strike" are in most of them)."""
    if d >= len(_LOGS) and d < _LOGS_MAX:
        _LOGS.extend(math.log(x + 1.0) for x in range(len(_LOGS), d + 1))
    return _LOGS[d] if d < len(_LOGS) else math.log(d + 1.0)


_LOGS_MAX = 1 << 18


def _covered(weights: dict[str, float], keys, counts: dict[str, int], full: float) -> float:
    """The weight of the item's tokens that a story's members explain: a token fully once
    `full` members mention it. Summed exactly (fsum) over the shared tokens, in any order."""
    shared = keys & counts.keys()
    if not shared:
        return 0.0
    if full <= 1.0:
        # every count is at least 1: each shared token counts fully (most stories have one
        # or two members), and x * 1.0 == x, so the plain weights give the same sum
        return math.fsum(map(weights.__getitem__, shared))
    return math.fsum([weights[tok] * (1.0 if (c := counts[tok]) >= full else c / full)
                      for tok in shared])


def _hmean4(a: float, b: float, c: float, d: float) -> float:
    if min(a, b, c, d) <= 0:
        return 0.0
    return 4 / (1 / a + 1 / b + 1 / c + 1 / d)


class Grouper:
    """Assigns items to stories online. See the module docstring."""

    def __init__(self, window: timedelta = timedelta(days=3), **tunables: object) -> None:
        self.window = window
        self.t = Tunables(**tunables)  # type: ignore[arg-type]
        self._stories: dict[str, _Story] = {}
        self._df: dict[str, int] = {}  # token -> stories of the window that hold it
        # token -> ids of the stories that hold it: one id as a str, more as a list
        self._postings: dict[str, str | list[str]] = {}
        self._expiry: list[tuple[datetime, str]] = []  # (last_seen, story id), lazy heap
        # words written as names (capitalised mid-sentence) -> stories that wrote them so:
        # tells "Sheinbaum said ..." (a name) from "Search for ..." (a word)
        self._names: dict[str, int] = {}
        self._item_story: dict[int, str] = {}  # item key -> story, for the window's items
        self._kinds = dict(self.t.kind_weight)
        self._weight_cache: dict[float, float] = {}
        self._idf_memo: dict[str, float] = {}
        self._last_static: tuple[Doc, dict[str, float]] | None = None
        self._fresh_idf()
        self.debug: list[dict] | None = None  # set to a list to record score components
        self._why: dict[str, float] | None = None

    # ------------------------------------------------------------------ public API
    def __len__(self) -> int:
        return len(self._stories)

    @property
    def items_in_window(self) -> int:
        return len(self._item_story)

    def assign(self, item: Item, now: datetime) -> tuple[str, bool]:
        """The story for `item` and whether it is new. `now` is the caller's clock."""
        self._evict(now)
        key = _item_key(item.id)
        known = self._item_story.get(key)
        if known is not None:  # the same entry again (republished, edited): same story
            return known, False
        doc = self.analyze(item)
        best, best_score = self._best(doc, item.published)
        if best is not None and best_score >= self._threshold(best, doc):
            self._add(best, doc, item.published, key)
            return best.id, False
        sid = story_id_for(item.id)
        story = self._stories.get(sid) or self._new_story(sid, item.published)
        self._add(story, doc, item.published, key)
        return sid, True

    def restore(self, item: Item, story_id: str, doc: Doc | None = None) -> None:
        """Re-add an item already grouped (start-up rebuilds the window from the store, in
        published order). Decisions already taken stand: the item joins `story_id` whatever
        it would score now, and the state is the one assign() left. `doc`: the item's
        analysis when the caller already has it (analyze(item))."""
        key = _item_key(item.id)
        if key in self._item_story:
            return
        story = self._stories.get(story_id) or self._new_story(story_id, item.published)
        self._add(story, doc or self.analyze(item), item.published, key)

    def evict(self, now: datetime) -> None:
        """Drop the stories that fell out of the window (assign() does it as well)."""
        self._evict(now)

    def story_of(self, item_id: str) -> str | None:
        """The story of an item of the window, if any."""
        return self._item_story.get(_item_key(item_id))

    def score(self, item: Item, story_id: str) -> float | None:
        """The score `item` would get against a story of the window (for tuning and tests)."""
        story = self._stories.get(story_id)
        if story is None:
            return None
        doc = self.analyze(item)
        weights = self._weights(doc)
        return self._full_score(doc, weights, story, item.published, self._profile(
            doc, weights, story))

    def best_naive(self, item: Item) -> tuple[str | None, float]:
        """The best story by comparing with every story of the window, no blocking: the
        baseline of bench/scale.py. Decides nothing."""
        doc = self.analyze(item)
        weights = self._weights(doc)
        best, best_score = None, -1.0
        ctx = self._context(doc, weights)
        for story in self._stories.values():
            s = self._full_score(doc, weights, story, item.published,
                                 self._profile(doc, weights, story), ctx)
            if s > best_score:
                best, best_score = story.id, s
        return best, best_score

    def _context(self, doc: Doc, weights: dict[str, float],
                 total: float | None = None) -> _ItemContext:
        return _ItemContext(doc, weights, self.t.generic_anchors, self.t.lead_tokens, total)

    @staticmethod
    def analyze(item: Item) -> Doc:
        return analyze(item.title, item.summary, item.language, item.published)

    # ---------------------------------------------------------------- weights
    def _new_story(self, sid: str, when: datetime) -> _Story:
        story = _Story(id=sid, first_seen=when, last_seen=when)
        self._stories[sid] = story
        self._fresh_idf()
        return story

    def _threshold(self, story: _Story, doc: Doc) -> float:
        if doc.lang in story.languages:
            return self.t.threshold
        return self.t.threshold - self.t.cross_language_relief

    def _idf(self, token: str) -> float:
        """log((stories + prior) / (df + 1)), at least 0, from a table of log(df + 1)."""
        d = self._df.get(token, 0)
        v = self._log_top - (_LOGS[d] if d < len(_LOGS) else _log1(d))
        return v if v > 0.0 else 0.0

    def _fresh_idf(self) -> None:
        """log(stories + prior): the part of IDF that changes with every new story."""
        self._log_top = math.log(len(self._stories) + self.t.idf_prior)

    def _members(self, story: _Story) -> list[tuple[str, str, tuple]]:
        """The kept members; for a story of one item, rebuilt from its counts (the same
        tokens and weights _add would have kept)."""
        if story.members or story.n != 1:
            return story.members
        title = story.title_counts
        names = story.names
        kinds = self._kinds
        tw, cache = self.t.title_weight, self._weight_cache
        flat = []
        for tok in story.counts:
            if tok[0] == "#":
                kw = kinds.get("#", 1.0)
            elif tok[1:2] == ":":
                kw = kinds.get(tok[:2], 1.0)
            else:
                kw = self.t.name_weight if tok in names else self.t.word_weight
            v = (tw if tok in title else 1.0) * kw
            flat += (tok, cache.setdefault(v, v))
        return [(story.languages[0], " ".join(sorted(title)), tuple(flat))]

    def _static_weights(self, doc: Doc) -> dict[str, float]:
        """token -> kind x (title or summary) weight, before IDF."""
        return self._weigh(doc, None)

    def _weights(self, doc: Doc) -> dict[str, float]:
        """token -> weight for this item: kind x (title or summary) x IDF."""
        out: dict[str, float] = {}
        # IDF by token for this item's comparisons (nothing is added while they run)
        self._idf_memo = {}
        sw = self._weigh(doc, out)
        self._last_static = (doc, sw)  # _add() of the same doc reuses it
        return out

    def _weigh(self, doc: Doc, out: dict[str, float] | None) -> dict[str, float]:
        """The static weights (token -> kind x (title or summary) weight); with IDF into
        `out` as well when given, in the same pass."""
        tw = self.t.title_weight
        if tw >= 1.0:
            w = dict.fromkeys(doc.title, tw)
            for tok in doc.body:
                if tok not in w:
                    w[tok] = 1.0
        else:
            w = {}
            for tokens, place_weight in ((doc.title, tw), (doc.body, 1.0)):
                for tok in tokens:
                    if w.get(tok, 0.0) < place_weight:
                        w[tok] = place_weight
        kinds = self._kinds
        k_num = kinds.get("#", 1.0)
        names = doc.names
        nw, ww = self.t.name_weight, self.t.word_weight
        cache = self._weight_cache
        top = self._log_top
        df = self._df.get
        logs = _LOGS
        memo = self._idf_memo
        for tok, pw in w.items():
            if tok[0] == "#":
                kw = k_num
            elif tok[1:2] == ":":
                kw = kinds.get(tok[:2], 1.0)
            else:
                kw = nw if tok in names else ww
            v = pw * kw
            v = w[tok] = cache.setdefault(v, v)  # one float object per value, shared
            if out is not None:
                d = df(tok, 0)
                i = top - (logs[d] if d < len(logs) else _log1(d))
                if i < 0.0:
                    i = 0.0
                memo[tok] = i
                out[tok] = v * i
        return w

    # ---------------------------------------------------------------- candidates
    def _candidates(self, weights: dict[str, float]) -> list[tuple[float, str]]:
        """(weight of the rare tokens shared, story id) of the stories the item's rarest
        tokens name, best first."""
        get = self._postings.get
        # (size, token, postings): the tokens are distinct, so the sort never compares the
        # postings, and the loop below need not look them up again
        keys = [(1 if p.__class__ is str else len(p), tok, p)
                for tok in weights if (p := get(tok)) is not None]
        keys.sort()
        hits: dict[str, float] = {}
        volume = 0
        cap = self.t.block_volume
        for size, tok, p in keys[: self.t.block_keys]:
            # the rarest keys first; stop once enough stories are named (a key that names
            # hundreds of stories adds little but cost)
            if volume and volume + size > cap:
                break
            volume += size
            wt = weights[tok]
            if size == 1 and p.__class__ is str:
                hits[p] = hits.get(p, 0.0) + wt
            else:
                for sid in p:
                    hits[sid] = hits.get(sid, 0.0) + wt
        if len(hits) <= self.t.max_candidates:
            return sorted(((w, sid) for sid, w in hits.items()), reverse=True)
        return heapq.nlargest(self.t.max_candidates, ((w, sid) for sid, w in hits.items()))

    def _best(self, doc: Doc, when: datetime) -> tuple[_Story | None, float]:
        weights = self._weights(doc)
        total = sum(weights.values()) or 1.0
        share = self.t.member_share
        scored = []
        keys = weights.keys()
        for _, sid in self._candidates(weights):
            # cheap pre-score: how much of the item the story's members explain; only the
            # best few get the full comparison
            story = self._stories[sid]
            covered = _covered(weights, keys, story.counts, share * story.n)
            scored.append((covered / total, sid, story, covered))
        scored.sort(key=lambda x: (-x[0], x[1]))
        best, best_score = None, -1.0
        ctx = None
        for pre, sid, story, covered in scored[: self.t.rescore]:
            if pre < self.t.min_coverage:
                break  # sorted: the rest explain even less of the item
            if ctx is None:
                ctx = self._context(doc, weights, total)
            profile = self._profile(doc, weights, story, covered, ctx)
            s = self._full_score(doc, weights, story, when, profile, ctx)
            if s > best_score or (s == best_score and best is not None and sid < best.id):
                best, best_score = story, s
        return best, best_score

    # ---------------------------------------------------------------- scoring
    def _profile(self, doc: Doc, weights: dict[str, float], story: _Story,
                 covered: float | None = None, ctx: _ItemContext | None = None) -> tuple:
        """(profile score, components) of the item against the story's member counts.
        `covered` (the weight of the item the members explain) when the caller has it."""
        t = self.t
        counts = story.counts
        tcounts = story.title_counts
        full = t.member_share * story.n
        btf = t.body_for_title
        if ctx is None:
            ctx = self._context(doc, weights)
        if covered is None:
            covered = _covered(weights, weights.keys(), counts, full)
        t_total = t_covered = 0.0
        for tok in ctx.title_set:
            # a headline is explained by the story's headlines and, at a discount, by what
            # its members say further down
            wt = weights[tok]
            c = counts.get(tok)
            share = (1.0 if c >= full else c / full) if c else 0.0
            tc = tcounts.get(tok, 0)
            tshare = 1.0 if tc >= full else tc / full
            if btf * share > tshare:
                tshare = btf * share
            t_total += wt
            t_covered += wt * tshare
        item_cov = covered / ctx.total if ctx.total else 0.0
        title_cov = t_covered / t_total if t_total else item_cov
        core_cov = self._share(story.core, weights, item_cov)
        tcore_cov = self._share(story.title_core, weights, title_cov)
        return (_hmean4(item_cov, core_cov, title_cov, tcore_cov),
                item_cov, core_cov, title_cov, tcore_cov)

    def _share(self, core: dict[str, None], weights: dict[str, float], default: float) -> float:
        """IDF-weighted share of a story's core tokens that the item carries."""
        total = hit = 0.0
        memo = self._idf_memo
        idf = self._idf
        for tok in core:
            wt = memo.get(tok)
            if wt is None:
                wt = memo[tok] = idf(tok)
            total += wt
            if tok in weights:
                hit += wt
        return hit / total if total else default

    def _member_sim(self, weights: dict[str, float], total_i: float,
                    members: list[tuple[str, str, tuple]]) -> float:
        """IDF-weighted Dice of the item with its closest kept member of the story."""
        memo = self._idf_memo
        idf_of = self._idf
        get = weights.get
        best = 0.0
        for _, _, flat in members:
            total_m = inter = 0.0
            it = iter(flat)
            for tok, sw in zip(it, it, strict=True):
                idf = memo.get(tok)
                if idf is None:
                    idf = memo[tok] = idf_of(tok)
                wm = sw * idf
                total_m += wm
                wi = get(tok)
                if wi is not None:
                    inter += wi if wi < wm else wm
            if total_i + total_m > 0:
                sim = 2 * inter / (total_i + total_m)
                if sim > best:
                    best = sim
        return best

    def _full_score(self, doc: Doc, weights: dict[str, float], story: _Story, when: datetime,
                    profile: tuple, ctx: _ItemContext | None = None) -> float:
        t = self.t
        if story.n == 0:
            return 0.0
        if ctx is None:
            ctx = self._context(doc, weights)
        members = self._members(story)
        nn = self._member_sim(weights, ctx.total, members)
        base = (1 - t.member_weight) * profile[0] + t.member_weight * nn
        # the closest member title in the item's language, by rapidfuzz; other languages
        # are left to the tokens
        fz = max((fuzz.token_sort_ratio(ctx.title_text, m) for lang, m, _ in members
                  if lang == doc.lang), default=-1.0) / 100.0
        score = (1 - t.fuzzy_weight) * base + t.fuzzy_weight * fz if fz >= 0 else base
        if self.debug is not None:
            self._why = {}
        against = self._against(doc, story, when, ctx)
        if self.debug is not None:
            self.debug.append({"story": story.id, "profile": profile[0], "nn": nn, "fz": fz,
                               "item_cov": profile[1], "core_cov": profile[2],
                               "title_cov": profile[3], "tcore_cov": profile[4],
                               "against": against, "why": self._why,
                               "score": score - against})
            self._why = None
        return score - against

    def _against(self, doc: Doc, story: _Story, when: datetime, ctx: _ItemContext) -> float:
        """Evidence that the item reports another event than the story (a penalty)."""
        t = self.t
        n = story.n
        counts = story.counts
        usual = story.usual
        why = self._why
        pen = 0.0

        def note(reason: str, value: float) -> None:
            if why is not None:
                why[reason] = why.get(reason, 0.0) + value

        # oceans: the item names one ocean (its title's, else its text's), the story's
        # members mostly the other one only
        if ctx.ocean is not None and counts.get(ctx.other_ocean, 0) * 2 >= n \
                and counts.get(ctx.ocean, 0) * 2 < n:
            pen += t.ocean_penalty
            note("ocean", t.ocean_penalty)
        # "another strike": the evidence below that it is another event weighs more
        more = t.novelty_factor if ctx.new else 1.0
        # the headline's toll against every member headline that states one (no tally on
        # either side), and the story's text does not mention it: a veto
        head = story.head_tolls
        if head and ctx.title_tolls and not ctx.tally \
                and ctx.title_tolls.isdisjoint(head) \
                and not any(tok in counts for tok in ctx.title_tolls):
            pen += t.toll_veto
            note("toll", t.toll_veto)
            return pen  # nothing below can outweigh it
        # the toll in the headline: not the one most members give in theirs, and the item
        # does not give theirs either (titles only: further down, figures are often totals,
        # "27 killed so far", or an earlier event's, "a September 2 strike killed 11")
        title_usual = story.title_usual
        tk = [tok for tok in title_usual if tok[0] == "k"] if title_usual else ()
        if tk and ctx.title_tolls:
            if not ctx.title_tolls.intersection(tk) and not ctx.tolls.intersection(tk):
                # a running total on either side is no event's toll: not weighed more
                p = t.figure_penalty * (more if head and not ctx.tally else 1.0)
                pen += p
                note("figure", p)
        elif ctx.new and head and ctx.tolls and not ctx.title_tolls \
                and ctx.tolls.isdisjoint(head) and not any(tok in counts for tok in ctx.tolls):
            # "another strike" with no toll in its headline: a toll further down, which
            # then is more likely the new event's than a total, the same way
            p = t.figure_penalty * more
            pen += p
            note("figure", p)
        elif ctx.title_numbers and title_usual:
            # no tolls on one side: the headline numbers, the same way
            tn = [tok for tok in title_usual if tok[0] == "#"]
            if tn and not any(x in counts for x in ctx.title_numbers) \
                    and not ctx.numbers.intersection(tn):
                pen += t.figure_penalty * more
                note("figure", t.figure_penalty * more)
        # a toll in the headline, and nobody killed in anything the story's members say
        if ctx.title_tolls and n >= 2 and "c:killed" not in counts:
            pen += t.deathless_penalty
            note("deathless", t.deathless_penalty)
        # ... and the mirror: the story's headlines report killing, and the item names no
        # act of one (struck, sank, killed, survivors) anywhere
        elif story.head_tolls and "c:killed" in story.title_core and ctx.actless:
            pen += t.actless_penalty
            note("actless", t.actless_penalty)
        # the title or the lead names someone or somewhere (nearly) no member mentions
        if n >= t.anchor_min_members:
            known = self._names
            limit = t.anchor_share * n
            caps = doc.caps
            for group in ctx.anchors:
                if all(counts.get(tok, 0) < limit for tok in group) and any(
                        tok not in caps or tok in known for tok in group):
                    # the headline's subject (its first name or place) weighs more
                    p = t.new_anchor_penalty * (
                        t.subject_factor if group == ctx.subject else 1.0)
                    pen += p
                    note("anchor", p)
                    break
        # ordinals: "second strike" vs "third strike"
        if ctx.ordinals and usual:
            uo = [tok for tok in usual if tok[0] == "o"]
            if uo and not ctx.ordinals.intersection(uo):
                pen += t.ordinal_penalty
                note("ordinal", t.ordinal_penalty)
        # calendar days named on both sides
        if ctx.days:
            if usual and any(x in usual for x in ctx.days):
                pen -= t.date_bonus
                note("date_bonus", -t.date_bonus)
            elif story.days:
                if not any(x in counts for x in ctx.days):
                    # no day in common. Is the item about a later day than any the story
                    # names? (An earlier day is history: "the first strike, on 2 September".)
                    # (The story's latest day; when no headline names it, a day its members
                    # only recall, "since 2 September", the day before its first report if
                    # that is later: such a story is about its own days.)
                    # Days after the report's own (a day's grace for time zones) are dates
                    # set for later, "retires effective 12 December": when something will
                    # happen, not which event is reported, so on either side they are no
                    # evidence. (Counted, such a day vetoed the next-day report of a
                    # commander's retirement on the dev set: 2 duplicate new-story alerts
                    # -> 1.)
                    horizon = when.date() + _DAY_GRACE
                    told = story.last_seen.date() + _DAY_GRACE
                    said = [d for d in story.days if d <= told]
                    if ctx.dates[0] <= horizon and said:
                        ref = max(said)
                        if f"d:{ref.isoformat()}" not in story.title_counts:
                            ref = max(ref, story.first_seen.date() - timedelta(days=1))
                        later = (ctx.dates[0] - ref).days
                        p = (t.far_date_penalty if later >= t.far_date_days
                             else t.date_penalty) * more
                        pen += p
                        note("date", p)
                elif any(tok[0] == "d" for tok in usual):
                    pen += t.date_penalty / 2 * more
                    note("date", t.date_penalty / 2 * more)
        # the headline names a day well before the story began, one the story is not about
        if ctx.title_days and not any(x in usual or x in story.title_counts
                                      for x in ctx.title_days):
            first = story.first_seen.date()
            if all((first - date.fromisoformat(x[2:])).days >= t.history_days
                   for x in ctx.title_days):
                pen += t.history_penalty
                note("history", t.history_penalty)
        # the story has gone quiet
        gap = when - story.last_seen
        if gap > t.quiet_grace:
            q = t.quiet_penalty_per_day * ((gap - t.quiet_grace) / timedelta(days=1)) * more
            pen += q
            note("quiet", q)
        return pen

    # ---------------------------------------------------------------- state
    def _add(self, story: _Story, doc: Doc, when: datetime, key: int) -> None:
        t = self.t
        if story.n == 1:  # its first item becomes a kept member before the counts mix
            story.members.append(self._members(story)[0])
        story.n += 1
        n = story.n
        if when > story.last_seen:
            story.last_seen = when
        if when < story.first_seen:
            story.first_seen = when
        counts = story.counts
        postings = self._postings
        df = self._df
        tokens = dict.fromkeys(doc.title)
        tokens.update(dict.fromkeys(doc.body))
        cap = t.max_postings
        for tok in tokens:
            c = counts.get(tok)
            if c is not None:
                counts[tok] = c + 1
                continue
            counts[tok] = 1
            if tok[:2] == "d:":
                story.days = (*story.days, date.fromisoformat(tok[2:]))
            d = df.get(tok, 0) + 1
            df[tok] = d
            if d > cap:  # too common to name candidates: stop indexing it
                postings.pop(tok, None)
                continue
            p = postings.get(tok)
            if p is None:
                postings[tok] = story.id
            elif isinstance(p, str):
                postings[tok] = [p, story.id]
            else:
                p.append(story.id)
        tcounts = story.title_counts
        title_tokens = dict.fromkeys(doc.title)
        for tok in title_tokens:
            tcounts[tok] = tcounts.get(tok, 0) + 1
        if doc.title_killed and not doc.title_tally:
            for v in doc.title_killed:
                tok = f"k:{v}"
                if tok not in story.head_tolls:
                    story.head_tolls = (*story.head_tolls, sys.intern(tok))
        if doc.lang not in story.languages:
            story.languages = (*story.languages, doc.lang)
        for tok in doc.names:
            if tok not in story.names:
                story.names = (*story.names, tok)
                self._names[tok] = self._names.get(tok, 0) + 1
        # keep the ordered sets up to date: only this item's tokens can enter, any can leave
        story.core = _refresh(story.core, counts, tokens, t.core_share * n)
        story.title_core = _refresh(story.title_core, tcounts, title_tokens,
                                    t.title_core_share * n)
        facets = {tok: None for tok in tokens if tok.startswith(_FACETS)}
        story.usual = _refresh(story.usual, counts, facets, t.usual_share * n, alias=False)
        tfacets = {tok: None for tok in title_tokens if tok.startswith(("#", "k:"))}
        story.title_usual = _refresh(story.title_usual, tcounts, tfacets, t.usual_share * n,
                                     alias=False)
        # the kept members: the first and the latest ones (none while the story has one item)
        last = self._last_static
        self._last_static = None
        if n > 1:
            sw = last[1] if last is not None and last[0] is doc else self._static_weights(doc)
            member = (doc.lang, " ".join(sorted(title_tokens)),
                      tuple(itertools.chain.from_iterable(sw.items())))
            if len(story.members) < t.kept_members:
                story.members.append(member)
            else:
                story.members[1 + (n % (t.kept_members - 1))] = member
        story.items.append(key)
        self._item_story[key] = story.id
        heapq.heappush(self._expiry, (story.last_seen, story.id))

    def _evict(self, now: datetime) -> None:
        limit = now - self.window
        heap = self._expiry
        while heap and heap[0][0] < limit:
            last, sid = heapq.heappop(heap)
            story = self._stories.get(sid)
            if story is None or story.last_seen != last:
                continue  # a later entry of the same story is still in the heap
            self._drop(story)

    def _drop(self, story: _Story) -> None:
        self._fresh_idf()
        sid = story.id
        del self._stories[sid]
        df = self._df
        postings = self._postings
        for tok in story.counts:
            d = df.get(tok, 0) - 1
            if d > 0:
                df[tok] = d
            else:
                df.pop(tok, None)
            p = postings.get(tok)
            if p is None:
                continue
            if isinstance(p, str):
                if p == sid:
                    del postings[tok]
            else:
                try:
                    p.remove(sid)
                except ValueError:
                    continue
                if len(p) == 1:
                    postings[tok] = p[0]
        for tok in story.names:
            c = self._names.get(tok, 0) - 1
            if c > 0:
                self._names[tok] = c
            else:
                self._names.pop(tok, None)
        for key in story.items:
            if self._item_story.get(key) == sid:
                del self._item_story[key]


def _refresh(members: dict, counts: dict[str, int], new: dict[str, None],
             need: float, alias: bool = True) -> dict:
    """The tokens whose count is at least `need`, after an add in which only the tokens of
    `new` were counted. While every counted token qualifies (a story of one or two members)
    that is `counts` itself, shared rather than copied (`alias`): most stories are that
    small."""
    if alias and need <= 1.0:
        return counts
    if members is counts:
        return {tok: None for tok, c in counts.items() if c >= need}
    if members is _NONE:
        members = {}
    for tok in new:
        if counts[tok] >= need:
            members[tok] = None
    drop = [tok for tok in members if counts[tok] < need]
    for tok in drop:
        del members[tok]
    return members or _NONE
