"""Online story grouping: one story per event, across outlets, languages and topics.

Pure core: plain data in, decisions out, `now` passed in, no I/O, no clock.

How an item finds its story
---------------------------
1. `features.analyze` reads its title and summary (bot.text) into a `Doc`: language-neutral
   tokens, the kinds of events its lead reports, places, names, days, figures.
2. Candidates. The stories of the window are indexed by token; the item's rarest tokens
   (held by the fewest stories) name candidate stories, and so do the kind-and-place pairs
   of its lead ("e:earthquake|p:mx"): reports of one event in other languages or words
   share little text but what happened and where. An item is compared with a bounded
   number of stories, whether the store holds ten thousand items or a million.
3. Evidence. Against each kept member of a candidate story (its first report and the latest
   ones) the evidence functions of `evidence.py` give the log-odds that both tell one
   event; the story's score is their mean over its kept members (a story is joined by
   what its reports say on the whole, not by its one closest report).
4. The best candidate whose score passes the threshold gets the item; otherwise a new story
   starts, with id "s" + sha1(item.id)[:11], the same on every run.
5. Stories whose latest item is older than the window are evicted with everything indexed
   for them: memory is bounded by the window, not by all items ever seen.
6. A rare event's story that kills (a fire, a flood, a quake: most of its reports say so) is
   kept, out of the index, for `rare_window` after its latest report (at most MAX_DORMANT of
   them): an item that would start a new story joins it instead when evidence.revives finds
   positive evidence that it tells more of that event (a revised toll, the same town or
   name, nothing against it). The story stays out of the index after it.

Precision comes first: a missed link costs a duplicate alert, which the alert policy can
still hold back; a wrong merge hides an event.

Determinism: every iteration that feeds a decision runs over insertion-ordered dicts or
sorted lists, so the same items in the same order give the same stories on every run and
under any PYTHONHASHSEED.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..model import Item
from ..text.lexicon import lexicon
from . import evidence
from .evidence import EVIDENCE, Frame, Pair
from .features import Doc, analyze

# The fitted weights of the evidence (bench/fit_grouping.py prints them and the figures of
# each labelled set when it is left out of the fit; bench/README.md, "Grouping").
WEIGHTS: dict[str, float] = {
    "title_words": 1.68, "no_title_word": -0.08, "lead_words": 5.98, "text_words": 4.61,
    "title_wording": 0.34, "other_language": 0.84, "related_kind": 0.19, "rare_kind": -0.05,
    "kinds_differ": -1.65, "same_town": 1.71, "town_written": 1.3, "seas_differ": -2.71,
    "rare_kind_and_place": 0.14,
    "recurring_kind_place_day": -0.39, "recurring_kind_place_other_day": -1.11, "same_day": 0.59,
    "days_differ": -1.21, "days_apart": -0.65, "published_same_day": 0.56,
    "rare_event_days_apart": 0.52, "shared_names": 0.5, "subjects_differ": -0.77,
    "recurring_tolls_differ": -2.0, "rare_kind_tolls": 0.54, "shared_numbers": 0.76,
    "magnitudes_differ": -1.87, "another": -0.81,
}
INTERCEPT = -2.36
# How long a story of a rare event that kills (a fire, a flood, an earthquake) may still be
# joined after its latest report, on the evidence of evidence.revives: its toll is told for
# weeks (an epidemic's for months, a report every week or two), and each later report
# outside the window would otherwise be told as a new story. (Six weeks against three: only
# the two sets of epidemics changed, bench/README.md.)
RARE_WINDOW = timedelta(days=42)
# Bounds on that memory, whatever the feeds bring: the stories kept (the oldest go first; a
# newsroom's feeds tell a few rare events that kill a week, a synthetic stream thousands),
# and the latest of them of each kind a report is weighed against.
MAX_DORMANT = 2000
DORMANT_CANDIDATES = 20


def story_id_for(item_id: str) -> str:
    """The id of a story that starts with this item: stable across runs and machines."""
    return "s" + hashlib.sha1(item_id.encode("utf-8")).hexdigest()[:11]


def _item_key(item_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(item_id.encode("utf-8"), digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class Tunables:
    """Every knob of the grouper, each with how it was measured (bench/README.md)."""

    # Mean log-odds over a story's kept members needed to join it: 0 is "more likely one
    # event than two". Precision first: raising it splits more, lowering it merges more.
    threshold: float = 0.0
    weights: tuple[tuple[str, float], ...] = tuple(WEIGHTS.items())
    intercept: float = INTERCEPT
    # IDF smoothing: pseudo-stories added to the window's count so that the first stories of
    # a run do not make every token look rare.
    idf_prior: float = 40.0
    # Blocking and cost bounds: at most `block_keys` of the item's rarest tokens look up
    # stories, reading at most `block_volume` story ids (always the rarest key's); a token
    # that more than `max_postings` stories of the window hold is not indexed; the
    # `max_candidates` stories sharing the most rare weight are compared, and the latest
    # `frame_candidates` stories sharing a kind of event and a place with the item's lead.
    block_keys: int = 12
    block_volume: int = 50
    max_postings: int = 400
    max_candidates: int = 4
    frame_candidates: int = 3
    # Members kept per story for the comparison: the first one and the latest ones; an item
    # is scored by the mean of its `linked_members` closest ones.
    kept_members: int = 6
    linked_members: int = 3


@dataclass(slots=True)
class _Story:
    id: str
    first_seen: datetime
    last_seen: datetime
    n: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # token -> members mentioning it
    members: list[Frame] = field(default_factory=list)  # the first and the latest
    norms: list[tuple[float, float, float]] = field(default_factory=list)  # members' norms
    head_tolls: tuple[int, ...] = ()  # tolls its members' headlines give (no totals)
    days: tuple[str, ...] = ()  # days its members name
    magnitudes: tuple[float, ...] = ()  # earthquake magnitudes its members give
    title_towns: tuple[str, ...] = ()  # towns its members' headlines name
    frames: tuple[str, ...] = ()  # "kind|place" keys of its members' leads
    items: list[int] = field(default_factory=list)  # keys of the member item ids


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an item would (not) join a story: each evidence's weight, averaged over the
    story's closest kept members, the story-level evidence, the score and the threshold."""

    story: str
    score: float
    threshold: float
    reasons: tuple[tuple[str, float], ...]
    members: int
    # the item's headline starts with a name or place the story never mentions
    new_subject: bool = False
    closest: int = 0  # the kept members the score is the mean of (the closest ones)
    # the item's headline reports a deed that kills nobody (an arrest, a charge, a visit, a
    # vote) which none of the story's kept reports tells: a development of its own
    new_deed: bool = False


def _union(have: tuple, more: tuple) -> tuple:
    """`have` with the values of `more` it lacks, in the order first seen (a story's few
    days, tolls, magnitudes, towns: small tuples, shared while they do not change)."""
    for v in more:
        if v not in have:
            have = (*have, v)
    return have


# log(df + 1) for the document frequencies most tokens have
_LOGS = [math.log(d + 1.0) for d in range(4096)]


class Grouper:
    """Assigns items to stories online. See the module docstring."""

    def __init__(self, window: timedelta = timedelta(days=3), topics: tuple[str, ...] = (),
                 rare_window: timedelta = RARE_WINDOW, **tunables: object) -> None:
        self.window = window
        self.rare_window = rare_window
        self.topics = tuple(topics)
        self.lex = lexicon(self.topics)
        self.t = Tunables(**tunables)  # type: ignore[arg-type]
        self._w = [dict(self.t.weights).get(name, 0.0) for name in evidence.NAMES]
        # (weight, function) of the evidence that weighs something, in EVIDENCE order
        self._weighed = [(w, fn) for w, fn in zip(self._w, EVIDENCE, strict=True) if w]
        self._stories: dict[str, _Story] = {}
        self._df: dict[str, int] = {}  # token -> stories of the window that hold it
        # token -> ids of the stories that hold it: one id as a str, more as a list
        self._postings: dict[str, str | list[str]] = {}
        # "e:earthquake|p:mx" -> stories whose members' leads name that kind at that place
        self._frames: dict[str, dict[str, None]] = {}
        self._expiry: list[tuple[datetime, str]] = []  # (last_seen, story id), lazy heap
        self._item_story: dict[int, str] = {}  # item key -> story, for the window's items
        # stories of a rare event that left the window (their index dropped), kept until
        # `rare_window` after their latest report: a later report of the event (its toll a
        # week on) may still be told as theirs (evidence.revives)
        self._dormant: dict[str, _Story] = {}
        self._dormant_kinds: dict[str, dict[str, None]] = {}  # "e:fire" -> dormant stories
        self._dormant_expiry: list[tuple[datetime, str]] = []
        self._dormant_items: dict[int, str] = {}  # item key -> dormant story
        self._log_top = math.log(self.t.idf_prior)
        self._idf_memo: dict[str, float] = {}
        # the last item assigned: (its key, its frame, the candidates' scores), which the
        # alert policy asks about right after (candidates(), explain())
        self._last: tuple[int, Frame, list[tuple[str, float]]] | None = None

    # ------------------------------------------------------------------ public API
    def __len__(self) -> int:
        return len(self._stories)

    @property
    def items_in_window(self) -> int:
        return len(self._item_story)

    def analyze(self, item: Item) -> Doc:
        return analyze(item.title, item.summary, item.language, item.published, self.topics)

    def _frame(self, item: Item, doc: Doc | None = None) -> Frame:
        return Frame.of(doc or self.analyze(item), item.published, self.lex)

    def assign(self, item: Item, now: datetime, doc: Doc | None = None) -> tuple[str, bool]:
        """The story for `item` and whether it is new. `now` is the caller's clock; `doc`
        the item's analysis when the caller has it."""
        self._evict(now)
        key = _item_key(item.id)
        known = self._item_story.get(key) or self._dormant_items.get(key)
        if known is not None:  # the same entry again (republished, edited): same story
            return known, False
        frame = self._frame(item, doc)
        best, best_score, scores = self._best(frame)
        self._last = (key, frame, scores)
        if best is not None and best_score >= self.t.threshold:
            self._add(best, frame, key)
            return best.id, False
        old = self._revive(frame)
        if old is not None:
            # joined on the long memory's evidence alone, the story stays out of the window:
            # what merely follows the event (a resignation over it) is not weighed against
            # it by the words again
            self._add(old, frame, key, index=False)
            self._sleep(old)
            return old.id, False
        sid = story_id_for(item.id)
        story = self._stories.get(sid) or self._new_story(sid, item.published)
        self._add(story, frame, key)
        return sid, True

    def restore(self, item: Item, story_id: str, doc: Doc | None = None) -> None:
        """Re-add an item already grouped (start-up rebuilds the window from the store, in
        the order items were seen). Decisions already taken stand."""
        key = _item_key(item.id)
        if key in self._item_story:
            return
        # weighed with the IDF of the window before it, as assign() weighs an item
        self._idf_memo = {}
        frame = self._frame(item, doc)
        evidence.norms(frame, self._idf)
        story = self._stories.get(story_id) or self._new_story(story_id, item.published)
        self._add(story, frame, key)

    def evict(self, now: datetime) -> None:
        """Drop the stories that fell out of the window (assign() does it as well)."""
        self._evict(now)

    def holds(self, story_id: str) -> bool:
        """Whether a later report may still join the story: it is in the window, or it is
        a rare event's story kept after it (`rare_window`)."""
        return story_id in self._stories or story_id in self._dormant

    def story_of(self, item_id: str) -> str | None:
        """The story of an item of the window or of a rare event's story kept after it."""
        key = _item_key(item_id)
        return self._item_story.get(key) or self._dormant_items.get(key)

    def deeds_only(self, story_id: str) -> bool:
        """Whether a story of the window tells peaceful deeds only (evidence.deeds_only):
        a visit's, an aid package's story, whose reports' dead are another happening's."""
        story = self._stories.get(story_id) or self._dormant.get(story_id)
        return story is not None and evidence.deeds_only(story, self.lex)

    def score(self, item: Item, story_id: str) -> float | None:
        """The score `item` would get against a story of the window."""
        story = self._stories.get(story_id)
        if story is None:
            return None
        return self._score(self._frame(item), story)

    def candidates(self, item: Item) -> list[tuple[str, float]]:
        """The stories the item was compared with, best first, with their scores: those of
        its assign() when it was the last item assigned (nothing is computed again)."""
        if self._last is not None and self._last[0] == _item_key(item.id):
            scores = self._last[2]
        else:
            scores = self._best(self._frame(item))[2]
        return sorted(scores, key=lambda x: (-x[1], x[0]))

    def explain(self, item: Item, story_id: str) -> Explanation | None:
        """The evidence between `item` and a story of the window, reason by reason."""
        story = self._stories.get(story_id)
        if story is None:
            return None
        if self._last is not None and self._last[0] == _item_key(item.id):
            frame = self._last[1]
        else:
            frame = self._frame(item)
        self._idf_memo = {}
        cache: dict = {}
        weighed = []  # per kept member: its score and each evidence's weighted value
        for member, norm in zip(story.members, story.norms, strict=True):
            pair = Pair(frame, member, self._idf, self.lex, cache, norm)
            values = [w * v for w, v in zip(self._w, evidence.features(pair), strict=True)]
            weighed.append((self.t.intercept + sum(values), values))
        # as _score decides: the mean over the closest `linked_members` members (a stable
        # sort, as _score's, so ties take the same members)
        top = sorted(weighed, key=lambda x: -x[0])[: self.t.linked_members]
        sums = [sum(values[i] for _, values in top) for i in range(len(EVIDENCE))]
        reasons = tuple((name, total / len(top)) for name, total in zip(
            evidence.NAMES, sums, strict=True) if total)
        reasons += tuple(evidence.story_evidence(frame, story, self.lex, frame.when))
        score = self.t.intercept + sum(w for _, w in reasons)
        new_subject = bool(frame.subject) and not any(
            evidence.story_mentions(story.counts, t) for t in frame.subject)
        return Explanation(story_id, score, self.t.threshold, reasons, len(story.members),
                           new_subject, len(top), evidence.new_deed(frame, story, self.lex))

    def revival(self, item: Item, story_id: str) -> list[tuple[str, bool]] | None:
        """For a rare event's story kept after the window: what joining it needs, each check
        with whether the item meets it (evidence.revival); None for any other story."""
        story = self._dormant.get(story_id)
        if story is None:
            return None
        return evidence.revival(self._frame(item), story, self.lex)

    def pairs(self, item: Item, doc: Doc | None = None) -> list[tuple[str, list[float]]]:
        """(story id, evidence values) of the item against each kept member of each
        candidate story, deciding nothing: what bench/fit_grouping.py fits the weights on."""
        frame = self._frame(item, doc)
        self._idf_memo = {}
        out = []
        cache: dict = {}
        for story in self._candidates(frame):
            for member, norm in zip(story.members, story.norms, strict=True):
                out.append((story.id, evidence.features(
                    Pair(frame, member, self._idf, self.lex, cache, norm))))
        return out

    def best_naive(self, item: Item) -> tuple[str | None, float]:
        """The best story by comparing with every story of the window, no blocking: the
        baseline of bench/scale.py. Decides nothing."""
        frame = self._frame(item)
        self._idf_memo = {}
        best, best_score = None, -math.inf
        for story in self._stories.values():
            s = self._score(frame, story)
            if s > best_score:
                best, best_score = story.id, s
        return best, best_score

    # ---------------------------------------------------------------- scoring
    def _idf(self, token: str) -> float:
        """log((stories + prior) / (df + 1)), at least 0, memoised per item."""
        v = self._idf_memo.get(token)
        if v is None:
            d = self._df.get(token, 0)
            v = self._log_top - (_LOGS[d] if d < len(_LOGS) else math.log(d + 1.0))
            if v < 0.0:
                v = 0.0
            self._idf_memo[token] = v
        return v

    def _score(self, frame: Frame, story: _Story, cache: dict | None = None) -> float:
        """The mean log-odds over the story's kept members that the item tells its event,
        plus the story-level evidence (which may veto)."""
        against = sum(w for _, w in evidence.story_evidence(frame, story, self.lex,
                                                            frame.when))
        if against <= evidence.VETO:
            return against
        weighed = self._weighed
        cache = {} if cache is None else cache
        scores = []
        for member, norm in zip(story.members, story.norms, strict=True):
            pair = Pair(frame, member, self._idf, self.lex, cache, norm)
            s = self.t.intercept
            for w, fn in weighed:
                s += w * fn(pair)
            scores.append(s)
        # the mean of the closest members: a story told over days holds reports of its
        # several sides (the toll, the rescues), and an item tells one of them
        scores.sort(reverse=True)
        top = scores[: self.t.linked_members]
        return against + sum(top) / len(top)

    def _best(self, frame: Frame) -> tuple[_Story | None, float, list[tuple[str, float]]]:
        self._idf_memo = {}
        best, best_score = None, -math.inf
        cache: dict = {}
        scores = []
        for story in self._candidates(frame):
            s = self._score(frame, story, cache)
            scores.append((story.id, s))
            if s > best_score or (s == best_score and best is not None and story.id < best.id):
                best, best_score = story, s
        return best, best_score, scores

    def _candidates(self, frame: Frame) -> list[_Story]:
        """The stories the item's rarest tokens name (those sharing the most rare weight
        first), then the latest ones sharing a kind of event and a place with its lead."""
        get = self._postings.get
        keys = [(1 if p.__class__ is str else len(p), tok, p)
                for tok in frame.tokens if (p := get(tok)) is not None]
        keys.sort()
        hits: dict[str, float] = {}
        volume = 0
        for size, tok, p in keys[: self.t.block_keys]:
            if volume and volume + size > self.t.block_volume:
                break
            volume += size
            wt = self._idf(tok)
            for sid in ((p,) if p.__class__ is str else p):
                hits[sid] = hits.get(sid, 0.0) + wt
        # among stories sharing as much rare weight, the latest: a story's id comes from its
        # first entry's key, which holds its feed's address, and a choice made by it would
        # hang on where the feeds live
        stories = self._stories
        ranked = heapq.nlargest(self.t.max_candidates, hits.items(),
                                key=lambda kv: (kv[1], stories[kv[0]].last_seen, kv[0]))
        chosen = {sid: None for sid, _ in ranked}
        found: dict[str, datetime] = {}
        for key in self._frame_keys(frame):
            for sid in self._frames.get(key, ()):
                found[sid] = self._stories[sid].last_seen
        for sid in sorted(found, key=lambda s: (found[s], s), reverse=True)[
                : self.t.frame_candidates]:
            chosen[sid] = None
        return [self._stories[sid] for sid in chosen]

    @staticmethod
    def _frame_keys(frame: Frame) -> list[str]:
        return [f"{k}|{p}" for k in frame.kinds for p in frame.places]

    # ---------------------------------------------------------------- state
    def _new_story(self, sid: str, when: datetime) -> _Story:
        story = _Story(id=sid, first_seen=when, last_seen=when)
        self._stories[sid] = story
        self._log_top = math.log(len(self._stories) + self.t.idf_prior)
        return story

    def _add(self, story: _Story, frame: Frame, key: int, index: bool = True) -> None:
        # the norms with the IDF the item was weighed with (before its own tokens count):
        # the same whether it came through assign() or restore()
        norm = evidence.norms(frame, self._idf)
        story.n += 1
        when = frame.when
        if when > story.last_seen:
            story.last_seen = when
        if when < story.first_seen:
            story.first_seen = when
        counts, postings, df, cap = story.counts, self._postings, self._df, self.t.max_postings
        for tok in frame.tokens:
            c = counts.get(tok)
            if c is not None:
                counts[tok] = c + 1
                continue
            counts[tok] = 1
            if not index:  # a kept story out of the window: its own counts only
                continue
            d = df.get(tok, 0) + 1
            df[tok] = d
            if d > cap:  # too common to name candidates: stop indexing it
                postings.pop(tok, None)
                continue
            p = postings.get(tok)
            if p is None:
                postings[tok] = story.id
            elif p.__class__ is str:
                postings[tok] = [p, story.id]
            else:
                p.append(story.id)  # type: ignore[union-attr]
        if not frame.tally:
            story.head_tolls = _union(story.head_tolls, frame.title_tolls)
        story.days = _union(story.days, frame.days)
        story.magnitudes = _union(story.magnitudes, frame.magnitudes)
        story.title_towns = _union(story.title_towns, frame.title_towns)
        for fkey in self._frame_keys(frame):
            if fkey not in story.frames:
                story.frames = (*story.frames, fkey)
                if index:
                    self._frames.setdefault(fkey, {})[story.id] = None
        if len(story.members) < self.t.kept_members:
            story.members.append(frame)
            story.norms.append(norm)
        else:  # keep the first; the latest replace the oldest of the rest
            at = 1 + (story.n % (self.t.kept_members - 1))
            story.members[at] = frame
            story.norms[at] = norm
        story.items.append(key)
        if index:
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
            if self.rare_window > self.window and evidence.rare_story(story, self.lex):
                self._sleep(story)
        limit = now - self.rare_window
        heap = self._dormant_expiry
        while heap and heap[0][0] < limit:
            last, sid = heapq.heappop(heap)
            story = self._dormant.get(sid)
            if story is not None and story.last_seen == last:
                self._forget(story)

    # ------------------------------------------------------- rare events' long memory
    def _sleep(self, story: _Story) -> None:
        """Keep a story that left the window (or took a report while kept) out of the index,
        where only evidence.revives finds it, until `rare_window` after its latest report."""
        sid = story.id
        # kept in the order of their latest report (the dicts' order): the oldest go first
        # when more than MAX_DORMANT are kept, and candidates are the latest of each kind
        self._dormant.pop(sid, None)
        self._dormant[sid] = story
        for kind in evidence.story_rare_kinds(story, self.lex):
            held = self._dormant_kinds.setdefault(kind, {})
            held.pop(sid, None)
            held[sid] = None
        for key in story.items:
            self._dormant_items[key] = sid
        heapq.heappush(self._dormant_expiry, (story.last_seen, sid))
        while len(self._dormant) > MAX_DORMANT:
            self._forget(self._dormant[next(iter(self._dormant))])

    def _forget(self, story: _Story) -> None:
        del self._dormant[story.id]
        empty = []
        for kind, held in self._dormant_kinds.items():
            held.pop(story.id, None)
            if not held:
                empty.append(kind)
        for kind in empty:
            del self._dormant_kinds[kind]
        for key in story.items:
            if self._dormant_items.get(key) == story.id:
                del self._dormant_items[key]

    def _revive(self, frame: Frame) -> _Story | None:
        """The kept story of a rare event that the item tells more of (evidence.revives):
        of the latest `DORMANT_CANDIDATES` kept for each kind it names, the latest."""
        if not self._dormant or not evidence.may_revive(frame, self.lex):
            return None
        best = None
        seen: set[str] = set()
        for kind in frame.rare_kinds + frame.context_kinds:
            held = self._dormant_kinds.get(kind)
            if not held:
                continue
            for sid in itertools.islice(reversed(held), DORMANT_CANDIDATES):
                if sid in seen:
                    continue
                seen.add(sid)
                story = self._dormant[sid]
                if (best is None or story.last_seen > best.last_seen) and \
                        evidence.revives(frame, story, self.lex):
                    best = story
        return best

    def _drop(self, story: _Story) -> None:
        sid = story.id
        del self._stories[sid]
        self._log_top = math.log(len(self._stories) + self.t.idf_prior)
        for key in story.frames:
            held = self._frames.get(key)
            if held is not None:
                held.pop(sid, None)
                if not held:
                    del self._frames[key]
        df, postings = self._df, self._postings
        for tok in story.counts:
            d = df.get(tok, 0) - 1
            if d > 0:
                df[tok] = d
            else:
                df.pop(tok, None)
            p = postings.get(tok)
            if p is None:
                continue
            if p.__class__ is str:
                if p == sid:
                    del postings[tok]
            else:
                try:
                    p.remove(sid)  # type: ignore[union-attr]
                except ValueError:
                    continue
                if len(p) == 1:
                    postings[tok] = p[0]
        for key in story.items:
            if self._item_story.get(key) == sid:
                del self._item_story[key]
