"""The decision core: one item in, what it means out.

    item ─▶ match watchlists ─▶ group into a story ─▶ extract facts ─▶ ledger ─▶ alert policy

`Pipeline.decide(item, now)` returns a `Decision`: plain data saying which story the item
joined, which facts it carries, which figures rose and which alerts follow. It touches no
network, clock or database; the shell (`bot.service`) persists decisions and delivers
alerts, and rebuilds the pipeline's window from the store with `restore()` at start-up.
The daemon and `vigia replay` both go through here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Protocol

from . import render
from .config import Config
from .grouping.evidence import VETO
from .grouping.grouper import Explanation

# Moved to keys.py and model.py (the store applies them without the core); named here too
# for the code that imports them from the pipeline.
from .keys import GLOBAL_ID_PREFIXES as GLOBAL_ID_PREFIXES
from .keys import content_digest as content_digest
from .keys import is_global_id as is_global_id
from .keys import item_key
from .ledger import Ledger, LedgerRow, story_scope, watchlist_scope
from .model import STORY_FACTS, WATCHLIST_FACTS, Alert, Change, Decision, Fact, Item, Story
from .watchlists import WatchlistMatcher

# (title, summary, language, the day it was published) -> its figures
Extractor = Callable[[str, str, str | None, date | None], list[Fact]]


# A new story is held back as the repeat of a story told to the same watchlist in the last
# TWIN_WINDOW when the grouper, which keeps them apart on precision grounds, still finds them
# alike (the grouper's score: a mean log-odds of at least TWIN_THRESHOLD over the told story's
# closest kept reports: one
# event told in other words is far more often the case than another event) and it has
# positive evidence that they are one happening: the same kind of event at the same place
# (TWIN_EVIDENCE), no veto, and no figure in disagreement. Each later report that joins the
# held story is compared with the told story again, and the first that is no repeat has it
# told (Pipeline._told_twin): an event is never swallowed for lack of evidence.
# Measured with the kit on the labelled sets (bench/generalisation.py, 2 December 2026), since
# a report with evidence of another event is no longer held (_is_repeat): -0.5 gave new-story
# alerts per event 1.29 / 1.19 / 1.67 / 1.51 / 1.73 / 1.89 (dev, dev2, quake, protest,
# election, flood) and 2.56 on the wildfire set kept for checking; -1.0 gives 1.29 / 1.15 /
# 1.61 / 1.46 / 1.73 / 1.89 and 2.50 with the same events told on every set; -1.5 holds back a
# protest event for good: fewer duplicates are not bought with lost events. Since the score
# is the grouper's own (the closest members, 3485593; before, the mean over all kept
# members): -1.0 gives 1.25 / 1.12 / 1.47 / 1.40 / 1.73 / 1.61, -1.5 takes one election
# duplicate more and -2.0 loses a quake event (at f0c41b7). On 3 December (at 810bd4f),
# nine sets: -1.25 and -1.5 take one election duplicate more (1.50 -> 1.47 alerts per event)
# and lose nothing, -1.5 a storm duplicate too (the blind set, scored once), -2.0 loses the
# quake event again: -1.25 keeps a margin.
TWIN_THRESHOLD = -1.25
TWIN_WINDOW = timedelta(hours=36)
# Evidence (bot/grouping/evidence.py) that says "the same happening": the same kind of
# event at the same place, on the same day or a rare one; or the town the lead names (with
# it, flood's alerts per event 1.89 -> 1.85, every other set and every event told the same).
TWIN_EVIDENCE = frozenset({"rare_kind_and_place", "recurring_kind_place_day", "same_town"})


# The figures a story of peaceful deeds only (a visit, an aid package) does not track: the
# dead, the injured and the missing its reports count are those of the happening the deeds
# are about, told in that happening's story. Measured on the 28 sets (bench/README.md).
OTHERS_TOLL = frozenset({"deaths", "injured", "missing"})


class GrouperLike(Protocol):
    def assign(self, item: Item, now: datetime) -> tuple[str, bool]: ...
    def restore(self, item: Item, story_id: str) -> None: ...


def _keyed(item: Item) -> Item:
    # The grouper remembers items (and names new stories) by id: give it the key, so that
    # another feed's "12345" is neither taken for a known item nor given its story id.
    key = item_key(item)
    return item if key == item.id else replace(item, id=key)


def _is_repeat(found: Explanation) -> bool:
    """Whether the grouper's evidence says a report repeats a story: alike enough, with
    the same kind of event at the same place, and none of the evidence that would release
    it (`_is_distinct`: a veto, someone new at the head of it, another kind, day, sea, toll
    or magnitude). Holding back what the next report would release told a search for a
    survivor two days late, under the name of the search's end."""
    return (found.score >= TWIN_THRESHOLD and any(name in dict(found.reasons)
                                                  for name in TWIN_EVIDENCE)
            and not _is_distinct(found))


# Evidence that a report tells another event than a story, whatever the words: what
# releases a held story (a later report of it that shows it is an event of its own).
DISTINCT_EVIDENCE = frozenset({"kinds_differ", "days_differ", "seas_differ",
                               "recurring_tolls_differ", "magnitudes_differ",
                               "subjects_differ"})


def _is_distinct(found: Explanation) -> bool:
    """Whether the grouper's evidence shows a report to be of another event than a story:
    a veto, a difference of kind, day, place, toll or actor, or a deed the story's reports
    never told (an arrest, a charge, a visit). Not a score that merely fell
    as time went by: a held story is released on evidence only."""
    reasons = dict(found.reasons)
    return (found.new_subject or found.new_deed or any(w <= VETO for w in reasons.values())
            or any(name in reasons for name in DISTINCT_EVIDENCE))


class Pipeline:
    def __init__(self, config: Config, *, grouper: GrouperLike | None = None,
                 extract: Extractor | None = None) -> None:
        self.config = config
        self.window: timedelta = config.grouping.window
        if grouper is None:
            from .grouping import Grouper

            grouper = Grouper(window=self.window, topics=config.topics(),
                              rare_window=config.grouping.rare_window)
        if extract is None:
            from .facts import extract_facts

            extract = extract_facts
        self.grouper = grouper
        self.extract = extract
        self.matcher = WatchlistMatcher(config.watchlists)
        self.track = {w.name: set(w.track) for w in config.watchlists}
        self.ledger = Ledger(config.alerts.corroboration)
        # Open stories by last touch, oldest first, so eviction only looks at the front.
        self.stories: OrderedDict[str, Story] = OrderedDict()

    # -- start-up ----------------------------------------------------------------------------

    def restore(self, stories: Iterable[Story], items: Iterable[tuple[Item, str]],
                ledger: Iterable[LedgerRow]) -> None:
        """Rebuild the window from stored state; decisions already taken are not revisited.
        `items` come in the order they were first seen."""
        for s in sorted(stories, key=lambda s: s.last_seen):
            self.stories[s.id] = s
        # In the order they were seen, as a run that never stopped added them: the members a
        # story keeps, and so every later score, depend on that order.
        for item, story_id in items:
            self.grouper.restore(_keyed(item), story_id)
        self.ledger.restore(ledger)

    # -- the decision --------------------------------------------------------------------------

    def process(self, item: Item, now: datetime) -> list[Alert]:
        return self.decide(item, now).alerts

    def decide(self, item: Item, now: datetime, *, known_story: str | None = None) -> Decision:
        """Decide what `item` means. `known_story` is the story of an already stored item whose
        text was edited: it stays in its story, and only its figures are read again."""
        evicted = self._evict(now)
        matched = self.matcher.match(item)
        # the item as the grouper knows it (by its key, dated within the window): what the
        # alert policy asks the grouper about too
        grouped = self._dated(_keyed(item), now)
        edited = known_story is not None and known_story in self.stories
        story, is_new = self._story_of(item, grouped, now, known_story if edited else None)
        facts = self.extract(item.title, item.summary, item.language, item.published.date())
        alerted_before = list(story.watchlists)
        concerned = list(dict.fromkeys(matched + alerted_before))
        changes_by_watchlist, all_changes, touched = self._ledger(story, concerned, facts, item)
        alerts = self._alerts_of(item, grouped, story, is_new, now, matched, alerted_before,
                                 changes_by_watchlist)
        ledger = {scope: self.ledger.rows(scope) for scope in touched}
        return Decision(item=item, story=story, story_is_new=is_new, watchlists=matched,
                        facts=facts, changes=all_changes, alerts=alerts, ledger=ledger,
                        evicted=evicted, edited=edited)

    def _story_of(self, item: Item, grouped: Item, now: datetime,
                  edited: str | None) -> tuple[Story, bool]:
        """The story the item joins (its own when `edited`), and whether it is new."""
        if edited is not None:
            story_id, is_new = edited, False
        else:
            story_id, is_new = self.grouper.assign(grouped, now)
        story = self.stories.get(story_id)
        if story is None:
            is_new = True
            story = Story(id=story_id, title=item.title or item.summary[:120],
                          first_seen=now, last_seen=now)
            self.stories[story_id] = story
        self.stories.move_to_end(story_id)
        story.last_seen = now
        if edited is None:
            story.items.append(item.id)
            # One entry per outlet: what a reader is told ("reported by 5 outlets") and what
            # the store keeps per story stay bounded by the number of feeds, not of items.
            if item.outlet not in story.outlets:
                story.outlets.append(item.outlet)
                if item.link:
                    story.links.append((item.outlet, item.link))
            if item.language and item.language not in story.languages:
                story.languages.append(item.language)
        return story, is_new

    def _alerts_of(self, item: Item, grouped: Item, story: Story, is_new: bool,
                   now: datetime, matched: list[str], alerted_before: list[str],
                   changes_by_watchlist: dict[str, list[Change]]) -> list[Alert]:
        """The alerts the item makes: a new story for each watchlist it is the first to
        concern (unless it repeats a story told already), an update where figures changed."""
        alerts = []
        for w in dict.fromkeys(matched + alerted_before):
            changes = changes_by_watchlist.get(w, [])
            if w not in alerted_before:
                if w not in matched:
                    continue
                twin = self._told_twin(grouped, story, w, now, story.held.get(w)) if (
                    is_new or w in story.held) else None
                if twin is not None:
                    # Told already as a story the grouper keeps apart on precision grounds:
                    # held back, and looked at again with each later report (one that is no
                    # repeat of the told story shows this is an event of its own). A rise of
                    # a campaign total it carries is news meanwhile; its own figures are the
                    # told story's.
                    story.held[w] = twin
                    changes = [c for c in changes if c.fact in WATCHLIST_FACTS]
                    if changes:
                        text = render.update_text(w, story, changes, item.link)
                        alerts.append(self._alert(now, "update", w, story, (item.id,),
                                                  changes, text))
                    continue
                story.held.pop(w, None)
                story.watchlists.append(w)
                text = render.new_story_text(w, story, self._figures(story, w), changes)
                alerts.append(self._alert(now, "new_story", w, story, tuple(story.items),
                                          changes, text))
            elif changes:
                text = render.update_text(w, story, changes, item.link)
                alerts.append(self._alert(now, "update", w, story, (item.id,), changes, text))
        return alerts

    # -- helpers -------------------------------------------------------------------------------

    def _dated(self, item: Item, now: datetime) -> Item:
        """The item as the grouper should date it. The grouper keeps time by entries' dates,
        the pipeline by the clock: an entry dated in the future (a wrong pubDate) would keep
        a story open in one after the other closed it, and one dated before the window would
        open a story the grouper drops at once; either way an event is told twice. So a date
        is taken within [now - window/2, now]."""
        earliest = now - self.window / 2
        if earliest <= item.published <= now:
            return item
        return replace(item, published=min(max(item.published, earliest), now))

    def _ledger(self, story: Story, concerned: Sequence[str], facts: Sequence[Fact],
                item: Item) -> tuple[dict[str, list[Change]], list[Change], set[str]]:
        by_watchlist: dict[str, list[Change]] = {}
        all_changes: list[Change] = []
        touched: set[str] = set()
        tracked_anywhere = set().union(*(self.track[w] for w in concerned)) if concerned else set()
        deeds_only = getattr(self.grouper, "deeds_only", None)
        others_dead = deeds_only is not None and deeds_only(story.id)
        for fact in facts:
            if fact.name in STORY_FACTS:
                if fact.name not in tracked_anywhere:
                    continue
                if others_dead and fact.name in OTHERS_TOLL:
                    continue  # a visit's story: the dead are the floods', told in theirs
                scope = story_scope(story.id)
                touched.add(scope)
                change = self.ledger.observe(scope, fact.name, fact.value, item.outlet)
                if change:
                    all_changes.append(change)
                    for w in concerned:
                        if fact.name in self.track[w]:
                            by_watchlist.setdefault(w, []).append(change)
            elif fact.name in WATCHLIST_FACTS:
                for w in concerned:
                    if fact.name not in self.track[w]:
                        continue
                    scope = watchlist_scope(w)
                    touched.add(scope)
                    change = self.ledger.observe(scope, fact.name, fact.value, item.outlet)
                    if change:
                        all_changes.append(change)
                        by_watchlist.setdefault(w, []).append(change)
        return by_watchlist, all_changes, touched

    def _told_twin(self, item: Item, story: Story, watchlist: str, now: datetime,
                   held: str | None = None) -> str | None:
        """The story already told to `watchlist` in the last TWIN_WINDOW that this one's
        report `item` repeats, if any (see TWIN_THRESHOLD). A story `held` back as the
        repeat of another is compared with that one only, wherever it now stands in time."""
        explain = getattr(self.grouper, "explain", None)
        if explain is None:
            return None
        if held is not None:
            # Released only on evidence: a report compared with the told story and found no
            # repeat, or figures in disagreement. A told story gone from the window (or from
            # the grouper's, which is shorter) can no longer be asked: its repeat stays one.
            other = self.stories.get(held)
            if other is None:
                return held
            if self._figures_differ(story, other):
                return None
            found = explain(item, held)
            return held if found is None or not _is_distinct(found) else None
        since = now - TWIN_WINDOW
        candidates = getattr(self.grouper, "candidates", None)
        if candidates is None:
            return None
        # the stories the grouper compared the item with, best first: a repeat is one of them
        for sid, _ in candidates(item):
            other = self.stories.get(sid)
            if other is None or other is story or watchlist not in other.watchlists \
                    or other.first_seen < since:
                continue
            if self._figures_differ(story, other):
                continue  # "strike kills 3" is not the strike that killed 2 the day before
            found = explain(item, sid)
            if found is not None and _is_repeat(found):
                return sid
        return None

    def _figures_differ(self, a: Story, b: Story) -> bool:
        for name in STORY_FACTS:
            x = self.ledger.best(story_scope(a.id), name)
            y = self.ledger.best(story_scope(b.id), name)
            if x is not None and y is not None and x != y:
                return True
        return False

    def _figures(self, story: Story, watchlist: str) -> dict[str, int]:
        """The story's own figures that `watchlist` tracks, as the ledger holds them."""
        figures = {}
        for name in STORY_FACTS:
            value = self.ledger.best(story_scope(story.id), name)
            if value is not None and name in self.track[watchlist]:
                figures[name] = value
        return figures

    @staticmethod
    def _alert(now: datetime, kind: str, watchlist: str, story: Story, items: tuple[str, ...],
               changes: Sequence[Change], text: str) -> Alert:
        return Alert(at=now, kind=kind, watchlist=watchlist, story=story.id, items=items,
                     changes=tuple(changes), text=text, title=story.title,
                     links=tuple(dict.fromkeys(story.links)))

    def _evict(self, now: datetime) -> list[str]:
        # Stories stay twice the grouping window so that the grouper, which may keep a story
        # until its own window closes, never hands back an id this side has already dropped.
        cutoff = now - 2 * self.window
        evicted = []
        holds = getattr(self.grouper, "holds", None)
        if holds is not None:
            self.grouper.evict(now)  # type: ignore[attr-defined]  # what it holds as of now
        for _ in range(len(self.stories)):
            sid = next(iter(self.stories))
            if self.stories[sid].last_seen >= cutoff:
                break
            if holds is not None and holds(sid):
                # a rare event's story the grouper keeps after its window: a later report
                # of it is told as its update, from its figures
                self.stories.move_to_end(sid)
                continue
            del self.stories[sid]
            self.ledger.forget(story_scope(sid))
            evicted.append(sid)
        return evicted
