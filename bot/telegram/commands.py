"""The bot's commands: every handler registered in `register_handlers`, each one a small
async function that reads its arguments, calls the store, and answers in plain text, in the
chat's language (common.py says which).

Groups and channels are chats like any other: a command posted in a channel (a
`channel_post`) subscribes the channel. In a group, what changes the whole group's alerts
(/subscribe, /unsubscribe, their buttons, /mute, /unmute and the settings) is for the
group's own admins and `telegram.admins` only; reading (/list, /watchlists) is for everyone.
Admin commands check `telegram.admins` by user id.

Answers go through the sender, paced like alerts; a chat whose earlier answers are still
waiting for their turn (a burst of commands) has its further commands dropped by `gate`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from datetime import datetime, timedelta

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from .. import chart, stories
from ..config import parse_duration
from ..i18n import N_, Tr
from ..store import APPRISE, TELEGRAM
from ..timeline import chart_caption, chart_words, stories_text, timeline_text
from . import filtering, settings
from .common import (
    CANNOT_CHECK,
    ONLY_GROUP_ADMINS,
    BotContext,
    _answer,
    _chat,
    _ctx,
    _is_admin,
    _refusal,
    _tr,
    remember_language,
)
from .html import clip

log = logging.getLogger(__name__)

__all__ = ["CANNOT_CHECK", "ONLY_GROUP_ADMINS", "BotContext", "bot_commands",
           "register_handlers"]

MAX_MUTE = timedelta(days=30)

COMMANDS = [
    ("start", N_("what this bot does")),
    ("help", N_("the commands")),
    ("watchlists", N_("the watchlists you can follow")),
    ("subscribe", N_("follow a watchlist: /subscribe <name>")),
    ("unsubscribe", N_("stop following: /unsubscribe <name>")),
    ("list", N_("what this chat follows")),
    ("latest", N_("the latest stories of what this chat follows: /latest [watchlist]")),
    ("story", N_("a story's timeline and chart: /story N (as /latest lists it), or reply "
                 "to an alert")),
    ("mute", N_("pause alerts for a while: /mute 2h")),
    ("unmute", N_("resume alerts")),
    ("filters", N_("what reaches this chat of each watchlist: /filters")),
    ("digest", N_("one message a day or every few hours: /digest daily 08:00")),
    ("quiet", N_("hold alerts at night, send them after: /quiet 22:00-07:00")),
    ("timezone", N_("the time zone of those times: /timezone Europe/Madrid")),
    ("language", N_("the language I write in: /language es")),
    ("id", N_("this chat's id and yours, for the bot's config")),
]
ADMIN_COMMANDS = [
    ("status", N_("feeds, errors, queue, last alert (admins)")),
    ("feeds", N_("every feed and its health (admins)")),
]


def help_text(tr: Tr, commands: list[tuple[str, str]] = COMMANDS) -> str:
    return "\n".join(f"/{name} — {tr._(what)}" for name, what in commands)


def bot_commands(tr: Tr) -> list[BotCommand]:
    return [BotCommand(name, tr._(what)) for name, what in COMMANDS]


def register_handlers(app: Application, ctx: BotContext) -> None:
    app.bot_data["vigia"] = ctx
    app.add_handler(TypeHandler(Update, gate), group=-1)  # before any command runs
    # Commands arrive as messages (private chats, groups) or channel posts, never as edits:
    # editing "/subscribe x" into "/subscribe y" must not run a second command.
    posts = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    for name, handler in [
        ("start", start), ("help", help_), ("watchlists", watchlists),
        ("subscribe", subscribe), ("unsubscribe", unsubscribe), ("list", list_),
        ("mute", mute), ("unmute", unmute), ("status", status), ("feeds", feeds),
        ("latest", latest), ("story", story), ("id", id_), ("language", settings.language),
        ("filters", filtering.filters_), ("digest", settings.digest),
        ("quiet", settings.quiet), ("timezone", settings.timezone),
    ]:
        app.add_handler(CommandHandler(name, handler, filters=posts))
    app.add_handler(CallbackQueryHandler(button, pattern=r"^(sub|unsub):"))
    app.add_handler(CallbackQueryHandler(settings.language_button, pattern=r"^lang:"))
    app.add_handler(CallbackQueryHandler(filtering.filters_button, pattern=r"^flt:"))
    app.add_handler(MessageHandler(posts & filters.COMMAND, unknown))
    app.add_error_handler(on_error)


# -- helpers -----------------------------------------------------------------------------------

# A chat whose commands are being dropped is logged at most this often (seconds): a script
# can keep a burst going for hours.
DROPPING_LOGGED_EVERY = 600.0


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop the update when its chat already has answers waiting for their turn: a burst of
    commands (or button presses) is answered a few times, at the chat's pace, not a
    thousand times. What it lets through has its user's language noted (common.py)."""
    chat = update.effective_chat
    ctx = _ctx(context)
    if chat is None or ctx.sender.may_answer(chat.id):
        remember_language(update, ctx)
        return
    now = time.monotonic()
    if now - ctx.dropping.get(chat.id, -DROPPING_LOGGED_EVERY) >= DROPPING_LOGGED_EVERY:
        if len(ctx.dropping) > 10_000:
            ctx.dropping.clear()
        ctx.dropping[chat.id] = now
        log.warning("telegram: chat %s sends commands faster than it can be answered; "
                    "dropping the extra ones (said once every %.0f minutes)", chat.id,
                    DROPPING_LOGGED_EVERY / 60)
    raise ApplicationHandlerStop


def _not_allowed(update: Update, ctx: BotContext, tr: Tr) -> str | None:
    """None when this chat may subscribe: anyone may, unless `telegram.allow` lists the
    chats that may (the admins' own chats may always)."""
    t = ctx.config.telegram
    chat = update.effective_chat
    if not t.allow or chat.id in t.allow or chat.id in t.admins:
        return None
    return tr._("This bot serves only the chats its operator lists. To be added, send them "
                "this chat's id, {chat} (for telegram.allow).", chat=chat.id)


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC")


def _keyboard(action: str, names: list[str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(n, callback_data=f"{action}:{n}")]
                                 for n in names])


def _subscribe(ctx: BotContext, tr: Tr, chat: int, name: str) -> str:
    if ctx.config.watchlist(name) is None:
        known = ", ".join(w.name for w in ctx.config.watchlists) or tr._("none configured")
        return tr._("There is no watchlist called “{name}”. Watchlists: {known}.", name=name,
                    known=known)
    if ctx.store.chats.subscribe(chat, name, ctx.now()):
        return tr._("Subscribed to {name}. You will hear about each new story once, and "
                    "again only when a figure changes. /unsubscribe {name} to stop.",
                    name=name)
    return tr._("This chat already follows {name}.", name=name)


def _unsubscribe(ctx: BotContext, tr: Tr, chat: int, name: str) -> str:
    if ctx.store.chats.unsubscribe(chat, name):
        return tr._("Unsubscribed from {name}.", name=name)
    return tr._("This chat does not follow “{name}”. /list shows what it follows.", name=name)


def _follows_nothing(tr: Tr) -> str:
    return tr._("This chat follows no watchlist. /watchlists lists them.")


# -- the handlers ------------------------------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tr = _tr(update, _ctx(context))
    await _answer(update, context,
                  tr._("vigia watches news feeds and tells you once per story — then again "
                       "only when a number changes (a death toll, a strike count).")
                  + "\n\n" + tr._("Start with /watchlists, then /subscribe <name>.")
                  + "\n\n" + help_text(tr))


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    text = help_text(tr)
    if _is_admin(update, ctx):
        text += "\n\n" + tr._("Admin:") + "\n" + help_text(tr, ADMIN_COMMANDS)
    await _answer(update, context, text)


async def watchlists(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if not ctx.config.watchlists:
        await _answer(update, context, tr._("No watchlists are configured yet."))
        return
    mine = set(ctx.store.chats.subscriptions(_chat(update)))
    lines = []
    for w in ctx.config.watchlists:
        mark = " " + tr._("(subscribed)") if w.name in mine else ""
        lines.append(f"• {w.name}{mark} — {w.description or tr._('no description')}")
    await _answer(update, context, tr._("Watchlists:") + "\n" + "\n".join(lines)
                  + "\n\n" + tr._("/subscribe <name> to follow one."))


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if refusal := _not_allowed(update, ctx, tr) or await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    remember_language(update, ctx, subscribing=True)
    if not context.args:
        mine = set(ctx.store.chats.subscriptions(_chat(update)))
        names = [w.name for w in ctx.config.watchlists if w.name not in mine]
        if not names:
            await _answer(update, context, tr._("This chat already follows every watchlist.")
                          if ctx.config.watchlists
                          else tr._("No watchlists are configured yet."))
            return
        await _answer(update, context, tr._("Which watchlist? (or /subscribe <name>)"),
                      _keyboard("sub", names))
        return
    await _answer(update, context,
                  "\n".join(_subscribe(ctx, tr, _chat(update), n) for n in context.args))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if refusal := await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    if not context.args:
        names = ctx.store.chats.subscriptions(_chat(update))
        if not names:
            await _answer(update, context, _follows_nothing(tr))
            return
        await _answer(update, context, tr._("Stop which one? (or /unsubscribe <name>)"),
                      _keyboard("unsub", names))
        return
    await _answer(update, context,
                  "\n".join(_unsubscribe(ctx, tr, _chat(update), n) for n in context.args))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    query = update.callback_query
    subscribing = (query.data or "").startswith("sub:")
    refusal = _not_allowed(update, ctx, tr) if subscribing else None
    if refusal := refusal or await _refusal(update, context):
        # A popup for the one who pressed; the buttons stay for an admin to use.
        await query.answer(refusal, show_alert=True)
        return
    action, _, name = (query.data or "").partition(":")
    chat = query.message.chat.id if query.message else query.from_user.id
    if subscribing:
        remember_language(update, ctx, subscribing=True)
    text = (_subscribe(ctx, tr, chat, name) if action == "sub"
            else _unsubscribe(ctx, tr, chat, name))
    await query.answer(clip(text, 200))
    if query.message:
        ctx.sender.answer(chat, text, edit=query.message.message_id)


async def list_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    chat = _chat(update)
    names = ctx.store.chats.subscriptions(chat)
    text = (tr._("This chat follows: {names}", names=", ".join(names)) if names
            else _follows_nothing(tr))
    until = ctx.store.chats.muted_until(chat, ctx.now())
    if until:
        text += "\n" + tr._("Muted until {when} (/unmute to resume).", when=_stamp(until))
    await _answer(update, context, text)


async def id_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The ids the config asks for: this chat's (telegram.channels, telegram.allow) and the
    sender's (telegram.admins). Open to anyone: it is how one finds them."""
    tr = _tr(update, _ctx(context))
    chat, user = update.effective_chat, update.effective_user
    if chat.type == ChatType.PRIVATE:
        text = tr._("Your id: {id} (a private chat's id is its user's). Put it in "
                    "telegram.admins to use the admin commands, or in telegram.allow.",
                    id=chat.id)
    else:
        text = tr._("This chat's id: {id}. Put it in telegram.channels to send alerts here "
                    "(in a channel, the bot must be an admin allowed to post), or in "
                    "telegram.allow.", id=chat.id)
        if user is not None and not user.is_bot:
            text += "\n" + tr._("Your user id: {id} (for telegram.admins).", id=user.id)
    await _answer(update, context, text)


LATEST = 10  # stories /latest lists


def _followed(ctx: BotContext, chat: int) -> list[str]:
    """The watchlists whose stories /latest lists for a chat: those it follows, else all."""
    return ctx.store.chats.subscriptions(chat) or [w.name for w in ctx.config.watchlists]


def _remember(ctx: BotContext, chat: int, ids: list[str]) -> None:
    if len(ctx.listings) > 10_000:  # bounded: one entry per chat that ever asked
        ctx.listings.clear()
    ctx.listings[chat] = ids


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The latest stories of the watchlists named, else of those this chat follows (all of
    them if none), newest first and numbered for /story N, with their figures, outlet counts
    and links: where a poll's summary ("37 more stories") points."""
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if refusal := _not_allowed(update, ctx, tr):
        await _answer(update, context, refusal)
        return
    chat = _chat(update)
    if unknown_ := [n for n in context.args or () if ctx.config.watchlist(n) is None]:
        known = ", ".join(w.name for w in ctx.config.watchlists) or tr._("none configured")
        await _answer(update, context, tr._("There is no watchlist called “{name}”. "
                                            "Watchlists: {known}.", name=unknown_[0],
                                            known=known))
        return
    names = list(dict.fromkeys(context.args or ())) or _followed(ctx, chat)
    found = stories.latest(ctx.store, names, LATEST)
    if not found.stories:
        await _answer(update, context, tr._("No stories yet for {names}.",
                                            names=", ".join(names) or tr._("you")))
        return
    _remember(ctx, chat, [s.id for s in found.stories])
    header = tr.n_("The latest {n} story ({names}), newest first:",
                   "The latest {n} stories ({names}), newest first:", len(found.stories),
                   names=", ".join(names))
    await _answer(update, context, stories_text(found.stories, found.figures, header, tr=tr)
                  + "\n\n" + tr._("/story N: a story's timeline, and a chart of the figures "
                                  "that rose."))


STORY_USAGE = N_("Which story? /story N, N as /latest lists them; /story <id>; or reply to "
                 "an alert with /story.")
NOT_AN_ALERT = N_("That message is not an alert about one story (a combined message, or one "
                  "older than the bot keeps). Try /latest, then /story N.")
NO_CHARTS = N_("(No chart: this bot cannot draw one; its operator can add it with {extra}.)")
CHART_FAILED = N_("(The chart could not be drawn; the operator's log says why.)")


def _story_of(update: Update, ctx: BotContext, tr: Tr, args: list[str]) -> str:
    """The id of the story /story names; NoSuchStory with what to say otherwise."""
    chat = _chat(update)
    message = update.effective_message
    replied = message.reply_to_message if message else None
    if not args and replied is not None:
        found = ctx.store.outbox.deliveries(TELEGRAM).story_of_message(chat, replied.message_id)
        if found is None:
            raise stories.NoSuchStory(tr._(NOT_AN_ALERT))
        return found
    if not args:
        raise stories.NoSuchStory(tr._(STORY_USAGE))
    key = args[0].lstrip("#")
    if key.isdigit():
        listed = ctx.listings.get(chat) or [
            s.id for s in stories.latest(ctx.store, _followed(ctx, chat), LATEST).stories]
        if not 1 <= int(key) <= len(listed):
            raise stories.NoSuchStory(
                tr.n_("/latest lists {n} story here: /story 1.",
                      "/latest lists {n} stories here: /story 1 to /story {n}.", len(listed))
                if listed else tr._("No stories yet: /latest lists them when there are."))
        return listed[int(key) - 1]
    return stories.find(ctx.store, key, tr=tr).id


def _chart_cache(ctx: BotContext) -> str | None:
    """matplotlib's cache beside the store: the one folder the daemon surely may write."""
    if ctx.store.path == ":memory:":
        return None
    return os.path.join(os.path.dirname(os.path.realpath(ctx.store.path)), "matplotlib")


async def story(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A story's timeline (each report: time, outlet, language, figures) and, where a figure
    rose, its chart as a picture, drawn in a child process (see chart.py): the loop (polls,
    deliveries) never waits for it, and the daemon never holds matplotlib's memory."""
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if refusal := _not_allowed(update, ctx, tr):
        await _answer(update, context, refusal)
        return
    try:
        seen = stories.look(ctx.store, stories.find(ctx.store, _story_of(
            update, ctx, tr, list(context.args or ())), tr=tr), tr=tr)
    except stories.NoSuchStory as exc:
        text = str(exc)
        await _answer(update, context, text[:1].upper() + text[1:])
        return
    draw = bool(seen.series) and chart.available()
    text = timeline_text(seen.story, seen.entries,
                         charted=[s.fact for s in seen.series] if draw else (), tr=tr)
    if seen.series and not draw:
        text += "\n\n" + tr._(NO_CHARTS, extra=chart.EXTRA)
    await _answer(update, context, text)
    if not draw:
        return
    if ctx.drawing is None:
        ctx.drawing = asyncio.Lock()
    try:
        async with ctx.drawing:  # one child process at a time, whoever asks
            png = await chart.draw_apart(seen.story.title, seen.series,
                                         words=chart_words(tr), cache=_chart_cache(ctx))
    except chart.ChartError as exc:
        log.error("telegram: the chart of story %s: %s", seen.story.id, exc)
        await _answer(update, context, tr._(CHART_FAILED))
        return
    message = update.effective_message
    _ctx(context).sender.answer_photo(
        _chat(update), png, chart_caption(seen.story, seen.series, tr=tr),
        thread_id=message.message_thread_id if message and message.is_topic_message else None)


async def mute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if refusal := await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    usage = tr._("For how long? For example /mute 2h, /mute 30m or /mute 1d.")
    if not context.args:
        await _answer(update, context, usage)
        return
    try:
        span = parse_duration("".join(context.args))
    except ValueError:
        await _answer(update, context, tr._("“{text}” is not a duration.",
                                            text=" ".join(context.args)) + " " + usage)
        return
    span = min(span, MAX_MUTE)
    until = ctx.now() + span
    ctx.store.chats.set_mute(_chat(update), until)
    await _answer(update, context, tr._("Muted until {when}: alerts meanwhile are skipped, "
                                        "not saved for later. /unmute to resume sooner.",
                                        when=_stamp(until)))


async def unmute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if refusal := await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    chat = _chat(update)
    was = ctx.store.chats.muted_until(chat, ctx.now())
    ctx.store.chats.set_mute(chat, None)
    await _answer(update, context, tr._("Alerts resumed.") if was
                  else tr._("This chat was not muted."))


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if not _is_admin(update, ctx):
        await _answer(update, context, tr._("/{command} is for the bot's admins "
                                            "(telegram.admins).", command="status"))
        return
    feeds_ = ctx.store.feeds.all()
    failing = [f for f in feeds_ if f.errors and not f.disabled]
    disabled = [f for f in feeds_ if f.disabled]
    q = ctx.store.outbox.deliveries(TELEGRAM).counts()
    lines = [
        tr._("Feeds: {configured} configured, {failing} failing, {disabled} disabled",
             configured=len(ctx.config.feeds), failing=len(failing), disabled=len(disabled)),
        tr._("Queue: {pending} alerts to fan out, {queued} messages and {edits} edits to "
             "send; {sent} sent, {failed} failed", pending=ctx.store.outbox.pending_count(),
             queued=q["queued"], edits=ctx.store.chats.edits_queued(), sent=q["sent"],
             failed=q["failed"]),
        tr._("Subscribed chats: {n}", n=ctx.store.chats.subscriber_count()),
    ]
    if held := len(ctx.sender.holding):
        lines.append(tr.n_("Held for a digest or quiet hours: {n} chat's messages",
                           "Held for a digest or quiet hours: {n} chats' messages", held))
    if ctx.config.apprise:
        a = ctx.store.outbox.deliveries(APPRISE).counts()
        lines.append(tr.n_("Apprise: {n} destination; {queued} to send, {sent} sent, "
                           "{failed} failed",
                           "Apprise: {n} destinations; {queued} to send, {sent} sent, "
                           "{failed} failed", len(ctx.config.apprise), queued=a["queued"],
                           sent=a["sent"], failed=a["failed"]))
    for f in failing[:5]:
        lines.append("• " + tr._("failing ({errors}×): {url} — {error}", errors=f.errors,
                                 url=f.url, error=f.last_error))
    last = ctx.store.outbox.last()
    if last:
        lines.append(tr._("Last alert: {when} {kind} [{watchlist}] {title}",
                          when=_stamp(last.at), kind=last.kind, watchlist=last.watchlist,
                          title=last.title))
    else:
        lines.append(tr._("Last alert: none yet"))
    await _answer(update, context, "\n".join(lines))


def _feed_state(tr: Tr, st) -> str:
    if st.disabled:
        return tr._("disabled")
    if st.errors:
        return tr._("failing ({errors}×)", errors=st.errors)
    return tr._("ok") if st.last_ok else tr._("not fetched yet")


async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    if not _is_admin(update, ctx):
        await _answer(update, context, tr._("/{command} is for the bot's admins "
                                            "(telegram.admins).", command="feeds"))
        return
    if not ctx.config.feeds:
        await _answer(update, context, tr._("No feeds are configured."))
        return
    lines = []
    for feed in ctx.config.feeds:
        st = ctx.store.feeds.get(feed.url)
        last = _stamp(st.last_ok) if st.last_ok else tr._("never")
        lines.append("• " + tr.n_("{name}: {state}, last ok {last}, {n} item",
                                  "{name}: {state}, last ok {last}, {n} items", st.items_seen,
                                  name=feed.name or st.title or feed.url,
                                  state=_feed_state(tr, st), last=last)
                     + f"\n  {feed.url}")
    await _answer(update, context, "\n".join(lines))


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    command = (message.text or "").split()[0] if message and message.text else ""
    name, _, target = command.partition("@")
    # In a group, a command for another bot is none of our business.
    ours = bool(target) and target.lower() == (context.bot.username or "").lower()
    if update.effective_chat.type != ChatType.PRIVATE and not ours:
        return
    tr = _tr(update, _ctx(context))
    await _answer(update, context, tr._("I don't know {command}. The commands are:",
                                        command=name) + "\n" + help_text(tr))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.warning("telegram: handling an update failed: %s", context.error,
                exc_info=context.error)
