"""The SQLite store: the only module that knows the schema and speaks SQL.

Migrations are numbered steps applied in order inside a transaction; `PRAGMA user_version`
records the last one. WAL mode lets readers (`vigia feeds`, backups) work beside the daemon.
An item's decision (its row, its story, its facts, the ledger rows it touched and the alerts
it raised) is saved in one transaction: after a crash either all of it is there or none.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple, TextIO

from .errors import StoreError
from .keys import content_digest, item_key
from .model import Alert, Change, Decision, Item, LedgerRow, Story

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
    # 2: Telegram: per-chat mute, queued edits of sent messages (coalesced per message),
    # and the indexes the sender's queries need (a chat's first message of a story).
    """
    CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        muted_until TEXT
    );
    CREATE TABLE edits (
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        html TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        error TEXT,
        PRIMARY KEY (chat_id, message_id)
    );
    CREATE INDEX edits_queue ON edits(state);
    CREATE INDEX alerts_story ON alerts(story, kind);
    CREATE INDEX deliveries_chat ON deliveries(chat_id, state);
    ALTER TABLE deliveries ADD COLUMN sent_at TEXT
    """,
    # 3: Apprise: one row per (alert, destination); `destination` is a hash of the configured
    # URL (the URL itself holds secrets and is not stored).
    """
    CREATE TABLE apprise_deliveries (
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        destination TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        error TEXT,
        sent_at TEXT,
        PRIMARY KEY (alert_id, destination)
    );
    CREATE INDEX apprise_queue ON apprise_deliveries(state, destination, alert_id)
    """,
    # 4: retention (`Store.prune`) deletes edits by alert; without this every lookup would
    # scan the whole table.
    """
    CREATE INDEX edits_alert ON edits(alert_id)
    """,
    # 5: items are keyed by `keys.item_key`: a guid that is not global (not an absolute
    # URL, a URN or a tag: URI, nor containing a space) is qualified by its feed, "<feed> <id>",
    # so that two feeds numbering their entries alike no longer overwrite each other's row or
    # pass one's article off as an edit of the other's. `guid` keeps the entry's own id when it
    # was qualified (NULL when the key is the id). The SQL test below is item_key's rule: keep
    # them in step. Facts go first, while items.id still holds the ids they refer to. Rows two
    # feeds already shared before this stay with the feed that brought them first.
    """
    UPDATE facts SET item = (SELECT i.feed FROM items i WHERE i.id = facts.item) || ' ' || item
     WHERE NOT ((item LIKE 'http://%' OR item LIKE 'https://%' OR item LIKE 'urn:%'
                 OR item LIKE 'tag:%') AND instr(item, ' ') = 0)
       AND item IN (SELECT id FROM items);
    ALTER TABLE items ADD COLUMN guid TEXT;
    UPDATE items SET guid = id, id = feed || ' ' || id
     WHERE NOT ((id LIKE 'http://%' OR id LIKE 'https://%' OR id LIKE 'urn:%'
                 OR id LIKE 'tag:%') AND instr(id, ' ') = 0);
    CREATE INDEX items_guid ON items(guid) WHERE guid IS NOT NULL
    """,
]


def _told_query(table: str, destination: str) -> str:
    # Telegram and Apprise keep one row per (alert, destination) in tables of the same shape;
    # "this destination already got this story's news" is the same question over either.
    return (f"SELECT 1 FROM {table} d JOIN alerts b ON b.id = d.alert_id"
            f" WHERE d.{destination} = ? AND b.story = ? AND b.kind = ? AND b.id != ?"
            " AND (b.kind = 'new_story' OR b.changes = ?) LIMIT 1")


_TOLD_CHAT = _told_query("deliveries", "chat_id")
_TOLD_APPRISE = _told_query("apprise_deliveries", "destination")


def _told(c: sqlite3.Connection, query: str, destination: int | str, alert_id: int,
          story: str, kind: str, changes: str) -> bool:
    """True when `destination` has a row (in any state) for another alert of `story` of the
    same kind and, for updates, the same changes: another watchlist's copy of this news."""
    return c.execute(query, (destination, story, kind, alert_id, changes)).fetchone() is not None


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


class ItemState(NamedTuple):
    """What the store knows of an entry: its story, its text's digest, the feed it came from."""

    story: str
    digest: str
    feed: str


class QueueHead(NamedTuple):
    """A chat's oldest queued delivery, and how long its queue is."""

    chat_id: int
    alert_id: int
    attempts: int
    next_attempt: str | None
    queued: int  # deliveries queued for the chat, this one included
    since: str  # when this one's alert was decided (ISO-8601)


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


# The way out of a damaged store, for the one line that reports it.
DAMAGED = ("put your latest copy (`vigia backup FILE` makes one) in its place, or move the "
           "file aside to start with an empty store")


def lock_path(store_path: str | Path) -> Path:
    """The daemon's lock file, beside the file `store_path` resolves to."""
    return Path(os.path.realpath(store_path) + ".lock")


def _damaged(path: str, problem: str) -> StoreError:
    # quick_check's report spans lines ("*** in database main ***\nPage 51: ..."): one line.
    problem = " ".join(problem.replace("*** in database main ***", "").split())
    return StoreError(f"{path} is damaged (SQLite: {problem}); {DAMAGED}")


class Store:
    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._lock_file: TextIO | None = None
        self._lock_path: Path | None = None

    @classmethod
    def open(cls, path: str | Path) -> Store:
        path = str(path)
        try:
            if path != ":memory:":
                # Inside the try: a folder that cannot be made (a typo, a read-only /var/lib)
                # is the same one-line StoreError as a file that cannot be opened.
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            if path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a power cut may lose the last transactions, never corrupt.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, path)
            store.migrate()
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            raise StoreError(f"{path}: cannot open the store: cannot create the folder"
                             f"{where}: {exc.strerror or exc}") from None
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc):
                raise _damaged(path, str(exc)) from None
            raise StoreError(f"{path}: cannot open the store: {exc}") from None
        return store

    def check(self) -> None:
        """Refuse a damaged store in one line, with the way out. Without this, a bad page is
        found by whichever query first reads it, as a traceback (or, in the daemon, a poll
        that fails for ever). quick_check reads every page once: well under a second for
        100 MB on a small server, run at start-up only."""
        if self.path == ":memory:":
            return
        try:
            problems = [r[0] for r in self.conn.execute("PRAGMA quick_check(1)")]
        except sqlite3.DatabaseError as exc:  # too damaged even to be checked
            problems = [str(exc)]
        if problems != ["ok"]:
            raise _damaged(self.path, problems[0] if problems else "quick_check failed")

    def close(self) -> None:
        self.conn.close()
        if self._lock_file is not None:
            # A clean stop leaves no lock file; removed while still held, so that nobody
            # can lock it in between (`lock` checks that the file it locked is still there).
            with contextlib.suppress(OSError):
                if self._lock_path is not None:
                    self._lock_path.unlink()
            self._lock_file.close()  # closing releases the flock
            self._lock_file = None

    def lock(self) -> None:
        """Claim the store for this process: a second daemon on the same file refuses to start
        rather than interleave its decisions with ours. Released on close or process death.

        The lock is taken beside the file the path resolves to, so a symlink (`alias.db ->
        vigia.db`) or a path spelled another way (`data/../vigia.db`) finds the same lock."""
        if self.path == ":memory:":
            return
        path = lock_path(self.path)
        while True:
            f = self._lock_once(path)
            # The holder may have stopped, and removed the file, between our open and our
            # flock: then we hold a lock on a file nobody else will ever look at. Try again.
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            mine = os.fstat(f.fileno())
            if current and (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
                break
            f.close()
        f.truncate(0)
        f.write(f"pid {os.getpid()}")
        f.flush()
        self._lock_file, self._lock_path = f, path

    def heartbeat(self) -> None:
        """Touch the lock file: its age tells `vigia health` whether the daemon that holds
        it is still alive and its loop still turning."""
        if self._lock_path is not None:
            with contextlib.suppress(OSError):  # a health check's problem, not the daemon's
                os.utime(self._lock_path)

    def _lock_once(self, lock_path: Path) -> TextIO:
        try:
            f = open(lock_path, "a+")  # noqa: SIM115 - held open for the life of the store
        except OSError as exc:
            raise StoreError(f"{lock_path}: cannot create the lock file: "
                             f"{exc.strerror or exc}") from None
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise StoreError(f"{self.path} is in use by another vigia ({holder}); "
                             "stop it first, or point storage.path elsewhere") from None
        return f

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

    def item_state(self, item: Item | str) -> ItemState | None:
        """What is stored of an entry, or None if it was never seen. Ask with the `Item`: it
        is looked up by its key (`keys.item_key`). A string is taken as a key, else as an
        entry's own guid (the first feed that gave it wins: a guid alone can be ambiguous)."""
        key = item_key(item) if isinstance(item, Item) else item
        row = self.conn.execute("SELECT story, digest, feed FROM items WHERE id = ?",
                                (key,)).fetchone()
        if row is None and isinstance(item, str):
            row = self.conn.execute("SELECT story, digest, feed FROM items WHERE guid = ?"
                                    " ORDER BY seen_at, rowid LIMIT 1", (item,)).fetchone()
        return ItemState(row[0], row[1], row[2]) if row else None

    def save(self, d: Decision, now: datetime) -> list[int]:
        """Persist a decision in one transaction; returns the ids of the alerts it queued."""
        it, s = d.item, d.story
        key = item_key(it)
        ids = []
        with self.transaction() as c:
            c.execute(
                "INSERT INTO items (id, guid, feed, outlet, link, title, summary, published,"
                " language, story, watchlists, digest, seen_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET title=excluded.title, summary=excluded.summary,"
                " digest=excluded.digest",
                (key, None if key == it.id else it.id, it.feed, it.outlet, it.link, it.title,
                 it.summary, iso(it.published), it.language, s.id, json.dumps(d.watchlists),
                 content_digest(it), iso(now)))
            c.execute(
                "INSERT INTO stories (id, title, first_seen, last_seen, data) VALUES (?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET last_seen=excluded.last_seen, data=excluded.data",
                (s.id, s.title, iso(s.first_seen), iso(s.last_seen), _story_data(s)))
            c.execute("DELETE FROM facts WHERE item = ?", (key,))
            c.executemany("INSERT INTO facts (item, name, value, span, story) VALUES (?,?,?,?,?)",
                          [(key, f.name, f.value, f.span, s.id) for f in d.facts])
            # A story that left the window can no longer change: its ledger rows go (its
            # facts stay in `facts`), so start-up does not read the ledger of every story ever.
            c.executemany("DELETE FROM ledger WHERE scope = ?",
                          [(f"story:{sid}",) for sid in d.evicted])
            for scope, rows in d.ledger.items():
                c.execute("DELETE FROM ledger WHERE scope = ?", (scope,))
                c.executemany("INSERT INTO ledger (scope, fact, value, outlet) VALUES (?,?,?,?)",
                              [(r.scope, r.fact, r.value, r.outlet) for r in rows])
            ids = [_insert_alert(c, a) for a in d.alerts]
        return ids

    def add_alert(self, alert: Alert) -> int:
        """Queue an alert that no single item's decision raised (a poll's summary)."""
        with self.transaction() as c:
            return _insert_alert(c, alert)

    def latest_stories(self, watchlists: Iterable[str], limit: int = 10) -> list[Story]:
        """The stories told to any of `watchlists` that changed last, newest first."""
        names = list(watchlists)
        if not names:
            return []
        marks = ",".join("?" * len(names))
        return [_story(r) for r in self.conn.execute(
            "SELECT id, title, first_seen, last_seen, data FROM stories s WHERE EXISTS"
            f" (SELECT 1 FROM json_each(s.data, '$.watchlists') WHERE value IN ({marks}))"
            " ORDER BY last_seen DESC LIMIT ?", (*names, limit))]

    def window(self, since: datetime) -> tuple[list[Story], list[tuple[Item, str]],
                                                list[LedgerRow]]:
        """What the pipeline needs after a restart: stories and items touched since `since`,
        and the ledger of those stories and of every watchlist."""
        stories = [_story(r) for r in self.conn.execute(
            "SELECT id, title, first_seen, last_seen, data FROM stories WHERE last_seen >= ?",
            (iso(since),))]
        # Items come back with their own guid as id; the pipeline derives the key again. Every
        # item of an open story, however long ago it was seen: a story told over a week keeps
        # the members it would have kept in a run that never stopped.
        items = [(_item(r), r[8]) for r in self.conn.execute(
            "SELECT COALESCE(guid, id), feed, outlet, link, title, summary, published, language,"
            " story"
            " FROM items WHERE seen_at >= ? OR story IN (SELECT id FROM stories"
            " WHERE last_seen >= ?) ORDER BY seen_at, rowid",
            (iso(since), iso(since)))]
        by_id = {s.id: s for s in stories}
        for item, story_id in items:
            if story_id in by_id:
                by_id[story_id].items.append(item.id)
        open_ids = set(by_id)
        ledger = [LedgerRow(*r) for r in self.conn.execute(
            "SELECT scope, fact, value, outlet FROM ledger")
            if not r[0].startswith("story:") or r[0][6:] in open_ids]
        return stories, items, ledger

    def find_item(self, key: str) -> tuple[Item, str, datetime] | None:
        """An item by its id (its guid) or its link: (item, story, when it was seen)."""
        r = self.conn.execute(
            "SELECT COALESCE(guid, id), feed, outlet, link, title, summary, published, language,"
            " story, seen_at FROM items WHERE COALESCE(guid, id) = ? OR id = ? OR link = ?"
            " ORDER BY seen_at LIMIT 1", (key, key, key)).fetchone()
        return (_item(r), r[8], from_iso(r[9])) if r else None

    def items_seen(self, since: datetime, until: datetime) -> list[tuple[Item, str, datetime]]:
        """The items seen in [since, until], in the order they were seen, with their stories."""
        return [(_item(r), r[8], from_iso(r[9])) for r in self.conn.execute(
            "SELECT COALESCE(guid, id), feed, outlet, link, title, summary, published, language,"
            " story, seen_at FROM items WHERE seen_at >= ? AND seen_at <= ?"
            " ORDER BY seen_at, rowid", (iso(since), iso(until)))]

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

    # -- subscriptions and deliveries (Telegram) ---------------------------------------------
    #
    # Times a sender compares (next_attempt) are ISO-8601 text with milliseconds, written and
    # read by the caller; mutes use `iso()` so that SQL can compare them as text.

    def subscribe(self, chat_id: int, watchlist: str, now: datetime) -> bool:
        """Subscribe a chat (again); False when it was already subscribed."""
        with self.transaction() as c:
            row = c.execute("SELECT active FROM subscriptions WHERE chat_id = ? AND watchlist = ?",
                            (chat_id, watchlist)).fetchone()
            if row and row[0]:
                return False
            c.execute("INSERT INTO subscriptions (chat_id, watchlist, active, created)"
                      " VALUES (?,?,1,?) ON CONFLICT(chat_id, watchlist) DO UPDATE SET active = 1",
                      (chat_id, watchlist, iso(now)))
        return True

    def unsubscribe(self, chat_id: int, watchlist: str) -> bool:
        cur = self.conn.execute("UPDATE subscriptions SET active = 0"
                                " WHERE chat_id = ? AND watchlist = ? AND active = 1",
                                (chat_id, watchlist))
        return cur.rowcount > 0

    def subscriptions(self, chat_id: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT watchlist FROM subscriptions WHERE chat_id = ? AND active = 1"
            " ORDER BY watchlist", (chat_id,))]

    def subscriber_count(self) -> int:
        return self.conn.execute("SELECT COUNT(DISTINCT chat_id) FROM subscriptions"
                                 " WHERE active = 1").fetchone()[0]

    def deactivate_chat(self, chat_id: int) -> list[str]:
        """Turn off every subscription of a chat that cannot be reached (blocked, kicked);
        returns the watchlists it was subscribed to."""
        with self.transaction() as c:
            names = [r[0] for r in c.execute(
                "SELECT watchlist FROM subscriptions WHERE chat_id = ? AND active = 1",
                (chat_id,))]
            c.execute("UPDATE subscriptions SET active = 0 WHERE chat_id = ?", (chat_id,))
        return names

    def set_mute(self, chat_id: int, until: datetime | None) -> None:
        self.conn.execute("INSERT INTO chats (chat_id, muted_until) VALUES (?,?)"
                          " ON CONFLICT(chat_id) DO UPDATE SET muted_until = excluded.muted_until",
                          (chat_id, _iso(until)))

    def muted_until(self, chat_id: int, now: datetime) -> datetime | None:
        """The end of a chat's mute, or None when it is not muted at `now`."""
        row = self.conn.execute("SELECT muted_until FROM chats WHERE chat_id = ?",
                                (chat_id,)).fetchone()
        until = _dt(row[0]) if row else None
        return until if until and until > now else None

    def migrate_chat(self, old: int, new: int) -> None:
        """A group became a supergroup: its subscriptions, mute and queued deliveries follow
        it to the new id. Edits of its old messages cannot follow (new chat, new ids)."""
        with self.transaction() as c:
            c.execute("INSERT INTO subscriptions (chat_id, watchlist, active, created)"
                      " SELECT ?, watchlist, active, created FROM subscriptions WHERE chat_id = ?"
                      " ON CONFLICT(chat_id, watchlist) DO UPDATE SET"
                      " active = MAX(active, excluded.active)", (new, old))
            c.execute("DELETE FROM subscriptions WHERE chat_id = ?", (old,))
            c.execute("INSERT OR IGNORE INTO chats (chat_id, muted_until)"
                      " SELECT ?, muted_until FROM chats WHERE chat_id = ?", (new, old))
            c.execute("DELETE FROM chats WHERE chat_id = ?", (old,))
            c.execute("UPDATE OR IGNORE deliveries SET chat_id = ?"
                      " WHERE chat_id = ? AND state = 'queued'", (new, old))
            note = f"chat migrated to {new}"
            c.execute("UPDATE deliveries SET state = 'failed', error = ?"
                      " WHERE chat_id = ? AND state = 'queued'", (note, old))
            c.execute("UPDATE edits SET state = 'failed', error = ?"
                      " WHERE chat_id = ? AND state = 'queued'", (note, old))

    def fan_out(self, alert_id: int, extra_chats: Iterable[int], now: datetime, *,
                allowed: Collection[int] | None = None) -> list[int]:
        """Turn a pending alert into one queued delivery per destination (active, unmuted
        subscribers of its watchlist that are `allowed` (None: all), plus `extra_chats`) and
        mark it dispatched, in one transaction. A chat already told about this story (another
        watchlist's alert of the same kind and changes) is not told twice. Returns the chats
        queued."""
        with self.transaction() as c:
            row = c.execute("SELECT watchlist, story, kind, changes FROM alerts"
                            " WHERE id = ? AND dispatched = 0", (alert_id,)).fetchone()
            if row is None:
                return []
            watchlist, story, kind, changes = row
            chats = [r[0] for r in c.execute(
                "SELECT chat_id FROM subscriptions WHERE watchlist = ? AND active = 1"
                " ORDER BY created, chat_id", (watchlist,))]
            if allowed is not None:
                chats = [chat for chat in chats if chat in allowed]
            chats = list(dict.fromkeys([*chats, *extra_chats]))
            muted = {r[0] for r in c.execute("SELECT chat_id FROM chats WHERE muted_until > ?",
                                             (iso(now),))}
            queued = []
            for chat in chats:
                if chat in muted:
                    continue
                if _told(c, _TOLD_CHAT, chat, alert_id, story, kind, changes):
                    continue
                c.execute("INSERT OR IGNORE INTO deliveries (alert_id, chat_id) VALUES (?,?)",
                          (alert_id, chat))
                queued.append(chat)
            c.execute("UPDATE alerts SET dispatched = 1 WHERE id = ?", (alert_id,))
        return queued

    def queue_heads(self) -> list[QueueHead]:
        """Each chat's oldest queued delivery, with how many are queued for the chat: a
        chat's alerts go out in order, so only its head can be sent (or all of them at once,
        combined, when the queue is long)."""
        # SQLite takes the bare columns from the row holding MIN(alert_id).
        return [QueueHead(*r) for r in self.conn.execute(
            "SELECT h.chat_id, h.alert_id, h.attempts, h.next_attempt, h.queued, a.at FROM"
            " (SELECT chat_id, MIN(alert_id) AS alert_id, attempts, next_attempt,"
            "  COUNT(*) AS queued FROM deliveries WHERE state = 'queued' GROUP BY chat_id) h"
            " JOIN alerts a ON a.id = h.alert_id")]

    def queued_for(self, chat_id: int, limit: int = 200) -> list[int]:
        """The alert ids queued for a chat, oldest first (those waiting for a retry too)."""
        return [r[0] for r in self.conn.execute(
            "SELECT alert_id FROM deliveries WHERE chat_id = ? AND state = 'queued'"
            " ORDER BY alert_id LIMIT ?", (chat_id, limit))]

    def alert(self, alert_id: int) -> Alert | None:
        r = self.conn.execute(
            "SELECT id, at, kind, watchlist, story, items, changes, text, title, links"
            " FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        return _alert(r) if r else None

    def story(self, story_id: str) -> Story | None:
        r = self.conn.execute("SELECT id, title, first_seen, last_seen, data FROM stories"
                              " WHERE id = ?", (story_id,)).fetchone()
        return _story(r) if r else None

    def first_message(self, chat_id: int, story_id: str) -> int | None:
        """The message id of a chat's first alert about a story (what updates reply to)."""
        row = self.conn.execute(
            "SELECT d.message_id FROM alerts a JOIN deliveries d ON d.alert_id = a.id"
            " WHERE a.story = ? AND a.kind = 'new_story' AND d.chat_id = ? AND d.state = 'sent'"
            " ORDER BY a.id LIMIT 1", (story_id, chat_id)).fetchone()
        return row[0] if row else None

    def story_messages(self, story_id: str) -> list[tuple[int, int, int]]:
        """(chat_id, message_id, alert_id) of every first alert sent about a story."""
        return [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT d.chat_id, d.message_id, a.id FROM alerts a"
            " JOIN deliveries d ON d.alert_id = a.id"
            " WHERE a.story = ? AND a.kind = 'new_story' AND d.state = 'sent'"
            " AND d.message_id IS NOT NULL ORDER BY a.id", (story_id,))]

    def delivery_sent(self, alert_id: int, chat_id: int, message_id: int | None,
                      now: datetime) -> None:
        """Telegram took it; `message_id` None when it went out combined with others (that
        message is no story's own: updates do not reply to it, growth does not edit it)."""
        self.conn.execute("UPDATE deliveries SET state = 'sent', message_id = ?, sent_at = ?,"
                          " attempts = attempts + 1, error = NULL"
                          " WHERE alert_id = ? AND chat_id = ?",
                          (message_id, iso(now), alert_id, chat_id))

    def delivery_retry(self, alert_id: int, chat_id: int, next_attempt: str, error: str, *,
                       count: bool = True) -> None:
        self.conn.execute("UPDATE deliveries SET next_attempt = ?, error = ?,"
                          " attempts = attempts + ? WHERE alert_id = ? AND chat_id = ?",
                          (next_attempt, error, int(count), alert_id, chat_id))

    def delivery_failed(self, alert_id: int, chat_id: int, error: str) -> None:
        self.conn.execute("UPDATE deliveries SET state = 'failed', error = ?,"
                          " attempts = attempts + 1 WHERE alert_id = ? AND chat_id = ?",
                          (error, alert_id, chat_id))

    def fail_queued(self, chat_id: int, error: str) -> int:
        """Fail everything still queued for a chat (it blocked the bot): returns how many."""
        with self.transaction() as c:
            n = c.execute("UPDATE deliveries SET state = 'failed', error = ?"
                          " WHERE chat_id = ? AND state = 'queued'", (error, chat_id)).rowcount
            c.execute("UPDATE edits SET state = 'failed', error = ?"
                      " WHERE chat_id = ? AND state = 'queued'", (error, chat_id))
        return n

    def deliveries(self, alert_id: int | None = None) -> list[tuple]:
        """(alert_id, chat_id, state, attempts, message_id, error), oldest first."""
        sql = ("SELECT alert_id, chat_id, state, attempts, message_id, error FROM deliveries"
               + (" WHERE alert_id = ?" if alert_id is not None else "")
               + " ORDER BY alert_id, chat_id")
        return [tuple(r) for r in self.conn.execute(
            sql, (alert_id,) if alert_id is not None else ())]

    def queue_edit(self, chat_id: int, message_id: int, alert_id: int, html: str) -> bool:
        """Queue a new text for a sent message; a queued edit of the same message is replaced
        (edits coalesce). False when the message already has, or will get, this text."""
        with self.transaction() as c:
            row = c.execute("SELECT html, state FROM edits WHERE chat_id = ? AND message_id = ?",
                            (chat_id, message_id)).fetchone()
            if row and row[0] == html and row[1] != "failed":
                return False
            c.execute("INSERT INTO edits (chat_id, message_id, alert_id, html) VALUES (?,?,?,?)"
                      " ON CONFLICT(chat_id, message_id) DO UPDATE SET html = excluded.html,"
                      " version = version + 1, state = 'queued', attempts = 0,"
                      " next_attempt = NULL, error = NULL",
                      (chat_id, message_id, alert_id, html))
        return True

    def queued_edits(self) -> list[tuple[int, int, str, int, int, str | None]]:
        """(chat_id, message_id, html, version, attempts, next_attempt) of queued edits."""
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in self.conn.execute(
            "SELECT chat_id, message_id, html, version, attempts, next_attempt FROM edits"
            " WHERE state = 'queued' ORDER BY rowid")]

    def edit_done(self, chat_id: int, message_id: int, version: int, error: str | None = None,
                  *, failed: bool = False) -> None:
        """The edit of `version` is settled (a newer queued text stays queued)."""
        self.conn.execute("UPDATE edits SET state = ?, error = ?, attempts = attempts + 1"
                          " WHERE chat_id = ? AND message_id = ? AND version = ?",
                          ("failed" if failed else "sent", error, chat_id, message_id, version))

    def edit_retry(self, chat_id: int, message_id: int, version: int, next_attempt: str,
                   error: str, *, count: bool = True) -> None:
        self.conn.execute("UPDATE edits SET next_attempt = ?, error = ?, attempts = attempts + ?"
                          " WHERE chat_id = ? AND message_id = ? AND version = ?",
                          (next_attempt, error, int(count), chat_id, message_id, version))

    def delivery_counts(self) -> dict[str, int]:
        """Deliveries by state, plus queued edits and alerts not yet fanned out."""
        out = {"queued": 0, "sent": 0, "failed": 0}
        for state, n in self.conn.execute("SELECT state, COUNT(*) FROM deliveries"
                                          " GROUP BY state"):
            out[state] = n
        out["edits_queued"] = self.conn.execute(
            "SELECT COUNT(*) FROM edits WHERE state = 'queued'").fetchone()[0]
        out["alerts_pending"] = self.conn.execute(
            "SELECT COUNT(*) FROM alerts WHERE dispatched = 0").fetchone()[0]
        return out

    def last_alert(self) -> Alert | None:
        r = self.conn.execute(
            "SELECT id, at, kind, watchlist, story, items, changes, text, title, links"
            " FROM alerts ORDER BY id DESC LIMIT 1").fetchone()
        return _alert(r) if r else None

    # -- apprise deliveries --------------------------------------------------------------------
    #
    # The Apprise sink's outbox. Rows are queued by `apprise_fan_out` from the alerts that are
    # still pending (dispatched = 0), *before* the primary sink (Telegram or the console) marks
    # them dispatched; the primary key makes a repeated fan-out (after a crash in between) a
    # no-op, so every alert reaches every Apprise destination exactly once.

    def apprise_fan_out(self, destinations: Iterable[tuple[str, Iterable[str]]]) -> int:
        """Queue one row per pending alert and destination `(key, watchlists)` (empty
        watchlists: all). A destination already told about this story (another watchlist's
        alert of the same kind and changes) is not told twice. Returns the rows queued."""
        dests = [(key, set(names)) for key, names in destinations]
        if not dests:
            return 0
        queued = 0
        with self.transaction() as c:
            pending = c.execute("SELECT id, watchlist, story, kind, changes FROM alerts"
                                " WHERE dispatched = 0 ORDER BY id").fetchall()
            for alert_id, watchlist, story, kind, changes in pending:
                for key, names in dests:
                    if names and watchlist not in names:
                        continue
                    if _told(c, _TOLD_APPRISE, key, alert_id, story, kind, changes):
                        continue
                    queued += c.execute(
                        "INSERT OR IGNORE INTO apprise_deliveries (alert_id, destination)"
                        " VALUES (?,?)", (alert_id, key)).rowcount
        return queued

    def apprise_head(self, destination: str) -> tuple[int, int, str | None] | None:
        """(alert_id, attempts, next_attempt) of a destination's oldest queued row: its
        alerts go out in order, so an update never overtakes the story it follows."""
        row = self.conn.execute(
            "SELECT alert_id, attempts, next_attempt FROM apprise_deliveries"
            " WHERE state = 'queued' AND destination = ? ORDER BY alert_id LIMIT 1",
            (destination,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def apprise_sent(self, alert_id: int, destination: str, now: datetime) -> None:
        self.conn.execute("UPDATE apprise_deliveries SET state = 'sent', sent_at = ?,"
                          " attempts = attempts + 1, error = NULL"
                          " WHERE alert_id = ? AND destination = ?",
                          (iso(now), alert_id, destination))

    def apprise_retry(self, alert_id: int, destination: str, next_attempt: str,
                      error: str) -> None:
        self.conn.execute("UPDATE apprise_deliveries SET next_attempt = ?, error = ?,"
                          " attempts = attempts + 1 WHERE alert_id = ? AND destination = ?",
                          (next_attempt, error, alert_id, destination))

    def apprise_failed(self, alert_id: int, destination: str, error: str) -> None:
        self.conn.execute("UPDATE apprise_deliveries SET state = 'failed', error = ?,"
                          " attempts = attempts + 1 WHERE alert_id = ? AND destination = ?",
                          (error, alert_id, destination))

    def apprise_fail_others(self, keep: Iterable[str], error: str) -> int:
        """Fail the queued rows of destinations no longer configured (not in `keep`): they
        can never be sent, and stay visible with their error. Returns how many."""
        keys = list(keep)
        marks = ",".join("?" * len(keys))
        return self.conn.execute(
            "UPDATE apprise_deliveries SET state = 'failed', error = ?"
            f" WHERE state = 'queued' AND destination NOT IN ({marks})",
            (error, *keys)).rowcount

    def apprise_deliveries(self, alert_id: int | None = None) -> list[tuple]:
        """(alert_id, destination, state, attempts, error), oldest first."""
        sql = ("SELECT alert_id, destination, state, attempts, error FROM apprise_deliveries"
               + (" WHERE alert_id = ?" if alert_id is not None else "")
               + " ORDER BY alert_id, destination")
        return [tuple(r) for r in self.conn.execute(
            sql, (alert_id,) if alert_id is not None else ())]

    def apprise_counts(self) -> dict[str, int]:
        out = {"queued": 0, "sent": 0, "failed": 0}
        for state, n in self.conn.execute("SELECT state, COUNT(*) FROM apprise_deliveries"
                                          " GROUP BY state"):
            out[state] = n
        return out

    # -- retention -----------------------------------------------------------------------------
    #
    # Alerts and the rows kept per alert and destination (deliveries, edits,
    # apprise_deliveries) grow with every message; `prune` drops those older than the
    # retention period. An alert's age is its `at`: every row about it was written later.
    # Never pruned, because something still reads them:
    # - anything queued, and an alert not yet fanned out;
    # - every row about a story that is still open (its first message per chat is what
    #   updates reply to and growth edits, its deliveries what "told already" checks) or that
    #   has anything of its own still pending (an update waiting to reply to its anchor);
    # - the newest alert, which /status reports as the last one.
    # Stories, items, facts and the ledger are not touched. SQLite reuses the freed pages, so
    # the file stops growing rather than shrinking (`VACUUM` would shrink it, offline).

    def prune(self, before: datetime, open_since: datetime, *,
              chunk: int = 500) -> dict[str, int]:
        """Delete alerts from before `before`, and their deliveries, edits and Apprise rows,
        except what is still needed (see above); stories whose last item is at or after
        `open_since` are open. Returns the rows deleted per table."""
        total = dict.fromkeys(PRUNED_TABLES, 0)
        for so_far in self.prune_steps(before, open_since, chunk=chunk):
            total = so_far
        return total

    def prune_steps(self, before: datetime, open_since: datetime, *,
                    chunk: int = 500) -> Iterator[dict[str, int]]:
        """`prune`, one transaction of at most `chunk` alerts per step, so that the first
        prune of a large store never holds the write lock (or the daemon's loop) for long.
        Each step yields the rows deleted so far, per table."""
        total = dict.fromkeys(PRUNED_TABLES, 0)
        cursor = 0
        newest = self.conn.execute("SELECT MAX(id) FROM alerts").fetchone()[0] or 0
        while True:
            with self.transaction() as c:
                ids = [r[0] for r in c.execute(
                    "SELECT a.id FROM alerts a WHERE a.id > ? AND a.at < ?"
                    " AND NOT EXISTS (SELECT 1 FROM stories s"
                    "                 WHERE s.id = a.story AND s.last_seen >= ?)"
                    " AND NOT EXISTS (SELECT 1 FROM alerts q WHERE q.story = a.story"
                    "                 AND (q.dispatched = 0 OR EXISTS (SELECT 1 FROM deliveries d"
                    "                      WHERE d.alert_id = q.id AND d.state = 'queued')))"
                    " ORDER BY a.id LIMIT ?",
                    (cursor, iso(before), iso(open_since), chunk))]
                if not ids:
                    return
                cursor = ids[-1]
                marks = ",".join("?" * len(ids))
                for table in ("deliveries", "edits", "apprise_deliveries"):
                    total[table] += c.execute(
                        f"DELETE FROM {table} WHERE alert_id IN ({marks})"
                        " AND state != 'queued'", ids).rowcount
                total["alerts"] += c.execute(
                    f"DELETE FROM alerts WHERE id IN ({marks}) AND id != ? AND dispatched = 1"
                    " AND NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_id = alerts.id)"
                    " AND NOT EXISTS (SELECT 1 FROM edits WHERE alert_id = alerts.id)"
                    " AND NOT EXISTS (SELECT 1 FROM apprise_deliveries"
                    "                 WHERE alert_id = alerts.id)", (*ids, newest)).rowcount
            yield dict(total)


PRUNED_TABLES = ("deliveries", "edits", "apprise_deliveries", "alerts")


# -- row <-> domain ------------------------------------------------------------------------------

def _iso(dt: datetime | None) -> str | None:
    return iso(dt) if dt else None


def _dt(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def _story_data(s: Story) -> str:
    # The story's items are not repeated here (items.story holds them): an update of a big
    # story must not rewrite a list that grows with every member.
    return json.dumps({"outlets": s.outlets, "links": s.links, "languages": s.languages,
                       "watchlists": s.watchlists, "held": s.held})


def _story(r: tuple) -> Story:
    data = json.loads(r[4])
    return Story(id=r[0], title=r[1], first_seen=from_iso(r[2]), last_seen=from_iso(r[3]),
                 outlets=data["outlets"],
                 links=[tuple(x) for x in data["links"]], languages=data["languages"],
                 watchlists=data["watchlists"], held=data.get("held", {}))


def _item(r: tuple) -> Item:
    return Item(id=r[0], feed=r[1], outlet=r[2], link=r[3], title=r[4], summary=r[5],
                published=from_iso(r[6]), language=r[7])


def _insert_alert(c: sqlite3.Connection, a: Alert) -> int:
    cur = c.execute(
        "INSERT INTO alerts (at, kind, watchlist, story, items, changes, text, title, links)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (iso(a.at), a.kind, a.watchlist, a.story, json.dumps(list(a.items)),
         json.dumps([_change_data(ch) for ch in a.changes]), a.text, a.title,
         json.dumps([list(x) for x in a.links])))
    return cur.lastrowid


def _change_data(c: Change) -> dict:
    return {"fact": c.fact, "old": c.old, "new": c.new, "sources": list(c.sources)}


def _alert(r: tuple) -> Alert:
    return Alert(at=from_iso(r[1]), kind=r[2], watchlist=r[3], story=r[4],
                 items=tuple(json.loads(r[5])),
                 changes=tuple(Change(x["fact"], x["old"], x["new"], tuple(x.get("sources", ())))
                               for x in json.loads(r[6])),
                 text=r[7], title=r[8], links=tuple(tuple(x) for x in json.loads(r[9])))
