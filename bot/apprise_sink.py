"""`AppriseSink`: alerts to Slack, Discord, Matrix, e-mail... through Apprise, from the outbox.

    sink = AppriseSink.from_config(config, store)   # None when the config has no `apprise`
    sink.start()        # queue what is pending, start one sender task per destination
    sink.dispatch()     # after each poll, *before* the primary sink marks alerts dispatched
    await sink.stop()

How it shares the outbox (store/outbox.py) with the primary sink (Telegram or the console):
an alert is pending while `alerts.dispatched = 0`, and the primary sink sets that flag.
`dispatch()` runs first, on the same alerts, and queues each pending alert for every
destination that takes its watchlist, a row per (alert, destination) — so running it twice,
after a crash between the two steps, queues nothing twice. Each alert is therefore queued
here exactly once, and the daemon needs no second flag. (Alerts already dispatched when
Apprise is added to the config are not sent: adding a destination does not replay history.)

Each destination has its own task and its own ordered queue in the outbox; a row is marked
sent only after Apprise reported success. A failure is retried as the outbox's `Backoff`
says, the same policy as Telegram's (the time stored, so a restart keeps the schedule), and
marked failed, with the error, after the last try. A request cut off by a crash may be sent
twice (at-least-once).

The URLs carry secrets: they are never logged nor stored. A destination is named in logs
as `apprise[i] (Service)` and in the store by a hash of its URL. Apprise itself logs URLs
(an unparseable one in full, at ERROR; the request URL at DEBUG), so its logger is held
at WARNING and silenced while URLs are loaded; urllib3's DEBUG lines (request paths) too.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .config import Config
from .errors import ConfigError
from .store import APPRISE, Backoff, Store

log = logging.getLogger(__name__)

MAX_ERROR = 500

# Re-read a destination's queue this often even when nobody wakes its task (seconds).
IDLE_RECHECK = 30.0


@dataclass
class Destination:
    index: int
    key: str  # a hash of the URL: the store's name for it
    label: str  # what logs say: apprise[0] (Slack)
    watchlists: tuple[str, ...]
    notifier: Any  # an apprise.Apprise holding this one URL
    secrets: tuple[str, ...] = field(repr=False, default=())
    wake: asyncio.Event | None = None
    task: asyncio.Task | None = None


def destination_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def _secrets(url: str) -> tuple[str, ...]:
    """The parts of a URL that may be secret (everything but the scheme), longest first, for
    scrubbing them from error texts that a service or a library may echo."""
    rest = url.split("://", 1)[-1]
    parts = {p for p in re.split(r"[/:@?&=#,]+", rest) if len(p) >= 4}
    with contextlib.suppress(ValueError):
        host = urlsplit(url).hostname or ""
        if "." in host:  # a server's name (smtp.example.org), not a token: errors may say it
            parts.discard(host)
    return tuple(sorted(parts | {url, rest}, key=len, reverse=True))


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for s in secrets:
        text = text.replace(s, "<secret>")
    return text


class _Scrub(logging.Filter):
    """On Apprise's logger: scrub our URLs' secrets from whatever a plugin logs (belt and
    braces: Apprise's own lines use privacy-masked URLs at WARNING and above)."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave the record as it is
            return True
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


@contextlib.contextmanager
def _quiet_apprise() -> Iterator[None]:
    """Apprise logs an unparseable URL in full: hush it while URLs are loaded."""
    logger = logging.getLogger("apprise")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def _import_apprise() -> Any:
    try:
        import apprise
    except ImportError:
        raise ConfigError("Apprise destinations are configured but the apprise library is not "
                          "installed: pip install 'vigia[apprise]' (or remove the section)",
                          key="apprise") from None
    return apprise


class AppriseSink:
    def __init__(self, config: Config, store: Store, *, backoff: Backoff | None = None,
                 idle_recheck: float = IDLE_RECHECK,
                 clock: Callable[[], float] = time.time) -> None:
        apprise = _import_apprise()
        for name in ("apprise", "urllib3"):
            logger = logging.getLogger(name)
            if logger.getEffectiveLevel() < logging.WARNING:
                logger.setLevel(logging.WARNING)
        self._apprise = apprise
        self.store = store
        self.queue = store.outbox.deliveries(APPRISE)
        # 5 s, doubling up to 10 minutes: ~1 hour of tries, then the row is marked failed.
        self.backoff = backoff or Backoff(base=5.0, max=600.0, max_attempts=12)
        self.idle_recheck = idle_recheck
        self.clock = clock  # wall-clock seconds, the outbox's clock
        self.destinations: list[Destination] = []
        for i, dest in enumerate(config.apprise):
            notifier = apprise.Apprise()
            with _quiet_apprise():
                ok = notifier.add(dest.url)
            if not ok:
                raise ConfigError("Apprise cannot use this URL (unknown service, or a part "
                                  "missing); see https://github.com/caronc/apprise/wiki",
                                  file=config.source, key=f"apprise[{i}].url")
            service = getattr(notifier[0], "service_name", None) or dest.url.split(":", 1)[0]
            self.destinations.append(Destination(
                index=i, key=destination_key(dest.url), label=f"apprise[{i}] ({service})",
                watchlists=dest.watchlists, notifier=notifier, secrets=_secrets(dest.url)))
        self._stopping = False
        self._sending = 0
        self._scrub = _Scrub(tuple(sorted({s for d in self.destinations for s in d.secrets},
                                          key=len, reverse=True)))

    @classmethod
    def from_config(cls, config: Config, store: Store, **kwargs: Any) -> AppriseSink | None:
        return cls(config, store, **kwargs) if config.apprise else None

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Queue the pending alerts (call this before the primary sink starts: it may mark
        them dispatched) and start sending, what was queued before a crash first."""
        keep = [d.key for d in self.destinations]
        dropped = self.queue.fail_others(keep, "destination no longer in the config")
        if dropped:
            log.warning("apprise: %d queued messages were for destinations no longer in the "
                        "config; marked failed", dropped)
        self.dispatch()
        self._stopping = False
        logging.getLogger("apprise").addFilter(self._scrub)
        for dest in self.destinations:
            if dest.task is None or dest.task.done():
                dest.wake = asyncio.Event()
                dest.task = asyncio.create_task(self._run(dest), name=f"vigia-{dest.label}")
        log.info("apprise: %d destinations: %s", len(self.destinations),
                 ", ".join(d.label for d in self.destinations))

    async def stop(self) -> None:
        """Start nothing new; let requests in flight finish and record their answers."""
        self._stopping = True
        tasks = []
        for dest in self.destinations:
            if dest.wake is not None:
                dest.wake.set()
            if dest.task is not None:
                tasks.append(dest.task)
                dest.task = None
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        logging.getLogger("apprise").removeFilter(self._scrub)

    # -- what the daemon calls -----------------------------------------------------------------

    def dispatch(self) -> int:
        """Queue every pending alert for each destination that takes its watchlist, and
        wake the senders. Must run before the primary sink marks the alerts dispatched."""
        queued, after = 0, 0
        while batch := self.store.outbox.pending(after=after):
            for pending in batch:
                watchlist = pending.alert.watchlist
                takers = [d.key for d in self.destinations
                          if not d.watchlists or watchlist in d.watchlists]
                queued += len(self.queue.queue(pending.id, takers))
            after = batch[-1].id
        if queued:
            for dest in self.destinations:
                if dest.wake is not None:
                    dest.wake.set()
        return queued

    async def drain(self, timeout: float = 60.0) -> bool:
        """Wait until nothing is queued nor in flight (`vigia run --once`); False when some
        rows are still waiting after `timeout` (a retry later than that)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.queue.queued_count() or self._sending:
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    # -- one destination's sender ---------------------------------------------------------------

    async def _run(self, dest: Destination) -> None:
        assert dest.wake is not None
        while not self._stopping:
            dest.wake.clear()
            try:
                delay = await self._step(dest)
            except Exception:  # a store error must not kill the sender: log, wait, try again
                log.exception("%s: cannot read or update the queue", dest.label)
                delay = self.idle_recheck
            if delay > 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(dest.wake.wait(), timeout=delay)

    async def _step(self, dest: Destination) -> float:
        """Send the destination's oldest queued alert if it is due; returns how long to wait
        before looking again (0: at once)."""
        heads = self.queue.heads(dest.key)
        if not heads:
            return self.idle_recheck
        head, now = heads[0], self.clock()
        if head.due > now:
            return min(head.due - now, self.idle_recheck)
        alert = self.store.outbox.alert(head.alert_id)
        if alert is None:  # cannot happen (foreign key); never loop on it
            self.queue.failed(head.alert_id, dest.key, "alert not found")
            return 0
        self._sending += 1
        try:
            ok, error = await asyncio.to_thread(self._notify, dest, alert.title, alert.text)
        finally:
            self._sending -= 1
        now = self.clock()
        if ok:
            self.queue.sent(head.alert_id, dest.key, now)
            log.info("%s: alert %d sent", dest.label, head.alert_id)
            return 0
        attempts = head.attempts + 1
        at = self.backoff.next_try(attempts, now)
        if at is None:
            self.queue.failed(head.alert_id, dest.key, error)
            log.error("%s: alert %d failed after %d attempts: %s", dest.label, head.alert_id,
                      attempts, error)
            return 0
        self.queue.retry(head.alert_id, dest.key, at, error)
        log.warning("%s: alert %d not sent (%s); retry %d in %.0f s", dest.label,
                    head.alert_id, error, attempts, at - now)
        return at - now

    def _notify(self, dest: Destination, title: str, body: str) -> tuple[bool, str]:
        """In a worker thread: one Apprise call. (ok, error text with secrets scrubbed)."""
        apprise = self._apprise
        try:
            result = dest.notifier.notify(body=body, title=title,
                                          body_format=apprise.NotifyFormat.TEXT)
        except Exception as exc:  # a plugin bug must not kill the sender
            return False, redact(f"{type(exc).__name__}: {exc}", dest.secrets)[:MAX_ERROR]
        if result:
            return True, ""
        # Apprise 2 returns a result holding the service's log lines; 1.x only False.
        lines: list[str] = []
        with contextlib.suppress(Exception):
            lines = [e.message for e in result.logs()]
        status = getattr(getattr(result, "status", None), "name", None)
        error = "; ".join(lines) or (f"Apprise: {status}" if status else "Apprise: failed")
        return False, redact(error, dest.secrets)[:MAX_ERROR]
