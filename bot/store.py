"""The SQLite store: the only module that knows the schema and speaks SQL.

Migrations are numbered steps applied in order inside a transaction; `PRAGMA user_version`
records the last one. WAL mode lets readers (`vigia feeds`, backups) work beside the daemon.
An item's decision (its row, its story, its facts, the ledger rows it touched and the alerts
it raised) is saved in one transaction: after a crash either all of it is there or none.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from .errors import StoreError
from .ledger import LedgerRow
from .model import Alert, Change, Item, Story
from .pipeline import Decision, content_digest

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        title TEXT,
        etag TEXT,
        last_modified TEXT,
        last_fetch TEXT,
        last_ok TEXT,
        next_fetch TEXT,
        errors INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        items_seen INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX stories_last_seen ON stories(last_seen);
    CREATE TABLE items (
        id TEXT PRIMARY KEY,
        feed TEXT NOT NULL,
        outlet TEXT NOT NULL,
        link TEXT NOT NULL,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        published TEXT NOT NULL,
        language TEXT,
        story TEXT NOT NULL,
        watchlists TEXT NOT NULL,
        digest TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE INDEX items_seen_at ON items(seen_at);
    CREATE INDEX items_story ON items(story);
    CREATE TABLE facts (
        item TEXT NOT NULL,
        name TEXT NOT NULL,
        value INTEGER NOT NULL,
        span TEXT NOT NULL,
        story TEXT NOT NULL,
        PRIMARY KEY (item, name)
    );
    CREATE TABLE ledger (
        scope TEXT NOT NULL,
        fact TEXT NOT NULL,
        value INTEGER NOT NULL,
        outlet TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (scope, fact, value, outlet)
    );
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        watchlist TEXT NOT NULL,
        story TEXT NOT NULL,
        items TEXT NOT NULL,
        changes TEXT NOT NULL,
        text TEXT NOT NULL,
        title TEXT NOT NULL,
        links TEXT NOT NULL,
        dispatched INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX alerts_pending ON alerts(dispatched, id);
    CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL,
        watchlist TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        PRIMARY KEY (chat_id, watchlist)
    );
    CREATE TABLE deliveries (
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        chat_id INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        message_id INTEGER,
        error TEXT,
        PRIMARY KEY (alert_id, chat_id)
    );
    CREATE INDEX deliveries_queue ON deliveries(state, next_attempt);
    """,
]


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class FeedState:
    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_fetch: datetime | None = None
    last_ok: datetime | None = None
    next_fetch: datetime | None = None
    errors: int = 0
    last_error: str | None = None
    disabled: bool = False
    items_seen: int = 0


class Store:
    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._lock_file: TextIO | None = None

    @classmethod
    def open(cls, path: str | Path) -> Store:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            if path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a power cut may lose the last transactions, never corrupt.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, path)
            store.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}") from None
        return store

    def close(self) -> None:
        self.conn.close()
        if self._lock_file is not None:
            self._lock_file.close()  # closing releases the flock
            self._lock_file = None

    def lock(self) -> None:
        """Claim the store for this process: a second daemon on the same file refuses to start
        rather than interleave its decisions with ours. Released on close or process death."""
        if self.path == ":memory:":
            return
        lock_path = Path(self.path + ".lock")
        f = open(lock_path, "a+")  # noqa: SIM115 - held open for the life of the store
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise StoreError(f"{self.path} is in use by another vigia ({holder}); "
                             "stop it first, or point storage.path elsewhere") from None
        f.truncate(0)
        f.write(f"pid {os.getpid()}")
        f.flush()
        self._lock_file = f

    def backup(self, target: str | Path) -> None:
        """A consistent copy while the daemon may be writing (SQLite's online backup API)."""
        target = Path(target)
        if target.exists():
            raise StoreError(f"{target} exists; not overwriting it")
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(target)
        try:
            self.conn.backup(dest)
        finally:
            dest.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def migrate(self) -> int:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer vigia (schema {version})")
        for number in range(version + 1, len(MIGRATIONS) + 1):
            with self.transaction() as c:
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        c.execute(statement)
                c.execute(f"PRAGMA user_version = {number}")
        return len(MIGRATIONS)

    # -- items and decisions -----------------------------------------------------------------

    def item_state(self, item_id: str) -> tuple[str, str] | None:
        """(story id, content digest) of a stored item, or None if it was never seen."""
        row = self.conn.execute("SELECT story, digest FROM items WHERE id = ?",
                                (item_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def save(self, d: Decision, now: datetime) -> list[int]:
        """Persist a decision in one transaction; returns the ids of the alerts it queued."""
        it, s = d.item, d.story
        ids = []
        with self.transaction() as c:
            c.execute(
                "INSERT INTO items (id, feed, outlet, link, title, summary, published, language,"
                " story, watchlists, digest, seen_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET title=excluded.title, summary=excluded.summary,"
                " digest=excluded.digest",
                (it.id, it.feed, it.outlet, it.link, it.title, it.summary, iso(it.published),
                 it.language, s.id, json.dumps(d.watchlists), content_digest(it), iso(now)))
            c.execute(
                "INSERT INTO stories (id, title, first_seen, last_seen, data) VALUES (?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET last_seen=excluded.last_seen, data=excluded.data",
                (s.id, s.title, iso(s.first_seen), iso(s.last_seen), _story_data(s)))
            c.execute("DELETE FROM facts WHERE item = ?", (it.id,))
            c.executemany("INSERT INTO facts (item, name, value, span, story) VALUES (?,?,?,?,?)",
                          [(it.id, f.name, f.value, f.span, s.id) for f in d.facts])
            for scope, rows in d.ledger.items():
                c.execute("DELETE FROM ledger WHERE scope = ?", (scope,))
                c.executemany("INSERT INTO ledger (scope, fact, value, outlet) VALUES (?,?,?,?)",
                              [(r.scope, r.fact, r.value, r.outlet) for r in rows])
            for a in d.alerts:
                cur = c.execute(
                    "INSERT INTO alerts (at, kind, watchlist, story, items, changes, text, title,"
                    " links) VALUES (?,?,?,?,?,?,?,?,?)",
                    (iso(a.at), a.kind, a.watchlist, a.story, json.dumps(list(a.items)),
                     json.dumps([_change_data(ch) for ch in a.changes]), a.text, a.title,
                     json.dumps([list(x) for x in a.links])))
                ids.append(cur.lastrowid)
        return ids

    def window(self, since: datetime) -> tuple[list[Story], list[tuple[Item, str]],
                                                list[LedgerRow]]:
        """What the pipeline needs after a restart: stories and items touched since `since`,
        and the ledger of those stories and of every watchlist."""
        stories = [_story(r) for r in self.conn.execute(
            "SELECT id, title, first_seen, last_seen, data FROM stories WHERE last_seen >= ?",
            (iso(since),))]
        items = [(_item(r), r[8]) for r in self.conn.execute(
            "SELECT id, feed, outlet, link, title, summary, published, language, story"
            " FROM items WHERE seen_at >= ? ORDER BY seen_at",
            (iso(since),))]
        open_ids = {s.id for s in stories}
        ledger = [LedgerRow(*r) for r in self.conn.execute(
            "SELECT scope, fact, value, outlet FROM ledger")
            if not r[0].startswith("story:") or r[0][6:] in open_ids]
        return stories, items, ledger

    # -- the outbox ----------------------------------------------------------------------------

    def pending_alerts(self, limit: int = 100) -> list[tuple[int, Alert]]:
        rows = self.conn.execute(
            "SELECT id, at, kind, watchlist, story, items, changes, text, title, links"
            " FROM alerts WHERE dispatched = 0 ORDER BY id LIMIT ?", (limit,)).fetchall()
        return [(r[0], _alert(r)) for r in rows]

    def mark_dispatched(self, alert_id: int) -> None:
        self.conn.execute("UPDATE alerts SET dispatched = 1 WHERE id = ?", (alert_id,))

    # -- feeds -------------------------------------------------------------------------------

    def feed_state(self, url: str) -> FeedState:
        row = self.conn.execute(
            "SELECT url, title, etag, last_modified, last_fetch, last_ok, next_fetch, errors,"
            " last_error, disabled, items_seen FROM feeds WHERE url = ?", (url,)).fetchone()
        if row is None:
            return FeedState(url=url)
        return FeedState(url=row[0], title=row[1], etag=row[2], last_modified=row[3],
                         last_fetch=_dt(row[4]), last_ok=_dt(row[5]), next_fetch=_dt(row[6]),
                         errors=row[7], last_error=row[8], disabled=bool(row[9]),
                         items_seen=row[10])

    def save_feed_state(self, st: FeedState) -> None:
        self.conn.execute(
            "INSERT INTO feeds (url, title, etag, last_modified, last_fetch, last_ok, next_fetch,"
            " errors, last_error, disabled, items_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(url) DO UPDATE SET title=excluded.title, etag=excluded.etag,"
            " last_modified=excluded.last_modified, last_fetch=excluded.last_fetch,"
            " last_ok=excluded.last_ok, next_fetch=excluded.next_fetch, errors=excluded.errors,"
            " last_error=excluded.last_error, disabled=excluded.disabled,"
            " items_seen=excluded.items_seen",
            (st.url, st.title, st.etag, st.last_modified, _iso(st.last_fetch), _iso(st.last_ok),
             _iso(st.next_fetch), st.errors, st.last_error, int(st.disabled), st.items_seen))

    def feed_states(self) -> list[FeedState]:
        urls = [r[0] for r in self.conn.execute("SELECT url FROM feeds ORDER BY url")]
        return [self.feed_state(u) for u in urls]

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("items", "stories", "alerts", "feeds", "subscriptions"):
            out[table] = self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        out["alerts_pending"] = self.conn.execute(
            "SELECT COUNT(*) FROM alerts WHERE dispatched = 0").fetchone()[0]
        return out


# -- row <-> domain ------------------------------------------------------------------------------

def _iso(dt: datetime | None) -> str | None:
    return iso(dt) if dt else None


def _dt(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def _story_data(s: Story) -> str:
    return json.dumps({"items": s.items, "outlets": s.outlets, "links": s.links,
                       "languages": s.languages, "watchlists": s.watchlists})


def _story(r: tuple) -> Story:
    data = json.loads(r[4])
    return Story(id=r[0], title=r[1], first_seen=from_iso(r[2]), last_seen=from_iso(r[3]),
                 items=data["items"], outlets=data["outlets"],
                 links=[tuple(x) for x in data["links"]], languages=data["languages"],
                 watchlists=data["watchlists"])


def _item(r: tuple) -> Item:
    return Item(id=r[0], feed=r[1], outlet=r[2], link=r[3], title=r[4], summary=r[5],
                published=from_iso(r[6]), language=r[7])


def _change_data(c: Change) -> dict:
    return {"fact": c.fact, "old": c.old, "new": c.new, "sources": list(c.sources)}


def _alert(r: tuple) -> Alert:
    return Alert(at=from_iso(r[1]), kind=r[2], watchlist=r[3], story=r[4],
                 items=tuple(json.loads(r[5])),
                 changes=tuple(Change(x["fact"], x["old"], x["new"], tuple(x.get("sources", ())))
                               for x in json.loads(r[6])),
                 text=r[7], title=r[8], links=tuple(tuple(x) for x in json.loads(r[9])))
