"""A chat's settings: the language it is written to in (and, in later parts of this module,
its time zone, quiet hours and digest). Each command without an argument says how the chat
is set and how to change it; in a group only its admins may change them (common._refusal).
"""

from __future__ import annotations

import unicodedata

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from ..i18n import LANGUAGES, NAMES, supported, translator
from .common import _answer, _chat, _ctx, _refusal, _tr
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
