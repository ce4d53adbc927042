"""What every command handler shares: the context, answering, the language of a chat, and
who may change a chat's settings.

The handlers themselves are in commands.py (following, reading, admin), settings.py (the
language, time zone, quiet hours and digest of a chat) and filtering.py (what a subscription
lets through); commands.py registers them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from ..config import Config
from ..i18n import N_, Tr, supported, translator
from ..store import Store
from .sender import Sender

log = logging.getLogger(__name__)

GROUP_CHATS = {ChatType.GROUP, ChatType.SUPERGROUP}
GROUP_MANAGERS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
ONLY_GROUP_ADMINS = N_("Only this group's admins can change what it follows.")
CANNOT_CHECK = N_("I could not check whether you are an admin of this group. "
                  "Please try again in a minute.")


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


def _ctx(context: ContextTypes.DEFAULT_TYPE) -> BotContext:
    return context.bot_data["vigia"]


def _chat(update: Update) -> int:
    return update.effective_chat.id


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                  markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    _ctx(context).sender.answer(
        update.effective_chat.id, text, markup=markup,
        thread_id=message.message_thread_id if message and message.is_topic_message else None)


def chat_language(store: Store, config: Config, chat_id: int) -> Tr:
    """How alerts are written for a chat: its /language, else its user's Telegram language
    (as last seen), else `telegram.language`."""
    chosen, seen = store.chats.language(chat_id)
    return translator(supported(chosen) or supported(seen) or config.telegram.language)


def _tr(update: Update, ctx: BotContext) -> Tr:
    """How to answer this update: the chat's /language, else the language of the one who
    wrote (Telegram's `language_code`), else the chat's, else `telegram.language`."""
    chosen, seen = ctx.store.chats.language(_chat(update))
    user = update.effective_user
    mine = user.language_code if user is not None and not user.is_bot else None
    for code in (chosen, mine, seen):
        if supported(code):
            return translator(code)
    return translator(ctx.config.telegram.language)


def remember_language(update: Update, ctx: BotContext, *, subscribing: bool = False) -> None:
    """Keep the Telegram language of a private chat's user, for the alerts it will get; in a
    group, of the admin who first subscribed it."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or user.is_bot or not user.language_code:
        return
    code = user.language_code.lower()
    if chat.type == ChatType.PRIVATE:
        ctx.store.chats.saw_language(chat.id, code)
    elif subscribing:
        ctx.store.chats.saw_language(chat.id, code, keep=True)


def _is_admin(update: Update, ctx: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in ctx.config.telegram.admins


async def _refusal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """None when the sender may change this chat's subscriptions, mute and settings; else
    what to answer. A private chat is its sender's own, and a channel's posts come from its
    admins by construction; in a group, only its administrators and creator, or
    `telegram.admins`.

    Nothing is cached: asking Telegram costs one getChatMember per command or button press,
    which people type at human speed, and a cache would let a demoted admin keep the power
    for as long as it lived."""
    chat = update.effective_chat
    if chat is None or chat.type not in GROUP_CHATS:
        return None
    tr = _tr(update, _ctx(context))
    # `update.message`, not `effective_message`: on a button press that is the bot's own.
    message = update.message
    if message is not None and message.sender_chat is not None:
        # Posted on behalf of a chat: the group itself means an anonymous admin; another
        # chat (a linked channel, a member posting as their channel) is not an admin of it.
        return None if message.sender_chat.id == chat.id else tr._(ONLY_GROUP_ADMINS)
    user = update.effective_user
    if user is None:
        return tr._(ONLY_GROUP_ADMINS)
    if user.id in _ctx(context).config.telegram.admins:
        return None
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except Exception as exc:
        # Network, 400, 403, or an answer PTB cannot read (a member shape newer than it):
        # refuse, and say it may work later.
        log.warning("telegram: cannot check whether user %s is an admin of chat %s: %s",
                    user.id, chat.id, exc, exc_info=not isinstance(exc, TelegramError))
        return tr._(CANNOT_CHECK)
    return None if member.status in GROUP_MANAGERS else tr._(ONLY_GROUP_ADMINS)
