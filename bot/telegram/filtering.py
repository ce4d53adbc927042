"""/filters: what a chat lets through of each watchlist it follows, shown and changed.

    /filters                          the filters of each subscription (buttons to change one)
    /filters venezuela                one subscription's panel: its filters, and buttons
    /filters [venezuela] killed 10    only stories with at least 10 killed (0: any)
    /filters [venezuela] new | all    new stories only | updates too
    /filters [venezuela] languages es fr | languages any
    /filters [venezuela] include maduro, tren de aragua     (nothing after: none)
    /filters [venezuela] exclude béisbol
    /filters [venezuela] reset

The watchlist may be left out when the chat follows one. The buttons change the figure,
the kinds and the languages; words are typed. In a group only its admins may change them.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from ..i18n import LANGUAGES, Tr
from ..model import Filters
from ..text import words_of
from .common import _answer, _chat, _ctx, _refusal, _tr
from .html import clip

# The figures the buttons offer; any other comes by command.
KILLED_STEPS = (0, 1, 5, 10, 50)
# A chat's own words, at most: enough to narrow a watchlist, few enough to show in a message.
MAX_TERMS = 20
MAX_TERM = 60
CHECK = "✓ "


class Refused(ValueError):
    """A change that cannot be made; its message is for the user, translated."""


# -- what a chat sees ------------------------------------------------------------------------

def describe(tr: Tr, watchlist: str, f: Filters) -> str:
    any_ = tr._("any")
    lines = [tr._("Filters for {watchlist}:", watchlist=watchlist),
             "• " + tr._("killed: {value}", value=tr._("at least {n}", n=f.min_killed)
                         if f.min_killed else any_),
             "• " + (tr._("new stories and updates") if f.updates
                     else tr._("new stories only")),
             "• " + tr._("languages: {value}", value=", ".join(f.languages) or any_),
             "• " + tr._("must also contain one of: {value}",
                         value=", ".join(f.include) or "—"),
             "• " + tr._("never containing: {value}", value=", ".join(f.exclude) or "—")]
    return "\n".join(lines)


def panel(tr: Tr, watchlist: str, f: Filters) -> tuple[str, InlineKeyboardMarkup]:
    """One subscription's filters, and the buttons that change them."""
    def button(label: str, op: str, arg: object, on: bool) -> InlineKeyboardButton:
        return InlineKeyboardButton((CHECK if on else "") + label,
                                    callback_data=f"flt:{watchlist}:{op}:{arg}")

    steps = sorted({*KILLED_STEPS, f.min_killed})
    rows = [
        [button(tr._("any") if n == 0 else f"≥{n}", "k", n, f.min_killed == n) for n in steps],
        [button(tr._("updates too"), "u", 1, f.updates),
         button(tr._("new stories only"), "u", 0, not f.updates)],
        [button(code, "l", code, not f.languages or code in f.languages) for code in LANGUAGES],
    ]
    extra = [button(tr._("no words"), "w", "", False)] if f.include or f.exclude else []
    rows.append([*extra, button(tr._("reset"), "r", "", False)])
    text = (describe(tr, watchlist, f) + "\n\n"
            + tr._("Words: /filters {watchlist} include word, other words (or exclude ...).",
                   watchlist=watchlist))
    return text, InlineKeyboardMarkup(rows)


# -- changes (pure) ----------------------------------------------------------------------------

def toggle_language(tr: Tr, f: Filters, code: str) -> Filters:
    """A language button: every language ticked means any (no filter)."""
    chosen = set(f.languages) if f.languages else set(LANGUAGES)
    chosen ^= {code}
    if not chosen:
        raise Refused(tr._("Keep at least one language (all ticked means any)."))
    return replace(f, languages=() if chosen >= set(LANGUAGES) else
                   tuple(c for c in LANGUAGES if c in chosen)
                   + tuple(sorted(chosen - set(LANGUAGES))))


def terms(tr: Tr, text: str) -> tuple[str, ...]:
    """Words as typed, comma-separated: "maduro, tren de aragua"."""
    found = tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    for term in found:
        if not words_of(term):
            raise Refused(tr._("“{term}” has no word to look for.", term=term))
        if len(term) > MAX_TERM:
            raise Refused(tr._("“{term}” is too long (at most {n} characters).", term=term,
                               n=MAX_TERM))
    if len(found) > MAX_TERMS:
        raise Refused(tr._("At most {n} words.", n=MAX_TERMS))
    return found


def changed(tr: Tr, f: Filters, action: str, rest: str) -> Filters:
    """`/filters <watchlist> <action> <rest>` applied to `f`."""
    action = action.lower()
    if action == "killed":
        if not rest.strip().isdigit():
            raise Refused(tr._("How many killed? For example /filters killed 10 (0: any)."))
        return replace(f, min_killed=min(int(rest), 1_000_000))
    if action in ("new", "all"):
        return replace(f, updates=action == "all")
    if action == "languages":
        codes = tuple(dict.fromkeys(c.lower() for c in rest.replace(",", " ").split()))
        if codes in ((), ("any",), ("all",)):
            return replace(f, languages=())
        if not all(c.isalpha() and 2 <= len(c) <= 3 for c in codes):
            raise Refused(tr._("Languages are codes such as en, es, fr."))
        return replace(f, languages=codes)
    if action in ("include", "exclude"):
        return replace(f, **{action: terms(tr, rest)})
    if action == "reset":
        return Filters()
    raise Refused(tr._("I don't know “{action}”. Try: killed 10, new, all, languages es fr, "
                       "include words, exclude words, reset.", action=action))


def pressed(tr: Tr, f: Filters, op: str, arg: str) -> Filters:
    """A panel button applied to `f`."""
    if op == "k" and arg.isdigit():
        return replace(f, min_killed=int(arg))
    if op == "u":
        return replace(f, updates=arg == "1")
    if op == "l":
        return toggle_language(tr, f, arg)
    if op == "w":
        return replace(f, include=(), exclude=())
    if op == "r":
        return Filters()
    raise Refused(tr._("This button is no longer valid."))


# -- the handlers ------------------------------------------------------------------------------

def _which(body: str, names: list[str]) -> tuple[str | None, str]:
    """The watchlist a /filters command names (or the chat's only one) and the rest of it."""
    first, _, rest = body.partition(" ")
    if first in names:
        return first, rest.strip()
    return (names[0] if len(names) == 1 else None), body


async def filters_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    chat = _chat(update)
    names = ctx.store.chats.subscriptions(chat)
    if not names:
        await _answer(update, context, tr._("This chat follows no watchlist. /watchlists lists "
                                            "them."))
        return
    # The words as typed, commas and all: the message's text after the command.
    text = update.effective_message.text if update.effective_message else ""
    body = (text or "").partition(" ")[2].strip()
    watchlist, change = _which(body, names)
    if watchlist is None and not body:
        await _answer(update, context, "\n\n".join(
            describe(tr, n, ctx.store.chats.filters(chat, n)) for n in names),
            InlineKeyboardMarkup([[InlineKeyboardButton(n, callback_data=f"flt:{n}:show:")]
                                  for n in names]))
        return
    if watchlist is None:
        await _answer(update, context, tr._("Which watchlist? This chat follows {names}.",
                                            names=", ".join(names)))
        return
    current = ctx.store.chats.filters(chat, watchlist)
    if change:
        if refusal := await _refusal(update, context):
            await _answer(update, context, refusal)
            return
        action, _, rest = change.partition(" ")
        try:
            current = changed(tr, current, action, rest.strip())
        except Refused as exc:
            await _answer(update, context, str(exc))
            return
        ctx.store.chats.set_filters(chat, watchlist, current)
    await _answer(update, context, *panel(tr, watchlist, current))


async def filters_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = _ctx(context)
    tr = _tr(update, ctx)
    query = update.callback_query
    _, watchlist, op, arg = ((query.data or "") + ":::").split(":", 4)[:4]
    chat = query.message.chat.id if query.message else query.from_user.id
    if watchlist not in ctx.store.chats.subscriptions(chat):
        await query.answer(tr._("This chat no longer follows {watchlist}.",
                                watchlist=watchlist), show_alert=True)
        return
    current = ctx.store.chats.filters(chat, watchlist)
    if op != "show":
        if refusal := await _refusal(update, context):
            await query.answer(refusal, show_alert=True)
            return
        try:
            current = pressed(tr, current, op, arg)
        except Refused as exc:
            await query.answer(clip(str(exc), 200), show_alert=True)
            return
        ctx.store.chats.set_filters(chat, watchlist, current)
    await query.answer()
    if query.message:
        text, markup = panel(tr, watchlist, current)
        ctx.sender.answer(chat, text, markup=markup, edit=query.message.message_id)
