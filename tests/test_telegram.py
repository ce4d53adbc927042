"""Telegram, end to end: the real PTB Application, over HTTP, against a fake Bot API server
on 127.0.0.1 (tests/fakebot.py), with a real SQLite store in tmp_path. No mocks.

Pacing limits are test-sized (milliseconds instead of seconds) so the suite stays fast; the
pacing test measures the spacing the server saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import rss
from fakebot import (
    TOKEN,
    FakeBotAPI,
    bad_gateway,
    bad_html,
    bad_request,
    forbidden,
    migrated,
    paced,
    quoting_url,
    retry_after,
    too_long,
    wait_for,
)
from httpserver import Reply, serve

from bot.config import Config, parse_config
from bot.errors import ConfigError
from bot.model import Alert, Change, Decision, Item, Story
from bot.render import new_story_text, update_text
from bot.service import Service
from bot.store import APPRISE, TELEGRAM, Backoff, Delivery, Store
from bot.telegram import Pacing, TelegramSink, alert_html
from bot.telegram.commands import CANNOT_CHECK, ONLY_GROUP_ADMINS
from bot.telegram.html import MAX_MESSAGE, utf16_len

ADMIN = 1
GROUP = -4012345  # a basic group: group pacing
SUPERGROUP = -1005550001111
CHANNEL = -1001234567890

FAST = Pacing(private_interval=0.02, group_interval=0.05, global_rate=1000.0,
              backoff=Backoff(base=0.05, max=0.2, max_attempts=20), idle_recheck=0.5)


def make_config(api: FakeBotAPI, *, channels: str = "[]") -> Config:
    return parse_config(f"""
telegram:
  base_url: {api.base_url}
  admins: [{ADMIN}]
  channels: {channels}
feeds:
  - url: https://wire.test/rss
    name: Test Wire
watchlists:
  - name: venezuela
    description: US strikes on boats in the Caribbean and Venezuela diplomacy
    include: [venezuela, caribbean, boat]
  - name: sahel
    description: conflict in the Sahel
    include: [mali, burkina]
""")


@contextlib.asynccontextmanager
async def running(config: Config, store: Store, pacing: Pacing = FAST) -> AsyncIterator[
        TelegramSink]:
    sink = TelegramSink(config, store, TOKEN, pacing=pacing, poll_timeout=5)
    await sink.start()
    try:
        yield sink
    finally:
        await sink.stop()


_ids = itertools.count(1)


def queue_alert(store: Store, *, story: str = "s1", kind: str = "new_story",
                watchlist: str = "venezuela", title: str = "US strike on a boat off Venezuela",
                outlets: list[tuple[str, str]] | None = None,
                changes: tuple[Change, ...] = (), languages: tuple[str, ...] = ("en",),
                summary: str = "", at: datetime | None = None) -> int:
    """Save an alert through the store's real decision path (its report in the first of
    `languages`, decided `at`, by default now); returns its outbox id."""
    now = at or datetime.now(UTC)
    n = next(_ids)
    outlets = outlets or [("Reuters", f"https://reuters.test/{n}")]
    item = Item(id=f"item-{n}", link=outlets[-1][1], feed="https://wire.test/rss",
                outlet=outlets[-1][0], title=title, summary=summary, published=now,
                language=languages[0] if languages else None)
    st = Story(id=story, title=title, first_seen=now, last_seen=now, items=[item.id],
               outlets=[o for o, _ in outlets], links=list(outlets), languages=list(languages),
               watchlists=[watchlist])
    text = (new_story_text(watchlist, st, {}, changes) if kind == "new_story"
            else update_text(watchlist, st, changes, item.link))
    alert = Alert(at=now, kind=kind, watchlist=watchlist, story=story, items=(item.id,),
                  changes=changes, text=text, title=title, links=tuple(outlets))
    decision = Decision(item=item, story=st, story_is_new=kind == "new_story",
                        watchlists=[watchlist], facts=[], changes=list(changes), alerts=[alert])
    return store.items.save(decision, now)[0]


def deliveries(store: Store) -> list[Delivery]:
    """Telegram's rows in the outbox, oldest alert first."""
    return store.outbox.deliveries(TELEGRAM).rows()


def settled(store: Store) -> bool:
    return (store.outbox.deliveries(TELEGRAM).counts()["queued"] == 0
            and store.chats.edits_queued() == 0 and store.outbox.pending_count() == 0)


def states(store: Store, chat_id: int) -> list[str]:
    return [r.state for r in deliveries(store) if r.destination == chat_id]


# -- commands ------------------------------------------------------------------------------------

def test_subscribe_then_an_alert_arrives_once(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)

    async def story() -> None:
        async with running(config, store) as sink:
            api.command(42, "/subscribe venezuela")
            reply = await wait_for(lambda: api.sent(42), what="the reply to /subscribe")
            assert "Subscribed to venezuela" in reply[0].text
            assert store.chats.subscriptions(42) == ["venezuela"]

            service = Service(config, store)
            now = datetime.now(UTC)
            item = Item(id="https://wire.test/a1", link="https://wire.test/a1",
                        feed="https://wire.test/rss", outlet="Test Wire",
                        title="US strike on a boat in the Caribbean kills 3, Venezuela says",
                        summary="The strike <b>killed</b> three people & left no survivors.",
                        published=now, language="en")
            service.ingest(item, now)
            assert sink.dispatch() == 1
            await wait_for(lambda: len(api.sent(42)) == 2 and settled(store), what="the alert")
            alert = api.sent(42)[1]
            assert alert.params["parse_mode"] == "HTML"
            assert "US strike on a boat in the Caribbean kills 3" in alert.text
            assert 'href="https://wire.test/a1"' in alert.text

            # The same item again, and another dispatch: nothing new is sent.
            assert service.ingest(item, now) is None
            assert sink.dispatch() == 0
            assert len(api.sent(42)) == 2
            assert [r.state for r in deliveries(store)] == ["sent"]

    asyncio.run(story())


def test_status_shows_the_apprise_queue_beside_telegrams(api: FakeBotAPI, store: Store) -> None:
    config = replace(make_config(api), apprise=parse_config(
        "apprise:\n  - url: json://127.0.0.1:9/hook\n").apprise)
    service = Service(config, store)
    now = datetime.now(UTC)
    service.ingest(Item(id="https://wire.test/a1", link="https://wire.test/a1",
                        feed="https://wire.test/rss", outlet="Test Wire",
                        title="US strike on a boat in the Caribbean kills 3",
                        summary="Three people were killed.", published=now, language="en"), now)
    [pending] = store.outbox.pending()
    assert store.outbox.deliveries(APPRISE).queue(pending.id, ["json-hook"]) == ["json-hook"]

    async def story() -> None:
        async with running(config, store):
            api.command(ADMIN, "/status")
            reply = await wait_for(lambda: api.sent(ADMIN), what="the answer to /status")
            assert "Apprise: 1 destination; 1 to send, 0 sent, 0 failed" in reply[0].text

    asyncio.run(story())


def test_commands_answer_helpfully(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)

    async def ask(chat: int, text: str, *, user: int | None = None) -> str:
        before = len(api.sent(chat))
        api.command(chat, text, user_id=user)
        calls = await wait_for(lambda: len(api.sent(chat)) > before and api.sent(chat),
                               what=f"an answer to {text}")
        return calls[before].text

    async def story() -> None:
        async with running(config, store):
            assert "/subscribe" in await ask(42, "/start")
            assert "/status" not in await ask(42, "/help")
            assert "/status" in await ask(ADMIN, "/help")
            listing = await ask(42, "/watchlists")
            assert "venezuela" in listing and "US strikes on boats in the Caribbean" in listing
            assert "no watchlist called “atlantis”" in await ask(42, "/subscribe atlantis")
            assert "I don't know /frobnicate" in await ask(42, "/frobnicate")
            assert "not a duration" in await ask(42, "/mute soon")
            assert "For how long" in await ask(42, "/mute")
            assert "for the bot's admins" in await ask(42, "/status")

            # No argument: buttons; pressing one subscribes.
            await ask(42, "/subscribe")
            keyboard = api.sent(42)[-1].params["reply_markup"]["inline_keyboard"]
            assert [row[0]["callback_data"] for row in keyboard] == ["sub:venezuela",
                                                                     "sub:sahel"]
            api.press(42, "sub:sahel", message_id=api.sent(42)[-1].result["message_id"])
            await wait_for(lambda: api.calls_of("editMessageText", 42), what="the button edit")
            assert api.calls_of("answerCallbackQuery")
            assert store.chats.subscriptions(42) == ["sahel"]
            assert "already follows sahel" in await ask(42, "/subscribe sahel")
            assert "follows: sahel" in await ask(42, "/list")

            assert "Muted until" in await ask(42, "/mute 2h")
            assert store.chats.muted_until(42, datetime.now(UTC)) is not None
            assert "Muted until" in await ask(42, "/list")
            assert "resumed" in await ask(42, "/unmute")
            assert "Unsubscribed from sahel" in await ask(42, "/unsubscribe sahel")
            assert "does not follow" in await ask(42, "/unsubscribe sahel")

            status = await ask(ADMIN, "/status")
            assert "Feeds: 1 configured" in status and "Queue:" in status
            assert "Last alert: none yet" in status
            assert "https://wire.test/rss" in await ask(ADMIN, "/feeds")

            # Groups (by their admins) and channels subscribe like private chats.
            api.member(GROUP, 7, "administrator")
            assert "Subscribed" in await ask(GROUP, "/subscribe@vigia_test_bot venezuela",
                                             user=7)
            api.chat_types[CHANNEL] = "channel"
            assert "Subscribed" in await ask(CHANNEL, "/subscribe venezuela")
            assert store.chats.subscriptions(CHANNEL) == ["venezuela"]
            # A command for another bot in a group is left alone.
            before = len(api.sent(GROUP))
            api.command(GROUP, "/frobnicate@other_bot", user_id=7)
            await ask(GROUP, "/list", user=7)  # answered, so the one before was handled
            assert len(api.sent(GROUP)) == before + 1

    asyncio.run(story())


async def ask(api: FakeBotAPI, chat: int, text: str, *, timeout: float = 5.0, **kwargs) -> str:
    """Post a command in `chat` and wait for the bot's answer there."""
    before = len(api.sent(chat))
    api.command(chat, text, **kwargs)
    calls = await wait_for(lambda: len(api.sent(chat)) > before and api.sent(chat),
                           timeout=timeout, what=f"an answer to {text}")
    return calls[before].text


def member_checks(api: FakeBotAPI) -> list[tuple[int, int]]:
    return [(c.params["chat_id"], c.params["user_id"]) for c in api.calls_of("getChatMember")]


def test_in_a_group_only_its_admins_change_what_it_follows(api: FakeBotAPI,
                                                            store: Store) -> None:
    config = make_config(api)
    admin, owner, someone, muted_one, gone = 10, 11, 12, 13, 14
    for chat in (GROUP, SUPERGROUP):
        api.member(chat, admin, "administrator")
        api.member(chat, owner, "creator")
        api.member(chat, muted_one, "restricted")
        api.member(chat, gone, "left")

    async def story() -> None:
        async with running(config, store):
            # Members, restricted members and people who left: a short no, nothing changes.
            for user in (someone, muted_one, gone):
                assert await ask(api, GROUP, "/subscribe venezuela", user_id=user) == \
                    ONLY_GROUP_ADMINS
            assert await ask(api, GROUP, "/subscribe", user_id=someone) == ONLY_GROUP_ADMINS
            assert await ask(api, GROUP, "/mute 2h", user_id=someone) == ONLY_GROUP_ADMINS
            assert store.chats.subscriptions(GROUP) == []
            assert store.chats.muted_until(GROUP, datetime.now(UTC)) is None
            assert not any("reply_markup" in c.params for c in api.sent(GROUP))

            # The group's administrator and creator may.
            assert "Subscribed to venezuela" in await ask(api, GROUP, "/subscribe venezuela",
                                                          user_id=admin)
            assert "Subscribed to sahel" in await ask(api, GROUP, "/subscribe sahel",
                                                      user_id=owner)
            assert await ask(api, GROUP, "/unsubscribe venezuela", user_id=someone) == \
                ONLY_GROUP_ADMINS
            assert await ask(api, GROUP, "/unmute", user_id=someone) == ONLY_GROUP_ADMINS
            assert store.chats.subscriptions(GROUP) == ["sahel", "venezuela"]
            # Reading stays open to everyone.
            assert "follows: sahel, venezuela" in await ask(api, GROUP, "/list",
                                                            user_id=someone)
            checked = len(member_checks(api))

            # The bot's own admins (telegram.admins) may, without asking Telegram.
            assert "Unsubscribed from sahel" in await ask(api, GROUP, "/unsubscribe sahel",
                                                          user_id=ADMIN)
            # An anonymous admin posts as the group itself: an admin, no question asked.
            assert "Unsubscribed from venezuela" in await ask(
                api, GROUP, "/unsubscribe venezuela", sender_chat=GROUP)
            assert "Muted until" in await ask(api, GROUP, "/mute 1h", sender_chat=GROUP)
            assert len(member_checks(api)) == checked
            # Posting as a channel is not being an admin of the group.
            assert await ask(api, GROUP, "/subscribe venezuela", sender_chat=CHANNEL) == \
                ONLY_GROUP_ADMINS
            assert store.chats.subscriptions(GROUP) == []

            # A supergroup: the same rule.
            assert await ask(api, SUPERGROUP, "/subscribe venezuela", user_id=someone) == \
                ONLY_GROUP_ADMINS
            assert "Subscribed" in await ask(api, SUPERGROUP, "/subscribe venezuela",
                                             user_id=admin)
            assert store.chats.subscriptions(SUPERGROUP) == ["venezuela"]

            # A private chat is its owner's, a channel post comes from the channel's admins:
            # neither needs a check.
            assert "Subscribed" in await ask(api, someone, "/subscribe venezuela")
            api.chat_types[CHANNEL] = "channel"
            assert "Subscribed" in await ask(api, CHANNEL, "/subscribe sahel")
            assert {chat for chat, _ in member_checks(api)} == {GROUP, SUPERGROUP}

    asyncio.run(story())
    # Each check asked about the one who sent the command, every time (nothing cached).
    assert member_checks(api) == (
        [(GROUP, u) for u in (someone, muted_one, gone, someone, someone, admin, owner,
                              someone, someone)]
        + [(SUPERGROUP, someone), (SUPERGROUP, admin)])


def test_group_buttons_obey_the_same_rule(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    admin, someone = 10, 12
    api.member(GROUP, admin, "administrator")

    async def story() -> None:
        async with running(config, store):
            await ask(api, GROUP, "/subscribe", user_id=admin)
            buttons = api.sent(GROUP)[-1]
            assert "reply_markup" in buttons.params
            message_id = buttons.result["message_id"]

            api.press(GROUP, "sub:venezuela", message_id=message_id, user_id=someone)
            [refused] = await wait_for(lambda: api.calls_of("answerCallbackQuery"),
                                       what="the answer to the button")
            assert refused.params["text"] == ONLY_GROUP_ADMINS
            assert refused.params["show_alert"] is True
            assert store.chats.subscriptions(GROUP) == []

            api.press(GROUP, "sub:venezuela", message_id=message_id, user_id=admin)
            await wait_for(lambda: api.calls_of("editMessageText", GROUP),
                           what="the button edit")
            assert store.chats.subscriptions(GROUP) == ["venezuela"]
            assert "Subscribed to venezuela" in api.messages[(GROUP, message_id)]

            # The same for the buttons of /unsubscribe.
            await ask(api, GROUP, "/unsubscribe", user_id=admin)
            unsub = api.sent(GROUP)[-1].result["message_id"]
            api.press(GROUP, "unsub:venezuela", message_id=unsub, user_id=someone)
            await wait_for(lambda: len(api.calls_of("answerCallbackQuery")) == 3,
                           what="the answer to the second refused press")
            assert api.calls_of("answerCallbackQuery")[-1].params["text"] == ONLY_GROUP_ADMINS
            assert store.chats.subscriptions(GROUP) == ["venezuela"]

    asyncio.run(story())
    assert member_checks(api) == [(GROUP, admin), (GROUP, someone), (GROUP, admin),
                                  (GROUP, admin), (GROUP, someone)]


@pytest.mark.parametrize("fault", [bad_request("user not found"), bad_gateway()],
                         ids=["400", "network"])
def test_a_failed_admin_check_refuses_politely_and_is_logged(
        api: FakeBotAPI, store: Store, caplog: pytest.LogCaptureFixture, fault) -> None:
    config = make_config(api)
    api.member(GROUP, 10, "administrator")
    api.fail("getChatMember", fault, chat_id=GROUP)

    async def story() -> None:
        async with running(config, store):
            assert await ask(api, GROUP, "/subscribe venezuela", user_id=10) == CANNOT_CHECK
            assert store.chats.subscriptions(GROUP) == []
            # The bot goes on: the next try is checked afresh, and succeeds.
            assert "Subscribed" in await ask(api, GROUP, "/subscribe venezuela", user_id=10)

    asyncio.run(story())
    assert [c.status for c in api.calls_of("getChatMember")] == [fault.status, 200]
    assert store.chats.subscriptions(GROUP) == ["venezuela"]
    [warning] = [r for r in caplog.records if "admin of chat" in r.getMessage()]
    assert warning.levelno == logging.WARNING and str(GROUP) in warning.getMessage()
    assert not [r for r in caplog.records if "handling an update failed" in r.getMessage()]


def test_a_burst_of_a_thousand_commands_is_answered_a_few_times_at_the_chats_pace(
        api: FakeBotAPI, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    # Before: 1,000 /help got 1,000 answers at 23 a second to one chat (Telegram allows
    # about one a second), and an alert for that chat waited behind all of them.
    config = make_config(api)
    pacing = replace(FAST, private_interval=0.2)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))

    async def main() -> None:
        async with running(config, store, pacing) as sink:
            for _ in range(1000):
                api.command(42, "/help")
            # Updates are handled in order: once another chat's /help is answered, all of the
            # burst has been.
            assert "/subscribe" in await ask(api, 43, "/help", timeout=10)
            queue_alert(store, title="US strike on a boat off Venezuela during the burst")
            sink.dispatch()
            await wait_for(lambda: settled(store) and sink.sender.idle, timeout=10,
                           what="the alert and the answers")

    asyncio.run(main())
    answers = [c for c in api.sent(42) if "/subscribe" in c.text]
    # a few answers, never one per command: how many depends on how many pacing intervals
    # the machine takes to handle the burst (4 here unloaded, 6 under load), so the bound is
    # the order of magnitude, not the count
    assert 1 <= len(answers) <= 20, len(answers)
    times = [c.at for c in api.sent(42)]
    assert paced(times, 0.2), times
    assert "during the burst" in api.sent(42)[-1].text
    assert len([r for r in caplog.records if "faster than it can be answered" in
                r.getMessage()]) == 1


def test_a_polls_summary_is_sent_and_latest_lists_the_stories(api: FakeBotAPI,
                                                              store: Store) -> None:
    from bot.app import AlertCap

    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    store.chats.subscribe(42, "sahel", datetime.now(UTC))
    cap = AlertCap(limit=1)
    for n in range(120):
        title = f"Story <{n}> about a boat off Venezuela"
        ids = [queue_alert(store, story=f"cap-{n}", title=title)]
        # what the poll would have queued: the first, then the others past the cap
        alert = store.outbox.alert(ids[0])
        if not cap.admit([alert]):
            store.conn.execute("DELETE FROM alerts WHERE id = ?", (ids[0],))
    [summary] = cap.summaries("Test Wire", datetime.now(UTC))
    store.outbox.add(summary)

    async def main() -> None:
        async with running(config, store) as sink:
            sink.dispatch()
            await wait_for(lambda: settled(store), what="the story and the summary")
            latest = await ask(api, 42, "/latest")
            assert "The latest 10 stories (sahel, venezuela), newest first:" in latest
            assert latest.index("Story <119>") < latest.index("Story <118>")

    asyncio.run(main())
    first, told = api.sent(42)[:2]
    assert "Story &lt;0&gt;" in first.text
    assert told.ok and told.params["parse_mode"] == "HTML"  # the fake checks the markup
    assert "119 more new stories from Test Wire" in told.text and "/latest" in told.text
    assert 'href="https://reuters.test/' in told.text and "more" in told.text.splitlines()[-1]


# -- setting the bot up --------------------------------------------------------------------------

def test_id_tells_each_chat_the_ids_the_config_asks_for(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    api.chat_types[CHANNEL] = "channel"

    async def main() -> None:
        async with running(config, store):
            assert "Your id: 42" in await ask(api, 42, "/id")
            group = await ask(api, GROUP, "/id", user_id=7)
            assert f"This chat's id: {GROUP}" in group and "Your user id: 7" in group
            channel = await ask(api, CHANNEL, "/id")
            assert f"This chat's id: {CHANNEL}" in channel and "must be an admin" in channel
            assert "/id" in await ask(api, 42, "/help")

    asyncio.run(main())


def test_telegram_allow_limits_who_may_subscribe_and_who_is_told(api: FakeBotAPI,
                                                                store: Store) -> None:
    config = parse_config(f"""
telegram:
  base_url: {api.base_url}
  admins: [{ADMIN}]
  allow: [42, {GROUP}]
watchlists:
  - name: venezuela
    include: [venezuela]
""")
    store.chats.subscribe(77, "venezuela", datetime.now(UTC))  # subscribed before allow was set

    async def main() -> None:
        async with running(config, store) as sink:
            refused = await ask(api, 78, "/subscribe venezuela")
            assert "only the chats its operator lists" in refused and "78" in refused
            assert store.chats.subscriptions(78) == []
            assert "Subscribed" in await ask(api, 42, "/subscribe venezuela")
            assert "Subscribed" in await ask(api, ADMIN, "/subscribe venezuela")
            api.member(GROUP, 7, "administrator")
            assert "Subscribed" in await ask(api, GROUP, "/subscribe venezuela", user_id=7)
            queue_alert(store)
            sink.dispatch()
            await wait_for(lambda: settled(store), what="the alert")

    asyncio.run(main())
    told = {r.destination for r in deliveries(store)}
    assert told == {42, ADMIN, GROUP}  # not 77 (not listed), nor 78 (refused)


def test_with_a_token_and_nobody_to_tell_the_operator_is_warned(
        api: FakeBotAPI, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    config = make_config(api)

    async def main() -> None:
        async with running(config, store) as sink:
            queue_alert(store)
            sink.dispatch()
            store.chats.subscribe(42, "venezuela", datetime.now(UTC))
            queue_alert(store, story="second")
            sink.dispatch()
            await wait_for(lambda: settled(store), what="the second alert")

    asyncio.run(main())
    [warning] = [r.getMessage() for r in caplog.records if "no chat receives" in r.getMessage()]
    assert "/subscribe" in warning and "telegram.channels" in warning and "/id" in warning


@pytest.mark.parametrize("status", [200, 404, 502])
def test_a_wrong_base_url_is_one_line_per_try_backing_off(store: Store, status: int,
                                                         caplog: pytest.LogCaptureFixture
                                                         ) -> None:
    caplog.set_level(logging.DEBUG)
    page = b"<html><body><h1>Welcome to nginx!</h1>" + b"<p>Lorem ipsum</p>" * 50 + b"</html>"
    with serve() as server:
        for method in ("getMe", "deleteWebhook", "getUpdates"):
            server.route(f"/bot{TOKEN}/{method}", Reply(status=status, body=page, headers={
                "Content-Type": "text/html"}))
        config = parse_config(f"telegram:\n  base_url: {server.url('/bot')}\n")
        pacing = replace(FAST, backoff=Backoff(base=0.2, max=0.4))

        def said() -> list[str]:
            return [r.getMessage() for r in caplog.records
                    if r.name.startswith("bot.") and "Bot API" in r.getMessage()]

        async def main() -> None:
            async with running(config, store, pacing):  # not a ConfigError: it retries
                # the third line is written after the third answer came: wait for both
                await wait_for(lambda: server.hits(f"/bot{TOKEN}/getMe") >= 3
                               and len(said()) >= 3, timeout=10, what="three tries")

        asyncio.run(main())
        tries = [r for r in server.requests if r.path.endswith("/getMe")]
    assert "Traceback" not in caplog.text and "<html" not in caplog.text
    said = said()
    assert len(said) >= 3 and all("\n" not in line and "check telegram.base_url" in line
                                  for line in said), said
    assert not [r for r in caplog.records if r.exc_info]
    assert len(tries) >= 3


# -- delivery ------------------------------------------------------------------------------------

def test_a_burst_to_a_group_respects_the_pacing(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    pacing = replace(FAST, group_interval=0.25, private_interval=0.1, global_rate=40.0)
    store.chats.subscribe(GROUP, "venezuela", datetime.now(UTC))
    privates = list(range(100, 110))
    for chat in privates:
        store.chats.subscribe(chat, "venezuela", datetime.now(UTC))
    for i in range(6):
        queue_alert(store, story=f"burst-{i}", title=f"Strike number {i} on a boat")

    async def story() -> None:
        async with running(config, store, pacing):
            await wait_for(lambda: settled(store), timeout=15, what="the burst")

    asyncio.run(story())
    group = [c.at for c in api.sent(GROUP)]
    assert len(group) == 6
    assert paced(group, 0.25), group  # 20/min to a group, scaled: one per 0.25 s
    for chat in privates:
        times = [c.at for c in api.sent(chat)]
        assert len(times) == 6
        assert paced(times, 0.1), times
    every = sorted(c.at for c in api.sent())
    assert len(every) == 66
    overall = (every[-1] - every[0]) / (len(every) - 1)
    assert overall >= 1 / 40 - 0.002, overall  # 30/s overall, scaled to 40/s
    # In order: each chat got its alerts oldest first.
    assert [re.search(r"Strike number (\d)", c.text)[1] for c in api.sent(GROUP)] == list(
        "012345")


def test_under_sustained_load_a_channels_alerts_are_combined_so_none_waits_past_the_bound(
        api: FakeBotAPI, store: Store) -> None:
    # Before: a channel paced at 20 messages a minute, fed one story a second from 100 feeds,
    # got its alerts 64 s late at the median and 95 s at the 95th percentile, and rising.
    # Scaled down: one message per 0.1 s, 50 alerts a second for 3 s, a bound of 0.5 s.
    config = make_config(api, channels=f"[{{chat_id: {CHANNEL}}}]")
    pacing = replace(FAST, group_interval=0.1, max_delay=0.5)
    queued: dict[str, float] = {}

    async def main() -> None:
        async with running(config, store, pacing) as sink:
            for n in range(150):
                title = f"Alert {n:03d} about a boat off Venezuela"
                queue_alert(store, story=f"load-{n}", title=title)
                sink.dispatch()
                queued[title] = time.monotonic()
                await asyncio.sleep(0.02)  # the load: 50 alerts a second
            await wait_for(lambda: settled(store), timeout=20, what="every alert")

    asyncio.run(main())
    messages = api.sent(CHANNEL)
    arrived = {}
    for title in queued:
        carriers = [c for c in messages if title in c.text]
        assert len(carriers) == 1, (title, len(carriers))  # every alert, once
        arrived[title] = carriers[0].at
    delays = sorted(arrived[t] - queued[t] for t in queued)
    # The bound and a message's turn; one by one the last waited 12 s.
    assert delays[-1] < 2.0, delays[-10:]
    assert len(messages) < 60
    assert paced([c.at for c in messages], 0.1)
    combined = [c for c in messages if "alerts at once" in c.text]
    assert combined and all(c.params["parse_mode"] == "HTML" for c in combined)
    newest_first = [int(n) for n in re.findall(r"Alert (\d{3})", combined[0].text)]
    assert newest_first == sorted(newest_first, reverse=True)
    assert {r.state for r in deliveries(store)} == {"sent"}


def test_a_429_delays_without_loss(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    ids = [queue_alert(store, story=f"s{i}") for i in range(3)]
    api.fail("sendMessage", retry_after(1), chat_id=42)

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store), timeout=10, what="delivery after the 429")

    asyncio.run(story())
    calls = api.calls_of("sendMessage", 42)
    assert [c.status for c in calls] == [429, 200, 200, 200]
    assert calls[1].at - calls[0].at >= 1.0 - 0.02  # retry_after honoured
    assert [r.alert_id for r in deliveries(store) if r.state == "sent"] == ids


def test_a_403_deactivates_the_chat_and_tells_the_admins(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    for chat in (42, 77):
        store.chats.subscribe(chat, "venezuela", datetime.now(UTC))
        store.chats.subscribe(chat, "sahel", datetime.now(UTC))
    api.fail("sendMessage", forbidden(), chat_id=77, times=None)
    queue_alert(store, story="a")
    queue_alert(store, story="b")

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store) and api.sent(ADMIN), what="the admin notice")

    asyncio.run(story())
    assert store.chats.subscriptions(77) == []
    assert store.chats.subscriptions(42) == ["sahel", "venezuela"]
    assert states(store, 77) == ["failed", "failed"]
    assert len(api.calls_of("sendMessage", 77)) == 1  # the second one was not even tried
    assert states(store, 42) == ["sent", "sent"]
    notice = api.sent(ADMIN)[0].text
    assert "77" in notice and "blocked" in notice and "sahel, venezuela" in notice


@pytest.mark.parametrize("fault", [bad_html(), too_long()], ids=["bad-html", "too-long"])
def test_a_400_for_the_markup_falls_back_to_plain_text(api: FakeBotAPI, store: Store,
                                                       fault) -> None:
    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    queue_alert(store)
    api.fail("sendMessage", fault, chat_id=42)

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store), what="the plain-text resend")

    asyncio.run(story())
    first, second = api.calls_of("sendMessage", 42)
    assert first.status == 400 and first.params["parse_mode"] == "HTML"
    assert second.ok and "parse_mode" not in second.params
    assert second.text.startswith("New story [venezuela]: US strike on a boat")
    assert states(store, 42) == ["sent"]


def test_other_400s_are_recorded_as_failed_not_dropped(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    queue_alert(store)
    api.fail("sendMessage", bad_request("not enough rights to send text messages"), chat_id=42)

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store), what="the failure")

    asyncio.run(story())
    [row] = deliveries(store)
    assert row.state == "failed" and row.message_id is None
    assert "not enough rights" in row.error.lower()
    assert store.chats.subscriptions(42) == ["venezuela"]  # not the chat's fault for ever


def test_5xx_and_network_errors_retry_with_backoff(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    queue_alert(store)
    api.fail("sendMessage", bad_gateway(), chat_id=42, times=3)

    async def story() -> None:
        async with running(config, store) as sink:
            assert await sink.drain(timeout=5)

    asyncio.run(story())
    calls = api.calls_of("sendMessage", 42)
    assert [c.status for c in calls] == [502, 502, 502, 200]
    gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]
    assert gaps[0] >= 0.05 - 0.01 and gaps[1] >= 0.1 - 0.01 and gaps[2] >= 0.2 - 0.01, gaps
    [row] = deliveries(store)
    assert (row.state, row.attempts) == ("sent", 4)


def test_a_group_that_became_a_supergroup_is_followed(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    new_id = -1009876543210
    store.chats.subscribe(GROUP, "venezuela", datetime.now(UTC))
    queue_alert(store)
    api.fail("sendMessage", migrated(new_id), chat_id=GROUP)

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store) and api.sent(new_id), what="the resend")

    asyncio.run(story())
    assert store.chats.subscriptions(GROUP) == []
    assert store.chats.subscriptions(new_id) == ["venezuela"]
    assert len(api.sent(new_id)) == 1 and not api.sent(GROUP)


def test_channels_in_the_config_are_fixed_destinations(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api, channels=f"[{{chat_id: {CHANNEL}, watchlists: [venezuela]}}]")
    api.chat_types[CHANNEL] = "channel"
    queue_alert(store, watchlist="venezuela")
    queue_alert(store, story="s2", watchlist="sahel", title="Attack in Mali")

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store) and api.sent(CHANNEL), what="the channel post")

    asyncio.run(story())
    assert len(api.sent(CHANNEL)) == 1 and "venezuela" in api.sent(CHANNEL)[0].text


def test_an_unreachable_configured_channel_is_reported_once(api: FakeBotAPI,
                                                            store: Store) -> None:
    config = make_config(api, channels=f"[{{chat_id: {CHANNEL}}}]")
    api.fail("sendMessage", forbidden(), chat_id=CHANNEL, times=None)
    queue_alert(store, story="one")

    async def story() -> None:
        async with running(config, store) as sink:
            await wait_for(lambda: settled(store) and api.sent(ADMIN), what="the notice")
            queue_alert(store, story="two")
            assert sink.dispatch() == 0  # skipped until the config is fixed

    asyncio.run(story())
    assert len(api.calls_of("sendMessage", CHANNEL)) == 1
    [notice] = api.sent(ADMIN)
    assert "telegram.channels" in notice.text


def test_a_muted_chat_is_skipped(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    now = datetime.now(UTC)
    for chat in (42, 43):
        store.chats.subscribe(chat, "venezuela", now)
    store.chats.set_mute(43, now.replace(year=now.year + 1))
    queue_alert(store)

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store) and api.sent(42), what="delivery")

    asyncio.run(story())
    assert not api.sent(43)


def test_one_story_on_two_watchlists_is_told_once_per_chat(api: FakeBotAPI,
                                                            store: Store) -> None:
    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    store.chats.subscribe(42, "sahel", datetime.now(UTC))
    store.chats.subscribe(43, "sahel", datetime.now(UTC))
    queue_alert(store, story="both", watchlist="venezuela")
    queue_alert(store, story="both", watchlist="sahel")

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store) and api.sent(43), what="delivery")

    asyncio.run(story())
    assert len(api.sent(42)) == 1 and len(api.sent(43)) == 1


def test_an_unreachable_bot_api_at_start_is_retried_in_the_background(api: FakeBotAPI,
                                                                      store: Store) -> None:
    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    api.fail("getMe", bad_gateway(), times=2)

    async def story() -> None:
        async with running(config, store) as sink:  # start() returns: the daemon goes on
            queue_alert(store)
            sink.dispatch()
            await wait_for(lambda: settled(store) and api.sent(42), what="delivery once online")

    asyncio.run(story())
    assert [c.status for c in api.calls_of("getMe")] == [502, 502, 200]


def test_a_rejected_token_is_a_config_error(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)

    async def story() -> None:
        sink = TelegramSink(config, store, "42:not-the-token", pacing=FAST)
        try:
            with pytest.raises(ConfigError, match="telegram.token_env"):
                await sink.start()
        finally:
            await sink.stop()

    asyncio.run(story())


# -- threading: replies and edits -----------------------------------------------------------------

def test_an_update_is_a_reply_to_the_first_message(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    queue_alert(store, story="s1")
    queue_alert(store, story="other")
    queue_alert(store, story="s1", kind="update", changes=(Change("deaths", 3, 5, ("AP",)),))

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store), what="three messages")

    asyncio.run(story())
    first, other, update = api.sent(42)
    assert "reply_parameters" not in first.params
    assert update.params["reply_parameters"]["message_id"] == first.result["message_id"]
    assert "killed now 5 (+2, was 3)" in update.text


def test_more_outlets_edit_the_first_message(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    for chat in (42, GROUP):
        store.chats.subscribe(chat, "venezuela", datetime.now(UTC))
    queue_alert(store, story="s1", outlets=[("Reuters", "https://reuters.test/1")])

    async def story() -> None:
        async with running(config, store) as sink:
            await wait_for(lambda: settled(store), what="the first messages")
            grown = store.items.story("s1")
            for outlet, lang in [("AP", "en"), ("EFE", "es"), ("Le Monde", "fr"),
                                 ("El País", "es")]:
                grown.outlets.append(outlet)
                grown.links.append((outlet, f"https://{outlet[:2].lower()}.test/x"))
                if lang not in grown.languages:
                    grown.languages.append(lang)
                sink.story_grew(grown)  # four growths in a row: one edit per message
            await wait_for(lambda: settled(store) and len(api.calls_of("editMessageText")) == 2,
                           what="the edits")
            assert sink.story_grew(grown) == 0  # nothing new to say

    asyncio.run(story())
    for chat in (42, GROUP):
        [edit] = api.calls_of("editMessageText", chat)
        assert edit.ok and edit.params["message_id"] == api.sent(chat)[0].result["message_id"]
        assert "Reported by 5 outlets in en, es, fr:" in edit.text
        assert api.messages[(chat, edit.params["message_id"])] == edit.text


# -- crash safety --------------------------------------------------------------------------------

def test_a_restart_mid_burst_loses_nothing_and_repeats_nothing(api: FakeBotAPI, db: Path
                                                               ) -> None:
    config = make_config(api)
    chats = [42, 43, GROUP]
    pacing = replace(FAST, group_interval=0.05, private_interval=0.05)

    first = Store.open(db)
    for chat in chats:
        first.chats.subscribe(chat, "venezuela", datetime.now(UTC))
    ids = [queue_alert(first, story=f"r{i}", title=f"Alert {i}") for i in range(8)]

    async def until_some_are_sent() -> None:
        async with running(config, first, pacing):
            await wait_for(lambda: len(api.sent()) >= 7, what="a few deliveries")
        # stopped mid-burst: some sent, some still queued

    asyncio.run(until_some_are_sent())
    done = sum(1 for r in deliveries(first) if r.state == "sent")
    assert 7 <= done < len(ids) * len(chats)
    first.close()

    second = Store.open(db)

    async def after_restart() -> None:
        async with running(config, second, pacing) as sink:
            await wait_for(lambda: settled(second), timeout=10, what="the rest of the burst")
            assert sink.dispatch() == 0

    try:
        asyncio.run(after_restart())
        assert {r.state for r in deliveries(second)} == {"sent"}
        assert len(deliveries(second)) == len(ids) * len(chats)
    finally:
        second.close()
    for chat in chats:
        texts = [c.text.split("\n")[1] for c in api.sent(chat)]
        assert len(texts) == len(ids) and len(set(texts)) == len(ids), texts


# -- the token stays out of the logs ---------------------------------------------------------------

def test_the_token_never_appears_in_logs(api: FakeBotAPI, store: Store,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    config = make_config(api)
    store.chats.subscribe(42, "venezuela", datetime.now(UTC))
    queue_alert(store)
    api.fail("sendMessage", bad_gateway(), chat_id=42)

    async def story() -> None:
        async with running(config, store):
            api.command(42, "/help")
            await wait_for(lambda: settled(store) and len(api.sent(42)) == 2, what="traffic")

    asyncio.run(story())
    assert any("sendMessage" in r.getMessage() or "502" in r.getMessage()
               for r in caplog.records)  # there was plenty to log...
    assert TOKEN not in caplog.text  # ...and the token is in none of it
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert logging.getLogger("httpx").level == logging.WARNING


def test_an_api_error_quoting_the_url_leaks_the_token_nowhere(api: FakeBotAPI, store: Store,
                                                            caplog: pytest.LogCaptureFixture
                                                            ) -> None:
    # PTB strips "Bad Request: " from a 400's description and capitalizes the rest, which
    # lower-cases the token; a 403's description is kept as it is. Both must be redacted in
    # every place a text goes: the log, the store's delivery rows and the admins' notices.
    caplog.set_level(logging.DEBUG)
    config = make_config(api)
    blocked, gone, flaky = 77, 78, 79
    for chat in (blocked, gone, flaky):
        store.chats.subscribe(chat, "venezuela", datetime.now(UTC))
    api.fail("sendMessage", quoting_url(forbidden()), chat_id=blocked)
    api.fail("sendMessage", quoting_url(bad_request("chat not found")), chat_id=gone)
    api.fail("sendMessage", quoting_url(bad_gateway()), chat_id=flaky)
    queue_alert(store)

    async def story() -> None:
        async with running(config, store):
            await wait_for(lambda: settled(store) and len(api.sent(ADMIN)) == 2,
                           what="the deliveries and the notices to the admin")

    asyncio.run(story())
    echoed = [c for c in api.calls_of("sendMessage") if c.status in (400, 403, 502)]
    assert len(echoed) == 3  # each answered with the URL in its description...
    secret = TOKEN.split(":", 1)[1].lower()
    texts = {"log": caplog.text, "store": " ".join(r.error or "" for r in deliveries(store)),
             "notices": " ".join(c.text for c in api.sent(ADMIN))}
    assert "can no longer be reached" in texts["notices"] and "/sendmessage" in texts[
        "store"].lower()  # ...which the texts quote, the token masked
    for where, text in texts.items():
        assert secret not in text.lower(), where


# -- the HTML ------------------------------------------------------------------------------------

def _alert(title: str, links: list[tuple[str, str]], kind: str = "new_story") -> Alert:
    return Alert(at=datetime.now(UTC), kind=kind, watchlist="venezuela", story="s",
                 items=("i",), changes=(Change("deaths", None, 3),), text="plain",
                 title=title, links=tuple(links))


def test_html_escapes_everything_from_feeds() -> None:
    html = alert_html(_alert('<script>alert("x")</script> & co',
                             [("A <b>&</b>", 'https://x.test/?a=1&b="2"'),
                              ("Evil", "javascript:alert(1)")]))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; co" in html
    assert 'href="https://x.test/?a=1&amp;b=&quot;2&quot;"' in html
    assert "A &lt;b&gt;&amp;&lt;/b&gt;" in html
    assert "javascript:" not in html and "Evil" in html
    assert "killed: 3" in html


def test_html_never_exceeds_the_limit_and_says_how_many_outlets_are_left_out() -> None:
    links = [(f"Outlet número {i} 📰", f"https://outlet{i}.test/a/very/long/path/{i}")
             for i in range(400)]
    html = alert_html(_alert("Título " * 200, links))
    assert utf16_len(html) <= MAX_MESSAGE
    assert "Reported by 400 outlets" in html
    assert html.rstrip().endswith("more")
    shown = html.count("<a href") - 1  # minus the title's link
    assert 10 < shown < 400 and f"and {400 - shown} more" in html


# -- a real kill ---------------------------------------------------------------------------------

KILL_CHAT = 4242
# Eight clearly different events (the grouper keeps them apart), oldest first: the order in
# which they are ingested, queued and must reach the chat.
KILL_EVENTS = [
    ("US strike on a speedboat in the Caribbean kills three, Hegseth says",
     "The Pentagon said the vessel was carrying drugs; there were no survivors."),
    ("Venezuelan opposition leader Machado wins the Nobel Peace Prize",
     "The committee in Oslo praised her campaign for free elections."),
    ("Maduro orders military exercises along the coast of Venezuela",
     "Troops and militia units will drill for three days in four states."),
    ("Trump says talks with Venezuela could start next week",
     "The president told reporters at the White House that envoys were ready."),
    ("Oil exports from Venezuela to China fell sharply in February",
     "Shipping data show tanker loadings at Jose dropped by a fifth."),
    ("Hurricane warning issued for islands across the eastern Caribbean",
     "Forecasters expect the storm to strengthen before landfall on Thursday."),
    ("Colombia recalls its ambassador in Caracas over a border dispute",
     "Bogota accused the government of closing two crossings without notice."),
    ("Baseball league in Venezuela postpones its season opener",
     "Organisers cited a dispute over television rights with the broadcaster."),
]


def _daemon_config(tmp_path: Path, api: FakeBotAPI, feed_url: str) -> Path:
    path = tmp_path / "vigia.yaml"
    path.write_text(f"""
storage:
  path: {tmp_path / 'vigia.db'}
telegram:
  base_url: {api.base_url}
  pacing: {{chat: 0.3s, group: 0.3s, overall_per_s: 30}}
fetch:
  allow_private_addresses: true
  timeout: 10s
feeds:
  - url: {feed_url}
    interval: 1s
watchlists:
  - name: venezuela
    include: [venezuela, caribbean, hegseth, maduro, caracas]
""", encoding="utf-8")
    return path


def _until(condition, timeout: float, what: str, log: Path) -> None:
    """Poll `condition` until it holds; on time-out fail with the daemon's last log lines."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}; "
                                 f"daemon log:\n{tail}")
        time.sleep(0.02)


def _event_of(text: str) -> int:
    [n] = [n for n, (title, _) in enumerate(KILL_EVENTS) if title in html.unescape(text)]
    return n


@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL semantics tested on Linux")
def test_sigkill_mid_burst_then_restart_loses_nothing_and_repeats_nothing(
        api: FakeBotAPI, tmp_path: Path) -> None:
    """`vigia run` as a real process: eight alerts queued at once to one chat (paced 0.3 s);
    the 4th sendMessage is held by the fake, so at the kill exactly 3 were accepted, the 4th
    is in flight and 4-8 are queued. SIGKILL; the held request's client is gone, so the fake
    drops it (never answered, never delivered). The restarted daemon sends 4-8: each of the
    eight arrives once, in order."""
    now = datetime.now(UTC)
    feed = rss([{"guid": f"kill-{n}", "link": f"https://wire.test/kill/{n}",
                 "date": now - timedelta(minutes=30 - n), "title": title, "summary": summary}
                for n, (title, summary) in enumerate(KILL_EVENTS)], title="Kill Wire").encode()
    store = Store.open(tmp_path / "vigia.db")
    store.chats.subscribe(KILL_CHAT, "venezuela", now)
    store.close()
    held = api.hold("sendMessage", nth=4, chat_id=KILL_CHAT)
    env = {k: v for k, v in os.environ.items() if k != "VIGIA_CONFIG"}
    env.update(VIGIA_TELEGRAM_TOKEN=TOKEN, PYTHONUNBUFFERED="1")

    def start(config: Path, log: Path) -> subprocess.Popen:
        with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
            return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config",
                                     str(config)], stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, env=env)

    def to_chat() -> list:
        return api.calls_of("sendMessage", KILL_CHAT)

    started = time.monotonic()
    with serve() as server:
        config = _daemon_config(tmp_path, api, server.route("/feed", Reply(body=feed)))
        log1, log2 = tmp_path / "run1.log", tmp_path / "run2.log"
        proc = start(config, log1)
        try:
            # The 4th is in flight; 1-3 were answered, and recorded as sent in the store.
            _until(held.arrived.is_set, 45, "the 4th sendMessage", log1)
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=10) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert [c.status for c in to_chat()] == [200, 200, 200, 0]
        # The killed client's socket is closed: the held request is dropped, not answered.
        assert held.release(hangup_grace=5) == "dropped"
        assert held.call.dropped and _event_of(held.call.text) == 3

        proc = start(config, log2)
        try:
            _until(lambda: len(api.sent(KILL_CHAT)) >= len(KILL_EVENTS), 30,
                   "every alert after the restart", log2)
            # A few more polls of the (unchanged) feed: a repeat gets every chance to show.
            polls = server.hits("/feed")
            _until(lambda: server.hits("/feed") >= polls + 2, 15, "two more polls", log2)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise AssertionError("the daemon did not stop within 10 s of SIGTERM") from None
        assert code == 0, log2.read_text(errors="replace")[-3000:]

    calls = to_chat()
    assert [c.status for c in calls] == [200, 200, 200, 0] + [200] * 5
    for run in (calls[:4], calls[4:]):  # telegram.pacing.chat from the config, in each run
        assert paced([c.at for c in run], 0.3), [c.at for c in run]
    received = [_event_of(c.text) for c in api.sent(KILL_CHAT)]
    assert received == list(range(len(KILL_EVENTS))), received  # all, once each, in order
    assert len({c.result["message_id"] for c in api.sent(KILL_CHAT)}) == len(KILL_EVENTS)

    store = Store.open(tmp_path / "vigia.db")
    try:
        rows = deliveries(store)
        assert store.counts()["alerts"] == len(KILL_EVENTS)
        assert [(r.destination, r.state) for r in rows] == [(KILL_CHAT, "sent")] * len(KILL_EVENTS)
        assert [r.message_id for r in rows] == [c.result["message_id"] for c in api.sent(KILL_CHAT)]
    finally:
        store.close()
    for log in (log1, log2):
        assert TOKEN not in log.read_text(errors="replace")
    assert time.monotonic() - started < 60


def test_the_pacing_check_allows_the_delays_of_a_loaded_machine_but_not_unpaced_sends() -> None:
    # Seen once on a loaded machine: a gap of 0.276 s for 0.3 s of pacing, which failed a
    # check with a 0.02 s margin although the sender had paced its launches correctly.
    assert paced([0.0, 0.30, 0.576, 0.90, 1.20], 0.3)
    assert paced([0.0, 0.44, 0.60, 0.90], 0.3)  # one request held up 0.14 s on its way
    assert not paced([0.0, 0.01, 0.02, 0.03, 0.04], 0.3)  # no pacing at all
    assert not paced([0.0, 0.1, 0.2, 0.3, 0.4], 0.3)  # a third of it
    assert not paced([0.0, 0.16, 0.32, 0.48, 0.64], 0.3)  # over half, but only half on average


def test_pacing_comes_from_the_config(api: FakeBotAPI, store: Store,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIA_TELEGRAM_TOKEN", TOKEN)

    def pacing_of(text: str) -> Pacing:
        sink = TelegramSink.from_config(parse_config(text), store)
        try:
            return sink.sender.pacing
        finally:
            asyncio.run(sink.stop())

    assert pacing_of("") == Pacing()  # Telegram's limits by default
    fast = pacing_of("telegram:\n  pacing: {chat: 300ms, group: 0.5s, overall_per_s: 200}\n")
    assert (fast.private_interval, fast.group_interval, fast.global_rate) == (0.3, 0.5, 200.0)
    # how long an alert may wait in a chat's queue before the waiting ones go out combined
    assert fast.max_delay == 60.0
    assert pacing_of("telegram:\n  pacing: {max_delay: 20s}\n").max_delay == 20.0


@pytest.mark.parametrize("key, value, words", [
    ("chat", "0s", "longer than zero"), ("chat", "-1s", "not a duration"),
    ("group", "fast", "not a duration"), ("group", "0", "longer than zero"),
    ("overall_per_s", "0", "1 or more"), ("overall_per_s", "2.5", "whole number"),
])
def test_bad_pacing_is_a_config_error_naming_the_key(key: str, value: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as info:
        parse_config(f"telegram:\n  pacing:\n    {key}: {value}\n", "f.yaml")
    assert info.value.key == f"telegram.pacing.{key}" and info.value.line == 3
