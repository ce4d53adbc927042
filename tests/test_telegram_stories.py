"""/latest and /story through the real PTB application, against the Bot API stand-in on
127.0.0.1 (tests/fakebot.py), on a real store holding an invented story (tests/storydata.py).
What the stand-in received is checked: the texts, and the chart as the PNG bytes it got."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import storydata
from fakebot import FakeBotAPI, wait_for
from test_telegram import TOKEN, ask, make_config, running

from bot import chart
from bot.store import Store


@pytest.fixture
def api():
    with FakeBotAPI(TOKEN) as server:
        yield server


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "vigia.db")
    storydata.build(s)
    yield s
    s.close()


async def photo(api: FakeBotAPI, chat: int, before: int) -> bytes:
    calls = await wait_for(lambda: len(api.photos(chat)) > before and api.photos(chat),
                           what="the chart")
    return calls[before].params["photo"]


def test_latest_lists_stories_with_figures_and_outlet_counts(api: FakeBotAPI,
                                                             store: Store) -> None:
    async def main() -> None:
        async with running(make_config(api), store):
            listing = await ask(api, 42, "/latest")
            lines = listing.splitlines()
            assert lines[0] == "The latest 3 stories (venezuela, sahel), newest first:"
            assert lines[3].startswith("2. 2025-10-15 08:30 UTC: Patrol boat fires on a launch")
            assert "killed: 6 · campaign toll: 86 — 4 outlets" in lines[3]
            assert "— killed: 2 — 1 outlet [squiet000002]" in lines[1]
            assert lines[-1].startswith("/story N")
            assert await ask(api, 42, "/latest sahel") == "No stories yet for sahel."
            assert "no watchlist called “atlantis”" in await ask(api, 42, "/latest atlantis")
            assert "The latest 3 stories (venezuela)" in await ask(api, 42, "/latest venezuela")

    asyncio.run(main())


def test_story_n_sends_the_timeline_and_a_chart_of_the_story_s_values(api: FakeBotAPI,
                                                                      store: Store) -> None:
    async def main() -> None:
        async with running(make_config(api), store):
            await ask(api, 42, "/latest")
            timeline = await ask(api, 42, "/story 2")
            png = await photo(api, 42, 0)
            assert api.photos(42)[0].params["caption"].endswith(
                "killed: 3 → 4 → 6\ncampaign toll: 80 → 81 → 83 → 86")
            return timeline, png

    timeline, png = asyncio.run(main())
    assert timeline.startswith(f"Story {storydata.STORY}: Patrol boat fires on a launch")
    assert "2025-10-14 10:30  Le Quotidien (fr)  killed: 4 (rose from 3)" in timeline
    assert "Diario del Sur (es)  killed: 3" in timeline
    assert "Chart: killed, campaign toll over time." in timeline
    width, height, texts = chart.png_info(png)
    assert width == 1000 and height > 400 and len(png) > 10_000
    drawn = {d["fact"]: d for d in json.loads(texts[chart.SERIES_KEY])}
    # the story's values, each report's as stored: the stale 5 after 6 is drawn, not a rise
    assert [p[1] for p in drawn["deaths"]["points"]] == [3, 3, 4, 6, 5]
    assert [p[2] for p in drawn["deaths"]["points"]] == [
        "Harbour Wire", "Diario del Sur", "Le Quotidien", "Coast Post", "Diario del Sur"]
    assert [v for _, v in drawn["deaths_total"]["highest"]] == [80, 81, 83, 86]


def test_story_as_a_reply_to_an_alert_or_by_id(api: FakeBotAPI, store: Store) -> None:
    from datetime import UTC, datetime

    from bot.model import Alert

    now = datetime.now(UTC)
    store.chats.subscribe(42, "venezuela", now)
    for pending in store.outbox.pending():  # the invented alerts are months old: told
        store.outbox.mark_dispatched(pending.id)
    for story_id, title in [(storydata.STORY, storydata.TITLE),
                            ("squiet000001", storydata.OTHERS[0][2])]:
        store.outbox.add(Alert(at=now, kind="new_story", watchlist="venezuela", story=story_id,
                               items=(), changes=(), text=title, title=title))

    async def main() -> None:
        async with running(make_config(api), store):
            alerts = await wait_for(lambda: len(api.sent(42)) == 2 and api.sent(42),
                                    what="the two alerts")
            quiet = next(c for c in alerts if "Puerto Azul" in c.text)
            told = next(c for c in alerts if "Isla Verde" in c.text)
            reply = await ask(api, 42, "/story", reply_to=told.result["message_id"])
            assert reply.startswith(f"Story {storydata.STORY}:")
            await photo(api, 42, 0)
            # a story whose figures never rose: its timeline, and no picture
            flat = await ask(api, 42, "/story", reply_to=quiet.result["message_id"])
            assert flat.startswith("Story squiet000001:") and "no figures" in flat
            by_id = await ask(api, 42, "/story squiet00000")
            assert "More than one story" in by_id
            assert (await ask(api, 42, "/story squiet000002")).startswith(
                "Story squiet000002:")
            not_alert = await ask(api, 42, "/story", reply_to=by_id_message(api))
            assert "not an alert about one story" in not_alert
            assert "/story 1 to /story 3" in await ask(api, 42, "/story 9")
            assert "Which story?" in await ask(api, 42, "/story")
            await ask(api, 42, "/latest")  # everything answered: no picture came after
            assert len(api.photos(42)) == 1

    asyncio.run(main())


def by_id_message(api: FakeBotAPI) -> int:
    """The id of the bot's last answer in chat 42: a message that is no alert."""
    return api.sent(42)[-1].result["message_id"]


def test_without_matplotlib_story_sends_the_timeline_and_says_why(api: FakeBotAPI,
                                                                  store: Store,
                                                                  monkeypatch) -> None:
    monkeypatch.setattr(chart, "available", lambda: False)

    async def main() -> str:
        async with running(make_config(api), store):
            text = await ask(api, 42, f"/story {storydata.STORY}")
            await ask(api, 42, "/latest")
            return text

    text = asyncio.run(main())
    assert "killed: 6 (rose from 4)" in text
    assert "No chart: this bot cannot draw one" in text and "vigia[charts]" in text
    assert api.photos() == []


def test_telegram_allow_keeps_stories_to_the_chats_it_lists(api: FakeBotAPI,
                                                            store: Store) -> None:
    from dataclasses import replace

    config = make_config(api)
    config = replace(config, telegram=replace(config.telegram, allow=(42,)))

    async def main() -> None:
        async with running(config, store):
            assert "serves only the chats its operator lists" in await ask(api, 77, "/latest")
            assert "serves only the chats" in await ask(api, 77, "/story 1")
            assert (await ask(api, 42, "/story 1")).startswith("Story squiet000002")

    asyncio.run(main())


def test_a_chart_that_fails_is_said_in_the_chat_and_logged(api: FakeBotAPI, store: Store,
                                                          monkeypatch, caplog) -> None:
    async def broken(title, series, **kwargs):
        raise chart.ChartError("the chart process failed (exit 1): MemoryError")

    monkeypatch.setattr(chart, "draw_apart", broken)

    async def main() -> None:
        async with running(make_config(api), store):
            await ask(api, 42, f"/story {storydata.STORY}")
            failed = await wait_for(lambda: len(api.sent(42)) == 2 and api.sent(42)[1].text,
                                    what="the failure said")
            assert "could not be drawn" in failed

    asyncio.run(main())
    assert api.photos() == []
    assert any("MemoryError" in r.getMessage() for r in caplog.records)


# -- in the user's language ----------------------------------------------------------------------
# What a user reads whose Telegram app is in English, Spanish or French: the same story, the
# words from the catalogues, the fact labels the alerts', the times as the bot writes them.
READ_IN = {
    "en": {
        "header": "The latest 3 stories (venezuela, sahel), newest first:",
        "listed": "2. 2025-10-15 08:30 UTC: Patrol boat fires on a launch off Isla Verde; three "
                  "dead — killed: 6 · campaign toll: 86 — 4 outlets [sf3rrycapsz1]",
        "one": "— killed: 2 — 1 outlet [squiet000002]",
        "hint": "/story N: a story's timeline, and a chart of the figures that rose.",
        "heading": f"Story {storydata.STORY}: {storydata.TITLE}\n"
                   "6 reports from 4 outlets (en, es, fr), 2025-10-14 06:30 UTC to 2025-10-15 "
                   "08:30 UTC\nFigures (highest reported): killed: 6 · campaign toll: 86\n\n"
                   "Timeline (UTC):",
        "rose": "2025-10-14 10:30  Le Quotidien (fr)  killed: 4 (rose from 3); campaign toll: "
                "81 (rose from 80)  — Isla Verde",
        "none": "2025-10-14 13:45  Harbour Wire (en)  no figures  — ",
        "chart": "Chart: killed, campaign toll over time.",
        "caption": f"{storydata.TITLE}\nkilled: 3 → 4 → 6\ncampaign toll: 80 → 81 → 83 → 86",
        "labels": ["killed", "campaign toll"],
        "words": {"highest": "highest reported", "each": "each report",
                  "time": "time of report (UTC)"},
    },
    "es": {
        "header": "Las últimas 3 noticias (venezuela, sahel), de la más reciente a la más "
                  "antigua:",
        "listed": "2. 2025-10-15 08:30 UTC: Patrol boat fires on a launch off Isla Verde; three "
                  "dead — muertos: 6 · balance de la campaña: 86 — 4 medios [sf3rrycapsz1]",
        "one": "— muertos: 2 — 1 medio [squiet000002]",
        "hint": "/story N: la cronología de una noticia y un gráfico de las cifras que "
                "subieron.",
        "heading": f"Noticia {storydata.STORY}: {storydata.TITLE}\n"
                   "6 artículos de 4 medios (en, es, fr), del 2025-10-14 06:30 UTC al "
                   "2025-10-15 08:30 UTC\nCifras (el valor más alto publicado): muertos: 6 · "
                   "balance de la campaña: 86\n\nCronología (UTC):",
        "rose": "2025-10-14 10:30  Le Quotidien (fr)  muertos: 4 (sube desde 3); balance de la "
                "campaña: 81 (sube desde 80)  — Isla Verde",
        "none": "2025-10-14 13:45  Harbour Wire (en)  sin cifras  — ",
        "chart": "Gráfico: muertos, balance de la campaña a lo largo del tiempo.",
        "caption": f"{storydata.TITLE}\nmuertos: 3 → 4 → 6\n"
                   "balance de la campaña: 80 → 81 → 83 → 86",
        "labels": ["muertos", "balance de la campaña"],
        "words": {"highest": "máximo publicado", "each": "cada artículo",
                  "time": "hora de publicación (UTC)"},
    },
    "fr": {
        "header": "Les 3 dernières histoires (venezuela, sahel), de la plus récente à la plus "
                  "ancienne :",
        "listed": "2. 2025-10-15 08:30 UTC: Patrol boat fires on a launch off Isla Verde; three "
                  "dead — tués : 6 · bilan de la campagne : 86 — 4 médias [sf3rrycapsz1]",
        "one": "— tués : 2 — 1 média [squiet000002]",
        "hint": "/story N : la chronologie d'une histoire et un graphique des chiffres en "
                "hausse.",
        "heading": f"Histoire {storydata.STORY} : {storydata.TITLE}\n"
                   "6 articles de 4 médias (en, es, fr), du 2025-10-14 06:30 UTC au 2025-10-15 "
                   "08:30 UTC\nChiffres (la valeur la plus haute publiée) : tués : 6 · bilan de "
                   "la campagne : 86\n\nChronologie (UTC) :",
        "rose": "2025-10-14 10:30  Le Quotidien (fr)  tués : 4 (en hausse, contre 3); bilan de "
                "la campagne : 81 (en hausse, contre 80)  — Isla Verde",
        "none": "2025-10-14 13:45  Harbour Wire (en)  aucun chiffre  — ",
        "chart": "Graphique : tués, bilan de la campagne au fil du temps.",
        "caption": f"{storydata.TITLE}\ntués : 3 → 4 → 6\n"
                   "bilan de la campagne : 80 → 81 → 83 → 86",
        "labels": ["tués", "bilan de la campagne"],
        "words": {"highest": "maximum publié", "each": "chaque article",
                  "time": "heure de publication (UTC)"},
    },
}


@pytest.mark.parametrize("code, lang", [("en", "en"), ("es", "es"), ("fr-FR", "fr")])
def test_latest_and_story_speak_the_users_language(api: FakeBotAPI, store: Store, code: str,
                                                   lang: str, monkeypatch) -> None:
    want = READ_IN[lang]
    asked = []
    draw_apart = chart.draw_apart

    async def drawing(title, series, **kwargs):
        asked.append(kwargs["words"])
        return await draw_apart(title, series, **kwargs)

    monkeypatch.setattr(chart, "draw_apart", drawing)

    async def main() -> tuple[str, str, str, bytes]:
        async with running(make_config(api), store):
            listing = await ask(api, 42, "/latest", language=code)
            timeline = await ask(api, 42, "/story 2", language=code)
            png = await photo(api, 42, 0)
            return listing, timeline, api.photos(42)[0].params["caption"], png

    listing, timeline, caption, png = asyncio.run(main())
    lines = listing.splitlines()
    assert lines[0] == want["header"]
    assert lines[3] == want["listed"]
    assert lines[1].endswith(want["one"])
    assert lines[-1] == want["hint"]
    assert timeline.startswith(want["heading"] + "\n")
    assert want["rose"] in timeline and want["none"] in timeline
    assert timeline.endswith("\n\n" + want["chart"])
    assert caption == want["caption"]
    _, _, texts = chart.png_info(png)
    assert [d["label"] for d in json.loads(texts[chart.SERIES_KEY])] == want["labels"]
    # the legend's and the time axis's words, and its dates: numbers, but in English
    [words] = asked
    assert {k: words[k] for k in want["words"]} == want["words"]
    assert (words["day"], words["day_offset"]) == (
        ("%b-%d", "%Y-%b-%d") if lang == "en" else ("%m-%d", "%Y-%m-%d"))


def test_what_story_says_when_it_cannot_show_one_is_in_spanish(api: FakeBotAPI, store: Store,
                                                               monkeypatch) -> None:
    monkeypatch.setattr(chart, "available", lambda: False)

    async def main() -> None:
        async with running(make_config(api), store):
            async def said(text: str, **kwargs) -> str:
                return await ask(api, 42, text, language="es", **kwargs)

            assert await said("/story") == (
                "¿Qué noticia? /story N, con N según la numeración de /latest; /story <id>; o "
                "responda a una alerta con /story.")
            assert await said("/latest atlantis") == (
                "No hay ninguna lista llamada «atlantis». Listas: venezuela, sahel.")
            listing = await said("/latest")
            assert await said("/story 9") == (
                "/latest muestra 3 noticias aquí: de /story 1 a /story 3.")
            assert await said("/story sq") == (
                "No hay ninguna noticia «sq»: indique el id de una noticia (como lo muestran "
                "/latest o `vigia stories`) o sus primeros caracteres")
            assert await said("/story squiet") == (
                "Más de una noticia empieza por «squiet»: indique más caracteres de su id")
            assert (await said("/story szzzzzz")).startswith("No hay ninguna noticia «szzzzzz»")
            not_alert = await said("/story", reply_to=api.sent(42)[-1].result["message_id"])
            assert not_alert.startswith("Ese mensaje no es una alerta sobre una sola noticia")
            timeline = await said(f"/story {storydata.STORY}")
            assert timeline.endswith(
                "\n\n(Sin gráfico: este bot no puede dibujarlo; su operador puede añadirlo con "
                "pip install 'vigia[charts]'.)")
            assert "Gráfico:" not in timeline and listing.startswith("Las últimas 3")

    asyncio.run(main())
    assert api.photos() == []


def test_a_chart_that_fails_is_said_in_french(api: FakeBotAPI, store: Store,
                                              monkeypatch) -> None:
    async def broken(title, series, **kwargs):
        raise chart.ChartError("the chart process failed (exit 1): MemoryError")

    monkeypatch.setattr(chart, "draw_apart", broken)

    async def main() -> str:
        async with running(make_config(api), store):
            await ask(api, 42, "/latest", language="fr")
            assert (await ask(api, 42, "/story 1", language="fr")).startswith(
                "Histoire squiet000002 : Second launch")
            assert await ask(api, 42, "/story 7", language="fr") == (
                "/latest énumère 3 histoires ici : de /story 1 à /story 3.")
            await ask(api, 42, f"/story {storydata.STORY}", language="fr")
            return (await wait_for(lambda: len(api.sent(42)) == 5 and api.sent(42)[4].text,
                                   what="the failure said"))

    assert asyncio.run(main()) == ("(Le graphique n'a pas pu être dessiné ; le journal de "
                                   "l'opérateur dit pourquoi.)")
    assert api.photos() == []
