"""A chat's settings: the language it is written to in, its time zone, its quiet hours and
its digest. Each command without an argument says how the chat is set and how to change it;
in a group only its admins may change them (common._refusal).

    /language es | en | fr | auto
    /timezone Europe/Madrid | default          (telegram.timezone by default)
    /quiet 22:00-07:00 | off                   alerts in them held, sent as one message after
    /digest daily 08:00 | every 6h | off       alerts held, sent as one message per period
"""

from __future__ import annotations

import functools
import unicodedata
import zoneinfo
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from ..i18n import LANGUAGES, NAMES, Tr, supported, translator
from ..subscribers.schedule import Digest, Quiet, next_cut, zone
from .common import BotContext, _answer, _chat, _ctx, _refusal, _tr
from .html import clip

# `/language auto`: forget the choice, follow the user's Telegram language again
AUTO = "auto"


def _language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(NAMES[code], callback_data=f"lang:{code}")
                                  for code in LANGUAGES]])


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.strip().lower())
                   if not unicodedata.combining(c))


def _chosen(code: str) -> str | None:
    """A language as a user may name it: en, es-ES, Español, francais."""
    by_name = {_plain(name): c for c, name in NAMES.items()}
    return supported(code) or by_name.get(_plain(code))


def _set_language(update: Update, context: ContextTypes.DEFAULT_TYPE, chat: int,
                  wanted: str) -> str:
    """Apply `/language <wanted>`; the answer, in the language now in force."""
    ctx = _ctx(context)
    if wanted.strip().lower() == AUTO:
        ctx.store.chats.set_language(chat, None)
        tr = _tr(update, ctx)
        return tr._("I will write in the language of your Telegram app ({language}).",
                    language=NAMES[tr.code])
    code = _chosen(wanted)
    if code is None:
        tr = _tr(update, ctx)
        return tr._("I speak {languages}. For example: /language es",
                    languages=", ".join(f"{NAMES[c]} ({c})" for c in LANGUAGES))
    ctx.store.chats.set_language(chat, code)
    return translator(code)._("I will write to this chat in {language}.",
                              language=NAMES[code])


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    chat = _chat(update)
    if not context.args:
        tr = _tr(update, ctx)
        await _answer(update, context, tr._("I write to this chat in {language}. Choose "
                                            "another, or /language auto to follow your "
                                            "Telegram app:", language=NAMES[tr.code]),
                      _language_keyboard())
        return
    if refusal := await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    await _answer(update, context, _set_language(update, context, chat, " ".join(context.args)))


async def language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if refusal := await _refusal(update, context):
        await query.answer(refusal, show_alert=True)
        return
    chat = query.message.chat.id if query.message else query.from_user.id
    text = _set_language(update, context, chat, (query.data or "").partition(":")[2])
    await query.answer(clip(text, 200))
    if query.message:
        _ctx(context).sender.answer(chat, text, edit=query.message.message_id)


# -- time zone, quiet hours, digest ------------------------------------------------------------

def _zone_name(ctx: BotContext, chat: int) -> str:
    return ctx.store.chats.times(chat).timezone or ctx.config.telegram.timezone


def _local(when: datetime, zone_name: str) -> str:
    return f"{when.astimezone(zone(zone_name)):%Y-%m-%d %H:%M} ({zone_name})"


@functools.cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _zone_named(text: str) -> str | None:
    """An IANA zone as typed: "Europe/Madrid", "europe/madrid", "UTC"."""
    try:
        zone(text)
        return text
    except ValueError:
        return _zones().get(text.lower())


def _times_text(tr: Tr, ctx: BotContext, chat: int) -> str:
    """How a chat's alerts are timed: its zone, digest and quiet hours, and what is next."""
    times, name = ctx.store.chats.times(chat), _zone_name(ctx, chat)
    now = ctx.now()
    lines = [tr._("Time zone: {zone} (it is {time} there).", zone=name,
                  time=f"{now.astimezone(zone(name)):%H:%M}")]
    digest = Digest.parse(times.digest) if times.digest else None
    quiet = Quiet.parse(times.quiet) if times.quiet else None
    if digest is None:
        lines.append(tr._("Alerts come one by one, as they happen."))
    else:
        nxt = next_cut(digest, zone(name), now)
        lines.append(tr._("Digest: {spec}; the next one at {when}.",
                          spec=_spec(tr, digest), when=_local(nxt, name)))
    if quiet is not None:
        lines.append(tr._("Quiet hours: {hours}; alerts in them are held and sent as one "
                          "message when they end.", hours=str(quiet)))
    return "\n".join(lines)


def _spec(tr: Tr, digest: Digest) -> str:
    if digest.at is not None:
        return tr._("daily at {time}", time=f"{digest.at:%H:%M}")
    return tr.n_("every hour", "every {n} hours", digest.every or 24)


async def _change(update: Update, context: ContextTypes.DEFAULT_TYPE, **values) -> None:
    if refusal := await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    ctx = _ctx(context)
    ctx.store.chats.set_times(_chat(update), **values)
    ctx.sender.wake()  # a queue held (or not) until now is looked at again
    await _answer(update, context, _times_text(_tr(update, ctx), ctx, _chat(update)))


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if not context.args:
        await _answer(update, context, _times_text(tr, ctx, _chat(update)) + "\n"
                      + tr._("/timezone Europe/Madrid to change it."))
        return
    text = " ".join(context.args)
    name = None if text.lower() == "default" else _zone_named(text)
    if name is None and text.lower() != "default":
        await _answer(update, context, tr._("“{text}” is not a time zone. Use a name such as "
                                            "Europe/Madrid, America/Caracas or UTC.",
                                            text=text))
        return
    await _change(update, context, timezone=name)


async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    usage = tr._("For example /quiet 22:00-07:00, or /quiet off.")
    if not context.args:
        await _answer(update, context, _times_text(tr, ctx, _chat(update)) + "\n" + usage)
        return
    try:
        hours = Quiet.parse("".join(context.args))
    except ValueError:
        await _answer(update, context, tr._("“{text}” are not quiet hours.",
                                            text=" ".join(context.args)) + " " + usage)
        return
    await _change(update, context, quiet=str(hours) if hours else None)


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    least = int(ctx.config.telegram.digest.min_every.total_seconds() // 3600)
    usage = tr._("Use /digest daily 08:00, /digest every {n}h or /digest off.",
                 n=max(least, 6))
    if least > 1:
        usage += " " + tr._("(Not more often than every {n} hours.)", n=least)
    if not context.args:
        await _answer(update, context, _times_text(tr, ctx, _chat(update)) + "\n" + usage)
        return
    try:
        spec = Digest.parse(" ".join(context.args), min_every=least)
    except ValueError:
        await _answer(update, context, tr._("“{text}” is not a digest.",
                                            text=" ".join(context.args)) + " " + usage)
        return
    await _change(update, context, digest=str(spec) if spec else None)
