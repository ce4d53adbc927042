"""The imperative shell around the pipeline: store in, decisions out, alerts to sinks.

`Service.ingest` is the one path every item takes, from the daemon and from `vigia replay`
alike: look the item up in the store, let the pipeline decide, save the decision in one
transaction. Delivery reads the outbox (alerts saved but not yet dispatched), so an alert
is never lost between deciding and sending.

The pipeline decides in memory before the store commits. When the commit fails (a locked
database, a full disk) the pipeline is rebuilt from the store, as a restart would, so the
item counts as never seen and the next poll decides it, and alerts it, again.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from .config import Config
from .errors import StoreError
from .keys import content_digest
from .model import Alert, Decision, Fact, Item
from .pipeline import Pipeline
from .store import Store

log = logging.getLogger(__name__)

# The cyclic garbage collector looks at its youngest objects every 700 allocations by default.
# Reading one item allocates thousands (tokens, sentences, mentions, frames) that reference
# counting frees anyway, so most collections walk objects that are alive or already gone.
# Every 10,000: 20.8 -> 19.9 s CPU for the 20,000 items of bench/replay_speed.py, decisions
# untouched; the daemon's peak RSS is measured by bench/daemon_memory.py.
GC_THRESHOLDS = (10_000, 10, 10)


def tune_gc() -> None:
    """Collect reference cycles less often: for the processes that ingest items (the daemon,
    `vigia replay`)."""
    gc.set_threshold(*GC_THRESHOLDS)


class Service:
    def __init__(self, config: Config, store: Store,
                 make_pipeline: Callable[[Config], Pipeline] = Pipeline) -> None:
        self.config = config
        self.store = store
        # A factory, not an instance: after a failed save the pipeline is built anew.
        self.make_pipeline = make_pipeline
        self.pipeline = make_pipeline(config)
        # Set when the pipeline may hold a decision the store does not (a failed save whose
        # rebuild failed too): the next ingest rebuilds before deciding anything.
        self._stale = False

    @classmethod
    def open(cls, config: Config, path: str | None = None, *, now: datetime | None = None,
             lock: bool = False,
             make_pipeline: Callable[[Config], Pipeline] = Pipeline) -> Service:
        """Open the store and rebuild the pipeline's window from it (as of `now`). With `lock`,
        claim the store for this process (the daemon) and check it, or fail with StoreError.
        `make_pipeline` builds the pipeline (the same factory serves a rebuild)."""
        store = Store.open(path or config.storage.path)
        if lock:
            try:
                store.lock()
                store.check()  # the daemon's start: a damaged store is one line, not a crash
            except BaseException:
                store.close()
                raise
        service = cls(config, store, make_pipeline)
        if now is not None:
            stories, items = service._restore(now)
            if stories:
                log.info("restored %d open stories and %d items from %s", stories, items,
                         store.path)
        return service

    def _restore(self, now: datetime) -> tuple[int, int]:
        """Load the window as of `now` from the store into the pipeline (a fresh one: restore
        adds to what is there). Returns how many stories and items it holds."""
        # As Pipeline._evict keeps stories: twice the window, and of the rare events' window
        # the stories it has not let go (the grouper keeps a rare event's story after the
        # window; it drops the others again at the first item): what a restart would rebuild.
        grouping = self.config.grouping
        stories, items, ledger = self.store.items.window(now - 2 * grouping.window,
                                                         now - grouping.rare_window)
        self.pipeline.restore(stories, items, ledger)
        return len(stories), len(items)

    def _rebuild(self, now: datetime) -> None:
        """Throw the in-memory state away and take the store's: what was not saved is unseen."""
        self._stale = True
        self.pipeline = self.make_pipeline(self.config)
        self._restore(now)
        self._stale = False

    def reconfigure(self, config: Config, now: datetime) -> None:
        """Take a new config (a reload): the pipeline is built for it and given the store's
        window as of `now`, as a restart would. What was seen stays seen (`ingest` asks the
        store first), so nothing already told is told again; the new watchlists apply to the
        reports that come from now on."""
        self.config = config
        self._rebuild(now)

    def close(self) -> None:
        self.store.close()

    def ingest(self, item: Item, now: datetime, *, quiet: bool = False,
               admit: Callable[[list[Alert]], list[Alert]] | None = None) -> Decision | None:
        """Decide on one item and save the decision. None when the item is already known and
        unchanged (or its story is closed). `quiet` records without alerting (a new feed's
        backlog): its stories count as told, its figures as known. `admit` picks which of
        the alerts are saved (the others are told some other way: a poll's cap). A failed
        save raises StoreError and leaves the item unseen: ingesting it again decides it
        afresh."""
        if self._stale:
            try:
                self._rebuild(now)
            except sqlite3.Error as exc:
                raise StoreError(f"{self.store.path}: cannot reload the open stories: "
                                 f"{exc}") from exc
        known = self.store.items.state(item)  # by item_key: another feed's "12345" is not it
        known_story = None
        if known is not None:
            if known.feed != item.feed:
                # The same global id (the article's URL, a URN) from another feed: one
                # article, told once; the feed that brought it first owns its edits, or two
                # feeds with different excerpts would "edit" it back and forth every poll.
                return None
            if known.digest == content_digest(item) or known.story not in self.pipeline.stories:
                return None
            known_story = known.story
        try:
            decision = self.pipeline.decide(item, now, known_story=known_story)
            if quiet:
                decision.alerts = []
            elif admit is not None:
                decision.alerts = admit(decision.alerts)
            self.store.items.save(decision, now)
        except Exception as exc:
            # decide() has already moved the story, ledger and grouper on; with nothing
            # saved, keeping that state would make the retry find the story told (no alert,
            # nothing in the outbox: the alert lost for good). Take the store's state back.
            try:
                self._rebuild(now)
            except Exception:
                log.exception("rebuilding the pipeline from %s failed; retrying at the next"
                              " item", self.store.path)
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.store.path}: cannot save item {item.id} of "
                                 f"{item.feed}: {exc}") from exc
            raise
        for alert in decision.alerts:
            log.debug("alert %s for %s on story %s (item %s)", alert.kind, alert.watchlist,
                     alert.story, item.id)
        return decision

    def facts_of(self, item: Item) -> list[Fact]:
        return self.pipeline.extract(item.title, item.summary, item.language,
                                     item.published.date())

    def dispatch(self, deliver: Callable[[Alert], None]) -> int:
        """Hand every queued alert to `deliver`, oldest first; an alert is marked dispatched
        only after `deliver` returned, so a crash in between re-delivers rather than loses."""
        count = 0
        while batch := self.store.outbox.pending():
            for alert_id, alert in batch:
                deliver(alert)
                self.store.outbox.mark_dispatched(alert_id)
                count += 1
        return count


class ConsoleSink:
    """Where alerts go when no Telegram token is set: standard output, one block per alert."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def __call__(self, alert: Alert) -> None:
        stamp = alert.at.strftime("%Y-%m-%d %H:%M")
        self.stream.write(f"--- {stamp} {alert.kind} ---\n{alert.text}\n\n")
        self.stream.flush()

