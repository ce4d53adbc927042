"""Feed bodies -> Items: feedparser does the format work (RSS 0.9x/1.0/2.0, RDF, Atom);
this module turns its entries into plain-text Items with stable ids and UTC dates.

Feeds are hostile input: a document nothing can be read from is a FeedError (recorded on the
feed by the daemon), and one entry that cannot be turned into an Item is left out with its
reason in `ParsedFeed.skipped`, so it never costs the rest of the feed.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
from feedparser.encodings import convert_to_utf8

from .errors import FeedError
from .model import Item

# Query parameters that only track the reader; an article is the same without them.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|ref|ref_src|cmpid|"
    r"ocid|smid|sr_share|at_medium|at_campaign|at_custom\d*|xtor|ito)$",
    re.IGNORECASE,
)


def canonical_link(link: str) -> str:
    """The link without fragment or tracking parameters, scheme and host lower-cased.
    Raises ValueError for a link urllib cannot split (an unclosed IPv6 bracket)."""
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

# Characters a feed must never get to a terminal or a chat: C0 and C1 controls (ESC sequences
# retitle and clear the operator's console, BEL rings, NUL truncates) and the bidi embeddings,
# overrides and isolates (U+202A-E, U+2066-9), which make a title read backwards or hide
# what follows it. Whitespace controls are left to _SPACE. The left-to-right and
# right-to-left marks (U+200E/F) stay: Arabic and Hebrew text needs them and they override
# nothing.
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_text(value: str) -> str:
    """`value` without the control and bidi characters of _UNSAFE."""
    return _UNSAFE.sub("", value)


def plain_text(value: str | None) -> str:
    """HTML or text -> one line of plain text, entities decoded, whitespace collapsed, and
    control and bidi-override characters gone."""
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
    return _SPACE.sub(" ", safe_text(value)).strip()


def _language(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _when(entry: dict) -> datetime | None:
    """The entry's own date, or None when it has none that can be read."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime.fromtimestamp(calendar.timegm(t), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    language: str | None
    items: list[Item]
    warning: str | None  # feedparser's complaint about a feed it could still read
    # Ids of the items that carried no date and were given the fetch time: the daemon must
    # not take them for fresh news on a feed's first contact (they are usually its backlog).
    undated: frozenset[str] = frozenset()
    # One line per entry left out ("entry 3 (guid g1): invalid link ..."), for the caller to
    # report; the other entries are in `items`.
    skipped: tuple[str, ...] = ()


# Numeric character references that feedparser turns into a crash of the whole document
# (chr() of a surrogate cannot be encoded; above U+10FFFF chr() itself fails).
_CHARREF = re.compile(r"&#([xX][0-9a-fA-F]+|[0-9]+);")
_CHARREF_BYTES = re.compile(_CHARREF.pattern.encode())


def _bad_codepoint(ref: str) -> bool:
    code = int(ref[1:], 16) if ref[:1] in "xX" else int(ref)
    return code > 0x10FFFF or 0xD800 <= code <= 0xDFFF


def _scrub_charrefs(body: bytes | str) -> bytes | str:
    """The body with impossible character references replaced by U+FFFD (what a browser
    shows), so one bad title does not make the whole feed unreadable."""
    if isinstance(body, bytes):
        return _CHARREF_BYTES.sub(
            lambda m: b"&#xFFFD;" if _bad_codepoint(m.group(1).decode()) else m.group(0), body)
    return _CHARREF.sub(lambda m: "&#xFFFD;" if _bad_codepoint(m.group(1)) else m.group(0),
                        body)


# A DTD that declares anything: entities (expansion attacks; expat expands internal ones) or an
# internal subset. A DOCTYPE with only an external identifier (Netscape's RSS 0.91) is fine:
# no DTD is ever fetched.
_DTD = re.compile(rb"<!ENTITY|<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


def _refuse_dtd(body: bytes | str, url: str) -> None:
    """Raise FeedError when the document, decoded the way feedparser will decode it, declares
    a DTD. fetch.check_feed_body scans the bytes, which is blind to encodings that spell
    markup differently: UTF-7 (`+ADwAIQ-` is `<!`), UTF-16/32, EBCDIC; feedparser picks the
    encoding from the BOM, the XML declaration, then guesses. So ask feedparser's own
    decoder (no HTTP headers: parse_feed never passes any), and scan what the parser reads."""
    raw = body.encode("utf-8") if isinstance(body, str) else body  # as feedparser does
    if _DTD.search(convert_to_utf8({}, raw, {})):
        raise FeedError(url, "the feed declares a DTD (<!ENTITY or an internal subset), which "
                             "vigia never reads (entity-expansion attacks)")


def _feedparse(body: bytes | str, url: str) -> feedparser.FeedParserDict:
    """feedparser.parse, with its crashes on hostile documents turned into a FeedError, and
    documents that declare a DTD refused before it sees them."""
    _refuse_dtd(body, url)
    attempts = [body]
    failure: Exception | None = None
    for attempt in attempts:
        try:
            return feedparser.parse(attempt, sanitize_html=False, resolve_relative_uris=False)
        except Exception as exc:  # feedparser's loose parser has no error contract
            failure = exc
            scrubbed = _scrub_charrefs(attempt) if attempt is body else attempt
            if scrubbed != attempt:
                attempts.append(scrubbed)  # once more, without the references it chokes on
    raise FeedError(url, f"not a readable RSS/Atom feed ({type(failure).__name__}: "
                         f"{str(failure)[:200]})")


def parse_feed(body: bytes | str, url: str, *, name: str | None = None,
               language: str | None = None, fetched_at: datetime) -> ParsedFeed:
    """Parse a feed body. Raises FeedError when nothing feed-like can be read from it."""
    d = _feedparse(body, url)
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
    items: list[Item] = []
    undated: set[str] = set()
    skipped: list[str] = []
    for n, e in enumerate(entries, 1):
        try:
            read = _item(e, url, outlet, feed_lang, fetched_at)
        except Exception as exc:  # one hostile entry must not cost the others
            skipped.append(_describe(n, e, exc))
            continue
        if read is None:
            continue
        item, dated = read
        if not dated:
            undated.add(item.id)
        items.append(item)
    return ParsedFeed(title=feed_title, language=feed_lang, items=items, warning=warning,
                      undated=frozenset(undated), skipped=tuple(skipped))


def _item(e: dict, url: str, outlet: str, feed_lang: str | None,
          fetched_at: datetime) -> tuple[Item, bool] | None:
    """One entry as an Item, and whether it carried a date of its own; None for an empty
    <item/>. Raises on an entry that cannot be read (a link urllib cannot split)."""
    # Everything from the feed passes safe_text (plain_text does it for the texts): links and
    # ids also reach the console, logs and messages.
    raw_link = safe_text(e.get("link") or "").strip()
    try:
        link = canonical_link(raw_link)
    except ValueError as exc:
        raise ValueError(f"invalid link {raw_link[:100]!r} ({exc})") from None
    guid = safe_text(e.get("id") or "").strip()
    item_id = guid or link
    title = plain_text(e.get("title"))
    summary = plain_text(e.get("summary") or e.get("description"))
    if not item_id:
        if not (title or summary):
            return None  # nothing to identify or to read: an empty <item/>
        # No guid and no link: the text is the only identity this entry has.
        item_id = "urn:vigia:" + _digest(url + "\n" + title + "\n" + summary)
    lang = (_language(e.get("language"))
            or _language((e.get("title_detail") or {}).get("language"))
            or feed_lang)
    published = _when(e)
    # No date of its own: the fetch time stands in, and the caller is told (ParsedFeed.undated).
    return Item(id=item_id, link=link, feed=url, outlet=outlet, title=title, summary=summary,
                published=published or fetched_at, language=lang), published is not None


def _describe(n: int, e: dict, exc: Exception) -> str:
    """"entry 3 (guid 'g1'): invalid link ..." — enough for a user to find it in the feed."""
    guid = str(e.get("id") or "").strip()
    which = f"entry {n}" + (f" (guid {guid[:100]!r})" if guid else "")
    return f"{which}: {exc}" if str(exc) else f"{which}: {type(exc).__name__}"


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]
