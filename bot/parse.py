"""Feed bodies -> Items: feedparser does the format work (RSS 0.9x/1.0/2.0, RDF, Atom);
this module turns its entries into plain-text Items with stable ids and UTC dates."""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser

from .errors import FeedError
from .model import Item

# Query parameters that only track the reader; an article is the same without them.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|ref|ref_src|cmpid|"
    r"ocid|smid|sr_share|at_medium|at_campaign|at_custom\d*|xtor|ito)$",
    re.IGNORECASE,
)


def canonical_link(link: str) -> str:
    """The link without fragment or tracking parameters, scheme and host lower-cased."""
    link = (link or "").strip()
    if not link:
        return ""
    parts = urlsplit(link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       urlencode(query), ""))


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template"}
    _BLOCK = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


_SPACE = re.compile(r"\s+")


def plain_text(value: str | None) -> str:
    """HTML or text -> one line of plain text, entities decoded, whitespace collapsed."""
    if not value:
        return ""
    if "<" in value:
        p = _TextExtractor()
        try:
            p.feed(value)
            p.close()
            value = "".join(p.parts)
        except Exception:  # html.parser is lenient; this is a last resort for odd markup
            value = re.sub(r"<[^>]*>", " ", value)
    value = html.unescape(value)  # double-escaped feeds ("&amp;amp;") are common
    return _SPACE.sub(" ", value).strip()


def _language(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _when(entry: dict, fallback: datetime) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime.fromtimestamp(calendar.timegm(t), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return fallback


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    language: str | None
    items: list[Item]
    warning: str | None  # feedparser's complaint about a feed it could still read


def parse_feed(body: bytes | str, url: str, *, name: str | None = None,
               language: str | None = None, fetched_at: datetime) -> ParsedFeed:
    """Parse a feed body. Raises FeedError when nothing feed-like can be read from it."""
    d = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    feed = d.get("feed", {})
    entries = d.get("entries", [])
    warning = None
    if d.get("bozo"):
        exc = d.get("bozo_exception")
        warning = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
        if not entries and not feed.get("title"):
            raise FeedError(url, f"not a readable RSS/Atom feed ({warning})")
    if not entries and not d.get("version"):
        raise FeedError(url, "not an RSS/Atom feed (no channel and no entries)")
    feed_title = plain_text(feed.get("title")) or url
    outlet = name or feed_title
    feed_lang = _language(feed.get("language")) or _language(language)
    items = []
    for e in entries:
        link = canonical_link(e.get("link") or "")
        guid = (e.get("id") or "").strip()
        item_id = guid or link
        title = plain_text(e.get("title"))
        summary = plain_text(e.get("summary") or e.get("description"))
        if not item_id:
            if not (title or summary):
                continue  # nothing to identify or to read: an empty <item/>
            # No guid and no link: the text is the only identity this entry has.
            item_id = "urn:vigia:" + _digest(url + "\n" + title + "\n" + summary)
        lang = (_language(e.get("language"))
                or _language((e.get("title_detail") or {}).get("language"))
                or feed_lang)
        items.append(Item(id=item_id, link=link, feed=url, outlet=outlet, title=title,
                          summary=summary, published=_when(e, fetched_at), language=lang))
    return ParsedFeed(title=feed_title, language=feed_lang, items=items, warning=warning)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]
