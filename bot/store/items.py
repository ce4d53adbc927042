"""Items and stories: what was seen, what it was grouped into, and the figures it carried.

An item's decision (its row, its story, its facts, the ledger rows it touched and the alerts
it raised) is saved in one transaction: after a crash either all of it is there or none.
Items are keyed by `keys.item_key` (a guid that is only unique within its feed is qualified
by the feed); `guid` keeps the entry's own id where the key is not it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from ..keys import content_digest, item_key
from ..model import Decision, Fact, Item, LedgerRow, Story
from .outbox import insert_alert
from .schema import from_iso, iso, transaction


class ItemState(NamedTuple):
    """What the store knows of an entry: its story, its text's digest, the feed it came from."""

    story: str
    digest: str
    feed: str


class StoredItem(NamedTuple):
    item: Item  # with the entry's own guid as its id
    story: str


class SeenItem(NamedTuple):
    item: Item  # with the entry's own guid as its id
    story: str
    seen: datetime


class Report(NamedTuple):
    """One item of a story with the figures read from it: a row of a story's timeline."""

    item: Item  # with the entry's own guid as its id
    seen: datetime
    facts: tuple[Fact, ...]


class Window(NamedTuple):
    """What the pipeline needs after a restart (see `Items.window`)."""

    stories: list[Story]
    items: list[StoredItem]
    ledger: list[LedgerRow]


_STORY_COLUMNS = "id, title, first_seen, last_seen, data"
_ITEM_COLUMNS = ("COALESCE(guid, id), feed, outlet, link, title, summary, published, language,"
                 " story")


class Items:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def state(self, item: Item | str) -> ItemState | None:
        """What is stored of an entry, or None if it was never seen. Ask with the `Item`: it
        is looked up by its key (`keys.item_key`). A string is taken as a key, else as an
        entry's own guid (the first feed that gave it wins: a guid alone can be ambiguous)."""
        key = item_key(item) if isinstance(item, Item) else item
        row = self.conn.execute("SELECT story, digest, feed FROM items WHERE id = ?",
                                (key,)).fetchone()
        if row is None and isinstance(item, str):
            row = self.conn.execute("SELECT story, digest, feed FROM items WHERE guid = ?"
                                    " ORDER BY seen_at, rowid LIMIT 1", (item,)).fetchone()
        return ItemState(*row) if row else None

    def save(self, d: Decision, now: datetime) -> list[int]:
        """Persist a decision in one transaction; returns the ids of the alerts it queued."""
        it, s = d.item, d.story
        key = item_key(it)
        with transaction(self.conn) as c:
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
            c.executemany("UPDATE stories SET closed = 1 WHERE id = ?",
                          [(sid,) for sid in d.evicted])
            for scope, rows in d.ledger.items():
                c.execute("DELETE FROM ledger WHERE scope = ?", (scope,))
                c.executemany("INSERT INTO ledger (scope, fact, value, outlet) VALUES (?,?,?,?)",
                              [(r.scope, r.fact, r.value, r.outlet) for r in rows])
            return [insert_alert(c, a) for a in d.alerts]

    def story(self, story_id: str) -> Story | None:
        r = self.conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = ?",
                              (story_id,)).fetchone()
        return _story(r) if r else None

    def figures(self, story_id: str) -> dict[str, int]:
        """A story's own figures as told so far (the ledger's; none once it left the
        window)."""
        return dict(self.conn.execute(
            "SELECT fact, MAX(value) FROM ledger WHERE scope = ? AND outlet = ''"
            " GROUP BY fact", (f"story:{story_id}",)).fetchall())

    def texts(self, ids: Iterable[str]) -> list[tuple[str | None, str, str]]:
        """(language, title, summary) of the items of these ids (their own guids, as the
        decision and its alerts name them, or keys)."""
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        return [tuple(r) for r in self.conn.execute(
            "SELECT language, title, summary FROM items"
            f" WHERE id IN ({marks}) OR guid IN ({marks})", (*ids, *ids))] if ids else []

    def latest_stories(self, watchlists: Iterable[str] | None, limit: int = 10,
                       since: datetime | None = None) -> list[Story]:
        """The stories told to any of `watchlists` (None: to any watchlist at all) that
        changed last, newest first; with `since`, only those that changed since then."""
        names = None if watchlists is None else list(watchlists)
        if names == []:
            return []
        told = (f"value IN ({','.join('?' * len(names))})" if names is not None
                else "1")  # a story no watchlist was told of is an unmatched entry's
        after = " AND last_seen >= ?" if since is not None else ""
        return [_story(r) for r in self.conn.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories s WHERE EXISTS"
            f" (SELECT 1 FROM json_each(s.data, '$.watchlists') WHERE {told}){after}"
            " ORDER BY last_seen DESC LIMIT ?",
            (*(names or ()), *((iso(since),) if since is not None else ()), limit))]

    def stories_by_prefix(self, prefix: str, limit: int = 2) -> list[Story]:
        """Stories whose id starts with `prefix` (an id as a person copies it, shortened):
        a range over the primary key, never a scan."""
        return [_story(r) for r in self.conn.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories WHERE id >= ? AND id < ? ORDER BY id"
            " LIMIT ?", (prefix, prefix + "\U0010ffff", limit))]

    def reports(self, story_id: str) -> list[Report]:
        """Every item of a story with its facts, in published order (then as seen)."""
        facts: dict[str, list[Fact]] = {}
        for key, name, value, span in self.conn.execute(
                "SELECT f.item, f.name, f.value, f.span FROM items i JOIN facts f"
                " ON f.item = i.id WHERE i.story = ? ORDER BY f.rowid", (story_id,)):
            facts.setdefault(key, []).append(Fact(name, value, span))
        return [Report(_item(r), from_iso(r[9]), tuple(facts.get(r[10], ())))
                for r in self.conn.execute(
                    f"SELECT {_ITEM_COLUMNS}, seen_at, id FROM items WHERE story = ?"
                    " ORDER BY published, seen_at, rowid", (story_id,))]

    def fact_rows(self, story_ids: Iterable[str]) -> list[tuple[str, str, int]]:
        """(story, fact, value) of every figure read from the items of these stories; through
        items.story (indexed), as `facts` has no index on its story column."""
        ids = list(story_ids)
        if not ids:
            return []
        return [tuple(r) for r in self.conn.execute(
            "SELECT i.story, f.name, f.value FROM items i JOIN facts f ON f.item = i.id"
            f" WHERE i.story IN ({','.join('?' * len(ids))}) ORDER BY f.rowid", ids)]

    def window(self, since: datetime, kept_since: datetime | None = None) -> Window:
        """What the pipeline needs after a restart: stories and items touched since `since`
        (and the stories it has not let go touched since `kept_since`), and the ledger of
        those stories and of every watchlist."""
        open_ = "last_seen >= ?" if kept_since is None else \
            "(last_seen >= ? OR (closed = 0 AND last_seen >= ?))"
        args = (iso(since),) if kept_since is None else (iso(since), iso(kept_since))
        stories = [_story(r) for r in self.conn.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories WHERE {open_}", args)]
        # Items come back with their own guid as id; the pipeline derives the key again. Every
        # item of an open story, however long ago it was seen: a story told over a week keeps
        # the members it would have kept in a run that never stopped.
        items = [StoredItem(_item(r), r[8]) for r in self.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE seen_at >= ? OR story IN"
            f" (SELECT id FROM stories WHERE {open_}) ORDER BY seen_at, rowid",
            (iso(since), *args))]
        by_id = {s.id: s for s in stories}
        for stored in items:
            if stored.story in by_id:
                by_id[stored.story].items.append(stored.item.id)
        ledger = [LedgerRow(*r) for r in self.conn.execute(
            "SELECT scope, fact, value, outlet FROM ledger")
            if not r[0].startswith("story:") or r[0][6:] in by_id]
        return Window(stories, items, ledger)

    def find(self, key: str) -> SeenItem | None:
        """An item by its id (its guid) or its link, with its story and when it was seen."""
        r = self.conn.execute(
            f"SELECT {_ITEM_COLUMNS}, seen_at FROM items"
            " WHERE COALESCE(guid, id) = ? OR id = ? OR link = ? ORDER BY seen_at LIMIT 1",
            (key, key, key)).fetchone()
        return SeenItem(_item(r), r[8], from_iso(r[9])) if r else None

    def seen(self, since: datetime, until: datetime) -> list[SeenItem]:
        """The items seen in [since, until], in the order they were seen, with their stories."""
        return [SeenItem(_item(r), r[8], from_iso(r[9])) for r in self.conn.execute(
            f"SELECT {_ITEM_COLUMNS}, seen_at FROM items WHERE seen_at >= ? AND seen_at <= ?"
            " ORDER BY seen_at, rowid", (iso(since), iso(until)))]


# -- row <-> domain ------------------------------------------------------------------------------

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
