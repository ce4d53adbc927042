"""The composition root: wires config, store, pipeline, fetcher, scheduler and sinks.

Everything runs on one asyncio loop. Feed polls are scheduled by APScheduler's
AsyncIOScheduler (the same scheduler PTB's JobQueue uses, so the bot can join this loop),
and never depend on a bot being there. `Service.ingest` is synchronous, so two polls
finishing together can never interleave inside the store or the pipeline; feed parsing,
the one CPU-heavy step, runs in a worker thread so the loop is not stalled by a big feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from .config import Config, FeedConfig
from .errors import FeedError
from .fetch import Fetcher, FetchLimits, check_feed_body
from .metrics import Metrics
from .model import Alert, Story
from .parse import parse_feed
from .service import ConsoleSink, Service
from .store import PRUNED_TABLES, FeedState, Store

log = logging.getLogger(__name__)

Notify = Callable[[str], Awaitable[None] | None]


@dataclass(frozen=True)
class PollReport:
    feed: str
    ok: bool
    not_modified: bool = False
    skipped: bool = False
    entries: int = 0
    new: int = 0
    alerts: int = 0
    error: str | None = None
    title: str | None = None


def make_fetcher(config: Config) -> Fetcher:
    limits = FetchLimits(timeout=config.fetch.timeout.total_seconds(),
                         max_bytes=config.fetch.max_bytes)
    return Fetcher(limits, allow_private=config.fetch.allow_private_addresses)


def after_failure(state: FeedState, feed: FeedConfig, config: Config, now: datetime,
                  error: str, retry_after: float | None) -> FeedState:
    """A failed poll: count it, back off exponentially (never sooner than the server asked),
    and disable the feed after `fetch.disable_after` failures in a row."""
    errors = state.errors + 1
    backoff = min(feed.interval * (2 ** min(errors - 1, 16)), config.fetch.max_backoff)
    if retry_after is not None:
        backoff = max(backoff, timedelta(seconds=min(retry_after, 86400)))
    return replace(state, last_fetch=now, errors=errors, last_error=error,
                   next_fetch=now + backoff, disabled=errors >= config.fetch.disable_after)


async def poll_feed(service: Service | None, fetcher: Fetcher, feed: FeedConfig,
                    now: Callable[[], datetime], config: Config, *,
                    metrics: Metrics | None = None, notify: Notify | None = None,
                    grew: Callable[[Story], object] | None = None) -> PollReport:
    """Fetch, parse and ingest one feed; every failure is recorded on the feed, never raised.
    With `service` None (vigia check --fetch) it only fetches and parses."""
    store = service.store if service else None
    state = store.feed_state(feed.url) if store else FeedState(url=feed.url)
    if store and (state.disabled or (state.next_fetch and state.next_fetch > now())):
        return PollReport(feed.url, ok=True, skipped=True)
    started = time.monotonic()
    try:
        result = await fetcher.fetch(feed.url, etag=state.etag,
                                     last_modified=state.last_modified)
        if not result.not_modified:
            check_feed_body(feed.url, result.body, result.content_type)
            parsed = await asyncio.to_thread(parse_feed, result.body, feed.url, name=feed.name,
                                             language=feed.language, fetched_at=now())
    except FeedError as exc:
        log.warning("feed %s: %s", feed.url, exc.detail)
        if metrics:
            metrics.fetched(feed.url, time.monotonic() - started, ok=False)
        if store:
            failed = after_failure(state, feed, config, now(), exc.detail, exc.retry_after)
            store.save_feed_state(failed)
            if failed.disabled and not state.disabled:
                message = (f"Feed disabled after {failed.errors} failures in a row: {feed.url}"
                           f" — last error: {exc.detail}. Re-enable with "
                           f"`vigia feeds enable {feed.url}`.")
                log.error(message)
                if notify:
                    maybe = notify(message)
                    if maybe is not None:
                        await maybe
        return PollReport(feed.url, ok=False, error=exc.detail)
    if metrics:
        metrics.fetched(feed.url, time.monotonic() - started, ok=True)
    t = now()
    # A server may ask for a pause (Retry-After, Cache-Control max-age): honour it, within the
    # back-off cap, so a CDN's year-long max-age cannot silence a feed.
    next_fetch = (t + min(timedelta(seconds=result.retry_after), config.fetch.max_backoff)
                  if result.retry_after else None)
    if result.not_modified:
        if store:
            store.save_feed_state(replace(state, last_fetch=t, last_ok=t, errors=0,
                                          last_error=None, next_fetch=next_fetch))
        return PollReport(feed.url, ok=True, not_modified=True)
    new = alerts = 0
    if service:
        first_contact = state.last_ok is None
        cutoff = t - config.fetch.first_fetch_max_age
        for item in sorted(parsed.items, key=lambda i: i.published):
            # On first contact, a feed's backlog is recorded as seen but not alerted: adding
            # a feed must not flood subscribers with its history.
            quiet = first_contact and item.published < cutoff
            decision = service.ingest(item, t, quiet=quiet)
            if decision is not None:
                if grew and not decision.story_is_new and not decision.edited:
                    grew(decision.story)  # more outlets: edit the story's first messages
                new += 1
                alerts += len(decision.alerts)
                if metrics:
                    metrics.decided(decision)
        service.store.save_feed_state(replace(
            state, title=parsed.title, etag=result.etag, last_modified=result.last_modified,
            last_fetch=t, last_ok=t, errors=0, last_error=None, next_fetch=next_fetch,
            items_seen=state.items_seen + new))
        if parsed.warning:
            log.info("feed %s read despite: %s", feed.url, parsed.warning)
        if new:
            log.info("feed %s: %d new items, %d alerts", feed.url, new, alerts)
    return PollReport(feed.url, ok=True, entries=len(parsed.items), new=new, alerts=alerts,
                      title=parsed.title)


def utcnow() -> datetime:
    return datetime.now(UTC)


async def prune_store(store: Store, config: Config, now: datetime) -> dict[str, int]:
    """Retention: drop alerts and delivery records older than `storage.retention`. Stories
    count as open for twice the grouping window, as long as the pipeline keeps them (see
    `Pipeline._evict`), so their threads survive. One short transaction per step, with the
    loop free in between: polls and the sender are never held up for long."""
    total = dict.fromkeys(PRUNED_TABLES, 0)
    for step in store.prune_steps(now - config.storage.retention,
                                  now - 2 * config.grouping.window):
        for table, n in step.items():
            total[table] += n
        await asyncio.sleep(0)
    if any(total.values()):
        log.info("retention: pruned %s", ", ".join(f"{n} {t}" for t, n in total.items() if n))
    return total


async def housekeeping(store: Store, config: Config) -> None:
    """The daily job. A failure (a locked or full disk) is logged, never raised: the daemon
    goes on, and the next run tries again."""
    try:
        await prune_store(store, config, utcnow())
    except Exception:
        log.exception("retention: pruning the store failed")


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
    service = Service.open(config, now=utcnow(), lock=True)
    apprise = None
    if config.apprise:
        from .apprise_sink import AppriseSink

        try:
            apprise = AppriseSink.from_config(config, service.store)
        except BaseException:
            service.close()
            raise
    telegram = None
    if sink is None:
        from .telegram import TelegramSink

        telegram = TelegramSink.from_config(config, service.store)
    console = sink or ConsoleSink()
    primary = telegram.dispatch if telegram else (lambda: service.dispatch(console))

    def deliver() -> object:
        # Apprise first: it queues what is still pending; the primary sink then marks the
        # alerts dispatched. A crash in between repeats only the (idempotent) first step.
        if apprise:
            apprise.dispatch()
        return primary()
    fetcher = make_fetcher(config)
    metrics = Metrics(service.store)
    log.info("vigia started: %d feeds, %d watchlists, store %s", len(config.feeds),
             len(config.watchlists), service.store.path)
    try:
        if apprise:
            apprise.start()  # before Telegram's start, which dispatches what is pending
        if telegram:
            await telegram.start()
        if once:
            reports = await asyncio.gather(*(poll_feed(service, fetcher, f, utcnow, config,
                                                       metrics=metrics) for f in config.feeds))
            # one line for whoever reads a cron mail
            log.info("polled %d feeds: %d ok, %d failed, %d skipped (backing off or disabled);"
                     " %d new items, %d alerts", len(reports),
                     sum(r.ok and not r.skipped for r in reports),
                     sum(not r.ok for r in reports), sum(r.skipped for r in reports),
                     sum(r.new for r in reports), sum(r.alerts for r in reports))
            deliver()
            await asyncio.gather(*(s.drain(timeout=60) for s in (telegram, apprise) if s))
            # `--once` from cron never sees the daily job: prune here instead.
            await housekeeping(service.store, config)
            return
        if config.metrics.port:
            metrics.serve(config.metrics.port)
        await _serve(config, service, fetcher, deliver, metrics, stop or asyncio.Event(),
                     telegram)
    finally:
        if telegram:
            await telegram.stop()
        if apprise:
            await apprise.stop()
        await fetcher.aclose()
        metrics.close()
        service.close()
        log.info("vigia stopped")


async def _serve(config: Config, service: Service, fetcher: Fetcher,
                 deliver: Callable[[], object], metrics: Metrics, stop: asyncio.Event,
                 telegram=None) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Not possible off the main thread (tests) or off Unix; the `stop` event still works.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    deliver()  # alerts queued before a crash or a stop go out first
    in_flight: set[asyncio.Task] = set()

    async def poll(feed: FeedConfig) -> None:
        if stop.is_set():
            return
        task = asyncio.current_task()
        in_flight.add(task)
        try:
            await poll_feed(service, fetcher, feed, utcnow, config, metrics=metrics,
                            notify=telegram.notify_admins if telegram else None,
                            grew=telegram.story_grew if telegram else None)
            deliver()
        finally:
            in_flight.discard(task)

    scheduler = AsyncIOScheduler(timezone=UTC)
    start = utcnow()
    for i, feed in enumerate(config.feeds):
        interval = feed.interval.total_seconds()
        scheduler.add_job(
            poll, "interval", args=[feed], id=feed.url, seconds=interval,
            # Up to 10 % of the interval of random delay per run, so that feeds sharing an
            # interval drift apart instead of firing in the same second forever.
            jitter=max(1, int(interval * 0.1)), max_instances=1, coalesce=True,
            misfire_grace_time=int(interval),
            # First polls spread over up to 30 s: a thousand feeds do not start at once.
            next_run_time=start + timedelta(seconds=min(30.0, i * 0.03)))

    # Daily, first a minute after start (after the first polls): a daemon that is restarted
    # every day still prunes.
    scheduler.add_job(housekeeping, "interval", args=[service.store, config],
                      id="vigia-retention", hours=24,
                      max_instances=1, coalesce=True, misfire_grace_time=3600,
                      next_run_time=start + timedelta(minutes=1))
    scheduler.start()
    try:
        await stop.wait()
        log.info("stopping: no new polls; waiting up to 5 s for %d in flight", len(in_flight))
    finally:
        scheduler.shutdown(wait=False)
        if in_flight:
            _, pending = await asyncio.wait(list(in_flight), timeout=5)
            for task in pending:
                task.cancel()
        deliver()
