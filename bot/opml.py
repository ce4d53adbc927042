"""Feeds in and out as OPML 2.0, the file every feed reader imports and exports.

    vigia feeds import FILE.opml --config my.yaml   # read_opml -> new_feeds -> add_to_config
    vigia feeds export --config my.yaml > feeds.opml   # export_opml

Readers write feeds as `<outline type="rss" text=".." title=".." xmlUrl=".."/>`, nested in
folder outlines to any depth (opml.org/spec2.opml, "subscription lists"); some add the
language as a `language` attribute. Folders are flattened: the config has no folders.

An OPML file comes from outside (a download, a colleague), so it is read as hostile: at most
MAX_BYTES, no DOCTYPE at all (OPML needs none; a DTD is how entity-expansion and external-
entity attacks get in), and at most MAX_OUTLINES outlines. Reading is done by expat with
handlers that refuse the DOCTYPE before any entity is declared, whatever the encoding says.

Writing keeps the config file's comments, order and indentation (ruamel.yaml's round trip:
PyYAML, which reads the config, drops every comment) and appends the new feeds to `feeds:`.
The result is checked as the daemon would load it before the file is replaced, atomically.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from .config import Config, FeedConfig, feed_identity, parse_config
from .errors import UsageError

# A reader's export of 2,000 feeds is about 400 kB; ten times the daemon's target of 1,000
# feeds still fits in 2 MB. Anything larger is not a subscription list.
MAX_BYTES = 2 * 1024 * 1024
MAX_OUTLINES = 20_000


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str | None
    language: str | None
    folder: str  # "News/World": where the reader kept it (for messages only)


class _Refused(Exception):
    pass


def read_opml(data: bytes, source: str) -> list[OpmlFeed]:
    """The feeds of an OPML document, in document order; UsageError (naming `source`) for a
    document that is too big, declares a DTD, or is not OPML."""
    if len(data) > MAX_BYTES:
        raise UsageError(f"{source}: larger than {MAX_BYTES // (1024 * 1024)} MB; not a list "
                         "of feeds")
    feeds: list[OpmlFeed] = []
    folders: list[str | None] = []  # one per open outline: its name if it is a folder
    state = {"outlines": 0, "root": None}

    def refuse(*_: object) -> None:
        raise _Refused("declares a DTD (<!DOCTYPE or <!ENTITY), which an OPML file never "
                       "needs and vigia never reads (entity-expansion attacks)")

    def start(name: str, attrs: dict[str, str]) -> None:
        if state["root"] is None:
            state["root"] = name
            if name != "opml":
                raise _Refused(f"not OPML: its document element is <{name}>")
        if name != "outline":
            return
        state["outlines"] += 1
        if state["outlines"] > MAX_OUTLINES:
            raise _Refused(f"more than {MAX_OUTLINES:,} outlines; not a list of feeds")
        url = (attrs.get("xmlUrl") or attrs.get("xmlurl") or "").strip()
        label = _clean(attrs.get("title") or attrs.get("text"))
        if url:
            folder = "/".join(f for f in folders if f)
            feeds.append(OpmlFeed(url, label, _language(attrs), folder))
        folders.append(None if url else label)

    def end(name: str) -> None:
        if name == "outline":
            folders.pop()

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise UsageError(f"{source}: {exc}") from None
    except expat.ExpatError as exc:
        raise UsageError(f"{source}: not well-formed XML ({expat.errors.messages[exc.code]}, "
                         f"line {exc.lineno})") from None
    except ValueError as exc:  # pyexpat's "multi-byte encodings are not supported" (UTF-7)
        raise UsageError(f"{source}: not readable XML ({exc}); save it as UTF-8") from None
    return feeds


def _clean(text: str | None) -> str | None:
    """A reader's title as one line: newlines and control characters become spaces."""
    if text is None:
        return None
    text = " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())
    return text or None


def _language(attrs: dict[str, str]) -> str | None:
    """'en', 'es-ES' and 'fr_FR' all as the config writes them (en, es, fr); else None."""
    raw = (attrs.get("language") or attrs.get("lang") or "").strip().lower()
    match = re.match(r"([a-z]{2,3})(?:[-_][a-z0-9]+)*$", raw)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Merge:
    added: list[OpmlFeed]
    present: list[OpmlFeed]  # already in the config (or twice in the file)
    refused: list[tuple[OpmlFeed, str]]  # with the reason


def new_feeds(config: Config, found: Sequence[OpmlFeed]) -> Merge:
    """Which of `found` to add: each feed once (a reader lists a feed in two folders), none
    already in the config (the same feed spelled another way included: `feed_identity`),
    only http(s) URLs (the config's rule)."""
    seen = {feed_identity(f.url) for f in config.feeds}
    added, present, refused = [], [], []
    for feed in found:
        scheme = feed.url.split(":", 1)[0].lower()
        if scheme not in ("http", "https") or "://" not in feed.url:
            refused.append((feed, "not an http(s) URL"))
            continue
        key = feed_identity(feed.url)
        if key in seen:
            present.append(feed)
            continue
        seen.add(key)
        added.append(feed)
    return Merge(added, present, refused)


def export_opml(feeds: Sequence[FeedConfig], now: datetime, title: str = "vigia feeds") -> str:
    """OPML 2.0 as readers import it: one `rss` outline per feed, with its language."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
             f"    <title>{_text(title)}</title>",
             f"    <dateCreated>{format_datetime(now)}</dateCreated>", "  </head>", "  <body>"]
    for feed in feeds:
        name = feed.name or feed.url
        attrs = f'type="rss" text={quoteattr(name)} title={quoteattr(name)} ' \
                f"xmlUrl={quoteattr(feed.url)}"
        if feed.language:
            attrs += f" language={quoteattr(feed.language)}"
        lines.append(f"    <outline {attrs}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- the config file ----------------------------------------------------------------------------

def add_to_config(path: Path, feeds: Sequence[OpmlFeed]) -> str:
    """The config file's text with `feeds` appended to its `feeds:` list, comments and order
    kept; checked as the daemon loads a config (ConfigError otherwise), not yet written."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.util import load_yaml_guess_indent

    text = path.read_text(encoding="utf-8")
    # The file's own indentation, so that only the new lines differ: ruamel guesses a list's
    # (the item's content and its dash), not a mapping's. Defaults: the bundled file's style.
    data, sequence, dash = load_yaml_guess_indent(text)
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long URL or description onto a second line
    yaml.indent(mapping=_mapping_indent(text), sequence=sequence or 4,
                offset=dash if dash is not None else 2)
    data = yaml.load(text) if data is not None else CommentedMap()
    listed = data.get("feeds")
    if not isinstance(listed, CommentedSeq):
        listed = CommentedSeq()
        data["feeds"] = listed
    listed.fa.set_block_style()  # `feeds: []` would otherwise grow into one long line
    last = listed[-1] if len(listed) else None
    for feed in feeds:
        entry = CommentedMap(url=feed.url)
        if feed.title:
            entry["name"] = feed.title
        if feed.language:
            entry["language"] = feed.language
        listed.append(entry)
    if isinstance(last, CommentedMap) and last and feeds:
        _move_tail(last, listed[-1])
    out = io.StringIO()
    yaml.dump(data, out)
    parse_config(out.getvalue(), str(path))  # the daemon must be able to read what we write
    return out.getvalue()


def _move_tail(old: Any, new: Any) -> None:
    """The blank lines and comments after the list's last item (before the next section) are
    that item's in ruamel's model: hand them on to the new last item, so the new feeds go
    right after the old ones instead of after the gap. The old item keeps its own end-of-line
    comment."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    key = list(old)[-1]
    slots = old.ca.items.get(key)
    token = slots[2] if slots and len(slots) > 2 else None
    if not isinstance(token, CommentToken) or "\n" not in token.value:
        return
    own, _, rest = token.value.partition("\n")
    if not rest:
        return
    slots[2] = CommentToken(own + "\n", token.start_mark, None)
    new.ca.items[list(new)[-1]] = [None, None,
                                   CommentToken("\n" + rest, CommentMark(0), None), None]


def _mapping_indent(text: str) -> int:
    """How far the file indents a mapping inside a mapping (`storage:` then `  path:`)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for above, below in zip(lines, lines[1:], strict=False):
        if not above.rstrip().endswith(":") or above.lstrip().startswith("-"):
            continue
        depth = len(above) - len(above.lstrip())
        inner = len(below) - len(below.lstrip())
        if inner > depth and not below.lstrip().startswith("-"):
            return inner - depth
    return 2


def replace_file(path: Path, text: str) -> None:
    """Write `text` in place of `path` atomically (a crash leaves the old file or the new,
    never half of one), keeping the file's permissions: a config may be readable by root only."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
