"""The store: a real SQLite file; nothing is lost when it is closed and opened again."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import StoreError
from bot.ledger import LedgerRow
from bot.model import Alert, Change, Fact, Item, Story
from bot.pipeline import Decision
from bot.store import MIGRATIONS, FeedState, Store

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
    store.save(decision(), NOW)
    store.save_feed_state(FeedState(url="https://wire.test/rss", etag='"abc"', errors=2,
                                    last_error="HTTP 500", last_ok=NOW))
    store.close()

    store = Store.open(path)
    assert store.item_state("wire-1")[0] == "s1"
    stories, items, ledger = store.window(NOW - timedelta(days=1))
    assert [s.id for s in stories] == ["s1"]
    assert stories[0].watchlists == ["venezuela"]
    assert stories[0].links == [("Wire", "https://wire.test/wire-1")]
    assert items[0][0].title == "Strike on a boat kills 3" and items[0][1] == "s1"
    assert LedgerRow("watchlist:venezuela", "deaths_total", 83) in ledger
    pending = store.pending_alerts()
    assert len(pending) == 1
    alert = pending[0][1]
    assert alert.changes == (Change("deaths_total", 80, 83, ("Wire",)),)
    assert alert.at == NOW
    feed = store.feed_state("https://wire.test/rss")
    assert (feed.etag, feed.errors, feed.last_error, feed.last_ok) == ('"abc"', 2, "HTTP 500", NOW)
    store.close()


def test_a_republished_item_is_the_same_row(tmp_path):
    store = Store.open(tmp_path / "v.db")
    store.save(decision(), NOW)
    store.save(decision(alert=False), NOW + timedelta(hours=1))
    assert store.counts()["items"] == 1
    store.close()


def test_dispatched_alerts_are_not_pending_after_reopen(tmp_path):
    path = tmp_path / "v.db"
    store = Store.open(path)
    (alert_id,) = store.save(decision(), NOW)
    store.mark_dispatched(alert_id)
    store.close()
    store = Store.open(path)
    assert store.pending_alerts() == []
    store.close()


def test_a_failed_save_leaves_nothing_half_written(tmp_path):
    store = Store.open(tmp_path / "v.db")
    bad = decision()
    bad.facts.append(Fact("deaths", 4, "dup"))  # (item, name) is unique: the insert fails
    with pytest.raises(sqlite3.IntegrityError):
        store.save(bad, NOW)
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
