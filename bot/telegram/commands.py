"""The bot's commands: every handler registered in `register_handlers`, each one a small
async function that reads its arguments, calls the store, and answers in plain text.

Groups and channels are chats like any other: a command posted in a channel (a
`channel_post`) subscribes the channel. In a group, what changes the whole group's alerts
(/subscribe, /unsubscribe, their buttons, /mute, /unmute) is for the group's own admins and
`telegram.admins` only; reading (/list, /watchlists) is for everyone. Admin commands check
`telegram.admins` by user id.

Answers go through the sender, paced like alerts; a chat whose earlier answers are still
waiting for their turn (a burst of commands) has its further commands dropped by `gate`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
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
from ..config import Config, parse_duration
from ..store import APPRISE, TELEGRAM, Store
from ..timeline import chart_caption, stories_text, timeline_text
from .html import clip
from .sender import Sender

log = logging.getLogger(__name__)

MAX_MUTE = timedelta(days=30)

COMMANDS = [
    ("start", "what this bot does"),
    ("help", "the commands"),
    ("watchlists", "the watchlists you can follow"),
    ("subscribe", "follow a watchlist: /subscribe <name>"),
    ("unsubscribe", "stop following: /unsubscribe <name>"),
    ("list", "what this chat follows"),
    ("latest", "the latest stories of what this chat follows: /latest [watchlist]"),
    ("story", "a story's timeline and chart: /story N (as /latest lists it), or reply to an "
              "alert"),
    ("mute", "pause alerts for a while: /mute 2h"),
    ("unmute", "resume alerts"),
    ("id", "this chat's id and yours, for the bot's config"),
]
ADMIN_COMMANDS = [
    ("status", "feeds, errors, queue, last alert (admins)"),
    ("feeds", "every feed and its health (admins)"),
]

GROUP_CHATS = {ChatType.GROUP, ChatType.SUPERGROUP}
GROUP_MANAGERS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
ONLY_GROUP_ADMINS = "Only this group's admins can change what it follows."
CANNOT_CHECK = ("I could not check whether you are an admin of this group. "
                "Please try again in a minute.")

HELP = "\n".join(f"/{name} — {what}" for name, what in COMMANDS)
ADMIN_HELP = "\n".join(f"/{name} — {what}" for name, what in ADMIN_COMMANDS)


@dataclass
class BotContext:
    """What the handlers may use: the config, the store, the clock, and the sender that
    paces their answers."""

    config: Config
    store: Store
    now: Callable[[], datetime]
    sender: Sender
    # chat -> when (monotonic) its commands were last said to be dropped
    dropping: dict[int, float] = field(default_factory=dict)
    # chat -> the story ids its last /latest listed, so that /story N means what it showed
    # (in memory: after a restart, N counts in the chat's latest stories as they are then)
    listings: dict[int, list[str]] = field(default_factory=dict)
    drawing: asyncio.Lock | None = None  # made on the loop, at the first chart


def bot_commands() -> list[BotCommand]:
    return [BotCommand(name, what) for name, what in COMMANDS]


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
        ("latest", latest), ("story", story), ("id", id_),
    ]:
        app.add_handler(CommandHandler(name, handler, filters=posts))
    app.add_handler(CallbackQueryHandler(button, pattern=r"^(sub|unsub):"))
    app.add_handler(MessageHandler(posts & filters.COMMAND, unknown))
    app.add_error_handler(on_error)


# -- helpers -----------------------------------------------------------------------------------

def _ctx(context: ContextTypes.DEFAULT_TYPE) -> BotContext:
    return context.bot_data["vigia"]


# A chat whose commands are being dropped is logged at most this often (seconds): a script
# can keep a burst going for hours.
DROPPING_LOGGED_EVERY = 600.0


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop the update when its chat already has answers waiting for their turn: a burst of
    commands (or button presses) is answered a few times, at the chat's pace, not a
    thousand times."""
    chat = update.effective_chat
    ctx = _ctx(context)
    if chat is None or ctx.sender.may_answer(chat.id):
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


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                  markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    _ctx(context).sender.answer(
        update.effective_chat.id, text, markup=markup,
        thread_id=message.message_thread_id if message and message.is_topic_message else None)


def _is_admin(update: Update, ctx: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in ctx.config.telegram.admins


async def _refusal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """None when the sender may change this chat's subscriptions and mute; else what to
    answer. A private chat is its sender's own, and a channel's posts come from its admins
    by construction; in a group, only its administrators and creator, or `telegram.admins`.

    Nothing is cached: asking Telegram costs one getChatMember per command or button press,
    which people type at human speed, and a cache would let a demoted admin keep the power
    for as long as it lived."""
    chat = update.effective_chat
    if chat is None or chat.type not in GROUP_CHATS:
        return None
    # `update.message`, not `effective_message`: on a button press that is the bot's own.
    message = update.message
    if message is not None and message.sender_chat is not None:
        # Posted on behalf of a chat: the group itself means an anonymous admin; another
        # chat (a linked channel, a member posting as their channel) is not an admin of it.
        return None if message.sender_chat.id == chat.id else ONLY_GROUP_ADMINS
    user = update.effective_user
    if user is None:
        return ONLY_GROUP_ADMINS
    if user.id in _ctx(context).config.telegram.admins:
        return None
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except Exception as exc:
        # Network, 400, 403, or an answer PTB cannot read (a member shape newer than it):
        # refuse, and say it may work later.
        log.warning("telegram: cannot check whether user %s is an admin of chat %s: %s",
                    user.id, chat.id, exc, exc_info=not isinstance(exc, TelegramError))
        return CANNOT_CHECK
    return None if member.status in GROUP_MANAGERS else ONLY_GROUP_ADMINS


def _not_allowed(update: Update, ctx: BotContext) -> str | None:
    """None when this chat may subscribe: anyone may, unless `telegram.allow` lists the
    chats that may (the admins' own chats may always)."""
    t = ctx.config.telegram
    chat = update.effective_chat
    if not t.allow or chat.id in t.allow or chat.id in t.admins:
        return None
    return (f"This bot serves only the chats its operator lists. To be added, send them this "
            f"chat's id, {chat.id} (for telegram.allow).")


def _chat(update: Update) -> int:
    return update.effective_chat.id


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC")


def _keyboard(action: str, names: list[str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(n, callback_data=f"{action}:{n}")]
                                 for n in names])


def _subscribe(ctx: BotContext, chat: int, name: str) -> str:
    if ctx.config.watchlist(name) is None:
        known = ", ".join(w.name for w in ctx.config.watchlists) or "none configured"
        return f"There is no watchlist called “{name}”. Watchlists: {known}."
    if ctx.store.chats.subscribe(chat, name, ctx.now()):
        return f"Subscribed to {name}. You will hear about each new story once, and again " \
               "only when a figure changes. /unsubscribe " + name + " to stop."
    return f"This chat already follows {name}."


def _unsubscribe(ctx: BotContext, chat: int, name: str) -> str:
    if ctx.store.chats.unsubscribe(chat, name):
        return f"Unsubscribed from {name}."
    return f"This chat does not follow “{name}”. /list shows what it follows."


# -- the handlers ------------------------------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _answer(update, context,
                  "vigia watches news feeds and tells you once per story — then again only "
                  "when a number changes (a death toll, a strike count).\n\n"
                  "Start with /watchlists, then /subscribe <name>.\n\n" + HELP)


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = HELP
    if _is_admin(update, _ctx(context)):
        text += "\n\nAdmin:\n" + ADMIN_HELP
    await _answer(update, context, text)


async def watchlists(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    if not ctx.config.watchlists:
        await _answer(update, context, "No watchlists are configured yet.")
        return
    mine = set(ctx.store.chats.subscriptions(_chat(update)))
    lines = []
    for w in ctx.config.watchlists:
        mark = " (subscribed)" if w.name in mine else ""
        lines.append(f"• {w.name}{mark} — {w.description or 'no description'}")
    await _answer(update, context, "Watchlists:\n" + "\n".join(lines)
                  + "\n\n/subscribe <name> to follow one.")


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    if refusal := _not_allowed(update, ctx) or await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    if not context.args:
        mine = set(ctx.store.chats.subscriptions(_chat(update)))
        names = [w.name for w in ctx.config.watchlists if w.name not in mine]
        if not names:
            await _answer(update, context, "This chat already follows every watchlist."
                          if ctx.config.watchlists else "No watchlists are configured yet.")
            return
        await _answer(update, context, "Which watchlist? (or /subscribe <name>)",
                      _keyboard("sub", names))
        return
    await _answer(update, context,
                  "\n".join(_subscribe(ctx, _chat(update), n) for n in context.args))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    if refusal := await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    if not context.args:
        names = ctx.store.chats.subscriptions(_chat(update))
        if not names:
            await _answer(update, context,
                          "This chat follows no watchlist. /watchlists lists them.")
            return
        await _answer(update, context, "Stop which one? (or /unsubscribe <name>)",
                      _keyboard("unsub", names))
        return
    await _answer(update, context,
                  "\n".join(_unsubscribe(ctx, _chat(update), n) for n in context.args))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    query = update.callback_query
    refusal = _not_allowed(update, ctx) if (query.data or "").startswith("sub:") else None
    if refusal := refusal or await _refusal(update, context):
        # A popup for the one who pressed; the buttons stay for an admin to use.
        await query.answer(refusal, show_alert=True)
        return
    action, _, name = (query.data or "").partition(":")
    chat = query.message.chat.id if query.message else query.from_user.id
    text = _subscribe(ctx, chat, name) if action == "sub" else _unsubscribe(ctx, chat, name)
    await query.answer(clip(text, 200))
    if query.message:
        ctx.sender.answer(chat, text, edit=query.message.message_id)


async def list_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    chat = _chat(update)
    names = ctx.store.chats.subscriptions(chat)
    text = ("This chat follows: " + ", ".join(names) if names
            else "This chat follows no watchlist. /watchlists lists them.")
    until = ctx.store.chats.muted_until(chat, ctx.now())
    if until:
        text += f"\nMuted until {_stamp(until)} (/unmute to resume)."
    await _answer(update, context, text)


async def id_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The ids the config asks for: this chat's (telegram.channels, telegram.allow) and the
    sender's (telegram.admins). Open to anyone: it is how one finds them."""
    chat, user = update.effective_chat, update.effective_user
    if chat.type == ChatType.PRIVATE:
        text = (f"Your id: {chat.id} (a private chat's id is its user's). Put it in "
                "telegram.admins to use the admin commands, or in telegram.allow.")
    else:
        text = (f"This chat's id: {chat.id}. Put it in telegram.channels to send alerts here "
                "(in a channel, the bot must be an admin allowed to post), or in "
                "telegram.allow.")
        if user is not None and not user.is_bot:
            text += f"\nYour user id: {user.id} (for telegram.admins)."
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
    if refusal := _not_allowed(update, ctx):
        await _answer(update, context, refusal)
        return
    chat = _chat(update)
    if unknown_ := [n for n in context.args or () if ctx.config.watchlist(n) is None]:
        known = ", ".join(w.name for w in ctx.config.watchlists) or "none configured"
        await _answer(update, context, f"There is no watchlist called “{unknown_[0]}”. "
                                       f"Watchlists: {known}.")
        return
    names = list(dict.fromkeys(context.args or ())) or _followed(ctx, chat)
    found = stories.latest(ctx.store, names, LATEST)
    if not found.stories:
        await _answer(update, context, "No stories yet for " + ", ".join(names or ["you"]) + ".")
        return
    _remember(ctx, chat, [s.id for s in found.stories])
    n = len(found.stories)
    header = (f"The latest {n} {'story' if n == 1 else 'stories'} ({', '.join(names)}), "
              "newest first:")
    await _answer(update, context, stories_text(found.stories, found.figures, header)
                  + "\n\n/story N: a story's timeline, and a chart of the figures that rose.")


STORY_USAGE = ("Which story? /story N, N as /latest lists them; /story <id>; or reply to an "
               "alert with /story.")
NOT_AN_ALERT = ("That message is not an alert about one story (a combined message, or one "
                "older than the bot keeps). Try /latest, then /story N.")
NO_CHARTS = ("(No chart: this bot cannot draw one; its operator can add it with "
             f"{chart.EXTRA}.)")
CHART_FAILED = "(The chart could not be drawn; the operator's log says why.)"


def _story_of(update: Update, ctx: BotContext, args: list[str]) -> str:
    """The id of the story /story names; NoSuchStory with what to say otherwise."""
    chat = _chat(update)
    message = update.effective_message
    replied = message.reply_to_message if message else None
    if not args and replied is not None:
        found = ctx.store.outbox.deliveries(TELEGRAM).story_of_message(chat, replied.message_id)
        if found is None:
            raise stories.NoSuchStory(NOT_AN_ALERT)
        return found
    if not args:
        raise stories.NoSuchStory(STORY_USAGE)
    key = args[0].lstrip("#")
    if key.isdigit():
        listed = ctx.listings.get(chat) or [
            s.id for s in stories.latest(ctx.store, _followed(ctx, chat), LATEST).stories]
        if not 1 <= int(key) <= len(listed):
            raise stories.NoSuchStory(f"/latest lists {len(listed)} stories here: /story 1 to "
                                      f"/story {len(listed)}." if listed else
                                      "No stories yet: /latest lists them when there are.")
        return listed[int(key) - 1]
    return stories.find(ctx.store, key).id


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
    if refusal := _not_allowed(update, ctx):
        await _answer(update, context, refusal)
        return
    try:
        seen = stories.look(ctx.store, stories.find(ctx.store, _story_of(
            update, ctx, list(context.args or ()))))
    except stories.NoSuchStory as exc:
        text = str(exc)
        await _answer(update, context, text[:1].upper() + text[1:])
        return
    draw = bool(seen.series) and chart.available()
    text = timeline_text(seen.story, seen.entries,
                         charted=[s.fact for s in seen.series] if draw else ())
    if seen.series and not draw:
        text += "\n\n" + NO_CHARTS
    await _answer(update, context, text)
    if not draw:
        return
    if ctx.drawing is None:
        ctx.drawing = asyncio.Lock()
    try:
        async with ctx.drawing:  # one child process at a time, whoever asks
            png = await chart.draw_apart(seen.story.title, seen.series,
                                         cache=_chart_cache(ctx))
    except chart.ChartError as exc:
        log.error("telegram: the chart of story %s: %s", seen.story.id, exc)
        await _answer(update, context, CHART_FAILED)
        return
    message = update.effective_message
    _ctx(context).sender.answer_photo(
        _chat(update), png, chart_caption(seen.story, seen.series),
        thread_id=message.message_thread_id if message and message.is_topic_message else None)


async def mute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    if refusal := await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    usage = "For how long? For example /mute 2h, /mute 30m or /mute 1d."
    if not context.args:
        await _answer(update, context, usage)
        return
    try:
        span = parse_duration("".join(context.args))
    except ValueError:
        await _answer(update, context, f"“{' '.join(context.args)}” is not a duration. {usage}")
        return
    span = min(span, MAX_MUTE)
    until = ctx.now() + span
    ctx.store.chats.set_mute(_chat(update), until)
    await _answer(update, context, f"Muted until {_stamp(until)}: alerts meanwhile are "
                  "skipped, not saved for later. /unmute to resume sooner.")


async def unmute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    if refusal := await _refusal(update, context):
        await _answer(update, context, refusal)
        return
    chat = _chat(update)
    was = ctx.store.chats.muted_until(chat, ctx.now())
    ctx.store.chats.set_mute(chat, None)
    await _answer(update, context, "Alerts resumed." if was else "This chat was not muted.")


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    if not _is_admin(update, ctx):
        await _answer(update, context, "/status is for the bot's admins (telegram.admins).")
        return
    feeds_ = ctx.store.feeds.all()
    failing = [f for f in feeds_ if f.errors and not f.disabled]
    disabled = [f for f in feeds_ if f.disabled]
    q = ctx.store.outbox.deliveries(TELEGRAM).counts()
    lines = [
        f"Feeds: {len(ctx.config.feeds)} configured, {len(failing)} failing, "
        f"{len(disabled)} disabled",
        f"Queue: {ctx.store.outbox.pending_count()} alerts to fan out, {q['queued']} messages "
        f"and {ctx.store.chats.edits_queued()} edits to send; {q['sent']} sent, "
        f"{q['failed']} failed",
        f"Subscribed chats: {ctx.store.chats.subscriber_count()}",
    ]
    if ctx.config.apprise:
        a = ctx.store.outbox.deliveries(APPRISE).counts()
        lines.append(f"Apprise: {len(ctx.config.apprise)} destinations; {a['queued']} to send, "
                     f"{a['sent']} sent, {a['failed']} failed")
    for f in failing[:5]:
        lines.append(f"• failing ({f.errors}×): {f.url} — {f.last_error}")
    last = ctx.store.outbox.last()
    if last:
        lines.append(f"Last alert: {_stamp(last.at)} {last.kind} [{last.watchlist}] "
                     f"{last.title}")
    else:
        lines.append("Last alert: none yet")
    await _answer(update, context, "\n".join(lines))


async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    if not _is_admin(update, ctx):
        await _answer(update, context, "/feeds is for the bot's admins (telegram.admins).")
        return
    if not ctx.config.feeds:
        await _answer(update, context, "No feeds are configured.")
        return
    lines = []
    for feed in ctx.config.feeds:
        st = ctx.store.feeds.get(feed.url)
        state = ("disabled" if st.disabled else f"failing ({st.errors}×)" if st.errors
                 else "ok" if st.last_ok else "not fetched yet")
        last = _stamp(st.last_ok) if st.last_ok else "never"
        lines.append(f"• {feed.name or st.title or feed.url}: {state}, last ok {last}, "
                     f"{st.items_seen} items\n  {feed.url}")
    await _answer(update, context, "\n".join(lines))


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    command = (message.text or "").split()[0] if message and message.text else ""
    name, _, target = command.partition("@")
    # In a group, a command for another bot is none of our business.
    ours = bool(target) and target.lower() == (context.bot.username or "").lower()
    if update.effective_chat.type != ChatType.PRIVATE and not ours:
        return
    await _answer(update, context, f"I don't know {name}. The commands are:\n{HELP}")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.warning("telegram: handling an update failed: %s", context.error,
                exc_info=context.error)
