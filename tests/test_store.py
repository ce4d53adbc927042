"""The store: a real SQLite file; nothing is lost when it is closed and opened again."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import ROOT

from bot.app import run
from bot.config import parse_config
from bot.errors import ConfigError, StoreError
from bot.model import Alert, Change, Decision, Fact, Item, LedgerRow, Story
from bot.store import APPRISE, MIGRATIONS, TELEGRAM, Deliveries, FeedState, Store

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def decision(item_id: str = "wire-1", story_id: str = "s1", *, alert: bool = True) -> Decision:
    item = Item(id=item_id, link=f"https://wire.test/{item_id}", feed="https://wire.test/rss",
                outlet="Wire", title="Strike on a boat kills 3",
                summary="Three people were killed.", published=NOW, language="en")
    story = Story(id=story_id, title=item.title, first_seen=NOW, last_seen=NOW,
                  items=[item_id], outlets=["Wire"], links=[("Wire", item.link)],
                  languages=["en"], watchlists=["venezuela"])
    change = Change("deaths_total", 80, 83, ("Wire",))
    alerts = [Alert(at=NOW, kind="new_story", watchlist="venezuela", story=story_id,
                    items=(item_id,), changes=(change,), text="New story", title=item.title,
                    links=(("Wire", item.link),))] if alert else []
    return Decision(item=item, story=story, story_is_new=True, watchlists=["venezuela"],
                    facts=[Fact("deaths", 3, "killed three")], changes=[change], alerts=alerts,
                    ledger={"watchlist:venezuela": [LedgerRow("watchlist:venezuela",
                                                              "deaths_total", 83)]})


def test_new_store_is_migrated_to_the_latest_schema(tmp_path):
    store = Store.open(tmp_path / "v.db")
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_reopen_after_close_loses_nothing(tmp_path):
    path = tmp_path / "v.db"
    store = Store.open(path)
    store.items.save(decision(), NOW)
    store.feeds.save(FeedState(url="https://wire.test/rss", etag='"abc"', errors=2,
                                    last_error="HTTP 500", last_ok=NOW))
    store.close()

    store = Store.open(path)
    assert store.items.state("wire-1").story == "s1"
    stories, items, ledger = store.items.window(NOW - timedelta(days=1))
    assert [s.id for s in stories] == ["s1"]
    assert stories[0].watchlists == ["venezuela"]
    assert stories[0].links == [("Wire", "https://wire.test/wire-1")]
    assert items[0].item.title == "Strike on a boat kills 3" and items[0].story == "s1"
    assert LedgerRow("watchlist:venezuela", "deaths_total", 83) in ledger
    pending = store.outbox.pending()
    assert len(pending) == 1
    alert = pending[0].alert
    assert alert.changes == (Change("deaths_total", 80, 83, ("Wire",)),)
    assert alert.at == NOW
    feed = store.feeds.get("https://wire.test/rss")
    assert (feed.etag, feed.errors, feed.last_error, feed.last_ok) == ('"abc"', 2, "HTTP 500", NOW)
    store.close()


def test_a_republished_item_is_the_same_row(tmp_path):
    store = Store.open(tmp_path / "v.db")
    store.items.save(decision(), NOW)
    store.items.save(decision(alert=False), NOW + timedelta(hours=1))
    assert store.counts()["items"] == 1
    store.close()


def test_dispatched_alerts_are_not_pending_after_reopen(tmp_path):
    path = tmp_path / "v.db"
    store = Store.open(path)
    (alert_id,) = store.items.save(decision(), NOW)
    store.outbox.mark_dispatched(alert_id)
    store.close()
    store = Store.open(path)
    assert store.outbox.pending() == []
    store.close()


def test_a_failed_save_leaves_nothing_half_written(tmp_path):
    store = Store.open(tmp_path / "v.db")
    bad = decision()
    bad.facts.append(Fact("deaths", 4, "dup"))  # (item, name) is unique: the insert fails
    with pytest.raises(sqlite3.IntegrityError):
        store.items.save(bad, NOW)
    assert store.counts()["items"] == 0
    assert store.counts()["alerts"] == 0
    store.close()


def test_a_store_from_a_newer_vigia_is_refused(tmp_path):
    path = tmp_path / "v.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer vigia"):
        Store.open(path)


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path):
    path = tmp_path / "v.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.open(path)


def _damage(path, decisions: int = 300) -> None:
    """A store with a few hundred items, then one page in its middle overwritten: what a
    failing disk or a half-finished copy leaves."""
    store = Store.open(path)
    for n in range(decisions):
        d = decision(f"wire-{n}", f"s{n}", alert=False)
        store.items.save(replace(d, item=replace(d.item, summary="Three were killed. " * 30)), NOW)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    pages = path.stat().st_size // 4096
    with open(path, "r+b") as f:
        f.seek(4096 * (pages // 2))
        f.write(bytes(range(256)) * 16)


@pytest.mark.parametrize("command", [["run", "--once"], ["feeds"], ["backup", "copy.db"]])
def test_a_corrupted_store_is_one_line_naming_the_way_out(cli, config_file, tmp_path, command):
    db = tmp_path / "vigia.db"
    _damage(db)
    config = config_file(f"storage:\n  path: {db}\n")
    result = cli(*command, "--config", str(config))
    assert result.code == 1
    [line] = result.err.strip().splitlines()[-1:]
    assert "Traceback" not in result.err
    assert line.startswith(f"vigia: {db} is damaged (SQLite: ") and "vigia backup" in line
    assert not (tmp_path / "copy.db").exists()


# -- retention -------------------------------------------------------------------------------------

OLD = NOW - timedelta(days=100)  # beyond the 90 days kept
OPEN_SINCE = NOW - timedelta(days=6)  # twice the 3-day grouping window
BEFORE = NOW - timedelta(days=90)
_n = iter(range(1, 10_000))


def told(store: Store, story_id: str, at: datetime, *, kind: str = "new_story",
         last_seen: datetime | None = None) -> int:
    """Save an alert about `story_id` raised at `at` (the story last touched at `last_seen`,
    default `at`) through the real decision path; returns its id."""
    n = next(_n)
    d = decision(f"item-{n}", story_id)
    d.story.first_seen, d.story.last_seen = at, last_seen or at
    d.ledger = {}
    d.alerts = [replace(d.alerts[0], at=at, kind=kind,
                        changes=(Change("deaths", n, n + 1, ("Wire",)),))]
    return store.items.save(d, at)[0]


def telegram(store: Store) -> Deliveries:
    return store.outbox.deliveries(TELEGRAM)


def apprise(store: Store) -> Deliveries:
    return store.outbox.deliveries(APPRISE)


def queue(store: Store, alert_id: int, chats) -> list:
    """What TelegramSink.dispatch does with a pending alert: queue it for `chats`, dispatched."""
    return telegram(store).queue(alert_id, chats, dispatch=True)


def sent(store: Store, alert_id: int, chats: dict[int, int | None]) -> None:
    """Queue `alert_id` for `chats` and settle each: a message id is sent, None failed."""
    assert queue(store, alert_id, chats) == list(chats)
    for chat, message_id in chats.items():
        if message_id is None:
            telegram(store).failed(alert_id, chat, "bad request: no rights")
        else:
            telegram(store).sent(alert_id, chat, NOW.timestamp(), message_id)


def rows(store: Store) -> dict[str, set]:
    c = store.conn
    return {
        "alerts": {r[0] for r in c.execute("SELECT id FROM alerts")},
        "deliveries": {(r.alert_id, r.destination, r.state)
                       for sink in (telegram, apprise) for r in sink(store).rows()},
        "edits": {tuple(r) for r in c.execute("SELECT alert_id, message_id, state FROM edits")},
        "kept": {r[0] for t in ("stories", "items", "facts", "ledger")
                 for r in c.execute(f"SELECT COUNT(*) FROM {t}")},
    }


@pytest.fixture
def aged(tmp_path):
    """A store a long-running daemon could have: old and new alerts, in every state."""
    path = tmp_path / "v.db"
    store = Store.open(path)
    a = {}
    # A story that closed long ago: two alerts, sent, failed, edited, sent through Apprise.
    a["closed"] = told(store, "closed", OLD)
    assert apprise(store).queue(a["closed"], ["dest"]) == ["dest"]
    apprise(store).sent(a["closed"], "dest", NOW.timestamp())
    sent(store, a["closed"], {1: 501, 2: None})
    assert store.chats.queue_edit(1, 501, a["closed"], "<b>grown</b>")
    store.chats.edit_done(1, 501, 1)
    a["closed+"] = told(store, "closed", OLD + timedelta(hours=2), kind="update")
    assert apprise(store).queue(a["closed+"], ["dest"]) == ["dest"]
    apprise(store).failed(a["closed+"], "dest", "HTTP 500")
    sent(store, a["closed+"], {1: 502})
    # A story told long ago that is still open (an item 2 days ago): its thread is needed.
    a["open"] = told(store, "open", OLD, last_seen=NOW - timedelta(days=2))
    sent(store, a["open"], {1: 601})
    assert store.chats.queue_edit(1, 601, a["open"], "<b>grown</b>")
    store.chats.edit_done(1, 601, 1)
    # A closed story whose update is still queued (Telegram unreachable): its anchor stays.
    a["stuck"] = told(store, "stuck", OLD)
    sent(store, a["stuck"], {1: 701})
    a["stuck+"] = told(store, "stuck", OLD + timedelta(hours=1), kind="update")
    assert queue(store, a["stuck+"], [1]) == [1]
    # An old alert still queued for an Apprise destination, sent on Telegram.
    a["apprise"] = told(store, "apprise", OLD)
    assert apprise(store).queue(a["apprise"], ["dest"]) == ["dest"]
    sent(store, a["apprise"], {1: 801})
    # Recent enough to keep, though its story has closed.
    a["recent"] = told(store, "recent", NOW - timedelta(days=30))
    sent(store, a["recent"], {1: 901})
    # An old alert never fanned out (the daemon was down): pending, the newest too.
    a["pending"] = told(store, "pending", OLD)
    yield store, a, path
    store.close()


@pytest.mark.parametrize("chunk", [1, 500])
def test_prune_deletes_exactly_the_old_records_no_longer_needed(aged, chunk):
    store, a, path = aged
    before = rows(store)
    assert store.outbox.prune(BEFORE, OPEN_SINCE, chunk=chunk) == {
        "deliveries": 5, "edits": 1, "alerts": 2, "digests": 0}
    after = rows(store)
    assert after["alerts"] == before["alerts"] - {a["closed"], a["closed+"]}
    # A story with a delivery still queued, on any sink, keeps its records (the outbox is
    # one table since schema 6; before, only a queued Telegram row kept them, and the
    # Telegram row of the "apprise" story was deleted).
    assert after["deliveries"] == {
        (a["open"], 1, "sent"),
        (a["stuck"], 1, "sent"), (a["stuck+"], 1, "queued"),
        (a["apprise"], 1, "sent"), (a["apprise"], "dest", "queued"),
        (a["recent"], 1, "sent"),
    }
    assert after["edits"] == {(a["open"], 601, "sent")}
    assert after["kept"] == before["kept"]  # stories, items, facts, ledger untouched
    # What the sender reads still works: replies thread, pending work is there.
    assert telegram(store).first_message(1, "open") == 601
    assert telegram(store).first_message(1, "stuck") == 701
    [head] = telegram(store).heads()
    assert (head.destination, head.alert_id) == (1, a["stuck+"])
    assert [i for i, _ in store.outbox.pending()] == [a["pending"]]
    assert apprise(store).heads("dest")[0].alert_id == a["apprise"]
    # Again: nothing more to do.
    assert set(store.outbox.prune(BEFORE, OPEN_SINCE).values()) == {0}
    store.close()
    reopened = Store.open(path)
    assert reopened.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert rows(reopened) == after
    reopened.close()


def test_prune_never_deletes_what_is_still_pending(aged):
    """However short the retention and whatever has closed, pending work stays."""
    store, a, _ = aged
    far = NOW + timedelta(days=1000)
    store.outbox.prune(far, far)
    after = rows(store)
    assert (a["stuck+"], 1, "queued") in after["deliveries"]
    assert (a["apprise"], "dest", "queued") in after["deliveries"]
    assert {a["pending"], a["stuck+"], a["apprise"]} <= after["alerts"]
    assert telegram(store).first_message(1, "stuck") == 701  # the queued update replies to it
    assert [i for i, _ in store.outbox.pending()] == [a["pending"]]


def test_prune_keeps_the_last_alert_for_status(tmp_path):
    store = Store.open(tmp_path / "v.db")
    only = told(store, "quiet", OLD)
    sent(store, only, {1: 5})
    assert store.outbox.prune(BEFORE, OPEN_SINCE)["deliveries"] == 1
    assert store.outbox.last() is not None and store.outbox.last().story == "quiet"
    store.close()


def test_a_story_told_on_two_watchlists_is_still_told_once_after_a_prune(tmp_path):
    """The fan-out's "told already" check reads the deliveries of open stories: kept."""
    store = Store.open(tmp_path / "v.db")
    first = told(store, "both", OLD, last_seen=NOW)
    sent(store, first, {1: 5})
    store.outbox.prune(BEFORE, OPEN_SINCE)
    d = decision("other-watchlist", "both")
    d.alerts = [replace(d.alerts[0], watchlist="sahel", at=NOW)]
    [second] = store.items.save(d, NOW)
    assert queue(store, second, [1]) == []
    store.close()


def test_retention_is_configured_like_other_durations():
    assert parse_config("").storage.retention == timedelta(days=90)
    assert parse_config("storage:\n  retention: 30d\n").storage.retention == timedelta(days=30)
    with pytest.raises(ConfigError, match="not a duration") as info:
        parse_config("storage:\n  retention: forever\n", "f.yaml")
    assert info.value.key == "storage.retention" and info.value.line == 2


def test_run_once_prunes_the_store(tmp_path):
    """The daemon's housekeeping (here `vigia run --once`, which cron may call) prunes."""
    db = tmp_path / "v.db"
    store = Store.open(db)
    old = told(store, "old", NOW - timedelta(days=400))
    sent(store, old, {1: 5})
    new = told(store, "new", datetime.now(UTC))
    sent(store, new, {1: 6})
    store.close()
    config = parse_config(f"storage:\n  path: {db}\n  retention: 30d\n")
    asyncio.run(run(config, once=True, sink=lambda alert: None))
    store = Store.open(db)
    assert [(r.alert_id, r.state) for r in telegram(store).rows()] == [(new, "sent")]
    assert rows(store)["alerts"] == {new}
    store.close()


def test_the_store_imports_nothing_of_the_decision_core():
    """design.md: the store never imports the decision core (it saves what the core decided,
    as plain data). A fresh interpreter, so that what other tests imported does not count."""
    code = ("import sys, bot.store; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('bot'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert {m for m in out if not m.startswith("bot.store")} <= {"bot", "bot.errors",
                                                                  "bot.keys", "bot.model"}, out
