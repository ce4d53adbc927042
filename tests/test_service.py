"""The shell around the pipeline: what reaches the store, and what survives its failures."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import read_jsonl, rss

from bot.config import Config, parse_config
from bot.errors import StoreError
from bot.model import Item
from bot.service import Service
from bot.store import MIGRATIONS, Store

T0 = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)

CONFIG = """
watchlists:
  - name: venezuela
    include: [venezuela, caribbean, colombia, hegseth]
"""

STRIKE = ("US strike on a boat in the Caribbean kills four, Hegseth says",
          "Hegseth said the strike on Tuesday killed four people aboard a vessel.")
LANDSLIDE = ("Colombia landslide buries a mountain village, 40 dead",
             "Rescuers in Colombia said 40 people died when a hillside gave way after rain.")


def entry(guid: str, title: str, summary: str = "", *, feed: str = "a", minutes: int = 0,
          link: str | None = None) -> Item:
    return Item(id=guid, link=link or f"https://{feed}.test/news/{guid}",
                feed=f"https://{feed}.test/rss", outlet=feed.upper(), title=title,
                summary=summary, published=T0 + timedelta(minutes=minutes), language="en")


def config(path: Path) -> Config:
    return parse_config(CONFIG + f"storage:\n  path: {path}\n")


@pytest.fixture
def service(tmp_path):
    svc = Service.open(config(tmp_path / "v.db"), now=T0)
    yield svc
    svc.close()


def new_stories(store: Store) -> list[str]:
    return [a.story for _, a in store.outbox.pending() if a.kind == "new_story"]


# -- a save that fails ---------------------------------------------------------------------------

def locked(path: Path) -> sqlite3.Connection:
    """A second connection holding the write lock, as another writer (a backup tool, a
    stuck process) would: the store's next transaction gets "database is locked"."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_save_that_fails_on_a_locked_database_loses_no_alert(service, tmp_path):
    service.store.conn.execute("PRAGMA busy_timeout = 50")  # fail fast, not in 5 s
    strike = entry("1", *STRIKE)
    other = locked(tmp_path / "v.db")
    with pytest.raises(StoreError, match="database is locked"):
        service.ingest(strike, T0)
    other.execute("ROLLBACK")
    other.close()
    assert service.store.counts()["items"] == 0

    retried = service.ingest(strike, T0 + timedelta(minutes=10))  # the next poll
    assert [a.kind for a in retried.alerts] == ["new_story"]
    assert new_stories(service.store) == [retried.story.id]
    assert service.ingest(strike, T0 + timedelta(minutes=20)) is None  # and only once


def test_a_rise_whose_save_fails_is_told_when_the_item_comes_again(service, tmp_path):
    first = service.ingest(entry("1", *STRIKE), T0)
    service.store.conn.execute("PRAGMA busy_timeout = 50")
    rise = entry("2", "Hegseth: six now dead after US strike on Caribbean boat",
                 "The strike on Tuesday on a vessel in the Caribbean killed six people, "
                 "Hegseth said, up from four.", feed="b", minutes=30)
    other = locked(tmp_path / "v.db")
    with pytest.raises(StoreError):
        service.ingest(rise, T0 + timedelta(minutes=30))
    other.execute("ROLLBACK")
    other.close()

    again = service.ingest(rise, T0 + timedelta(minutes=40))
    assert again.story.id == first.story.id
    updates = [a for _, a in service.store.outbox.pending() if a.kind == "update"]
    assert [(c.fact, c.old, c.new) for a in updates for c in a.changes] == [("deaths", 4, 6)]


def test_a_failed_save_on_a_read_only_store_is_a_store_error_and_retried(service):
    # query_only: every write fails with "attempt to write a readonly database", as on a
    # store remounted read-only (chmod would not stop the root these tests may run as).
    service.store.conn.execute("PRAGMA query_only = ON")
    strike = entry("1", *STRIKE)
    with pytest.raises(StoreError, match="readonly"):
        service.ingest(strike, T0)
    service.store.conn.execute("PRAGMA query_only = OFF")  # writable again
    assert [a.kind for a in service.ingest(strike, T0 + timedelta(minutes=5)).alerts] == [
        "new_story"]
    assert len(new_stories(service.store)) == 1


def test_when_the_rebuild_fails_too_the_next_item_rebuilds_first(service, tmp_path, monkeypatch):
    store = service.store
    store.conn.execute("PRAGMA busy_timeout = 50")
    real_window = store.items.window
    calls = []

    def window_once_broken(since: datetime, kept_since: datetime | None = None):
        calls.append(since)
        if len(calls) == 1:
            raise sqlite3.OperationalError("disk I/O error")
        return real_window(since, kept_since)

    monkeypatch.setattr(store.items, "window", window_once_broken)
    strike = entry("1", *STRIKE)
    other = locked(tmp_path / "v.db")
    with pytest.raises(StoreError, match="database is locked"):  # the save's, not the rebuild's
        service.ingest(strike, T0)
    other.execute("ROLLBACK")
    other.close()
    assert [a.kind for a in service.ingest(strike, T0 + timedelta(minutes=5)).alerts] == [
        "new_story"]
    assert len(calls) == 2


# -- the same guid in two feeds ------------------------------------------------------------------

def test_two_feeds_with_the_same_guid_are_two_articles_each_told(service):
    a = service.ingest(entry("12345", *STRIKE, feed="a"), T0)
    b = service.ingest(entry("12345", *LANDSLIDE, feed="b"), T0 + timedelta(minutes=5))
    assert b is not None and b.story_is_new and not b.edited
    assert b.story.id != a.story.id
    assert [x.kind for x in b.alerts] == ["new_story"]
    assert "40" in b.alerts[0].text and "was" not in b.alerts[0].text
    assert b.alerts[0].items == ("12345",)  # alerts name entries by their own guid
    assert sorted(new_stories(service.store)) == sorted([a.story.id, b.story.id])
    # Polled again, neither is new nor overwrites the other.
    for minutes in (10, 20):
        assert service.ingest(entry("12345", *STRIKE, feed="a"), T0 + timedelta(minutes=minutes)) \
            is None
        assert service.ingest(entry("12345", *LANDSLIDE, feed="b"),
                              T0 + timedelta(minutes=minutes)) is None
    rows = service.store.conn.execute("SELECT guid, feed, title FROM items ORDER BY feed")
    assert [tuple(r) for r in rows] == [("12345", "https://a.test/rss", STRIKE[0]),
                                        ("12345", "https://b.test/rss", LANDSLIDE[0])]


def test_the_same_feed_resending_an_entry_with_an_edited_text_is_an_edit(service):
    first = service.ingest(entry("12345", *STRIKE), T0)
    edited = entry("12345", STRIKE[0].replace("four", "six"), STRIKE[1].replace("four", "six"))
    d = service.ingest(edited, T0 + timedelta(minutes=20))
    assert d.edited and d.story.id == first.story.id
    assert [(c.fact, c.old, c.new) for a in d.alerts for c in a.changes] == [("deaths", 4, 6)]
    assert service.store.counts()["items"] == 1


def test_a_url_guid_is_one_article_whichever_feed_brings_it(service):
    url = "https://wire.test/2026/03/10/strike"
    first = service.ingest(entry(url, *STRIKE, feed="a", link=url), T0)
    assert first.alerts
    # A second section feed of the same outlet, with a longer excerpt: the same article,
    # neither a new item nor an edit (the feed that brought it first owns its edits).
    other = entry(url, STRIKE[0], STRIKE[1] + " Six were killed, officials later said.",
                  feed="b", link=url)
    assert service.ingest(other, T0 + timedelta(minutes=5)) is None
    assert service.store.counts()["items"] == 1


def test_after_a_restart_an_entry_sharing_its_guid_with_another_feed_is_still_known(tmp_path):
    path = tmp_path / "v.db"
    service = Service.open(config(path), now=T0)
    service.ingest(entry("12345", *STRIKE, feed="a"), T0)
    service.ingest(entry("12345", *LANDSLIDE, feed="b"), T0)
    service.close()
    later = T0 + timedelta(hours=1)
    service = Service.open(config(path), now=later)
    assert service.ingest(entry("12345", *STRIKE, feed="a"), later) is None
    assert service.ingest(entry("12345", *LANDSLIDE, feed="b"), later) is None
    assert service.store.counts()["alerts"] == 2
    service.close()


def test_a_store_of_schema_4_is_migrated_to_feed_qualified_keys(tmp_path):
    """An upgrade must not take every stored entry for new (a flood of alerts)."""
    path = tmp_path / "v.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4], 1):
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    url = "https://a.test/news/strike"
    stamp = T0.isoformat()
    for item_id in ("12345", url):
        conn.execute("INSERT INTO items (id, feed, outlet, link, title, summary, published,"
                     " language, story, watchlists, digest, seen_at)"
                     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                     (item_id, "https://a.test/rss", "A", url, "t", "s", stamp, "en", "s1",
                      "[]", "d", stamp))
        conn.execute("INSERT INTO facts (item, name, value, span, story) VALUES (?,?,?,?,?)",
                     (item_id, "deaths", 3, "three", "s1"))
    conn.close()

    from bot.keys import item_key  # here: the module must import without it (older code)

    store = Store.open(path)
    assert sorted(tuple(r) for r in store.conn.execute("SELECT id, guid FROM items")) == [
        (url, None), ("https://a.test/rss 12345", "12345")]
    assert sorted(r[0] for r in store.conn.execute("SELECT item FROM facts")) == [
        url, "https://a.test/rss 12345"]
    old = Item(id="12345", link=url, feed="https://a.test/rss", outlet="A", title="t",
               summary="s", published=T0)
    assert item_key(old) == "https://a.test/rss 12345"
    assert store.items.state(old) == ("s1", "d", "https://a.test/rss")
    assert store.items.state("12345").story == "s1"  # a bare guid is still found
    _, items, _ = store.items.window(T0 - timedelta(days=1))
    assert sorted(i.id for i, _ in items) == ["12345", url]  # the entries' own ids
    store.close()


def test_replay_keeps_each_entrys_own_guid_as_its_id(cli, config_file, tmp_path):
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "a.xml").write_text(rss([{"guid": "12345", "title": STRIKE[0],
                                        "summary": STRIKE[1], "date": T0}], title="A"))
    (folder / "b.xml").write_text(rss([{"guid": "12345", "title": LANDSLIDE[0],
                                        "summary": LANDSLIDE[1],
                                        "date": T0 + timedelta(minutes=5)}], title="B"))
    out = tmp_path / "out"
    result = cli("replay", "--config", str(config_file(CONFIG)), "--out", str(out), str(folder))
    assert result.code == 0, result.err
    items = read_jsonl(out / "items.jsonl")
    assert [x["id"] for x in items] == ["12345", "12345"]
    assert items[0]["story"] != items[1]["story"]
    alerts = read_jsonl(out / "alerts.jsonl")
    assert [(a["kind"], a["items"]) for a in alerts] == [("new_story", ["12345"])] * 2


# -- a store that cannot be created ----------------------------------------------------------------

@pytest.mark.parametrize("where", ["/proc/nope/v.db", "{tmp}/a-file/sub/v.db"])
def test_a_store_folder_that_cannot_be_made_is_one_clear_line(cli, config_file, tmp_path, where):
    (tmp_path / "a-file").write_text("not a folder")
    path = where.format(tmp=tmp_path)
    cfg = config_file(CONFIG + f"storage:\n  path: {path}\n")
    result = cli("run", "--once", "--config", str(cfg))
    assert result.code == 1
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert lines[-1].startswith(f"vigia: {path}: cannot open the store: cannot create")
