"""The composition root: wires config, store, pipeline, fetcher, scheduler and sinks.

Everything runs on one asyncio loop. Feed polls are scheduled by APScheduler's
AsyncIOScheduler (the same scheduler PTB's JobQueue uses, so the bot can join this loop),
and never depend on a bot being there. `Service.ingest` is synchronous, so two polls
finishing together can never interleave inside the store or the pipeline; feed parsing,
the one CPU-heavy step, runs in a worker thread so the loop is not stalled by a big feed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from .config import Config, FeedConfig
from .errors import FeedError
from .fetch import Fetcher, FetchLimits, check_feed_body
from .model import Alert
from .parse import parse_feed
from .service import ConsoleSink, Service

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollReport:
    feed: str
    ok: bool
    not_modified: bool = False
    entries: int = 0
    new: int = 0
    alerts: int = 0
    error: str | None = None
    title: str | None = None


def make_fetcher(config: Config) -> Fetcher:
    limits = FetchLimits(timeout=config.fetch.timeout.total_seconds(),
                         max_bytes=config.fetch.max_bytes)
    return Fetcher(limits, allow_private=config.fetch.allow_private_addresses)


async def poll_feed(service: Service | None, fetcher: Fetcher, feed: FeedConfig,
                    now: Callable[[], datetime], config: Config) -> PollReport:
    """Fetch, parse and ingest one feed; every failure is recorded on the feed, never raised.
    With `service` None (vigia check --fetch) it only fetches and parses."""
    store = service.store if service else None
    state = store.feed_state(feed.url) if store else None
    try:
        result = await fetcher.fetch(feed.url, etag=state.etag if state else None,
                                     last_modified=state.last_modified if state else None)
        if result.not_modified:
            if store and state:
                store.save_feed_state(replace(state, last_fetch=now(), last_ok=now(), errors=0,
                                              last_error=None))
            return PollReport(feed.url, ok=True, not_modified=True)
        check_feed_body(feed.url, result.body, result.content_type)
        parsed = await asyncio.to_thread(parse_feed, result.body, feed.url, name=feed.name,
                                         language=feed.language, fetched_at=now())
    except FeedError as exc:
        log.warning("feed %s: %s", feed.url, exc.detail)
        if store and state:
            store.save_feed_state(replace(state, last_fetch=now(), errors=state.errors + 1,
                                          last_error=exc.detail))
        return PollReport(feed.url, ok=False, error=exc.detail)
    new = alerts = 0
    if service and state:
        first_contact = state.last_ok is None
        t = now()
        cutoff = t - config.fetch.first_fetch_max_age
        for item in sorted(parsed.items, key=lambda i: i.published):
            # On first contact, a feed's backlog is recorded as seen but not alerted: adding
            # a feed must not flood subscribers with its history.
            quiet = first_contact and item.published < cutoff
            decision = service.ingest(item, t, quiet=quiet)
            if decision is not None:
                new += 1
                alerts += len(decision.alerts)
        service.store.save_feed_state(replace(
            state, title=parsed.title, etag=result.etag, last_modified=result.last_modified,
            last_fetch=t, last_ok=t, errors=0, last_error=None,
            items_seen=state.items_seen + new))
        if parsed.warning:
            log.info("feed %s read despite: %s", feed.url, parsed.warning)
    return PollReport(feed.url, ok=True, entries=len(parsed.items), new=new, alerts=alerts,
                      title=parsed.title)


def utcnow() -> datetime:
    return datetime.now(UTC)


async def check_feeds(config: Config) -> list[PollReport]:
    fetcher = make_fetcher(config)
    try:
        return list(await asyncio.gather(*(poll_feed(None, fetcher, f, utcnow, config)
                                           for f in config.feeds)))
    finally:
        await fetcher.aclose()


async def run(config: Config, *, once: bool = False,
              sink: Callable[[Alert], None] | None = None,
              stop: asyncio.Event | None = None) -> None:
    """The daemon: poll every feed at its interval until SIGTERM/SIGINT (or `stop` is set);
    with `once`, poll each feed one time and return."""
    sink = sink or ConsoleSink()
    service = Service.open(config, now=utcnow())
    fetcher = make_fetcher(config)
    log.info("vigia started: %d feeds, %d watchlists, store %s", len(config.feeds),
             len(config.watchlists), service.store.path)
    try:
        if once:
            await asyncio.gather(*(poll_feed(service, fetcher, f, utcnow, config)
                                   for f in config.feeds))
            service.dispatch(sink)
            return
        await _serve(config, service, fetcher, sink, stop or asyncio.Event())
    finally:
        await fetcher.aclose()
        service.close()
        log.info("vigia stopped")


async def _serve(config: Config, service: Service, fetcher: Fetcher,
                 sink: Callable[[Alert], None], stop: asyncio.Event) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or not Unix
            pass
    service.dispatch(sink)  # alerts queued before a crash go out first

    async def poll(feed: FeedConfig) -> None:
        await poll_feed(service, fetcher, feed, utcnow, config)
        service.dispatch(sink)

    scheduler = AsyncIOScheduler(timezone=UTC)
    start = utcnow()
    for i, feed in enumerate(config.feeds):
        interval = feed.interval.total_seconds()
        scheduler.add_job(
            poll, "interval", args=[feed], id=feed.url, seconds=interval,
            # Spread first polls over a few seconds and later ones by up to 10 % of the
            # interval, so a thousand feeds do not all fire in the same second.
            jitter=max(1, int(interval * 0.1)), max_instances=1, coalesce=True,
            misfire_grace_time=int(interval),
            next_run_time=start + timedelta(seconds=min(30, i * 0.05)))
    scheduler.start()
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
