"""Telegram's chats: who subscribed to which watchlist, which chats are muted, a group that
became a supergroup, and the queued edits of messages already sent (a story that grew).

The deliveries themselves are the outbox's (outbox.py), as Apprise's are; what is here is
what only Telegram has.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import NamedTuple

from ..model import Filters
from .schema import from_iso_or_none, iso, iso_or_none, seconds, transaction, wall


class Edit(NamedTuple):
    """A queued new text for a message sent before."""

    chat_id: int
    message_id: int
    html: str
    version: int  # a newer text for the same message replaces it (edits coalesce)
    attempts: int
    due: float  # wall-clock seconds from when it may be tried (0: at once)


class Times(NamedTuple):
    """When a chat is told, as its commands wrote it (None: not set)."""

    timezone: str | None
    digest: str | None
    quiet: str | None


class Chats:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- subscriptions -------------------------------------------------------------------------

    def subscribe(self, chat_id: int, watchlist: str, now: datetime) -> bool:
        """Subscribe a chat (again); False when it was already subscribed."""
        with transaction(self.conn) as c:
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
        """The watchlists a chat follows, by name."""
        return [r[0] for r in self.conn.execute(
            "SELECT watchlist FROM subscriptions WHERE chat_id = ? AND active = 1"
            " ORDER BY watchlist", (chat_id,))]

    def subscriber_count(self) -> int:
        return self.conn.execute("SELECT COUNT(DISTINCT chat_id) FROM subscriptions"
                                 " WHERE active = 1").fetchone()[0]

    def deactivate(self, chat_id: int) -> list[str]:
        """Turn off every subscription of a chat that cannot be reached (blocked, kicked);
        returns the watchlists it was subscribed to."""
        with transaction(self.conn) as c:
            names = [r[0] for r in c.execute(
                "SELECT watchlist FROM subscriptions WHERE chat_id = ? AND active = 1",
                (chat_id,))]
            c.execute("UPDATE subscriptions SET active = 0 WHERE chat_id = ?", (chat_id,))
        return names

    def recipients(self, watchlist: str, extra: Iterable[int], now: datetime, *,
                   allowed: Collection[int] | None = None) -> list[int]:
        """Who gets an alert of `watchlist`: its active subscribers that are `allowed`
        (None: all), oldest subscription first, then `extra` (the configured channels),
        without the chats muted at `now`."""
        chats = [r[0] for r in self.conn.execute(
            "SELECT chat_id FROM subscriptions WHERE watchlist = ? AND active = 1"
            " ORDER BY created, chat_id", (watchlist,))]
        if allowed is not None:
            chats = [chat for chat in chats if chat in allowed]
        muted = {r[0] for r in self.conn.execute(
            "SELECT chat_id FROM chats WHERE muted_until > ?", (iso(now),))}
        return [chat for chat in dict.fromkeys([*chats, *extra]) if chat not in muted]

    # -- mutes ---------------------------------------------------------------------------------

    def set_mute(self, chat_id: int, until: datetime | None) -> None:
        self.conn.execute("INSERT INTO chats (chat_id, muted_until) VALUES (?,?)"
                          " ON CONFLICT(chat_id) DO UPDATE SET muted_until = excluded.muted_until",
                          (chat_id, iso_or_none(until)))

    def muted_until(self, chat_id: int, now: datetime) -> datetime | None:
        """The end of a chat's mute, or None when it is not muted at `now`."""
        row = self.conn.execute("SELECT muted_until FROM chats WHERE chat_id = ?",
                                (chat_id,)).fetchone()
        until = from_iso_or_none(row[0]) if row else None
        return until if until and until > now else None

    # -- filters -------------------------------------------------------------------------------

    def filters(self, chat_id: int, watchlist: str) -> Filters:
        row = self.conn.execute(f"SELECT {_FILTER_COLUMNS} FROM filters"
                                " WHERE chat_id = ? AND watchlist = ?",
                                (chat_id, watchlist)).fetchone()
        return _filters(row) if row else Filters()

    def filters_of(self, watchlist: str) -> dict[int, Filters]:
        """The chats that filter `watchlist`'s alerts, and how."""
        return {r[0]: _filters(r[1:]) for r in self.conn.execute(
            f"SELECT chat_id, {_FILTER_COLUMNS} FROM filters WHERE watchlist = ?",
            (watchlist,))}

    def set_filters(self, chat_id: int, watchlist: str, f: Filters) -> None:
        """Keep a chat's filters for a watchlist; the defaults are kept as no row."""
        if f == Filters():
            self.conn.execute("DELETE FROM filters WHERE chat_id = ? AND watchlist = ?",
                              (chat_id, watchlist))
            return
        self.conn.execute(
            f"INSERT OR REPLACE INTO filters (chat_id, watchlist, {_FILTER_COLUMNS})"
            " VALUES (?,?,?,?,?,?,?)",
            (chat_id, watchlist, f.min_killed, int(f.updates), json.dumps(f.languages),
             json.dumps(f.include), json.dumps(f.exclude)))

    # -- language ------------------------------------------------------------------------------

    def set_language(self, chat_id: int, code: str | None) -> None:
        """The language chosen for a chat (/language); None forgets the choice."""
        self.conn.execute("INSERT INTO chats (chat_id, language) VALUES (?,?)"
                          " ON CONFLICT(chat_id) DO UPDATE SET language = excluded.language",
                          (chat_id, code))

    def saw_language(self, chat_id: int, code: str, *, keep: bool = False) -> None:
        """The language Telegram gave for the chat's user (written only when it changed);
        with `keep`, only when none is known yet."""
        self.conn.execute("INSERT INTO chats (chat_id, user_language) VALUES (?,?)"
                          " ON CONFLICT(chat_id) DO UPDATE SET user_language ="
                          " excluded.user_language WHERE user_language IS NOT"
                          " excluded.user_language" + (" AND user_language IS NULL" if keep
                                                       else ""), (chat_id, code))

    def language(self, chat_id: int) -> tuple[str | None, str | None]:
        """(chosen, Telegram's) language of a chat; either may be None."""
        row = self.conn.execute("SELECT language, user_language FROM chats WHERE chat_id = ?",
                                (chat_id,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    # -- times ---------------------------------------------------------------------------------

    def times(self, chat_id: int) -> Times:
        row = self.conn.execute("SELECT timezone, digest, quiet FROM chats WHERE chat_id = ?",
                                (chat_id,)).fetchone()
        return Times(*row) if row else Times(None, None, None)

    def timed(self) -> dict[int, Times]:
        """The chats with a digest or quiet hours, whose deliveries wait for their time."""
        return {r[0]: Times(*r[1:]) for r in self.conn.execute(
            "SELECT chat_id, timezone, digest, quiet FROM chats"
            " WHERE digest IS NOT NULL OR quiet IS NOT NULL")}

    def set_times(self, chat_id: int, **values: str | None) -> None:
        """Set some of a chat's `timezone`, `digest`, `quiet` (None: unset)."""
        for column, value in values.items():
            if column not in Times._fields:
                raise ValueError(column)
            self.conn.execute(f"INSERT INTO chats (chat_id, {column}) VALUES (?,?)"
                              f" ON CONFLICT(chat_id) DO UPDATE SET {column} ="
                              f" excluded.{column}", (chat_id, value))

    def migrate(self, old: int, new: int) -> None:
        """A group became a supergroup: its subscriptions, its mute and its settings follow
        it to the new id (its queued deliveries too: `Deliveries.move`). Edits of its old
        messages cannot follow (new chat, new ids)."""
        with transaction(self.conn) as c:
            c.execute("INSERT INTO subscriptions (chat_id, watchlist, active, created)"
                      " SELECT ?, watchlist, active, created FROM subscriptions WHERE chat_id = ?"
                      " ON CONFLICT(chat_id, watchlist) DO UPDATE SET"
                      " active = MAX(active, excluded.active)", (new, old))
            c.execute("DELETE FROM subscriptions WHERE chat_id = ?", (old,))
            c.execute(f"INSERT OR IGNORE INTO chats (chat_id, {_CHAT_COLUMNS})"
                      f" SELECT ?, {_CHAT_COLUMNS} FROM chats WHERE chat_id = ?", (new, old))
            c.execute("DELETE FROM chats WHERE chat_id = ?", (old,))
            c.execute("UPDATE OR IGNORE filters SET chat_id = ? WHERE chat_id = ?", (new, old))
            c.execute("DELETE FROM filters WHERE chat_id = ?", (old,))
        self.fail_edits(old, f"chat migrated to {new}")

    # -- edits of sent messages ----------------------------------------------------------------

    def queue_edit(self, chat_id: int, message_id: int, alert_id: int, html: str) -> bool:
        """Queue a new text for a sent message; a queued edit of the same message is replaced
        (edits coalesce). False when the message already has, or will get, this text."""
        with transaction(self.conn) as c:
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

    def queued_edits(self) -> list[Edit]:
        return [Edit(r[0], r[1], r[2], r[3], r[4], seconds(r[5])) for r in self.conn.execute(
            "SELECT chat_id, message_id, html, version, attempts, next_attempt FROM edits"
            " WHERE state = 'queued' ORDER BY rowid")]

    def edits_queued(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM edits WHERE state = 'queued'"
                                 ).fetchone()[0]

    def edit_done(self, chat_id: int, message_id: int, version: int, error: str | None = None,
                  *, failed: bool = False) -> None:
        """The edit of `version` is settled (a newer queued text stays queued)."""
        self.conn.execute("UPDATE edits SET state = ?, error = ?, attempts = attempts + 1"
                          " WHERE chat_id = ? AND message_id = ? AND version = ?",
                          ("failed" if failed else "sent", error, chat_id, message_id, version))

    def edit_retry(self, chat_id: int, message_id: int, version: int, at: float, error: str, *,
                   count: bool = True) -> None:
        """Try the edit of `version` again at `at` (wall-clock seconds)."""
        self.conn.execute("UPDATE edits SET next_attempt = ?, error = ?, attempts = attempts + ?"
                          " WHERE chat_id = ? AND message_id = ? AND version = ?",
                          (wall(at), error, int(count), chat_id, message_id, version))

    def fail_edits(self, chat_id: int, error: str) -> None:
        """Fail the queued edits of a chat that cannot be reached, or has moved."""
        self.conn.execute("UPDATE edits SET state = 'failed', error = ?"
                          " WHERE chat_id = ? AND state = 'queued'", (error, chat_id))


# What a chat's row holds besides its id: all of it follows a group that became a supergroup.
_CHAT_COLUMNS = "muted_until, language, user_language, timezone, digest, quiet"
_FILTER_COLUMNS = "min_killed, updates, languages, include, exclude"


def _filters(r: tuple) -> Filters:
    return Filters(min_killed=r[0], updates=bool(r[1]), languages=tuple(json.loads(r[2])),
                   include=tuple(json.loads(r[3])), exclude=tuple(json.loads(r[4])))
