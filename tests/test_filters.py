"""/filters: what a chat lets through of each watchlist. The decision as a table of cases,
the changes as pure functions, and the whole of it through the real PTB application against
the Bot API stand-in."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from fakebot import FakeBotAPI, wait_for
from test_telegram import GROUP, ask, make_config, queue_alert, running, settled

from bot.i18n import translator
from bot.model import Alert, Change, Filters
from bot.store import TELEGRAM, Store
from bot.subscribers.filters import Report, passes, report_of
from bot.telegram.filtering import Refused, changed, toggle_language

EN = translator("en")



def report(kind: str = "new_story", killed: int | None = None, languages: str = "en",
           text: str = "US strike on a boat off Venezuela") -> Report:
    return Report(kind, killed, frozenset(languages.split()), text)


@pytest.mark.parametrize("f, r, told", [
    (Filters(), report(), True),
    (Filters(min_killed=10), report(killed=12), True),
    (Filters(min_killed=10), report(killed=10), True),
    (Filters(min_killed=10), report(killed=9), False),
    (Filters(min_killed=1), report(killed=None), False),  # no figure: not "at least 1"
    (Filters(updates=False), report("update", killed=5), False),
    (Filters(updates=False), report("new_story"), True),
    (Filters(languages=("es", "fr")), report(languages="en"), False),
    (Filters(languages=("es", "fr")), report(languages="en es"), True),
    (Filters(languages=("es",)), report(languages=""), True),  # unknown: not dropped on a guess
    (Filters(include=("maduro",)), report(text="Maduro's speech"), True),  # start of a word
    (Filters(include=("maduro",)), report(text="A strike off Colombia"), False),
    (Filters(include=("tren de aragua",)), report(text="El Tren  de Aragua"), True),
    (Filters(exclude=("béisbol",)), report(text="La liga de BEISBOL de Venezuela"), False),
    (Filters(exclude=("oil",)), report(text="Spoiled ballots in Caracas"), True),  # not inside
    (Filters(updates=False), report("summary"), True),
    (Filters(min_killed=5), report("summary"), False),  # cannot be judged
    (Filters(exclude=("x",)), report("summary"), False),
])
def test_what_passes_a_chats_filters(f: Filters, r: Report, told: bool) -> None:
    assert passes(f, r) is told


def test_the_killed_figure_is_the_storys_as_told_or_the_alerts_rise() -> None:
    alert = Alert(at=datetime.now(UTC), kind="update", watchlist="w", story="s", items=("i",),
                  changes=(Change("deaths", 12, 15), Change("deaths_total", 80, 95)), text="t",
                  title="Strike")
    r = report_of(alert, {"deaths": 14, "survivors": 2}, [("es", "Ataque", "Quince muertos"),
                                                          (None, "Strike", "")])
    assert (r.killed, r.languages) == (15, frozenset({"es"}))
    assert "Quince muertos" in r.text and r.text.startswith("Strike")
    assert report_of(alert, {"deaths": 20}, []).killed == 20
    # A campaign total is no story's toll.
    assert report_of(Alert(at=alert.at, kind="new_story", watchlist="w", story="s",
                           items=(), changes=(Change("deaths_total", None, 83),), text="t"),
                     {}, []).killed is None


def test_typed_changes() -> None:
    f = Filters()
    assert changed(EN, f, "killed", "10").min_killed == 10
    assert changed(EN, f, "new", "").updates is False
    assert changed(EN, Filters(updates=False), "all", "").updates is True
    assert changed(EN, f, "languages", "es, FR").languages == ("es", "fr")
    assert changed(EN, Filters(languages=("es",)), "languages", "any").languages == ()
    assert changed(EN, f, "include", "maduro, tren de aragua").include == (
        "maduro", "tren de aragua")
    assert changed(EN, Filters(include=("x",)), "include", "").include == ()
    assert changed(EN, Filters(min_killed=3, exclude=("y",)), "reset", "") == Filters()
    for action, rest, words in [("killed", "many", "How many killed"),
                                ("include", "´", "no word"), ("include", "a" * 61, "too long"),
                                ("languages", "english", "codes"), ("sometimes", "", "Try")]:
        with pytest.raises(Refused, match=words):
            changed(EN, f, action, rest)


def test_language_buttons_tick_what_passes_and_all_ticked_is_any() -> None:
    f = toggle_language(EN, Filters(), "en")  # all ticked (any): en off
    assert f.languages == ("es", "fr")
    f = toggle_language(EN, f, "es")
    assert f.languages == ("fr",)
    with pytest.raises(Refused, match="at least one"):
        toggle_language(EN, f, "fr")
    assert toggle_language(EN, toggle_language(EN, f, "en"), "es").languages == ()


def test_filters_survive_a_group_becoming_a_supergroup(store: Store) -> None:
    store.chats.subscribe(GROUP, "venezuela", datetime.now(UTC))
    store.chats.set_filters(GROUP, "venezuela", Filters(min_killed=5))
    store.chats.migrate(GROUP, -1009)
    assert store.chats.filters(-1009, "venezuela") == Filters(min_killed=5)
    assert store.chats.filters_of("venezuela") == {-1009: Filters(min_killed=5)}
    store.chats.set_filters(-1009, "venezuela", Filters())
    assert store.chats.filters_of("venezuela") == {}


# -- through Telegram ----------------------------------------------------------------------------

def told(api: FakeBotAPI, chat: int) -> list[str]:
    return [c.text for c in api.sent(chat) if "Story" in c.text]


def test_a_filter_drops_what_it_should_and_buttons_change_it(api: FakeBotAPI,
                                                             store: Store) -> None:
    config = make_config(api)
    mine, other = 42, 43

    async def main() -> None:
        async with running(config, store) as sink:
            for chat in (mine, other):
                await ask(api, chat, "/subscribe venezuela")
            shown = await ask(api, mine, "/filters")
            assert "Filters for venezuela:" in shown and "killed: any" in shown
            panel = api.sent(mine)[-1]
            rows = panel.params["reply_markup"]["inline_keyboard"]
            assert rows[0][0] == {"text": "✓ any", "callback_data": "flt:venezuela:k:0"}

            async def press(data: str, expect: str) -> None:
                api.press(mine, data, message_id=panel.result["message_id"])
                await wait_for(lambda: expect in api.messages[(mine, panel.result["message_id"])],
                               what=f"the panel after {data}")

            await press("flt:venezuela:k:10", "killed: at least 10")
            await press("flt:venezuela:l:fr", "languages: en, es")

            def alert(n: int, killed: int, **kw) -> None:
                queue_alert(store, story=f"f{n}", title=f"Story {n}", changes=(
                    Change("deaths", None, killed),), **kw)

            alert(1, 3)  # too few killed
            alert(2, 12)
            alert(3, 40, languages=("fr",))  # a language this chat left out
            queue_alert(store, story="f2", kind="update", title="Story 2",
                        changes=(Change("deaths", 12, 15),))
            sink.dispatch()
            await wait_for(lambda: settled(store) and len(told(api, other)) == 4,
                           what="the alerts")
            assert len(told(api, mine)) == 2
            assert "Story 2" in told(api, mine)[0] and "killed now 15" in told(api, mine)[1]

            # New stories only, and words of its own, by command.
            await press("flt:venezuela:u:0", "new stories only")
            shown = await ask(api, mine, "/filters exclude drill, béisbol")
            assert "never containing: drill, béisbol" in shown
            queue_alert(store, story="f2", kind="update", title="Story 2",
                        changes=(Change("deaths", 15, 20),))
            alert(4, 11, summary="The navy held a drill nearby.")
            alert(5, 11, summary="Beisbol was not played.")
            alert(6, 11, summary="A strike on a boat.")
            sink.dispatch()
            await wait_for(lambda: settled(store) and len(told(api, other)) == 8,
                           what="the second round")
            assert len(told(api, mine)) == 3 and "Story 6" in told(api, mine)[2]

            assert "killed: any" in await ask(api, mine, "/filters venezuela reset")
            assert store.chats.filters(mine, "venezuela") == Filters()

    asyncio.run(main())
    rows = store.outbox.deliveries(TELEGRAM).rows()
    assert {r.state for r in rows} == {"sent"}
    assert len([r for r in rows if r.destination == mine]) == 3


def test_in_a_group_only_admins_change_the_filters(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    admin, someone = 10, 12
    api.member(GROUP, admin, "administrator")

    async def main() -> None:
        async with running(config, store):
            await ask(api, GROUP, "/subscribe venezuela", user_id=admin)
            assert "Filters for venezuela" in await ask(api, GROUP, "/filters",
                                                        user_id=someone)
            assert "Only this group's admins" in await ask(api, GROUP, "/filters killed 5",
                                                           user_id=someone)
            message_id = api.sent(GROUP)[-2].result["message_id"]
            api.press(GROUP, "flt:venezuela:k:5", message_id=message_id, user_id=someone)
            [refused] = await wait_for(lambda: api.calls_of("answerCallbackQuery"),
                                       what="the refusal")
            assert "Only this group's admins" in refused.params["text"]
            assert store.chats.filters(GROUP, "venezuela") == Filters()
            assert "at least 5" in await ask(api, GROUP, "/filters killed 5", user_id=admin)

    asyncio.run(main())
    assert store.chats.filters(GROUP, "venezuela") == Filters(min_killed=5)


def test_filters_in_spanish(api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)

    async def main() -> None:
        async with running(config, store):
            await ask(api, 42, "/subscribe venezuela sahel", language="es")
            shown = await ask(api, 42, "/filters", language="es")
            assert "Filtros de venezuela:" in shown and "Filtros de sahel:" in shown
            assert "¿Qué lista?" in await ask(api, 42, "/filters killed 5", language="es")
            shown = await ask(api, 42, "/filters sahel killed 5", language="es")
            assert "muertos: al menos 5" in shown

    asyncio.run(main())
