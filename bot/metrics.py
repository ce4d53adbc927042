"""Operational figures: Prometheus metrics and a health check, served on 127.0.0.1 only.

prometheus-client does the exposition format and histograms (it is the reference
implementation); the tiny HTTP server is ours so that it runs on the daemon's loop, with no
thread touching the store.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from .store.outbox import APPRISE, TELEGRAM

if TYPE_CHECKING:
    from .model import Decision
    from .store import Store

log = logging.getLogger(__name__)


class Metrics:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.registry = CollectorRegistry()
        r = self.registry
        self.items = Counter("vigia_items", "Items decided (new or edited)", registry=r)
        self.stories = Counter("vigia_stories", "Stories opened", registry=r)
        self.alerts = Counter("vigia_alerts", "Alerts queued", ["kind"], registry=r)
        self.fetches = Counter("vigia_fetches", "Feed polls", ["result"], registry=r)
        self.fetch_seconds = Histogram("vigia_fetch_seconds", "Time to fetch and parse a feed",
                                       registry=r, buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60))
        self.queue = Gauge("vigia_queue_length", "Alerts waiting to be dispatched", registry=r)
        # what an operator alerts on: messages piling up (a sink down) or failing for good
        self.deliveries = Gauge("vigia_deliveries", "Messages per sink and state",
                                ["sink", "state"], registry=r)
        self.started = time.time()
        self.last_poll: float | None = None
        self._server: asyncio.base_events.Server | None = None

    def fetched(self, url: str, seconds: float, *, ok: bool) -> None:
        self.fetches.labels("ok" if ok else "error").inc()
        self.fetch_seconds.observe(seconds)
        self.last_poll = time.time()

    def decided(self, decision: Decision) -> None:
        self.items.inc()
        if decision.story_is_new:
            self.stories.inc()
        for alert in decision.alerts:
            self.alerts.labels(alert.kind).inc()

    def health(self) -> dict:
        counts = self.store.counts()
        self.queue.set(counts["alerts_pending"])
        by_sink = {sink: self.store.outbox.deliveries(sink).counts()
                   for sink in (TELEGRAM, APPRISE)}
        for sink, by_state in by_sink.items():
            for state, n in by_state.items():
                self.deliveries.labels(sink, state).set(n)
        failing = [f.url for f in self.store.feeds.all() if f.errors or f.disabled]
        return {"ok": True, "uptime_s": round(time.time() - self.started),
                "last_poll": self.last_poll, "items": counts["items"],
                "stories": counts["stories"], "alerts_pending": counts["alerts_pending"],
                "messages_queued": by_sink[TELEGRAM]["queued"],
                "failing_feeds": len(failing)}

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """Start serving /healthz and /metrics on the running loop."""
        async def start() -> None:
            try:
                self._server = await asyncio.start_server(self._handle, host, port)
            except OSError as exc:
                # Alerts matter more than their metrics: the daemon runs on, and says so.
                log.error("metrics: cannot listen on %s:%d (%s); /healthz and /metrics are off."
                          " Choose a free metrics.port.", host, port, exc.strerror or exc)
                return
            log.info("metrics on http://%s:%d/metrics", host, port)

        asyncio.get_running_loop().create_task(start())

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            path = request.split(b" ")[1].decode("ascii", "replace") if b" " in request else ""
            if path.startswith("/healthz"):
                body, kind, status = (json.dumps(self.health()).encode(), "application/json",
                                      "200 OK")
            elif path.startswith("/metrics"):
                self.health()  # refreshes the queue gauge
                body, kind, status = (generate_latest(self.registry),
                                      "text/plain; version=0.0.4", "200 OK")
            else:
                body, kind, status = b"not found\n", "text/plain", "404 Not Found"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: "
                         f"{len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (TimeoutError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
