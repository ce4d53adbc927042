"""The composition root: wires config, store, pipeline, fetcher, scheduler and sinks.

Everything runs on one asyncio loop. Feed polls are scheduled by APScheduler's
AsyncIOScheduler (the same scheduler PTB's JobQueue uses, so the bot can join this loop),
and never depend on a bot being there. `Service.ingest` is synchronous, so two polls
finishing together can never interleave inside the store or the pipeline; feed parsing,
the one CPU-heavy step, runs in a worker thread so the loop is not stalled by a big feed,
and ingesting its entries yields the loop every INGEST_SLICE (each item is still one whole
`ingest`; two feeds' items may interleave, never two halves of one item).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from .config import Config, FeedConfig
from .errors import ConfigError, FeedError
from .fetch import Fetcher, FetchLimits, FetchResult, check_feed_body
from .metrics import Metrics
from .model import Alert, Story
from .parse import ParsedFeed, parse_feed
from .service import ConsoleSink, Service, tune_gc
from .store import PRUNED_TABLES, FeedState, Store, lock_path

log = logging.getLogger(__name__)

Notify = Callable[[str], Awaitable[None] | None]


@dataclass(frozen=True)
class PollReport:
    feed: str
    ok: bool
    not_modified: bool = False
    skipped: bool = False
    entries: int = 0
    new: int = 0  # entries not seen before
    edited: int = 0  # known entries whose text changed
    alerts: int = 0
    error: str | None = None
    title: str | None = None


def make_fetcher(config: Config) -> Fetcher:
    limits = FetchLimits(timeout=config.fetch.timeout.total_seconds(),
                         max_bytes=config.fetch.max_bytes)
    return Fetcher(limits, allow_private=config.fetch.allow_private_addresses)


# A server's requested pause after a good fetch (Cache-Control max-age, Retry-After on a 200 or
# 304) is honoured for at most this many of the feed's intervals. max-age describes the
# server's cache, not the news: CDNs send a year as a default. The user's interval is the
# delay they chose to accept, so three of them lets a busy server skip two of our polls while
# news is never more than three times as late as asked. (429/503 keep their longer cap in
# `after_failure`: there the server is refusing, not caching.)
PAUSE_INTERVALS = 3

# Up to this long between successful fetches counts as a feed's ordinary rhythm, whose news
# is still told: see `backlog`. Twice the longest regular gap (the interval, or
# `fetch.max_backoff` while a feed is failing), so jitter or one missed poll is not downtime.
CATCH_UP_GAPS = 2

# How often the daemon touches its lock file, and how old that may get before `vigia health`
# calls it stuck: three beats, so one slow poll (a big feed parsed, a pruning step) is not a
# failure, while a loop held for minutes is.
HEARTBEAT = timedelta(seconds=30)
STUCK_AFTER = 3 * HEARTBEAT


def health(config: Config, now: float | None = None) -> tuple[bool, str]:
    """Whether a daemon runs on this config's store and its loop turns: its lock file is
    there, names a live process, and was touched within STUCK_AFTER. For a container's
    HEALTHCHECK or a monitoring probe; needs no port and no network."""
    path = lock_path(config.storage.path)
    try:
        text, touched = path.read_text(encoding="utf-8"), path.stat().st_mtime
    except OSError:
        return False, f"not running (no {path})"
    pid = int(text.split()[-1]) if text.split() and text.split()[-1].isdigit() else 0
    try:
        if pid:
            os.kill(pid, 0)
    except ProcessLookupError:
        return False, f"not running (pid {pid} in {path} is gone)"
    except PermissionError:
        pass  # alive, as another user
    age = (time.time() if now is None else now) - touched
    if age > STUCK_AFTER.total_seconds():
        return False, f"stuck: pid {pid} has not beaten for {age:.0f} s"
    return True, f"ok: pid {pid}, last heartbeat {age:.0f} s ago"


# Ingest yields the event loop after this much work, so Telegram, deliveries and the other
# polls are never held up for long by a big feed.
INGEST_SLICE = 0.05  # seconds


def server_pause(seconds: float | None, feed: FeedConfig, config: Config) -> timedelta | None:
    """How long to leave a feed alone because its server asked to, within PAUSE_INTERVALS
    of the feed's interval (and never beyond `fetch.max_backoff`)."""
    if not seconds:
        return None
    return min(timedelta(seconds=seconds), feed.interval * PAUSE_INTERVALS,
               config.fetch.max_backoff)


@dataclass(frozen=True)
class Backlog:
    """Which entries of one poll are recorded as seen without alerting (see `backlog`)."""

    cutoff: datetime  # entries published before it are old news...
    # ...every one of them, and the undated ones too, on a fresh start (first contact, a feed
    # re-enabled, days of downtime); otherwise only entries new to the store, because an edit
    # of a known entry (its toll raised) is news however old the article is.
    fresh_start: bool


def backlog(state: FeedState, feed: FeedConfig, config: Config, now: datetime) -> Backlog:
    """The rule that keeps old news from flooding subscribers (README, "Running it on a
    server"); `first_fetch_max_age` is the slack everywhere, for entries that show up late.

    - First contact, or a feed an admin re-enabled: only entries newer than
      `fetch.first_fetch_max_age` are news; undated ones are its backlog.
    - After a gap up to CATCH_UP_GAPS times the feed's regular rhythm (every poll, a short
      outage, a restart): what was published since the last good fetch is told, so an
      outage's news still reaches subscribers; a new entry dated well before that fetch was
      not news then and is not now (a feed that re-numbers or widens its list).
    - After a longer gap (the daemon was down for days): catching up stops at that horizon;
      older entries are stale, and undated ones could be from any day of the gap.
    """
    max_age = config.fetch.first_fetch_max_age
    # `vigia feeds enable` clears the error count but keeps the last error: the only trace
    # of a feed brought back by hand. Its last good fetch may be weeks old, so it starts
    # over like a new feed. (A feed that merely recovers clears last_error itself.)
    reenabled = state.errors == 0 and state.last_error is not None
    if state.last_ok is None or reenabled:
        return Backlog(now - max_age, fresh_start=True)
    horizon = now - CATCH_UP_GAPS * max(feed.interval, config.fetch.max_backoff)
    if state.last_ok < horizon:
        return Backlog(horizon - max_age, fresh_start=True)
    return Backlog(state.last_ok - max_age, fresh_start=False)


class AlertCap:
    """At most `limit` new stories told one by one per watchlist from one poll of one feed;
    the stories past it are saved as told and summed up in one alert per watchlist
    (`summaries`). A feed that dumps 500 fresh entries at once (a CMS migration, a wire
    re-sent) would otherwise send 500 messages to every subscriber. Updates (a figure that
    rose) always go through: each is news about a story its readers know."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.told: dict[str, int] = {}
        self.held: dict[str, list[Alert]] = {}

    def admit(self, alerts: list[Alert]) -> list[Alert]:
        out = []
        for a in alerts:
            if a.kind == "new_story":
                if self.told.get(a.watchlist, 0) >= self.limit:
                    self.held.setdefault(a.watchlist, []).append(a)
                    continue
                self.told[a.watchlist] = self.told.get(a.watchlist, 0) + 1
            out.append(a)
        return out

    def summaries(self, outlet: str, at: datetime) -> list[Alert]:
        """One alert per watchlist whose new stories went past the cap."""
        out = []
        for watchlist, held in self.held.items():
            n = len(held)
            titles = [f"• {a.title}" for a in held[:SUMMARY_TITLES]]
            more = [f"… and {n - SUMMARY_TITLES} more"] if n > SUMMARY_TITLES else []
            text = "\n".join([f"{count(n, 'more new story', 'more new stories')} from {outlet}"
                              f" ({watchlist}) in one poll, too many to send one by one: "
                              "/latest lists them.", *titles, *more])
            key = hashlib.sha1(f"{watchlist} {at.isoformat()} {held[0].story}".encode())
            out.append(Alert(
                at=at, kind="summary", watchlist=watchlist, story="summary:" + key.hexdigest()[:16],
                items=tuple(i for a in held for i in a.items), changes=(), text=text,
                title=f"{count(n, 'more new story', 'more new stories')} from {outlet}",
                # (title, link) of each story told here, where an alert has (outlet, link)
                links=tuple((a.title, a.links[-1][1] if a.links else "") for a in held)))
        return out


# The titles a poll's summary lists in its text (the console, Apprise); Telegram links them all
# that fit, and /latest lists the latest stories.
SUMMARY_TITLES = 10


# (feed, reason) of the bad entries already logged at WARNING: a feed keeps a bad entry for
# days, and one line per poll would bury the log. Bounded; cleared when full.
_reported_entries: set[tuple[str, str]] = set()


def _report_skipped(url: str, reasons: tuple[str, ...]) -> None:
    for reason in reasons:
        key = (url, reason)
        if key in _reported_entries:
            log.debug("feed %s: entry skipped again: %s", url, reason)
            continue
        if len(_reported_entries) >= 10_000:
            _reported_entries.clear()
        _reported_entries.add(key)
        log.warning("feed %s: entry skipped: %s", url, reason)


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
    With `service` None (vigia check --fetch) it only fetches and parses, and leaves the
    reporting to its caller."""
    store = service.store if service else None
    state = store.feeds.get(feed.url) if store else FeedState(url=feed.url)
    if store and (state.disabled or (state.next_fetch and state.next_fetch > now())):
        return PollReport(feed.url, ok=True, skipped=True)
    started = time.monotonic()
    try:
        result, parsed = await _fetch(fetcher, feed, state, now)
    except FeedError as exc:
        if metrics:
            metrics.fetched(feed.url, time.monotonic() - started, ok=False)
        if store:
            await _failed(store, state, feed, config, now(), exc, notify)
        return PollReport(feed.url, ok=False, error=exc.detail)
    if metrics:
        metrics.fetched(feed.url, time.monotonic() - started, ok=True)
    t = now()
    pause = server_pause(result.retry_after, feed, config)
    polled = replace(state, last_fetch=t, last_ok=t, errors=0, last_error=None,
                     next_fetch=t + pause if pause else None)
    if result.not_modified:
        if store:
            store.feeds.save(polled)
        return PollReport(feed.url, ok=True, not_modified=True)
    _report_skipped(feed.url, parsed.skipped)
    if service is None:
        return PollReport(feed.url, ok=True, entries=len(parsed.items), title=parsed.title)
    # A feed's backlog is recorded as seen but not alerted: adding a feed, re-enabling it or
    # restarting after days down must not flood subscribers with old news.
    cap = AlertCap(config.alerts.max_per_poll)
    new, edited, alerts = await _ingest(service, parsed, backlog(state, feed, config, t), t,
                                        metrics, grew, cap)
    for summary in cap.summaries(feed.name or parsed.title, t):
        service.store.outbox.add(summary)
        alerts += 1
        log.info("feed %s: %d new stories for %s past alerts.max_per_poll, told in one message",
                 feed.url, len(cap.held[summary.watchlist]), summary.watchlist)
    service.store.feeds.save(replace(
        polled, title=parsed.title, etag=result.etag, last_modified=result.last_modified,
        items_seen=state.items_seen + new))
    if parsed.warning:
        log.info("feed %s read despite: %s", feed.url, parsed.warning)
    if new or edited:
        log.info("feed %s: %s, %s, %s", feed.url, count(new, "new item"),
                 count(edited, "edited item"), count(alerts, "alert"))
    return PollReport(feed.url, ok=True, entries=len(parsed.items), new=new, edited=edited,
                      alerts=alerts, title=parsed.title)


async def _fetch(fetcher: Fetcher, feed: FeedConfig, state: FeedState,
                 now: Callable[[], datetime]) -> tuple[FetchResult, ParsedFeed | None]:
    """The feed's response and, unless it was not modified, its entries; FeedError for
    anything that went wrong, a bug of ours included."""
    try:
        result = await fetcher.fetch(feed.url, etag=state.etag,
                                     last_modified=state.last_modified)
        if result.not_modified:
            return result, None
        check_feed_body(feed.url, result.body, result.content_type)
        parsed = await asyncio.to_thread(parse_feed, result.body, feed.url, name=feed.name,
                                         language=feed.language, fetched_at=now())
        return result, parsed
    except FeedError:
        raise
    except Exception as exc:
        # A bug, or input nobody foresaw. Recorded on the feed like any failure (backed off,
        # shown by `vigia feeds`, disabled in the end, the admins told) rather than escaping
        # to the scheduler's log while the feed silently stops.
        log.exception("feed %s: unexpected error", feed.url)
        raise FeedError(feed.url, f"could not be read ({type(exc).__name__}: "
                                  f"{str(exc)[:200]})") from None


async def _failed(store: Store, state: FeedState, feed: FeedConfig, config: Config,
                  now: datetime, exc: FeedError, notify: Notify | None) -> None:
    """Record a failed poll on the feed; tell the admins when it gets the feed disabled."""
    log.warning("feed %s: %s", feed.url, exc.detail)
    failed = after_failure(state, feed, config, now, exc.detail, exc.retry_after)
    store.feeds.save(failed)
    if failed.disabled and not state.disabled:
        message = (f"Feed disabled after {failed.errors} failures in a row: {feed.url}"
                   f" — last error: {exc.detail}. Re-enable with "
                   f"`vigia feeds enable {feed.url}`.")
        log.error(message)
        if notify:
            maybe = notify(message)
            if maybe is not None:
                await maybe


async def _ingest(service: Service, parsed: ParsedFeed, rule: Backlog, t: datetime,
                  metrics: Metrics | None, grew: Callable[[Story], object] | None,
                  cap: AlertCap) -> tuple[int, int, int]:
    """Every entry through `Service.ingest`, oldest first, yielding the loop now and then.
    Returns how many entries were new, how many were edits of known ones, and the alerts."""
    new = edited = alerts = 0
    slice_started = time.monotonic()
    for item in sorted(parsed.items, key=lambda i: i.published):
        if time.monotonic() - slice_started > INGEST_SLICE:
            await asyncio.sleep(0)  # let the loop breathe: a big feed takes seconds
            slice_started = time.monotonic()
        if rule.fresh_start:
            quiet = item.published < rule.cutoff or item.id in parsed.undated
        else:
            quiet = item.published < rule.cutoff and service.store.items.state(item) is None
        decision = service.ingest(item, t, quiet=quiet, admit=cap.admit)
        if decision is None:
            continue
        if grew and not decision.story_is_new and not decision.edited:
            grew(decision.story)  # more outlets: edit the story's first messages
        if decision.edited:
            edited += 1
        else:
            new += 1
        alerts += len(decision.alerts)
        if metrics:
            metrics.decided(decision)
    return new, edited, alerts


def summary(reports: Sequence[PollReport]) -> str:
    """What one round of polls gave, in a line."""
    return (f"polled {count(len(reports), 'feed')}: {sum(r.ok and not r.skipped for r in reports)}"
            f" ok, {sum(not r.ok for r in reports)} failed, {sum(r.skipped for r in reports)} "
            f"skipped (backing off or disabled); {count(sum(r.new for r in reports), 'new item')}"
            f", {count(sum(r.edited for r in reports), 'edited item')}, "
            f"{count(sum(r.alerts for r in reports), 'alert')}")


def all_failed(reports: Sequence[PollReport]) -> bool:
    """Every feed polled failed (none skipped or answering): the exit code cron mails on."""
    polled = [r for r in reports if not r.skipped]
    return bool(polled) and not any(r.ok for r in polled)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 feed', '2 feeds', '0 new items': the numbers a person reads in logs and output."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def utcnow() -> datetime:
    return datetime.now(UTC)


async def prune_store(store: Store, config: Config, now: datetime) -> dict[str, int]:
    """Retention: drop alerts and delivery records older than `storage.retention`. Stories
    count as open for as long as the pipeline keeps them (`grouping.memory`: twice the
    window, or the rare events' window; see `Pipeline._evict`), so their threads survive.
    One short transaction per step, with the loop free in between: polls and the sender are
    never held up for long."""
    total = dict.fromkeys(PRUNED_TABLES, 0)
    for so_far in store.outbox.prune_steps(now - config.storage.retention,
                                    now - config.grouping.memory):
        total = so_far
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
              stop: asyncio.Event | None = None,
              reload: Callable[[], Config] | None = None,
              clock: Callable[[], datetime] = utcnow) -> list[PollReport]:
    """The daemon: poll every feed at its interval until SIGTERM/SIGINT (or `stop` is set);
    with `once`, poll each feed one time and return what each poll gave. `reload` reads the
    config again: on SIGHUP the daemon takes the new one (see reload.py). `clock` is the time
    decisions are taken at (items seen, alerts decided, digests and quiet hours); the polls'
    rhythm and retention keep the real one."""
    tune_gc()
    service = Service.open(config, now=clock(), lock=True)
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

        telegram = TelegramSink.from_config(config, service.store, now=clock)
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
    log.info("vigia started: %s, %s, config %s, store %s", count(len(config.feeds), "feed"),
             count(len(config.watchlists), "watchlist"), config.source, service.store.path)
    try:
        if apprise:
            apprise.start()  # before Telegram's start, which dispatches what is pending
        if telegram:
            await telegram.start()
        if once:
            return await _once(config, service, fetcher, metrics, deliver,
                               [s for s in (telegram, apprise) if s], clock)
        if config.metrics.port:
            metrics.serve(config.metrics.port)
        await _serve(_Live(config, reload), service, fetcher, deliver, metrics,
                     stop or asyncio.Event(), telegram, clock)
        return []
    finally:
        if telegram:
            await telegram.stop()
        if apprise:
            await apprise.stop()
        await fetcher.aclose()
        metrics.close()
        service.close()
        log.info("vigia stopped")


async def _once(config: Config, service: Service, fetcher: Fetcher, metrics: Metrics,
                deliver: Callable[[], object], sinks: list,
                clock: Callable[[], datetime] = utcnow) -> list[PollReport]:
    """`vigia run --once`: each feed polled one time, what it gave delivered."""
    reports = await asyncio.gather(*(poll_feed(service, fetcher, f, clock, config,
                                               metrics=metrics) for f in config.feeds))
    log.info("%s", summary(reports))  # one line for whoever reads a cron mail
    deliver()
    await asyncio.gather(*(s.drain(timeout=60) for s in sinks))
    # `--once` from cron never sees the daily job: prune here instead.
    await housekeeping(service.store, config)
    return list(reports)


@dataclass
class _Live:
    """What the running daemon's jobs read at each run: the config a SIGHUP may replace."""

    config: Config
    load: Callable[[], Config] | None = None  # reads the config file again


async def _serve(live: _Live, service: Service, fetcher: Fetcher,
                 deliver: Callable[[], object], metrics: Metrics, stop: asyncio.Event,
                 telegram=None, clock: Callable[[], datetime] = utcnow) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    loop = asyncio.get_running_loop()
    scheduler = AsyncIOScheduler(timezone=UTC)
    in_flight: set[asyncio.Task] = set()

    async def poll(feed: FeedConfig) -> None:
        if stop.is_set():
            return
        task = asyncio.current_task()
        in_flight.add(task)
        try:
            await poll_feed(service, fetcher, feed, clock, live.config, metrics=metrics,
                            notify=telegram.notify_admins if telegram else None,
                            grew=telegram.story_grew if telegram else None)
            deliver()
        except asyncio.CancelledError:
            if not stop.is_set():
                raise
            # cut short at a stop after its 5 s: what it fetched is fetched again next time
            log.info("poll of %s stopped before it ended", feed.url)
        finally:
            in_flight.discard(task)

    handlers = {signal.SIGTERM: stop.set, signal.SIGINT: stop.set}
    if live.load is not None:
        handlers[signal.SIGHUP] = lambda: reload_config(live, scheduler, service, poll,
                                                        telegram)
    for sig, handler in handlers.items():
        # Not possible off the main thread (tests) or off Unix; the `stop` event still works.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, handler)
    deliver()  # alerts queued before a crash or a stop go out first
    _schedule(scheduler, live, service, poll, utcnow())
    scheduler.start()
    try:
        await stop.wait()
        log.info("stopping: no new polls; waiting up to 5 s for %d in flight", len(in_flight))
    finally:
        # No new runs, then the polls in flight get their 5 s: the scheduler's shutdown
        # cancels the coroutines it runs, which would cut them short and log a traceback.
        scheduler.pause()
        if in_flight:
            _, pending = await asyncio.wait(list(in_flight), timeout=5)
            for task in pending:
                task.cancel()
        scheduler.shutdown(wait=False)
        deliver()


def reload_config(live: _Live, scheduler, service: Service,
                  poll: Callable[[FeedConfig], Awaitable[None]], telegram=None) -> bool:
    """SIGHUP: read the config again and take it without a restart (new feeds polled,
    removed ones stopped, watchlists changed) or, when it is bad, say so in one line and
    keep running the old one. Returns whether the new config was taken."""
    from .reload import describe, plan

    try:
        new = live.load()
    except ConfigError as exc:
        more = f" (and {len(exc.more)} more mistakes)" if exc.more else ""
        log.error("config reload failed, still running the previous config: %s%s", exc, more)
        return False
    except Exception as exc:  # a config that cannot even be read must not end the daemon
        log.error("config reload failed, still running the previous config: %s: %s",
                  type(exc).__name__, exc)
        return False
    change = plan(live.config, new)
    now = utcnow()
    for feed in (*change.removed, *change.changed):
        with contextlib.suppress(LookupError):  # APScheduler's JobLookupError is one
            scheduler.remove_job(feed.url)
    for i, feed in enumerate((*change.changed, *change.added)):
        _schedule_feed(scheduler, feed, poll, now, i)
    if change.pipeline:
        # as a restart would: the store's window, so an item already seen stays seen
        try:
            service.reconfigure(change.config, now)
        except Exception as exc:  # the store failed: `ingest` rebuilds before the next item
            log.error("config reload: rebuilding the pipeline failed (%s); it is retried "
                      "at the next item", exc)
    else:
        service.config = change.config
    if telegram:
        telegram.reconfigure(change.config)
    live.config = change.config
    log.info("%s", describe(change))
    return True


def _schedule_feed(scheduler, feed: FeedConfig, poll: Callable[[FeedConfig], Awaitable[None]],
                   start: datetime, i: int) -> None:
    interval = feed.interval.total_seconds()
    scheduler.add_job(
        poll, "interval", args=[feed], id=feed.url, seconds=interval,
        # Up to 10 % of the interval of random delay per run, so that feeds sharing an
        # interval drift apart instead of firing in the same second forever.
        jitter=max(1, int(interval * 0.1)), max_instances=1, coalesce=True,
        misfire_grace_time=int(interval),
        # First polls spread over up to 30 s: a thousand feeds do not start at once.
        next_run_time=start + timedelta(seconds=min(30.0, i * 0.03)))


def _schedule(scheduler, live: _Live, service: Service,
              poll: Callable[[FeedConfig], Awaitable[None]], start: datetime) -> None:
    """The daemon's jobs: every feed's polls, the daily retention, the heartbeat."""
    for i, feed in enumerate(live.config.feeds):
        _schedule_feed(scheduler, feed, poll, start, i)

    async def daily() -> None:  # the config of the day, after any reload
        await housekeeping(service.store, live.config)

    # Daily, first a minute after start (after the first polls): a daemon that is restarted
    # every day still prunes.
    scheduler.add_job(daily, "interval", id="vigia-retention", hours=24,
                      max_instances=1, coalesce=True, misfire_grace_time=3600,
                      next_run_time=start + timedelta(minutes=1))

    # A coroutine, so it runs on the loop (APScheduler runs plain functions in a thread):
    # a heartbeat then shows that the loop turns, not only that the process exists.
    async def heartbeat() -> None:
        service.store.heartbeat()

    scheduler.add_job(heartbeat, "interval", id="vigia-heartbeat",
                      seconds=HEARTBEAT.total_seconds(), max_instances=1, coalesce=True,
                      next_run_time=start)
