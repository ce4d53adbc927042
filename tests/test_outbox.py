"""One outbox for every sink (bot/store/outbox.py): Telegram and Apprise read the same queue
and retry as the same `Backoff` says; and a store left by the code before it (schema 5, a
delivery table per sink) is migrated with every row and carries on where it stopped.

The sinks are the real ones: Telegram against the Bot API stand-in (tests/fakebot.py),
Apprise posting to a real HTTP server, both on 127.0.0.1, over a real SQLite file.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ROOT
from fakebot import FakeBotAPI, bad_gateway, wait_for
from httpserver import LoopbackServer, Reply, serve

from bot.apprise_sink import AppriseSink, destination_key
from bot.config import Config, parse_config
from bot.model import Item
from bot.service import Service
from bot.store import (
    APPRISE,
    MIGRATIONS,
    TELEGRAM,
    Backoff,
    Delivery,
    SentMessage,
    Store,
)
from bot.telegram import Pacing, TelegramSink

TOKEN = "123456789:AAH-test-SECRET-token_0123456789abcdef"
CHANNEL = -1001234567890
HOOK = "/hook"
# Small enough for a test, and the same for both sinks.
BACKOFF = Backoff(base=0.05, max=0.2, max_attempts=5)
PACING = Pacing(private_interval=0.02, group_interval=0.05, global_rate=1000.0,
                backoff=BACKOFF, idle_recheck=0.5)


def make_config(api: FakeBotAPI, server: LoopbackServer, db: Path) -> Config:
    return parse_config(f"""
storage:
  path: {db}
telegram:
  base_url: {api.base_url}
  channels: [{{chat_id: {CHANNEL}, watchlists: [venezuela]}}]
apprise:
  - url: json://127.0.0.1:{server.port}{HOOK}
watchlists:
  - name: venezuela
    include: [venezuela, caribbean, boat]
  - name: sahel
    include: [mali, burkina]
""")


def hook(config: Config) -> str:
    return destination_key(config.apprise[0].url)


async def both_sinks(config: Config, store: Store, done, linger: float = 0.0) -> None:
    """Apprise, then Telegram, started as the daemon starts them; stopped `linger` seconds
    after `done()`."""
    apprise = AppriseSink(config, store, backoff=BACKOFF, idle_recheck=0.5)
    apprise.start()
    telegram = TelegramSink(config, store, TOKEN, pacing=PACING, poll_timeout=5)
    try:
        await telegram.start()
        await wait_for(done, timeout=15, what="both sinks done")
        await asyncio.sleep(linger)
        assert await telegram.drain(timeout=5) and await apprise.drain(timeout=5)
    finally:
        await telegram.stop()
        await apprise.stop()


def settled(store: Store) -> bool:
    return all(store.outbox.deliveries(sink).counts()["queued"] == 0
               for sink in (TELEGRAM, APPRISE)) and store.outbox.pending_count() == 0


# -- one retry policy ----------------------------------------------------------------------------

@pytest.mark.parametrize("failures", [2, None], ids=["recovers", "keeps-failing"])
def test_both_sinks_retry_a_failing_service_as_the_same_backoff_says(tmp_path: Path,
                                                                     failures: int | None
                                                                     ) -> None:
    """The same alert to a Telegram channel and an Apprise hook whose services fail (502, 500):
    each is tried again after 0.05, 0.1, 0.2, 0.2 s, and either is sent at the try after the
    failures or, after the fifth try, is marked failed with its error; neither is tried again."""
    posted: list[float] = []

    def answer(request) -> Reply:
        posted.append(time.monotonic())
        return Reply(status=500 if failures is None or len(posted) <= failures else 200)

    with FakeBotAPI(TOKEN) as api, serve() as server:
        server.route(HOOK, answer)
        api.chat_types[CHANNEL] = "channel"
        api.fail("sendMessage", bad_gateway(), chat_id=CHANNEL, times=failures)
        config = make_config(api, server, tmp_path / "vigia.db")
        service = Service.open(config)
        now = datetime.now(UTC)
        service.ingest(Item(id="https://wire.test/1", link="https://wire.test/1",
                            feed="https://wire.test/rss", outlet="Wire",
                            title="US strike on a boat in the Caribbean kills three",
                            summary="Three were killed.", published=now, language="en"), now)
        # Left running a while after: long enough for a try too many to show.
        asyncio.run(both_sinks(config, service.store, lambda: settled(service.store),
                               linger=3 * BACKOFF.max))
        tried = {TELEGRAM: [c.at for c in api.calls_of("sendMessage", CHANNEL)],
                 APPRISE: list(posted)}
        rows = {sink: service.store.outbox.deliveries(sink).rows() for sink in tried}
        service.close()

    tries = BACKOFF.max_attempts if failures is None else failures + 1
    state = "failed" if failures is None else "sent"
    for sink, times in tried.items():
        [row] = rows[sink]
        assert (row.state, row.attempts) == (state, tries), (sink, row)
        assert len(times) == tries, sink
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        for n, gap in enumerate(gaps, 1):  # a loaded machine can only make them longer
            assert gap >= BACKOFF.delay(n) - 0.01, (sink, gaps)
    if failures is None:
        assert "Bad Gateway" in rows[TELEGRAM][0].error
        assert "500" in rows[APPRISE][0].error


# -- a store from before the one outbox ----------------------------------------------------------

SCHEMA_5 = ROOT / "tests" / "data" / "store_schema5.sql"  # see make_schema5_store.py
T = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def schema_5_store(path: Path, hook_key: str = "dest-now") -> None:
    """The store that the code of commit 5881b0d left (tests/data/make_schema5_store.py);
    its Apprise destination renamed to `hook_key`, a hash of a URL of this test's server."""
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_5.read_text(encoding="utf-8"))
    conn.execute("UPDATE apprise_deliveries SET destination = ? WHERE destination = 'dest-now'",
                 (hook_key,))
    conn.commit()
    conn.close()


def test_a_schema_5_store_is_migrated_with_every_delivery(tmp_path: Path) -> None:
    path = tmp_path / "vigia.db"
    schema_5_store(path)
    old = sqlite3.connect(path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 5
    telegram_before = old.execute(
        "SELECT alert_id, chat_id, state, attempts, message_id, error FROM deliveries"
        " ORDER BY alert_id, chat_id").fetchall()
    apprise_before = old.execute(
        "SELECT alert_id, destination, state, attempts, NULL, error FROM apprise_deliveries"
        " ORDER BY alert_id, destination").fetchall()
    old.close()

    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 6
        telegram, apprise = (store.outbox.deliveries(s) for s in (TELEGRAM, APPRISE))
        assert telegram.rows() == [Delivery(*r) for r in telegram_before]
        assert apprise.rows() == [Delivery(*r) for r in apprise_before]
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "apprise_deliveries" not in tables and "deliveries_5" not in tables
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # What the sinks read is there: the queue with its retry time, the threads of replies.
        [head] = telegram.heads()
        assert (head.destination, head.alert_id, head.attempts) == (42, 2, 1)
        assert head.due == datetime(2026, 3, 10, 13, 0, 5, tzinfo=UTC).timestamp()
        assert telegram.first_message(42, "s1") == 501
        assert set(telegram.first_messages("s1")) == {SentMessage(42, 501, 1),
                                                      SentMessage(CHANNEL, 601, 1)}
        assert [h.alert_id for h in apprise.heads()] == [1, 2]  # dest-gone's, dest-now's
        assert [p.id for p in store.outbox.pending()] == [4]
        assert store.chats.subscriptions(42) == ["venezuela"]
        assert store.chats.subscriptions(45) == []  # unsubscribed
        assert store.chats.muted_until(43, T) == datetime(2099, 1, 1, tzinfo=UTC)
        assert store.feeds.get("https://wire.test/rss").etag == '"v5"'
        assert store.items.state("https://wire.test/1").story == "s1"
    finally:
        store.close()


def test_a_schema_5_store_carries_on_where_it_stopped(tmp_path: Path) -> None:
    """Opened by both sinks: what was queued goes out once (the update as a reply to the
    message sent under schema 5), the pending alert is queued and sent, nothing sent before
    is sent again, and the destination no longer configured has its row failed."""
    path = tmp_path / "vigia.db"
    with FakeBotAPI(TOKEN) as api, serve() as server:
        server.route(HOOK, Reply(status=200))
        api.chat_types[CHANNEL] = "channel"
        config = make_config(api, server, path)
        schema_5_store(path, hook(config))
        store = Store.open(path)
        try:
            asyncio.run(both_sinks(config, store, lambda: settled(store)))
            telegram = store.outbox.deliveries(TELEGRAM).rows()
            apprise = store.outbox.deliveries(APPRISE).rows()
        finally:
            store.close()
        with server._changed:
            posts = [json.loads(r.body) for r in server.requests if r.path == HOOK]

    assert sorted(c.chat_id for c in api.sent()) == [42, 44]  # not the channel, not 43 (muted)
    [update] = api.sent(42)
    assert "Update" in update.text and "https://wire.test/2" in update.text
    assert update.params["reply_parameters"]["message_id"] == 501  # sent under schema 5
    [sahel] = api.sent(44)
    assert "Strike 4 on a boat kills 6" in sahel.text
    assert [p["title"] for p in posts] == ["Strike 2 on a boat kills 4",
                                           "Strike 4 on a boat kills 6"]
    assert [(r.alert_id, r.destination, r.state) for r in telegram] == [
        (1, CHANNEL, "sent"), (1, 42, "sent"), (2, CHANNEL, "sent"), (2, 42, "sent"),
        (3, CHANNEL, "sent"), (3, 42, "failed"), (4, 44, "sent")]
    assert [(r.alert_id, r.destination, r.state) for r in apprise] == sorted([
        (1, hook(config), "sent"), (1, "dest-gone", "failed"), (2, hook(config), "sent"),
        (3, hook(config), "failed"), (4, hook(config), "sent")])
    gone = next(r for r in apprise if r.destination == "dest-gone")
    assert gone.error == "destination no longer in the config"
