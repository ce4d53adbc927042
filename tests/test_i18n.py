"""The bot speaks the subscriber's language: the catalogues, their reader, and a Spanish
user driving the real PTB application against the Bot API stand-in."""

from __future__ import annotations

import asyncio
import gettext
import io
from datetime import UTC, datetime

import pytest
from fakebot import FakeBotAPI, wait_for
from test_telegram import ask, make_config, running, settled

from bot import render
from bot.i18n import LANGUAGES, locale_dir, supported, translator
from bot.i18n.catalog import extract, problems, template
from bot.i18n.labels import change_text, fact_label
from bot.i18n.po import mo_bytes, parse
from bot.model import Change, Item
from bot.service import Service
from bot.store import Store

# -- the catalogues ------------------------------------------------------------------------------

def test_the_template_is_generated_from_the_code() -> None:
    current = (locale_dir() / "vigia.pot").read_text(encoding="utf-8")
    assert template(extract()) == current, "regenerate it with: python -m bot.i18n"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_text_is_translated_with_the_same_placeholders(lang: str) -> None:
    assert problems(locale_dir() / f"{lang}.po", extract()) == []


@pytest.mark.parametrize("lang, update, first", [
    ("en", "killed now 31 (+19, was 12)", "killed: 31"),
    ("es", "muertos: 31 (+19, antes 12)", "muertos: 31"),
    ("fr", "tués : 31 (+19, avant 12)", "tués : 31"),
])
def test_a_rise_is_told_in_each_language(lang: str, update: str, first: str) -> None:
    tr = translator(lang)
    assert change_text(tr, Change("deaths", 12, 31)) == update
    assert change_text(tr, Change("deaths", None, 31)) == first


@pytest.mark.parametrize("fact", ["deaths", "injured", "missing", "survivors", "deaths_total",
                                  "strikes_total"])
def test_every_fact_has_a_label_in_every_language(fact: str) -> None:
    labels = {translator(lang).p_("fact", "x") for lang in LANGUAGES}
    assert labels == {"x"}  # an unknown text is itself...
    told = [fact_label(translator(lang), fact) for lang in LANGUAGES]
    assert len(set(told)) == len(LANGUAGES), told  # ...and each fact is said three ways


def test_english_alert_labels_are_the_consoles() -> None:
    # The console and replay keep render.py's words (replay's output is a contract);
    # Telegram's English must say the same.
    for fact in render.LABELS:
        for old in (None, 12):
            c = Change(fact, old, 31)
            assert change_text(translator("en"), c) == render.describe_change(c)


def test_telegram_language_codes_are_read_by_their_language() -> None:
    assert [supported(c) for c in ("es", "es-419", "fr-CA", "EN_us", "pt-br", "", None)] == [
        "es", "es", "fr", "en", None, None, None]
    assert translator("pt-br").code == "en"


def test_the_po_reader_keeps_contexts_plurals_and_escapes_and_skips_fuzzy() -> None:
    text = r'''# a comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#: somewhere
msgctxt "fact"
msgid "killed"
msgstr "tués"

msgid "{n} outlet"
msgid_plural "{n} outlets"
msgstr[0] "{n} média"
msgstr[1] "{n} médias"

msgid ""
"two "
"lines\n"
msgstr "deux \"lignes\"\n"

#, fuzzy
msgid "guess"
msgstr "devinette"

msgid "untranslated"
msgstr ""
#~ msgid "obsolete"
#~ msgstr "obsolète"
'''
    entries = parse(text)
    assert [(e.msgctxt, e.msgid) for e in entries] == [
        (None, ""), ("fact", "killed"), (None, "{n} outlet"), (None, "two lines\n"),
        (None, "guess"), (None, "untranslated")]
    t = gettext.GNUTranslations(io.BytesIO(mo_bytes(entries)))
    assert t.pgettext("fact", "killed") == "tués" and t.gettext("killed") == "killed"
    # French: 0 and 1 are singular
    assert [t.ngettext("{n} outlet", "{n} outlets", n) for n in (0, 1, 2)] == [
        "{n} média", "{n} média", "{n} médias"]
    assert t.gettext("two lines\n") == 'deux "lignes"\n'
    assert t.gettext("guess") == "guess"  # fuzzy: not used, as msgfmt does
    assert t.gettext("untranslated") == "untranslated"


# -- through Telegram ----------------------------------------------------------------------------

def _item(n: int, title: str, summary: str) -> Item:
    now = datetime.now(UTC)
    return Item(id=f"https://wire.test/i{n}", link=f"https://wire.test/i{n}",
                feed="https://wire.test/rss", outlet="Test Wire", title=title, summary=summary,
                published=now, language="en")


def test_a_spanish_user_gets_spanish_replies_buttons_and_alerts(api: FakeBotAPI,
                                                                store: Store) -> None:
    config = make_config(api)

    async def main() -> None:
        async with running(config, store) as sink:
            start = await ask(api, 42, "/start", language="es")
            assert "vigia vigila fuentes de noticias" in start
            assert "/subscribe — seguir una lista" in start
            assert "Suscrito a venezuela" in await ask(api, 42, "/subscribe venezuela",
                                                       language="es-ES")
            await ask(api, 42, "/subscribe", language="es")
            assert api.sent(42)[-1].text == "¿Qué lista? (o /subscribe <nombre>)"
            # Someone else, in English, is answered in English.
            assert "Subscribed to venezuela" in await ask(api, 43, "/subscribe venezuela")

            service = Service(config, store)
            now = datetime.now(UTC)
            service.ingest(_item(1, "US strike on a boat in the Caribbean kills 3",
                                 "Three people were killed, the Pentagon said."), now)
            sink.dispatch()
            await wait_for(lambda: settled(store) and len(api.sent(43)) == 2, what="alerts")
            spanish, english = api.sent(42)[-1].text, api.sent(43)[-1].text
            assert "Nueva noticia" in spanish and "• muertos: 3" in spanish
            assert "Publicada por 1 medio en en:" in spanish
            assert "New story" in english and "• killed: 3" in english
            # The stored text, the console's and replay's, stays English.
            assert store.outbox.last().text.startswith("New story [venezuela]")

    asyncio.run(main())
    menus = {c.params.get("language_code"): c.params["commands"]
             for c in api.calls_of("setMyCommands")}
    assert {"es", "fr", "en", None} <= set(menus)
    assert {"command": "subscribe", "description": "seguir una lista: /subscribe <nombre>"} in \
        menus["es"]


def test_language_is_chosen_with_a_command_or_a_button_and_alerts_follow(
        api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)

    async def main() -> None:
        async with running(config, store) as sink:
            await ask(api, 42, "/subscribe venezuela", language="es")
            shown = await ask(api, 42, "/language", language="es")
            assert "Escribo en este chat en Español" in shown
            keyboard = api.sent(42)[-1].params["reply_markup"]["inline_keyboard"]
            assert [b["callback_data"] for b in keyboard[0]] == ["lang:en", "lang:es",
                                                                 "lang:fr"]
            api.press(42, "lang:fr", message_id=api.sent(42)[-1].result["message_id"],
                      language="es")
            await wait_for(lambda: api.calls_of("editMessageText", 42), what="the edit")
            assert api.calls_of("editMessageText", 42)[-1].text == \
                "J'écrirai dans ce chat en Français."
            # The choice wins over the app's language, in replies and alerts.
            assert "Ce chat suit : venezuela" in await ask(api, 42, "/list", language="es")
            Service(config, store).ingest(_item(2, "US strike on a boat off Venezuela",
                                                "Two people were killed."), datetime.now(UTC))
            sink.dispatch()
            await wait_for(lambda: settled(store) and "Nouvelle" in api.sent(42)[-1].text,
                           what="the alert in French")
            assert "• tués : 2" in api.sent(42)[-1].text
            assert "English" in await ask(api, 42, "/language en", language="es")
            assert "Español" in await ask(api, 42, "/language auto", language="es")
            assert "Hablo" in await ask(api, 42, "/language klingon", language="es")

    asyncio.run(main())
    assert store.chats.language(42) == (None, "es")


def test_a_group_is_written_to_in_the_language_of_the_admin_who_subscribed_it(
        api: FakeBotAPI, store: Store) -> None:
    config = make_config(api)
    group, admin, member = -4012345, 10, 12
    api.member(group, admin, "administrator")

    async def main() -> None:
        async with running(config, store) as sink:
            assert "Suscrito" in await ask(api, group, "/subscribe venezuela", user_id=admin,
                                           language="es")
            # A member writing in French is answered in French; the group's alerts stay
            # in the subscriber's Spanish, and only an admin may change them.
            assert "Ce chat suit" in await ask(api, group, "/list", user_id=member,
                                               language="fr")
            refused = await ask(api, group, "/language fr", user_id=member, language="fr")
            assert "Seuls les administrateurs" in refused
            Service(config, store).ingest(_item(3, "US strike on a boat off Venezuela",
                                                "Four people were killed."), datetime.now(UTC))
            sink.dispatch()
            await wait_for(lambda: settled(store) and "Nueva" in api.sent(group)[-1].text,
                           what="the alert in Spanish")

    asyncio.run(main())
