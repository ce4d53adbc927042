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

from ..model import Alert, Change, Story
from ..render import describe_change

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


def alert_html(alert: Alert, story: Story | None = None, *, limit: int = MAX_MESSAGE) -> str:
    """The message for `alert`; with `story` (its current state), the title, outlets and
    languages are the story's as they are now (an edit after more outlets joined)."""
    if alert.kind == "summary":
        return summary_html(alert, limit=limit)
    title = (story.title if story else alert.title) or alert.text.split("\n", 1)[0]
    links = list(story.links) if story and story.links else list(alert.links)
    languages = list(story.languages) if story else []
    outlets = _outlets(links)
    first_url = links[0][1] if links else ""

    if alert.kind == "new_story":
        head = f"🆕 <b>New story</b> · <i>{esc(alert.watchlist)}</i>"
    else:
        head = f"📈 <b>Update</b> · <i>{esc(alert.watchlist)}</i>"
    lines = [head, "<b>" + link(clip(title, MAX_TITLE), first_url) + "</b>"]
    lines += [f"• {esc(describe_change(c))}" for c in alert.changes]
    if alert.kind == "update":
        sources = _sources(alert.changes, outlets)
        if sources:
            lines.append("Source: " + ", ".join(link(name, url) for name, url in sources))

    n = len(outlets)
    if n:
        langs = f" in {esc(', '.join(languages))}" if languages else ""
        noun = "outlet" if n == 1 else "outlets"
        lines.append(f"Reported by {n} {noun}{langs}:")
    body = "\n".join(lines)
    return _with_outlets(body, outlets, limit)


def summary_html(alert: Alert, *, limit: int = MAX_MESSAGE) -> str:
    """A poll's summary (`app.AlertCap`): the stories past the cap, linked, as many as fit;
    its `links` are (title, link) pairs."""
    head = (f"⏩ <b>{esc(alert.title)}</b> · <i>{esc(alert.watchlist)}</i>\n"
            "Too many in one poll to send one by one; /latest lists the latest stories.")
    lines: list[str] = []
    used = utf16_len(head) + 40  # and room for "and 999 more"
    for title, url in alert.links:
        line = "• " + link(clip(title, 200), url)
        if used + utf16_len(line) + 1 > limit:
            break
        lines.append(line)
        used += utf16_len(line) + 1
    more = len(alert.links) - len(lines)
    return "\n".join([head, *lines] + ([f"… and {more} more"] if more else []))


def _sources(changes: Sequence[Change], outlets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    urls = dict(outlets)
    names = dict.fromkeys(s for c in changes for s in c.sources)
    return [(name, urls.get(name, "")) for name in names]


def _with_outlets(body: str, outlets: list[tuple[str, str]], limit: int) -> str:
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
        reserve = len(f" and {rest} more") if rest else 0
        cost = utf16_len(piece) + (3 if parts else 0)
        if used + cost + reserve > limit:
            break
        parts.append(piece)
        used += cost
    more = len(outlets) - len(parts)
    tail = " · ".join(parts) + (f" and {more} more" if more else "")
    out = body + "\n" + tail.lstrip()
    return out if utf16_len(out) <= limit else body


def _digest_line(alert: Alert) -> str:
    url = alert.links[-1][1] if alert.links else ""
    title = link(clip(alert.title or alert.text.split("\n", 1)[0], 200), url)
    if alert.kind == "new_story":
        return f"🆕 {title} · <i>{esc(alert.watchlist)}</i>"
    if alert.kind == "update":
        changes = "; ".join(esc(describe_change(c)) for c in alert.changes)
        return f"📈 {title}" + (f": {changes}" if changes else "")
    return f"⏩ {esc(clip(alert.text.split(chr(10), 1)[0], 300))}"


def digest_html(alerts: Sequence[Alert], *, limit: int = MAX_MESSAGE) -> tuple[str, int]:
    """Alerts that waited too long in one chat's queue, as one message: a line each, linked,
    newest first. Takes the oldest that fit in `limit` (they have waited longest) and says
    how many it took; the rest wait for the next message. Takes at least one."""
    lines: list[str] = []
    used = 200  # room for the header
    for alert in alerts:  # oldest first
        line = _digest_line(alert)
        if lines and used + utf16_len(line) + 1 > limit:
            break
        lines.append(line if utf16_len(line) < limit - 200 else esc(clip(alert.title, 300)))
        used += utf16_len(lines[-1]) + 1
    head = (f"⏩ <b>{len(lines)} alerts at once</b>, newest first: they came faster than this "
            "chat can be sent messages one by one.")
    return "\n".join([head, *reversed(lines)]), len(lines)
