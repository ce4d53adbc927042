"""The outbox: alerts waiting to be told, and one queue of deliveries that every sink reads.

    alerts (decided, pending) ─queue─▶ deliveries: a row per (sink, destination, alert)
        ─▶ a sink sends each destination's head ─▶ sent / retry at / failed

An alert is pending while `alerts.dispatched = 0`. The primary sink (Telegram, or the
console) queues it for its destinations and marks it dispatched in one transaction; Apprise
queues the same pending alerts just before, without marking them (app.py, `deliver`). A row
is keyed by (sink, destination, alert), so queuing again after a crash queues nothing twice.

A destination's alerts go out in order, its head first, so an update never overtakes the
story it follows. A failed try waits as the sink's `Backoff` says (the time is stored, so a
restart keeps the schedule) and the row is marked failed, with its error, after the last
try. A row is marked sent only after the service took the message: at-least-once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from ..model import Alert, Change
from .schema import from_iso, iso, seconds, transaction, wall

# The sinks' names in `deliveries.sink` (migration 6 wrote them for the rows it moved).
TELEGRAM = "telegram"
APPRISE = "apprise"

# A Telegram chat id, or the hash of an Apprise URL (the URL itself holds secrets).
Destination = int | str


@dataclass(frozen=True)
class Backoff:
    """How a sink retries a message that could not be sent: after `base` seconds, the wait
    doubling with each failed try up to `max`; after `max_attempts` tries it gives up and
    the row is marked failed, with its error, for /status to show."""

    base: float = 5.0
    max: float = 600.0
    max_attempts: int = 12  # ~1 hour of tries with the defaults

    def delay(self, attempts: int) -> float:
        """The wait after the `attempts`-th failed try."""
        return min(self.base * 2 ** max(0, attempts - 1), self.max)

    def next_try(self, attempts: int, now: float) -> float | None:
        """When (wall-clock seconds) to try again after the `attempts`-th failed try at
        `now`, or None: it was the last."""
        return None if attempts >= self.max_attempts else now + self.delay(attempts)


class Pending(NamedTuple):
    """An alert decided but not yet dispatched, with its id in the outbox."""

    id: int
    alert: Alert


class Head(NamedTuple):
    """A destination's oldest queued delivery, and how long its queue is."""

    destination: Destination
    alert_id: int
    attempts: int
    due: float  # wall-clock seconds from when it may be tried (0: at once)
    queued: int  # deliveries queued for the destination, this one included
    since: float  # when its alert was decided, in wall-clock seconds


class Delivery(NamedTuple):
    alert_id: int
    destination: Destination
    state: str  # queued | sent | failed
    attempts: int
    message_id: int | None  # the service's id for the message, where it gives one
    error: str | None
    digest: int | None = None  # the digest (`digests.id`) that carried it, if one did


class SentMessage(NamedTuple):
    """The first message sent about a story to a destination (what updates reply to)."""

    destination: Destination
    message_id: int
    alert_id: int


_ALERT_COLUMNS = "id, at, kind, watchlist, story, items, changes, text, title, links"

# "This destination already has this story's news": another alert of the same story and kind
# and, for an update, the same changes (another watchlist's copy), in any state.
_TOLD = ("SELECT 1 FROM deliveries d JOIN alerts b ON b.id = d.alert_id"
         " WHERE d.sink = ? AND d.destination = ? AND b.story = ? AND b.kind = ? AND b.id != ?"
         " AND (b.kind = 'new_story' OR b.changes = ?) LIMIT 1")

# The tables whose rows `prune` deletes, the keys of what it returns.
PRUNED_TABLES = ("deliveries", "edits", "alerts", "digests")


class Outbox:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- alerts --------------------------------------------------------------------------------

    def add(self, alert: Alert) -> int:
        """Queue an alert that no single item's decision raised (a poll's summary)."""
        with transaction(self.conn) as c:
            return insert_alert(c, alert)

    def alert(self, alert_id: int) -> Alert | None:
        r = self.conn.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?",
                              (alert_id,)).fetchone()
        return _alert(r) if r else None

    def last(self) -> Alert | None:
        r = self.conn.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts ORDER BY id DESC LIMIT 1"
                              ).fetchone()
        return _alert(r) if r else None

    def pending(self, limit: int = 100, after: int = 0) -> list[Pending]:
        """Alerts not yet dispatched, oldest first, from the one after `after`."""
        return [Pending(r[0], _alert(r)) for r in self.conn.execute(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE dispatched = 0 AND id > ?"
            " ORDER BY id LIMIT ?", (after, limit))]

    def pending_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM alerts WHERE dispatched = 0").fetchone()[0]

    def mark_dispatched(self, alert_id: int) -> None:
        self.conn.execute("UPDATE alerts SET dispatched = 1 WHERE id = ?", (alert_id,))

    def deliveries(self, sink: str) -> Deliveries:
        """One sink's deliveries."""
        return Deliveries(self.conn, sink)

    # -- retention -----------------------------------------------------------------------------
    #
    # Alerts and the rows kept per alert (deliveries, and Telegram's edits of sent messages)
    # grow with every message; `prune` drops those older than the retention period. An
    # alert's age is its `at`: every row about it was written later. Never pruned, because
    # something still reads them:
    # - anything queued, and an alert not yet dispatched;
    # - every row about a story that is still open (its first message per chat is what
    #   updates reply to and growth edits, its deliveries what "told already" checks) or that
    #   has anything of its own still queued (an update waiting to reply to its anchor);
    # - the newest alert, which /status reports as the last one.
    # Stories, items, facts and the ledger are not touched. SQLite reuses the freed pages, so
    # the file stops growing rather than shrinking (`VACUUM` would shrink it, offline).

    def prune(self, before: datetime, open_since: datetime, *,
              chunk: int = 500) -> dict[str, int]:
        """Delete alerts from before `before`, and their deliveries and edits, except what
        is still needed (see above); stories whose last item is at or after `open_since`
        are open. Returns the rows deleted per table."""
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
            with transaction(self.conn) as c:
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
                for table in ("deliveries", "edits"):
                    total[table] += c.execute(
                        f"DELETE FROM {table} WHERE alert_id IN ({marks})"
                        " AND state != 'queued'", ids).rowcount
                total["alerts"] += c.execute(
                    f"DELETE FROM alerts WHERE id IN ({marks}) AND id != ? AND dispatched = 1"
                    " AND NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_id = alerts.id)"
                    " AND NOT EXISTS (SELECT 1 FROM edits WHERE alert_id = alerts.id)",
                    (*ids, newest)).rowcount
                # A digest's record goes with the last delivery it carried.
                total["digests"] += c.execute(
                    "DELETE FROM digests WHERE sent_at < ? AND NOT EXISTS"
                    " (SELECT 1 FROM deliveries WHERE digest = digests.id)",
                    (iso(before),)).rowcount
            yield dict(total)


class Deliveries:
    """One sink's deliveries: a queue per destination, and what became of each row. Times
    are wall-clock seconds (`time.time()`), the sinks' clock for retries."""

    def __init__(self, conn: sqlite3.Connection, sink: str) -> None:
        self.conn = conn
        self.sink = sink

    # -- queuing -------------------------------------------------------------------------------

    def queue(self, alert_id: int, destinations: Iterable[Destination], *,
              dispatch: bool = False) -> list[Destination]:
        """Queue an alert for each of `destinations` in one transaction, except those already
        told this news (another watchlist's alert of the same story, kind and changes) and
        those that have it queued already. With `dispatch` (the primary sink), only a
        pending alert is queued, and it is marked dispatched. Returns the destinations
        queued."""
        with transaction(self.conn) as c:
            row = c.execute("SELECT story, kind, changes, dispatched FROM alerts WHERE id = ?",
                            (alert_id,)).fetchone()
            if row is None or (dispatch and row[3]):
                return []
            story, kind, changes, _ = row
            queued = []
            for dest in dict.fromkeys(destinations):
                if c.execute(_TOLD, (self.sink, dest, story, kind, alert_id, changes)
                             ).fetchone() is not None:
                    continue
                if c.execute("INSERT OR IGNORE INTO deliveries (alert_id, sink, destination)"
                             " VALUES (?,?,?)", (alert_id, self.sink, dest)).rowcount:
                    queued.append(dest)
            if dispatch:
                c.execute("UPDATE alerts SET dispatched = 1 WHERE id = ?", (alert_id,))
        return queued

    def heads(self, destination: Destination | None = None) -> list[Head]:
        """Each destination's oldest queued delivery (or only `destination`'s), with how
        many are queued for it: a destination's alerts go out in order, so only its head
        can be sent (or, by Telegram, all of them at once, combined, when the queue is
        long)."""
        only = "" if destination is None else " AND destination = ?"
        args = () if destination is None else (destination,)
        # SQLite takes the bare columns from the row holding MIN(alert_id).
        return [Head(r[0], r[1], r[2], seconds(r[3]), r[4], from_iso(r[5]).timestamp())
                for r in self.conn.execute(
                    "SELECT h.destination, h.alert_id, h.attempts, h.next_attempt, h.queued,"
                    " a.at FROM (SELECT destination, MIN(alert_id) AS alert_id, attempts,"
                    "  next_attempt, COUNT(*) AS queued FROM deliveries"
                    f"  WHERE sink = ? AND state = 'queued'{only} GROUP BY destination) h"
                    " JOIN alerts a ON a.id = h.alert_id", (self.sink, *args))]

    def queued(self, destination: Destination, limit: int = 200) -> list[int]:
        """The alert ids queued for a destination, oldest first (those waiting for a retry
        too)."""
        return [r[0] for r in self.conn.execute(
            "SELECT alert_id FROM deliveries WHERE sink = ? AND destination = ?"
            " AND state = 'queued' ORDER BY alert_id LIMIT ?", (self.sink, destination, limit))]

    # -- outcomes ------------------------------------------------------------------------------

    def sent(self, alert_id: int, destination: Destination, now: float,
             message_id: int | None = None) -> None:
        """The service took it; `message_id` is its id for the message, where it gives one
        (None for a Telegram message that combined several alerts: no story's own)."""
        self._update("state = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1,"
                     " error = NULL", (message_id, _stamp(now)), alert_id, destination)

    def sent_together(self, destination: Destination, alert_ids: Iterable[int], now: float,
                      message_id: int | None, reason: str) -> int:
        """One message carried these alerts (a digest): record it, and mark their deliveries
        sent by it, in one transaction, so that after a crash either the digest and all it
        carried are recorded or none. Returns the digest's id."""
        ids = list(alert_ids)
        with transaction(self.conn) as c:
            digest = c.execute(
                "INSERT INTO digests (sink, destination, reason, sent_at, message_id, alerts)"
                " VALUES (?,?,?,?,?,?)", (self.sink, destination, reason, _stamp(now),
                                          message_id, len(ids))).lastrowid
            for alert_id in ids:
                c.execute("UPDATE deliveries SET state = 'sent', sent_at = ?, digest = ?,"
                          " attempts = attempts + 1, error = NULL WHERE sink = ?"
                          " AND destination = ? AND alert_id = ? AND state = 'queued'",
                          (_stamp(now), digest, self.sink, destination, alert_id))
        return digest

    def retry(self, alert_id: int, destination: Destination, at: float, error: str, *,
              count: bool = True) -> None:
        """Try again at `at`; `count` False when the try was not the message's fault (a
        service's flood control), so that it does not bring giving up closer."""
        self._update("next_attempt = ?, error = ?, attempts = attempts + ?",
                     (wall(at), error, int(count)), alert_id, destination)

    def failed(self, alert_id: int, destination: Destination, error: str) -> None:
        self._update("state = 'failed', error = ?, attempts = attempts + 1", (error,),
                     alert_id, destination)

    def _update(self, assignments: str, values: tuple, alert_id: int,
                destination: Destination) -> None:
        self.conn.execute(f"UPDATE deliveries SET {assignments}"
                          " WHERE sink = ? AND destination = ? AND alert_id = ?",
                          (*values, self.sink, destination, alert_id))

    def fail_queued(self, destination: Destination, error: str) -> int:
        """Fail everything still queued for a destination that cannot be reached (a chat
        that blocked the bot): returns how many."""
        return self.conn.execute(
            "UPDATE deliveries SET state = 'failed', error = ?"
            " WHERE sink = ? AND destination = ? AND state = 'queued'",
            (error, self.sink, destination)).rowcount

    def fail_others(self, keep: Iterable[Destination], error: str) -> int:
        """Fail the queued rows of destinations not in `keep` (no longer configured): they
        can never be sent, and stay visible with their error. Returns how many."""
        keys = list(keep)
        marks = ",".join("?" * len(keys))
        return self.conn.execute(
            "UPDATE deliveries SET state = 'failed', error = ?"
            f" WHERE sink = ? AND state = 'queued' AND destination NOT IN ({marks})",
            (error, self.sink, *keys)).rowcount

    def move(self, old: Destination, new: Destination, error: str) -> None:
        """A destination got a new id (a Telegram group became a supergroup): its queued
        rows follow it; those the new id has already are failed with `error`."""
        with transaction(self.conn) as c:
            c.execute("UPDATE OR IGNORE deliveries SET destination = ?"
                      " WHERE sink = ? AND destination = ? AND state = 'queued'",
                      (new, self.sink, old))
            c.execute("UPDATE deliveries SET state = 'failed', error = ?"
                      " WHERE sink = ? AND destination = ? AND state = 'queued'",
                      (error, self.sink, old))

    # -- what was sent -------------------------------------------------------------------------

    def first_message(self, destination: Destination, story_id: str) -> int | None:
        """The id of the first message sent to a destination about a story."""
        row = self.conn.execute(
            "SELECT d.message_id FROM alerts a JOIN deliveries d ON d.alert_id = a.id"
            " WHERE a.story = ? AND a.kind = 'new_story' AND d.sink = ? AND d.destination = ?"
            " AND d.state = 'sent' ORDER BY a.id LIMIT 1",
            (story_id, self.sink, destination)).fetchone()
        return row[0] if row else None

    def first_messages(self, story_id: str) -> list[SentMessage]:
        """The first message sent about a story to each destination, where it has an id."""
        return [SentMessage(*r) for r in self.conn.execute(
            "SELECT d.destination, d.message_id, a.id FROM alerts a"
            " JOIN deliveries d ON d.alert_id = a.id"
            " WHERE a.story = ? AND a.kind = 'new_story' AND d.sink = ? AND d.state = 'sent'"
            " AND d.message_id IS NOT NULL ORDER BY a.id", (story_id, self.sink))]

    def story_of_message(self, destination: Destination, message_id: int) -> str | None:
        """The story of the alert that became this message (a reply to it names the story).
        No index leads with the message: Telegram's rows are read, which retention bounds,
        at the pace people reply (21 ms over 300,000 rows, measured)."""
        row = self.conn.execute(
            "SELECT a.story FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
            " WHERE d.sink = ? AND d.destination = ? AND d.message_id = ? LIMIT 1",
            (self.sink, destination, message_id)).fetchone()
        return row[0] if row else None

    def rows(self, alert_id: int | None = None) -> list[Delivery]:
        """Every row (of one alert), oldest alert first."""
        only = "" if alert_id is None else " AND alert_id = ?"
        return [Delivery(*r) for r in self.conn.execute(
            "SELECT alert_id, destination, state, attempts, message_id, error, digest"
            f" FROM deliveries WHERE sink = ?{only} ORDER BY alert_id, destination",
            (self.sink, *(() if alert_id is None else (alert_id,))))]

    def queued_count(self) -> int:
        """Rows still queued (read from the small index of queued rows: cheap to poll)."""
        return self.conn.execute("SELECT COUNT(*) FROM deliveries WHERE sink = ?"
                                 " AND state = 'queued'", (self.sink,)).fetchone()[0]

    def counts(self) -> dict[str, int]:
        """Rows per state: queued, sent, failed."""
        out = {"queued": 0, "sent": 0, "failed": 0}
        for state, n in self.conn.execute("SELECT state, COUNT(*) FROM deliveries"
                                          " WHERE sink = ? GROUP BY state", (self.sink,)):
            out[state] = n
        return out


# -- row <-> domain ------------------------------------------------------------------------------

def _stamp(t: float) -> str:
    return iso(datetime.fromtimestamp(t, UTC))


def insert_alert(c: sqlite3.Connection, a: Alert) -> int:
    """Queue an alert (pending) inside the caller's transaction; returns its id."""
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
