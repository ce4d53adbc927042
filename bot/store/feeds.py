"""Feeds: what the fetcher keeps between polls (conditional-request headers, when to poll
next) and each feed's health (errors in a row, the last error, disabled)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from .schema import from_iso_or_none, iso_or_none


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


_COLUMNS = ("url, title, etag, last_modified, last_fetch, last_ok, next_fetch, errors,"
            " last_error, disabled, items_seen")


class Feeds:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, url: str) -> FeedState:
        """A feed's state; a feed never polled has the defaults."""
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?",
                                (url,)).fetchone()
        return _state(row) if row else FeedState(url=url)

    def all(self) -> list[FeedState]:
        return [_state(r) for r in self.conn.execute(f"SELECT {_COLUMNS} FROM feeds ORDER BY url")]

    def save(self, st: FeedState) -> None:
        self.conn.execute(
            f"INSERT INTO feeds ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(url) DO UPDATE SET title=excluded.title, etag=excluded.etag,"
            " last_modified=excluded.last_modified, last_fetch=excluded.last_fetch,"
            " last_ok=excluded.last_ok, next_fetch=excluded.next_fetch, errors=excluded.errors,"
            " last_error=excluded.last_error, disabled=excluded.disabled,"
            " items_seen=excluded.items_seen",
            (st.url, st.title, st.etag, st.last_modified, iso_or_none(st.last_fetch),
             iso_or_none(st.last_ok), iso_or_none(st.next_fetch), st.errors, st.last_error,
             int(st.disabled), st.items_seen))


def _state(r: tuple) -> FeedState:
    return FeedState(url=r[0], title=r[1], etag=r[2], last_modified=r[3],
                     last_fetch=from_iso_or_none(r[4]), last_ok=from_iso_or_none(r[5]),
                     next_fetch=from_iso_or_none(r[6]), errors=r[7], last_error=r[8],
                     disabled=bool(r[9]), items_seen=r[10])
