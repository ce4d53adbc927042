"""Digests and quiet hours, per chat: the composition as a pure function, then the real PTB
application against the Bot API stand-in on an injectable clock (no real waits), and a
daemon restarted in the middle of a digest period on a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import rss
from fakebot import TOKEN, FakeBotAPI, wait_for
from httpserver import Reply, serve
from test_telegram import FAST, ask, make_config, queue_alert

from bot.app import run
from bot.config import Config, parse_config
from bot.i18n import translator
from bot.model import Alert, Change
from bot.store import TELEGRAM, Store
from bot.subscribers.digest import compose
from bot.telegram import TelegramSink
from bot.telegram.html import MAX_MESSAGE, held_html, utf16_len

MINE, OTHER = 42, 43


class Clock:
    """The daemon's decision clock, set by the test."""

    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


def madrid(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Madrid")).astimezone(UTC)



@contextlib.asynccontextmanager
async def running(config: Config, store: Store, clock: Clock) -> AsyncIterator[TelegramSink]:
    sink = TelegramSink(config, store, TOKEN, pacing=FAST, poll_timeout=5, now=clock)
    await sink.start()
    try:
        yield sink
    finally:
        await sink.stop()


def rows(store: Store, chat: int) -> list[tuple[str, int | None]]:
    """(state, the digest that carried it) of a chat's deliveries, oldest alert first."""
    return [(r.state, r.digest) for r in store.outbox.deliveries(TELEGRAM).rows()
            if r.destination == chat]


def alerts_to(api: FakeBotAPI, chat: int) -> list[str]:
    """What a chat received that is not an answer to a command: alerts and digests."""
    return [c.text for c in api.sent(chat) if "reuters.test" in c.text]


# -- composition ---------------------------------------------------------------------------------

def _alert(story: str, kind: str, at: int, changes: tuple[Change, ...] = (),
           watchlist: str = "venezuela") -> Alert:
    return Alert(at=datetime(2030, 1, 7, at, tzinfo=UTC), kind=kind, watchlist=watchlist,
                 story=story, items=("i",), changes=changes, text=f"{kind} {story}",
                 title=f"Story {story} <b>", links=((f"Outlet {story}", f"https://x.test/{story}"),))


def test_a_digest_tells_each_story_once_with_what_rose_newest_first() -> None:
    queued = [
        (1, _alert("a", "new_story", 9, (Change("deaths", None, 3),))),
        (2, _alert("b", "update", 10, (Change("deaths_total", 83, 85),))),  # told before
        (3, _alert("a", "update", 11, (Change("deaths", 3, 7),))),
        (4, _alert("b", "update", 12, (Change("deaths_total", 85, 87),
                                         Change("strikes_total", 20, 21)))),
        (5, _alert("c", "new_story", 13)),
        (6, _alert("c", "new_story", 13, watchlist="caribbean")),  # one story, two watchlists
    ]
    entries = compose(queued)
    assert [(e.story, e.alert_ids) for e in entries] == [("c", (5, 6)), ("b", (2, 4)),
                                                          ("a", (1, 3))]
    assert entries[0].watchlists == ("venezuela", "caribbean") and entries[0].new
    assert entries[1].figures == (("deaths_total", 83, 87), ("strikes_total", 20, 21))
    assert not entries[1].new and entries[2].figures == (("deaths", None, 7),)

    text, taken = held_html(entries)
    assert taken == 3
    assert text.startswith("🗞 <b>Digest: 3 stories, newest first</b>")
    assert "campaign toll 83 → 87 · strikes so far 20 → 21" in text
    assert "killed: 7" in text and "killed: 3" not in text
    assert '<a href="https://x.test/a">Story a &lt;b&gt;</a>' in text
    assert text.index("Story c") < text.index("Story b") < text.index("Story a")
    spanish, _ = held_html(entries, tr=translator("es"), reason="quiet")
    assert "Durante sus horas de silencio: 3 noticias" in spanish
    assert "balance de la campaña 83 → 87" in spanish and "muertos: 7" in spanish


def test_a_digest_too_long_for_one_message_says_the_rest_follow() -> None:
    entries = compose([(i, _alert(f"s{i:03d}", "new_story", 9)) for i in range(100)])
    text, taken = held_html(entries, max_stories=20)
    assert taken == 20 and "80 more stories in the next message." in text
    long = compose([(i, _alert(f"s{i:03d}" + "x" * 150, "new_story", 9)) for i in range(100)])
    text, taken = held_html(long, max_stories=100)
    assert 1 < taken < 100 and utf16_len(text) <= MAX_MESSAGE
    assert f"{100 - taken} more stories in the next message." in text


# -- through Telegram, on a set clock ------------------------------------------------------------

def test_a_digest_is_one_message_at_the_end_of_its_period(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    clock = Clock(madrid("2030-01-07 09:00"))

    async def main() -> None:
        async with running(config, store, clock) as sink:
            for chat in (MINE, OTHER):
                await ask(api, chat, "/subscribe venezuela sahel")
            assert "Europe/Madrid" in await ask(api, MINE, "/timezone europe/madrid")
            said = await ask(api, MINE, "/digest daily 18:00")
            assert "Digest: daily at 18:00; the next one at 2030-01-07 18:00 (Europe/Madrid)" \
                in said

            async def at(hour: str, told: int, **kw) -> None:
                """An alert decided at `hour`, once the other chat has had `told - 1`."""
                clock.t = madrid(f"2030-01-07 {hour}")
                queue_alert(store, at=clock.t, **kw)
                sink.dispatch()
                await wait_for(lambda: len(alerts_to(api, OTHER)) == told, what=hour)

            await at("09:10", 1, story="a", title="Story A",
                     changes=(Change("deaths", None, 3),))
            await at("10:00", 2, story="b", title="Story B", kind="update",
                     changes=(Change("deaths_total", 83, 87),))
            await at("11:00", 3, story="a", title="Story A", kind="update",
                     changes=(Change("deaths", 3, 7),))
            await at("12:00", 4, story="c", title="Story C", watchlist="venezuela")
            await at("12:00", 4, story="c", title="Story C", watchlist="sahel")
            await wait_for(lambda: sink.sender.holding.get(MINE) == madrid("2030-01-07 18:00"),
                           what="the digest held")
            assert alerts_to(api, MINE) == []  # the other chat had them one by one

            clock.t = madrid("2030-01-07 17:59")
            sink.sender.wake()
            assert "18:00" in await ask(api, MINE, "/digest")  # the sender looked again
            assert alerts_to(api, MINE) == []
            clock.t = madrid("2030-01-07 18:00")
            sink.sender.wake()
            await wait_for(lambda: alerts_to(api, MINE), what="the digest")
            assert await sink.drain(timeout=5)

    asyncio.run(main())
    [digest] = alerts_to(api, MINE)
    text = html.unescape(digest)
    assert text.startswith("🗞 <b>Digest: 3 stories, newest first</b>")
    # newest first, by each story's latest news: C (12:00), A (updated 11:00), B (10:00)
    assert text.index("Story C") < text.index("Story A") < text.index("Story B")
    assert text.count("Story A") == 1 and "killed: 7" in text and "killed: 3" not in text
    assert "campaign toll 83 → 87" in text
    assert 'href="https://reuters.test/' in digest
    # Four alerts (story C's second watchlist told it nothing new), one message.
    [(state, digest_id)] = set(rows(store, MINE))
    assert state == "sent" and len(rows(store, MINE)) == 4
    assert store.conn.execute("SELECT reason, alerts, message_id FROM digests WHERE id = ?",
                              (digest_id,)).fetchone() == (
        "digest", 4, api.sent(MINE)[-1].result["message_id"])


def test_a_quiet_hours_burst_arrives_once_after_the_window(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    clock = Clock(madrid("2030-01-07 21:30"))

    async def main() -> None:
        async with running(config, store, clock) as sink:
            for chat in (MINE, OTHER):
                await ask(api, chat, "/subscribe venezuela")
            await ask(api, MINE, "/timezone Europe/Madrid")
            said = await ask(api, MINE, "/quiet 22:00-07:00")
            assert "Quiet hours: 22:00-07:00" in said
            queue_alert(store, at=clock.t, story="evening", title="Story before")
            sink.dispatch()
            await wait_for(lambda: len(alerts_to(api, MINE)) == 1, what="the evening alert")

            clock.t = madrid("2030-01-07 23:00")
            for n in range(6):  # the burst, in the night
                queue_alert(store, at=clock.t, story=f"night-{n}", title=f"Story night {n}")
            sink.dispatch()
            await wait_for(lambda: sink.sender.holding.get(MINE) == madrid("2030-01-08 07:00")
                           and len(alerts_to(api, OTHER)) == 7, what="the burst held")
            clock.t = madrid("2030-01-08 06:59")
            sink.sender.wake()
            await ask(api, MINE, "/quiet")  # the sender looked again: still held
            assert len(alerts_to(api, MINE)) == 1

            clock.t = madrid("2030-01-08 07:00")
            sink.sender.wake()
            await wait_for(lambda: len(alerts_to(api, MINE)) == 2, what="the morning digest")
            clock.t = madrid("2030-01-08 07:30")
            queue_alert(store, at=clock.t, story="morning", title="Story after")
            sink.dispatch()
            await wait_for(lambda: len(alerts_to(api, MINE)) == 3, what="the morning alert")
            assert await sink.drain(timeout=5)

    asyncio.run(main())
    evening, burst, morning = alerts_to(api, MINE)
    assert "Story before" in evening and "Story after" in morning and "New story" in morning
    assert burst.startswith("🗞 <b>While your quiet hours lasted: 6 stories, newest first</b>")
    assert [int(n) for n in re.findall(r"Story night (\d)", burst)] == [5, 4, 3, 2, 1, 0]
    assert [s for s, _ in rows(store, MINE)] == ["sent"] * 8
    carried = [d for _, d in rows(store, MINE)]  # by which digest, oldest alert first
    assert carried[0] is None and carried[-1] is None
    assert carried[1] is not None and set(carried[1:7]) == {carried[1]}


def test_a_long_digest_goes_out_in_as_many_messages_as_it_needs(api: FakeBotAPI,
                                                                store: Store) -> None:
    config = parse_config(f"""
telegram:
  base_url: {api.base_url}
  timezone: America/Caracas
  digest: {{max_stories: 3, min_every: 3h}}
watchlists:
  - name: venezuela
    include: [venezuela]
""")
    clock = Clock(datetime(2030, 1, 7, 12, tzinfo=UTC))

    async def main() -> None:
        async with running(config, store, clock) as sink:
            await ask(api, MINE, "/subscribe venezuela")
            refused = await ask(api, MINE, "/digest every 2h")
            assert "not a digest" in refused and "every 3 hours" in refused
            said = await ask(api, MINE, "/digest every 6h")
            assert "every 6 hours" in said and "America/Caracas" in said
            for n in range(7):
                queue_alert(store, at=clock.t, story=f"long-{n}", title=f"Story {n}")
            sink.dispatch()
            clock.t += timedelta(hours=6)
            sink.sender.wake()
            await wait_for(lambda: len(alerts_to(api, MINE)) == 3, what="three messages")
            assert await sink.drain(timeout=5)

    asyncio.run(main())
    first, second, third = alerts_to(api, MINE)
    assert "4 more stories in the next message" in first and "Story 6" in first
    assert "Story 0" in third and "more stories" not in third
    assert [s for s, _ in rows(store, MINE)] == ["sent"] * 7
    assert len({d for _, d in rows(store, MINE)}) == 3


def test_the_time_commands_answer_and_refuse(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    clock = Clock(datetime(2030, 1, 7, 12, tzinfo=UTC))

    async def main() -> None:
        async with running(config, store, clock):
            shown = await ask(api, MINE, "/digest")
            assert "Time zone: UTC (it is 12:00 there)" in shown and "one by one" in shown
            assert "not a time zone" in await ask(api, MINE, "/timezone Mars/Olympus")
            assert "not a time zone" in await ask(api, MINE, "/timezone ../../etc/passwd")
            assert "not a digest" in await ask(api, MINE, "/digest every 30m")
            assert "not quiet hours" in await ask(api, MINE, "/quiet 22:00")
            assert "one by one" in await ask(api, MINE, "/digest off")
            spanish = await ask(api, MINE, "/quiet 23-6", language="es")
            assert "Horas de silencio: 23:00-06:00" in spanish
            assert "UTC" in await ask(api, MINE, "/timezone default")
            api.member(-4012345, 12, "member")
            assert "Only this group's admins" in await ask(api, -4012345, "/digest daily 8",
                                                           user_id=12)

    asyncio.run(main())
    assert store.chats.times(MINE) == (None, None, "23:00-06:00")
    assert store.chats.times(-4012345) == (None, None, None)


# -- a daemon restarted in the middle of a period ------------------------------------------------

EVENTS = {
    "a": "US strike on a speedboat in the Caribbean kills 3, Hegseth says",
    "b": "Venezuelan opposition leader Machado wins the Nobel Peace Prize",
    "c": "Hurricane warning issued for islands across the eastern Caribbean",
}


def test_a_restart_in_the_middle_of_a_digest_period_loses_nothing_and_sends_nothing_twice(
        api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIA_TELEGRAM_TOKEN", TOKEN)
    clock = Clock(madrid("2030-01-07 08:10"))
    published = clock.t - timedelta(minutes=5)
    entries: list[dict] = []

    def feed(request) -> Reply:
        return Reply(body=rss(entries).encode(), headers={"Content-Type": "application/rss+xml"})

    def entry(key: str, title: str) -> dict:
        return {"guid": key, "link": f"https://reuters.test/{key}", "date": published,
                "title": title}

    def told(chat: int) -> list[str]:
        return [c.text for c in api.sent(chat)
                if any(e in html.unescape(c.text) for e in ("speedboat", "Nobel", "Hurricane"))]

    def queued(chat: int) -> int:
        with contextlib.closing(sqlite3.connect(tmp_path / "vigia.db")) as db:
            return db.execute("SELECT COUNT(*) FROM deliveries WHERE destination = ?"
                              " AND state = 'queued'", (chat,)).fetchone()[0]

    with serve() as server:
        config = parse_config(f"""
storage:
  path: {tmp_path / 'vigia.db'}
telegram:
  base_url: {api.base_url}
  pacing: {{chat: 50ms, group: 50ms, overall_per_s: 1000}}
fetch:
  allow_private_addresses: true
feeds:
  - url: {server.route("/feed", feed)}
    name: Reuters
    interval: 1s
watchlists:
  - name: venezuela
    include: [venezuela, caribbean, hegseth]
""")

        async def daemon(story) -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(run(config, stop=stop, clock=clock))
            try:
                await story()
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)

        async def first() -> None:
            for chat in (MINE, OTHER):
                await ask(api, chat, "/subscribe venezuela", timeout=15)
            await ask(api, MINE, "/timezone Europe/Madrid")
            assert "2030-01-07 12:00 (Europe/Madrid)" in await ask(api, MINE, "/digest every 6h")
            entries.extend([entry("a", EVENTS["a"]), entry("b", EVENTS["b"])])
            await wait_for(lambda: queued(MINE) == 2 and len(told(OTHER)) == 2, timeout=15,
                           what="two alerts held for the digest")

        asyncio.run(daemon(first))
        # Stopped at 08:10, in the middle of the 06:00-12:00 period. Meanwhile the toll of the
        # first story is raised and a third story published.
        entries[0] = entry("a", EVENTS["a"].replace("kills 3", "kills 5"))
        entries.append(entry("c", EVENTS["c"]))
        clock.t = madrid("2030-01-07 11:30")

        async def second() -> None:
            await wait_for(lambda: queued(MINE) == 4 and len(told(OTHER)) == 4, timeout=15,
                           what="the update and the third story, held too")
            assert told(MINE) == []
            clock.t = madrid("2030-01-07 12:00")
            await ask(api, MINE, "/digest")  # any answer wakes the sender; it finds it due
            await wait_for(lambda: told(MINE), what="the digest")
            polls = server.hits("/feed")
            await wait_for(lambda: server.hits("/feed") >= polls + 2, timeout=10,
                           what="two more polls")

        asyncio.run(daemon(second))

    [digest] = told(MINE)
    text = html.unescape(digest)
    assert text.startswith("🗞 <b>Digest: 3 stories, newest first</b>")
    assert all(text.count(title.split(" kills")[0]) == 1 for title in EVENTS.values())
    assert "killed: 5" in text and "killed: 3" not in text
    assert len(told(OTHER)) == 4  # one by one, across the restart: each once
    store = Store.open(tmp_path / "vigia.db")
    try:
        assert [s for s, _ in rows(store, MINE)] == ["sent"] * 4
        assert len({d for _, d in rows(store, MINE)}) == 1
        assert [s for s, _ in rows(store, OTHER)] == ["sent"] * 4
    finally:
        store.close()
