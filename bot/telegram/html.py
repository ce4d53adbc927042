"""Alerts as Telegram HTML: the story's title, its figures, its outlets and languages, linked.

Everything that comes from a feed (titles, outlet names, links) is escaped, and a message never
exceeds Telegram's 4,096 characters: the outlet list is what gives way ("and 12 more").
Lengths are counted in UTF-16 code units, as Telegram counts them, over the HTML source,
which is never shorter than the text a reader sees — so the limit holds after parsing too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from ..i18n import ENGLISH, Tr
from ..i18n.labels import ORDER, change_text, rise_text
from ..model import Alert, Change, Story
from ..subscribers.digest import Entry

MAX_MESSAGE = 4096  # Telegram's limit on a message's text, after entity parsing
MAX_TITLE = 400  # a runaway title must not crowd out the figures and the outlets


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def link(label: str, url: str) -> str:
    """`label` linked to `url`; unlinked when the URL is not http(s) (feeds carry odd ones)."""
    if not re.match(r"https?://", url or "", re.I):
        return esc(label)
    return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 units, with an ellipsis when it was cut."""
    if utf16_len(text) <= limit:
        return text
    out = text[: max(0, limit - 1)]
    while utf16_len(out) > limit - 1:
        out = out[:-1]
    return out + "…"


def to_plain(markup: str) -> str:
    """The text a reader sees of our own HTML: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _outlets(links: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """One (outlet, first link) per outlet, in order of appearance."""
    seen: dict[str, str] = {}
    for outlet, url in links:
        seen.setdefault(outlet, url)
    return list(seen.items())


def alert_html(alert: Alert, story: Story | None = None, *, limit: int = MAX_MESSAGE,
               tr: Tr = ENGLISH) -> str:
    """The message for `alert`, in `tr`'s language; with `story` (its current state), the
    title, outlets and languages are the story's as they are now (an edit after more outlets
    joined)."""
    if alert.kind == "summary":
        return summary_html(alert, limit=limit, tr=tr)
    title = (story.title if story else alert.title) or alert.text.split("\n", 1)[0]
    links = list(story.links) if story and story.links else list(alert.links)
    languages = list(story.languages) if story else []
    outlets = _outlets(links)
    first_url = links[0][1] if links else ""

    if alert.kind == "new_story":
        head = f"🆕 <b>{esc(tr.p_('alert', 'New story'))}</b> · <i>{esc(alert.watchlist)}</i>"
    else:
        head = f"📈 <b>{esc(tr.p_('alert', 'Update'))}</b> · <i>{esc(alert.watchlist)}</i>"
    lines = [head, "<b>" + link(clip(title, MAX_TITLE), first_url) + "</b>"]
    lines += [f"• {esc(change_text(tr, c))}" for c in alert.changes]
    if alert.kind == "update":
        sources = _sources(alert.changes, outlets)
        if sources:
            lines.append(esc(tr._("Source:")) + " "
                         + ", ".join(link(name, url) for name, url in sources))

    n = len(outlets)
    if n and languages:
        lines.append(esc(tr.n_("Reported by {n} outlet in {languages}:",
                               "Reported by {n} outlets in {languages}:", n,
                               languages=", ".join(languages))))
    elif n:
        lines.append(esc(tr.n_("Reported by {n} outlet:", "Reported by {n} outlets:", n)))
    body = "\n".join(lines)
    return _with_outlets(body, outlets, limit, tr)


def summary_html(alert: Alert, *, limit: int = MAX_MESSAGE, tr: Tr = ENGLISH) -> str:
    """A poll's summary (`app.AlertCap`): the stories past the cap, linked, as many as fit;
    its `links` are (title, link) pairs."""
    head = (f"⏩ <b>{esc(_summary_title(alert, tr))}</b> · <i>{esc(alert.watchlist)}</i>\n"
            + esc(tr._("Too many in one poll to send one by one; /latest lists the latest "
                       "stories.")))
    lines: list[str] = []
    used = utf16_len(head) + 40  # and room for "and 999 more"
    for title, url in alert.links:
        line = "• " + link(clip(title, 200), url)
        if used + utf16_len(line) + 1 > limit:
            break
        lines.append(line)
        used += utf16_len(line) + 1
    more = len(alert.links) - len(lines)
    return "\n".join([head, *lines] + (["… " + esc(tr._("and {n} more", n=more))]
                                       if more else []))


def _summary_title(alert: Alert, tr: Tr) -> str:
    """"37 more new stories from X", in `tr`'s language. AlertCap writes the English title
    (the console's and Apprise's), naming the outlet after the first " from "; its `links`
    hold one entry per story."""
    if tr.code == ENGLISH.code or " from " not in alert.title:
        return alert.title
    outlet = alert.title.split(" from ", 1)[1]
    n = len(alert.links)
    return tr.n_("{n} more new story from {outlet}", "{n} more new stories from {outlet}", n,
                 outlet=outlet)


def _sources(changes: Sequence[Change], outlets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    urls = dict(outlets)
    names = dict.fromkeys(s for c in changes for s in c.sources)
    return [(name, urls.get(name, "")) for name in names]


def _with_outlets(body: str, outlets: list[tuple[str, str]], limit: int,
                  tr: Tr = ENGLISH) -> str:
    """`body` followed by as many linked outlets as fit in `limit`, then "and N more"."""
    if utf16_len(body) > limit:  # only a pathological alert; keep what fits, unformatted
        return esc(clip(to_plain(body), limit))
    if not outlets:
        return body
    parts: list[str] = []
    used = utf16_len(body) + 1  # the newline before the list
    for i, (name, url) in enumerate(outlets):
        piece = link(clip(name, 80), url)
        rest = len(outlets) - i - 1
        # Room for this outlet, its separator and, if others follow, " and 999 more".
        reserve = utf16_len(" " + esc(tr._("and {n} more", n=rest))) if rest else 0
        cost = utf16_len(piece) + (3 if parts else 0)
        if used + cost + reserve > limit:
            break
        parts.append(piece)
        used += cost
    more = len(outlets) - len(parts)
    tail = " · ".join(parts) + (" " + esc(tr._("and {n} more", n=more)) if more else "")
    out = body + "\n" + tail.lstrip()
    return out if utf16_len(out) <= limit else body


def _digest_line(alert: Alert, tr: Tr) -> str:
    url = alert.links[-1][1] if alert.links else ""
    title = link(clip(alert.title or alert.text.split("\n", 1)[0], 200), url)
    if alert.kind == "new_story":
        return f"🆕 {title} · <i>{esc(alert.watchlist)}</i>"
    if alert.kind == "update":
        changes = "; ".join(esc(change_text(tr, c)) for c in alert.changes)
        return f"📈 {title}" + (f": {changes}" if changes else "")
    first = (alert.text.split("\n", 1)[0] if tr.code == ENGLISH.code
             else _summary_title(alert, tr))
    return f"⏩ {esc(clip(first, 300))}"


def digest_html(alerts: Sequence[Alert], *, limit: int = MAX_MESSAGE,
                tr: Tr = ENGLISH) -> tuple[str, int]:
    """Alerts that waited too long in one chat's queue, as one message: a line each, linked,
    newest first. Takes the oldest that fit in `limit` (they have waited longest) and says
    how many it took; the rest wait for the next message. Takes at least one."""
    lines: list[str] = []
    used = 200  # room for the header
    for alert in alerts:  # oldest first
        line = _digest_line(alert, tr)
        if lines and used + utf16_len(line) + 1 > limit:
            break
        lines.append(line if utf16_len(line) < limit - 200 else esc(clip(alert.title, 300)))
        used += utf16_len(lines[-1]) + 1
    head = "⏩ " + esc(tr.n_(
        "{n} alert at once, newest first: they came faster than this chat can be sent "
        "messages one by one.",
        "{n} alerts at once, newest first: they came faster than this chat can be sent "
        "messages one by one.", len(lines)))
    return "\n".join([head, *reversed(lines)]), len(lines)


def _entry_html(entry: Entry, tr: Tr) -> str:
    """A story in a digest: its title linked, its watchlists, what its figures did."""
    if entry.latest.kind == "summary":
        return "⏩ " + esc(clip(_summary_title(entry.latest, tr), 300)) + " · /latest"
    mark = "🆕" if entry.new else "📈"
    title = link(clip(entry.title, 200), entry.link)
    lines = [f"{mark} <b>{title}</b> · <i>{esc(', '.join(entry.watchlists))}</i>"]
    rank = {fact: i for i, fact in enumerate(ORDER)}
    figures = sorted(entry.figures, key=lambda f: rank.get(f[0], len(ORDER)))
    if figures:
        lines.append("    " + esc(" · ".join(rise_text(tr, fact, old, new)
                                               for fact, old, new in figures)))
    return "\n".join(lines)


def held_html(entries: list[Entry], *, tr: Tr = ENGLISH, reason: str = "digest",
              max_stories: int = 20, limit: int = MAX_MESSAGE) -> tuple[str, int]:
    """A chat's digest, or what its quiet hours held, as one message: the stories (newest
    first) up to `max_stories` and `limit`, each once. Returns the message and how many
    entries it took (at least one); the rest are for the next message."""
    blocks: list[str] = []
    used = 300  # the header, and the line saying more follow
    for entry in entries[:max_stories]:
        block = _entry_html(entry, tr)
        if utf16_len(block) > limit - 400:  # a pathological title: plain and short
            block = esc(clip(entry.title, 300))
        if blocks and used + utf16_len(block) + 2 > limit:
            break
        blocks.append(block)
        used += utf16_len(block) + 2
    n = len(blocks)
    if reason == "quiet":
        head = tr.n_("While your quiet hours lasted: {n} story",
                     "While your quiet hours lasted: {n} stories, newest first", n)
    else:
        head = tr.n_("Digest: {n} story", "Digest: {n} stories, newest first", n)
    parts = [f"🗞 <b>{esc(head)}</b>", *blocks]
    if len(entries) > n:
        parts.append("… " + esc(tr.n_("{n} more story in the next message.",
                                      "{n} more stories in the next message.",
                                      len(entries) - n)))
    return "\n\n".join(parts), n
