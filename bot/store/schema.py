"""The schema: its numbered migrations, how they are applied, and how rows hold times.

Migrations are steps applied in order, each inside a transaction; `PRAGMA user_version`
records the last one. A store written by an older vigia is brought up to date when it is
opened, its rows carried over (never dropped); a store from a newer vigia is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from ..errors import StoreError

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
    # 6: one outbox. Telegram's `deliveries` and Apprise's `apprise_deliveries` had the same
    # shape and the same queries written twice; their rows move to one table, told apart by
    # `sink`. `destination` is a chat id (an integer) for Telegram and a hash of the URL (text)
    # for Apprise: declared without a type, each value keeps its own. `message_id` is the id a
    # destination gave the message, where it gives one (Telegram's: what updates reply to and
    # growth edits). The old tables go, indexes and all, once their rows are copied. The key
    # leads with the alert, so "told already" and threading look rows up from a story's few
    # alerts; `deliveries_queue` holds the queued rows only (few, whatever the history), in
    # each destination's order, and no query about sent rows is drawn to it.
    """
    ALTER TABLE deliveries RENAME TO deliveries_5;
    CREATE TABLE deliveries (
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        sink TEXT NOT NULL,
        destination NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        error TEXT,
        sent_at TEXT,
        message_id INTEGER,
        PRIMARY KEY (alert_id, sink, destination)
    );
    INSERT INTO deliveries (alert_id, sink, destination, state, attempts, next_attempt, error,
                            sent_at, message_id)
        SELECT alert_id, 'telegram', chat_id, state, attempts, next_attempt, error, sent_at,
               message_id FROM deliveries_5;
    INSERT INTO deliveries (alert_id, sink, destination, state, attempts, next_attempt, error,
                            sent_at)
        SELECT alert_id, 'apprise', destination, state, attempts, next_attempt, error, sent_at
        FROM apprise_deliveries;
    DROP TABLE deliveries_5;
    DROP TABLE apprise_deliveries;
    CREATE INDEX deliveries_queue ON deliveries(sink, destination, alert_id)
        WHERE state = 'queued'
    """,
    # 7: the language a chat is spoken to in: `language` as chosen with /language (NULL: not
    # chosen), `user_language` as Telegram last gave it for the chat's user (a private chat),
    # or for the admin who subscribed a group. Rows of chats that only set a language are
    # new in this table, which held mutes alone before.
    """
    ALTER TABLE chats ADD COLUMN language TEXT;
    ALTER TABLE chats ADD COLUMN user_language TEXT
    """,
    # 8: what a chat lets through of each watchlist (/filters); a row only where it differs
    # from the defaults (let everything through). Lists are JSON arrays. Indexed by
    # watchlist: fanning an alert out reads the filters of its watchlist's chats.
    """
    CREATE TABLE filters (
        chat_id INTEGER NOT NULL,
        watchlist TEXT NOT NULL,
        min_killed INTEGER NOT NULL DEFAULT 0,
        updates INTEGER NOT NULL DEFAULT 1,
        languages TEXT NOT NULL DEFAULT '[]',
        include TEXT NOT NULL DEFAULT '[]',
        exclude TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (chat_id, watchlist)
    );
    CREATE INDEX filters_watchlist ON filters(watchlist)
    """,
    # 9: when a chat is told: its time zone, digest ("daily 08:00", "every 6h") and quiet
    # hours ("22:00-07:00"), as /timezone, /digest and /quiet write them (NULL: the config's
    # zone, no digest, no quiet hours); the partial index is the few chats whose deliveries
    # the sender must time. Each message that carried several alerts is recorded in
    # `digests` (why: a digest, quiet hours, or a queue too long for its pacing), and the
    # deliveries it carried point to it, all in the transaction that marks them sent.
    """
    ALTER TABLE chats ADD COLUMN timezone TEXT;
    ALTER TABLE chats ADD COLUMN digest TEXT;
    ALTER TABLE chats ADD COLUMN quiet TEXT;
    CREATE INDEX chats_timed ON chats(chat_id) WHERE digest IS NOT NULL OR quiet IS NOT NULL;
    CREATE TABLE digests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sink TEXT NOT NULL,
        destination NOT NULL,
        reason TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        message_id INTEGER,
        alerts INTEGER NOT NULL
    );
    ALTER TABLE deliveries ADD COLUMN digest INTEGER REFERENCES digests(id)
    """,
    # 9: stories the pipeline let go (Decision.evicted): a restart rebuilds the others of the
    # last grouping.rare_window too, a rare event's story the grouper may still keep among
    # them; those of a store written before are let go
    """
    ALTER TABLE stories ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
    UPDATE stories SET closed = 1;
    CREATE INDEX stories_open ON stories(last_seen) WHERE closed = 0
    """,
]


def migrate(conn: sqlite3.Connection, path: str) -> int:
    """Apply the migrations `conn` has not had yet; returns the schema's version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(f"{path} was written by a newer vigia (schema {version})")
    for number in range(version + 1, len(MIGRATIONS) + 1):
        with transaction(conn) as c:
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    c.execute(statement)
            c.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction; taken at once (IMMEDIATE), so that two writers queue up on the
    busy timeout instead of failing half-way on a lock upgrade."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# -- times ---------------------------------------------------------------------------------------
#
# Times are ISO-8601 text in UTC, so that SQL can compare them as text. Those a row is
# compared with by the second (when an item was seen, a story's last item, a mute's end) are
# written to the second; a delivery's next attempt, which the sinks wait for, to the
# millisecond, from wall-clock seconds (`time.time()`).

def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def iso_or_none(dt: datetime | None) -> str | None:
    return iso(dt) if dt else None


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def from_iso_or_none(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def wall(t: float) -> str:
    """Wall-clock seconds as a stored time, to the millisecond."""
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")


def seconds(text: str | None) -> float:
    """A stored time as wall-clock seconds; 0 for none (due at once)."""
    return datetime.fromisoformat(text).timestamp() if text else 0.0
