"""Writes tests/data/store_schema5.sql: a store as the code of commit 5881b0d (schema 5, the
last with a delivery table per sink) left it, dumped as SQL. tests/test_outbox.py opens it
with today's code, which must migrate it and carry on where it stopped.

It only runs against that commit's code (its `Store` methods are gone since):

    git archive 5881b0d | tar -x -C /tmp/vigia-5881b0d
    PYTHONPATH=/tmp/vigia-5881b0d python tests/data/make_schema5_store.py \\
        > tests/data/store_schema5.sql

What it holds, written through that code's own methods, as its sinks would have:
- chat 42 subscribed to venezuela, 43 too but muted until 2099, 44 to sahel, 45 unsubscribed;
  the channel -1001234567890 as a fixed destination;
- alert 1, a new story (s1): sent to 42 (message 501, later edited) and to the channel (601);
- alert 2, its update: sent to the channel (602, a reply); to 42 still queued after a 502;
- alert 3, another story (s2): failed for 42 (no rights), sent to the channel (603);
- alert 4, a sahel story (s3): decided but not yet fanned out (pending);
- Apprise: alert 1 sent, 2 queued, 3 failed, for the destination "dest-now"; alert 1 still
  queued for "dest-gone", a destination since removed from the config.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.ledger import LedgerRow  # noqa: I001 - the code of commit 5881b0d
from bot.model import Alert, Change, Fact, Item, Story
from bot.pipeline import Decision
from bot.store import FeedState, Store

T = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CHANNEL = -1001234567890
FEED = "https://wire.test/rss"


def decision(n: int, story: str, watchlist: str, kind: str, at: datetime) -> Decision:
    item = Item(id=f"https://wire.test/{n}", link=f"https://wire.test/{n}", feed=FEED,
                outlet="Wire", title=f"Strike {n} on a boat kills {n + 2}",
                summary=f"{n + 2} people were killed.", published=at, language="en")
    st = Story(id=story, title=item.title, first_seen=at, last_seen=at, items=[item.id],
               outlets=["Wire"], links=[("Wire", item.link)], languages=["en"],
               watchlists=[watchlist])
    changes = (Change("deaths", n + 1, n + 2, ("Wire",)),) if kind == "update" else ()
    label = "New story" if kind == "new_story" else "Update"
    alert = Alert(at=at, kind=kind, watchlist=watchlist, story=story, items=(item.id,),
                  changes=changes, text=f"{label} [{watchlist}]: {item.title}\n{item.link}",
                  title=item.title, links=(("Wire", item.link),))
    return Decision(item=item, story=st, story_is_new=kind == "new_story",
                    watchlists=[watchlist], facts=[Fact("deaths", n + 2, "killed")],
                    changes=list(changes), alerts=[alert],
                    ledger={f"story:{story}": [LedgerRow(f"story:{story}", "deaths", n + 2)]})


def build(store: Store) -> None:
    for chat, watchlist in ((42, "venezuela"), (43, "venezuela"), (44, "sahel"),
                            (45, "venezuela")):
        store.subscribe(chat, watchlist, T)
    store.unsubscribe(45, "venezuela")
    store.set_mute(43, datetime(2099, 1, 1, tzinfo=UTC))
    store.save_feed_state(FeedState(url=FEED, title="Wire", etag='"v5"', last_ok=T,
                                    last_fetch=T, items_seen=4))

    def told(n: int, story: str, kind: str, at: datetime, dests: tuple[str, ...]) -> int:
        [alert_id] = store.save(decision(n, story, "venezuela", kind, at), at)
        store.apprise_fan_out([(d, ()) for d in dests])  # Apprise first, as the daemon does
        assert store.fan_out(alert_id, [CHANNEL], at) == [42, CHANNEL]  # 43 is muted
        return alert_id

    first = told(1, "s1", "new_story", T, ("dest-now", "dest-gone"))
    store.delivery_sent(first, 42, 501, T)
    store.delivery_sent(first, CHANNEL, 601, T)
    store.apprise_sent(first, "dest-now", T)
    assert store.queue_edit(42, 501, first, "<b>Strike 1</b> reported by 2 outlets")
    store.edit_done(42, 501, 1)

    update = told(2, "s1", "update", T + timedelta(hours=1), ("dest-now",))
    store.delivery_sent(update, CHANNEL, 602, T + timedelta(hours=1))
    store.delivery_retry(update, 42, (T + timedelta(hours=1, seconds=5)).isoformat(
        timespec="milliseconds"), "Bad Gateway")

    other = told(3, "s2", "new_story", T + timedelta(hours=2), ("dest-now",))
    store.delivery_failed(other, 42, "bad request: not enough rights to send text messages")
    store.delivery_sent(other, CHANNEL, 603, T + timedelta(hours=2))
    store.apprise_failed(other, "dest-now", "HTTP 500")

    store.save(decision(4, "s3", "sahel", "new_story", T + timedelta(hours=3)),
               T + timedelta(hours=3))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.db"
        store = Store.open(path)
        build(store)
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        store.close()
        conn = sqlite3.connect(path)
        sys.stdout.write("-- A store left by the code of commit 5881b0d (schema 5), made by\n"
                         "-- tests/data/make_schema5_store.py (see there); do not edit.\n")
        sys.stdout.write(f"PRAGMA user_version = {version};\n")
        for line in conn.iterdump():
            sys.stdout.write(line + "\n")
        conn.close()


if __name__ == "__main__":
    main()
