"""The imperative shell around the pipeline: store in, decisions out, alerts to sinks.

`Service.ingest` is the one path every item takes, from the daemon and from `vigia replay`
alike: look the item up in the store, let the pipeline decide, save the decision in one
transaction. Delivery reads the outbox (alerts saved but not yet dispatched), so an alert
is never lost between deciding and sending.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from .config import Config
from .model import Alert, Fact, Item
from .pipeline import Decision, Pipeline, content_digest
from .store import Store

log = logging.getLogger(__name__)


class Service:
    def __init__(self, config: Config, store: Store, pipeline: Pipeline | None = None) -> None:
        self.config = config
        self.store = store
        self.pipeline = pipeline or Pipeline(config)

    @classmethod
    def open(cls, config: Config, path: str | None = None, *, now: datetime | None = None,
             lock: bool = False) -> Service:
        """Open the store and rebuild the pipeline's window from it (as of `now`). With `lock`,
        claim the store for this process (the daemon) or fail with StoreError."""
        store = Store.open(path or config.storage.path)
        if lock:
            try:
                store.lock()
            except BaseException:
                store.close()
                raise
        service = cls(config, store)
        if now is not None:
            since = now - 2 * config.grouping.window
            stories, items, ledger = store.window(since)
            service.pipeline.restore(stories, items, ledger)
            if stories:
                log.info("restored %d open stories and %d items from %s", len(stories),
                         len(items), store.path)
        return service

    def close(self) -> None:
        self.store.close()

    def ingest(self, item: Item, now: datetime, *, quiet: bool = False) -> Decision | None:
        """Decide on one item and save the decision. None when the item is already known and
        unchanged (or its story is closed). `quiet` records without alerting (a new feed's
        backlog): its stories count as told, its figures as known."""
        known = self.store.item_state(item.id)
        known_story = None
        if known is not None:
            story_id, digest = known
            if digest == content_digest(item) or story_id not in self.pipeline.stories:
                return None
            known_story = story_id
        decision = self.pipeline.decide(item, now, known_story=known_story)
        if quiet:
            decision.alerts = []
        self.store.save(decision, now)
        for alert in decision.alerts:
            log.debug("alert %s for %s on story %s (item %s)", alert.kind, alert.watchlist,
                     alert.story, item.id)
        return decision

    def facts_of(self, item: Item) -> list[Fact]:
        return self.pipeline.extract(item.title, item.summary, item.language)

    def dispatch(self, deliver: Callable[[Alert], None]) -> int:
        """Hand every queued alert to `deliver`, oldest first; an alert is marked dispatched
        only after `deliver` returned, so a crash in between re-delivers rather than loses."""
        count = 0
        while batch := self.store.pending_alerts():
            for alert_id, alert in batch:
                deliver(alert)
                self.store.mark_dispatched(alert_id)
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

