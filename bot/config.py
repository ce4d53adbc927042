"""The configuration schema, its defaults and its validation: one place, read as documentation.

Each dataclass below is a section of the YAML file; each field's `doc` metadata says what
the key means. `describe()` renders that as the README's table, and a test keeps the two
in step. Loading never raises anything but `ConfigError`, which names the file, the key
path and, where YAML knows it, the line.
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
import zoneinfo
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from .errors import ConfigError
from .model import DEFAULT_TRACK, FACT_NAMES

ENV_CONFIG = "VIGIA_CONFIG"
# The languages the bot speaks (bot/i18n: a catalogue each, English the source).
UI_LANGUAGES = ("en", "es", "fr")


def _doc(text: str, kind: str | None = None) -> dict[str, str]:
    meta = {"doc": text}
    if kind:
        meta["kind"] = kind
    return meta


@dataclass(frozen=True)
class StorageConfig:
    path: str = field(default="vigia.db", metadata=_doc(
        "SQLite file (relative paths are relative to the working directory)"))
    retention: timedelta = field(default=timedelta(days=90), metadata=_doc(
        "how long alerts and their delivery records are kept (pruned daily); anything still "
        "queued and the records of stories still open are always kept; stories, items and "
        "figures are never pruned", "duration"))


@dataclass(frozen=True)
class ChannelConfig:
    chat_id: int = field(metadata=_doc("a chat, group or channel id"))
    watchlists: tuple[str, ...] = field(default=(), metadata=_doc(
        "watchlists delivered there; empty means all"))


@dataclass(frozen=True)
class PacingConfig:
    chat: timedelta = field(default=timedelta(seconds=1), metadata=_doc(
        'least time between two messages to one private chat ("1s", "0.3s", "300ms")',
        "fine_duration"))
    group: timedelta = field(default=timedelta(seconds=3), metadata=_doc(
        "least time between two messages to one group or channel (Telegram allows 20/min)",
        "fine_duration"))
    overall_per_s: int = field(default=30, metadata=_doc(
        "most messages per second in all; raise these limits only for a self-hosted Bot API "
        "server without flood control"))
    max_delay: timedelta = field(default=timedelta(minutes=1), metadata=_doc(
        "longest an alert should wait for its turn in a chat; when a chat's queue would make "
        "it wait longer, the waiting alerts go out combined in one message (newest first, "
        "each linked)", "fine_duration"))


@dataclass(frozen=True)
class DigestConfig:
    max_stories: int = field(default=20, metadata=_doc(
        "most stories one digest message lists (each with its figures); more go out in "
        "further messages right after"))
    min_every: timedelta = field(default=timedelta(hours=1), metadata=_doc(
        "the shortest period a chat may ask for with /digest every (whole hours)",
        "duration"))


@dataclass(frozen=True)
class TelegramConfig:
    token_env: str = field(default="VIGIA_TELEGRAM_TOKEN", metadata=_doc(
        "environment variable holding the bot token (never put the token in the file)"))
    base_url: str = field(default="https://api.telegram.org/bot", metadata=_doc(
        "Bot API base URL; a self-hosted Bot API server may be used", "url"))
    admins: tuple[int, ...] = field(default=(), metadata=_doc(
        "user ids allowed the admin commands"))
    allow: tuple[int, ...] = field(default=(), metadata=_doc(
        "the chats that may subscribe (a private chat's id is its user's; /id tells any "
        "chat's id); empty means anyone who finds the bot may. Alerts then go only to these "
        "chats, the admins and telegram.channels"))
    channels: tuple[ChannelConfig, ...] = field(default=(), metadata=_doc(
        "fixed destinations besides /subscribe"))
    pacing: PacingConfig = field(default_factory=PacingConfig, metadata=_doc(
        "how fast alerts go out (Telegram's limits by default)"))
    language: str = field(default="en", metadata=_doc(
        "the bot's language (en, es, fr) for a chat that has not chosen one with /language "
        "and whose user's Telegram app is in none of them, and for channels", "ui_language"))
    timezone: str = field(default="UTC", metadata=_doc(
        "the time zone of /digest and /quiet times in a chat that has not set one with "
        "/timezone (an IANA name such as Europe/Madrid)", "timezone"))
    digest: DigestConfig = field(default_factory=DigestConfig, metadata=_doc(
        "digests (/digest)"))


@dataclass(frozen=True)
class AppriseConfig:
    # repr=False: the URL carries the service's secrets (tokens, passwords); it must never
    # reach a log line, not even through a printed Config.
    url: str = field(repr=False, metadata=_doc(
        "an Apprise URL (slack://, discord://, matrix://, mailto://, json://...); it holds "
        "secrets, so it is never logged", "apprise_url"))
    watchlists: tuple[str, ...] = field(default=(), metadata=_doc(
        "watchlists delivered there; empty means all"))


@dataclass(frozen=True)
class FetchConfig:
    allow_private_addresses: bool = field(default=False, metadata=_doc(
        "allow feeds on private/loopback addresses (tests and intranet feeds only)"))
    timeout: timedelta = field(default=timedelta(seconds=30), metadata=_doc(
        "deadline for a whole response", "duration"))
    max_bytes: int = field(default=10 * 1024 * 1024, metadata=_doc(
        "largest feed body accepted, after decompression"))
    first_fetch_max_age: timedelta = field(default=timedelta(hours=1), metadata=_doc(
        "on a feed's first fetch (or after it was re-enabled), older entries are marked seen "
        "without alerting; also the slack when catching up after an outage", "duration"))
    max_backoff: timedelta = field(default=timedelta(hours=6), metadata=_doc(
        "longest wait between retries of a failing feed (the wait doubles per failure)",
        "duration"))
    disable_after: int = field(default=30, metadata=_doc(
        "consecutive failures after which a feed is disabled and the admins told"))


@dataclass(frozen=True)
class FeedConfig:
    url: str = field(metadata=_doc("RSS/Atom URL", "url"))
    name: str | None = field(default=None, metadata=_doc(
        "outlet name shown to subscribers; defaults to the feed's title"))
    interval: timedelta = field(default=timedelta(minutes=10), metadata=_doc(
        'how often to poll: "90s", "10m", "1h"', "duration"))
    language: str | None = field(default=None, metadata=_doc(
        "language hint (en, es, fr) when the feed does not say", "language"))


@dataclass(frozen=True)
class WatchlistConfig:
    name: str = field(metadata=_doc("identifier used by /subscribe and channels"))
    include: tuple[str, ...] = field(metadata=_doc(
        "an item matches when it contains any of these (case- and accent-insensitive)"))
    exclude: tuple[str, ...] = field(default=(), metadata=_doc(
        "an item containing any of these never matches"))
    languages: tuple[str, ...] = field(default=(), metadata=_doc(
        "languages accepted; empty means all", "language"))
    track: tuple[str, ...] = field(default=DEFAULT_TRACK, metadata=_doc(
        "facts tracked and alerted, of: deaths, injured, missing, survivors, deaths_total, "
        "strikes_total", "fact"))
    description: str = field(default="", metadata=_doc("one line shown by /watchlists"))
    topic: str = field(default="", metadata=_doc(
        "the vocabulary of the watchlist's subject, read by the grouper beside the general "
        "tables: a bundled topic (us-venezuela) or a YAML file of your own, relative to the "
        "config file (README, \"Topics\"); empty: the general tables only"))


@dataclass(frozen=True)
class GroupingConfig:
    window: timedelta = field(default=timedelta(days=3), metadata=_doc(
        "how long a story stays open to new items after its latest one (at most 30d)",
        "duration"))
    rare_window: timedelta = field(default=timedelta(days=42), metadata=_doc(
        "how long a story of a rare event that kills (a fire, a flood, an earthquake) still "
        "takes a later report that revises its toll or counts its missing, told as an update "
        "(at most 60d; the window or less turns it off)", "duration"))

    @property
    def memory(self) -> timedelta:
        """How far back a story may still be open: twice the window (see Pipeline._evict),
        or the rare events' window when it is longer (a rare event's story kept after the
        window; a restart reads those not yet let go, Service._restore)."""
        return max(2 * self.window, self.rare_window)


@dataclass(frozen=True)
class AlertsConfig:
    corroboration: int = field(default=1, metadata=_doc(
        "distinct outlets needed before a rise of a figure is told"))
    max_per_poll: int = field(default=10, metadata=_doc(
        "most new stories told one by one from one poll of one feed, per watchlist; the "
        "rest are told in one message (\"37 more stories from X: /latest\")"))


@dataclass(frozen=True)
class MetricsConfig:
    port: int = field(default=0, metadata=_doc(
        "serve /healthz and Prometheus /metrics on 127.0.0.1:PORT; 0 turns it off"))


@dataclass(frozen=True)
class Config:
    storage: StorageConfig = field(default_factory=StorageConfig, metadata=_doc("storage"))
    telegram: TelegramConfig = field(default_factory=TelegramConfig, metadata=_doc("Telegram"))
    apprise: tuple[AppriseConfig, ...] = field(default=(), metadata=_doc(
        "more destinations through Apprise (needs `pip install vigia[apprise]`)"))
    fetch: FetchConfig = field(default_factory=FetchConfig, metadata=_doc("fetching"))
    feeds: tuple[FeedConfig, ...] = field(default=(), metadata=_doc("feeds to poll"))
    watchlists: tuple[WatchlistConfig, ...] = field(default=(), metadata=_doc("watchlists"))
    grouping: GroupingConfig = field(default_factory=GroupingConfig, metadata=_doc("grouping"))
    alerts: AlertsConfig = field(default_factory=AlertsConfig, metadata=_doc("alert policy"))
    metrics: MetricsConfig = field(default_factory=MetricsConfig, metadata=_doc("metrics"))
    source: str = field(default="<defaults>", compare=False, metadata=_doc("", "internal"))

    def watchlist(self, name: str) -> WatchlistConfig | None:
        return next((w for w in self.watchlists if w.name == name), None)

    def topics(self) -> tuple[str, ...]:
        """The watchlists' topics, each once: bundled names as they are, files resolved
        against the config file's folder."""
        return tuple(dict.fromkeys(self.topic_of(w) for w in self.watchlists if w.topic))

    def topic_of(self, w: WatchlistConfig) -> str:
        if not w.topic.endswith((".yaml", ".yml")) or Path(w.topic).is_absolute():
            return w.topic
        base = Path(self.source).parent if self.source and not self.source.startswith("<") \
            else Path.cwd()
        return str(base / w.topic)


def known_timezone(name: str) -> bool:
    """Whether zoneinfo knows `name` (an IANA name: UTC, Europe/Madrid, America/Caracas)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


# --- durations ------------------------------------------------------------------------------

_DURATION = re.compile(r"(\d+)\s*(d|h|m|s)")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


MAX_DURATION_S = 3650 * 86400
# Stories stay in memory for twice the window: a month already holds a busy watchlist's
# every story, and more would outgrow a small server's memory.
MAX_WINDOW = timedelta(days=30)
MAX_RARE_WINDOW = timedelta(days=60)


def parse_duration(text: str | int) -> timedelta:
    """'90s', '10m', '1h', '1h30m', '2d' (or a bare number of seconds) -> timedelta >= 1 s."""
    if isinstance(text, bool):
        raise ValueError("expected a duration such as 90s, 10m or 1h")
    if isinstance(text, int):
        seconds = text
    else:
        s = str(text).strip().lower()
        if not s or _DURATION.sub("", s).strip():
            raise ValueError(f"{text!r} is not a duration such as 90s, 10m or 1h")
        seconds = sum(int(n) * _UNITS[u] for n, u in _DURATION.findall(s))
    if seconds < 1:
        raise ValueError(f"{text!r} is shorter than one second")
    if seconds > MAX_DURATION_S:  # also keeps datetime arithmetic inside its range
        raise ValueError(f"{text!r} is longer than ten years")
    return timedelta(seconds=seconds)


_FINE_DURATION = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(ms|d|h|m|s)")


def parse_fine_duration(text: str | int | float) -> timedelta:
    """A duration that may be shorter than a second (pacing): '0.3s', '300ms', '1m', '1m30s',
    or a bare number of seconds -> timedelta > 0."""
    if isinstance(text, bool):
        raise ValueError("expected a duration such as 1s, 0.5s or 300ms")
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        s = str(text).strip().lower()
        if not s or _FINE_DURATION.sub("", s).strip():
            raise ValueError(f"{text!r} is not a duration such as 1s, 0.5s or 300ms")
        seconds = sum(float(n) * (0.001 if u == "ms" else _UNITS[u])
                      for n, u in _FINE_DURATION.findall(s))
    if not seconds > 0:  # also refuses NaN
        raise ValueError(f"{text!r} must be longer than zero")
    if seconds > 86400:
        raise ValueError(f"{text!r} is longer than a day")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    if value.microseconds:
        ms = value / timedelta(milliseconds=1)
        return f"{ms:g}ms"
    seconds = int(value.total_seconds())
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


# --- YAML with line numbers -----------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping key, keyed by its path."""


# How many values aliases may add to a config, in all. An alias is one value in the file but
# a copy of its anchor's whole subtree once read, so a few lines of nested aliases (the
# "billion laughs" of YAML) read as millions of values: 322 bytes took 41 s and 1.2 GB. A
# real config shares a few short lists this way (a set of terms for several watchlists).
ALIAS_BUDGET = 10_000


def _check_aliases(root: yaml.Node | None, file: str) -> None:
    """Refuse, before anything is built, aliases that expand past ALIAS_BUDGET values or
    that refer to the list or mapping holding them (which would never end)."""
    sizes: dict[int, int] = {}  # id(node) -> values in its expansion
    open_: set[int] = set()

    def children(n: yaml.Node) -> list[yaml.Node]:
        if isinstance(n, yaml.MappingNode):
            return [x for pair in n.value for x in pair]
        return list(n.value) if isinstance(n, yaml.SequenceNode) else []

    def size(n: yaml.Node) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        if id(n) in open_:
            raise ConfigError("an alias refers to the list or mapping that holds it",
                              file=file, line=n.start_mark.line + 1)
        open_.add(id(n))
        total = 1
        for child in children(n):
            total += size(child)
            if total - distinct > ALIAS_BUDGET:
                raise ConfigError(f"aliases expand the config to more than {ALIAS_BUDGET:,} "
                                  "values more than it holds (an alias bomb?); write the "
                                  "values out instead", file=file,
                                  # the list or mapping being expanded: an alias has no
                                  # node of its own to give a line
                                  line=n.start_mark.line + 1)
        open_.discard(id(n))
        sizes[id(n)] = total
        return total

    def count(n: yaml.Node, seen: set[int]) -> None:  # the values as written, each once
        stack = [n]
        while stack:
            node = stack.pop()
            if id(node) not in seen:
                seen.add(id(node))
                stack.extend(children(node))

    if root is None:
        return
    written: set[int] = set()
    count(root, written)
    distinct = len(written)
    size(root)


def _compose(text: str, file: str) -> tuple[Any, dict[tuple, int]]:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"not valid YAML: {problem}", file=file,
                          line=mark.line + 1 if mark else None) from None
    _check_aliases(node, file)
    lines: dict[tuple, int] = {}

    def walk(n: yaml.Node | None, path: tuple) -> Any:
        if n is None:
            return None
        if n.start_mark is not None:
            lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for k, v in n.value:
                key = k.value
                lines[path + (key,)] = k.start_mark.line + 1
                if key in out:
                    raise ConfigError("key given twice", file=file, key=_dotted(path + (key,)),
                                      line=k.start_mark.line + 1)
                out[key] = walk(v, path + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, path + (i,)) for i, v in enumerate(n.value)]
        loader = _Loader("")
        try:
            return loader.construct_object(n, deep=True)
        except yaml.YAMLError as exc:
            raise ConfigError(f"bad value: {exc}", file=file, key=_dotted(path),
                              line=n.start_mark.line + 1) from None

    return walk(node, ()), lines


def _dotted(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


# --- schema-driven conversion ---------------------------------------------------------------

class _Unbuilt(Exception):
    """A part of the config could not be built; its mistakes are in `_Builder.errors`."""


class _Builder:
    """Builds the dataclasses from the YAML, collecting every mistake rather than stopping at
    the first: a user fixing a config wants the whole list. A value that fails is left out
    (its default stands in, or the list or section holding it is given up)."""

    def __init__(self, file: str, lines: dict[tuple, int]) -> None:
        self.file, self.lines = file, lines
        self.errors: list[ConfigError] = []

    def error(self, path: tuple, message: str) -> ConfigError:
        line = None
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                line = self.lines[path[:cut]]
                break
        return ConfigError(message, file=self.file, key=_dotted(path) or None, line=line)

    def fail(self, path: tuple, message: str) -> typing.NoReturn:
        raise self.error(path, message)

    def report(self, path: tuple, message: str) -> None:
        """A mistake that does not stop the building (or the checking) of the rest."""
        self.errors.append(self.error(path, message))

    def build(self, cls: type, data: Any, path: tuple) -> Any:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.fail(path, f"expected a mapping, got {_kind(data)}")
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)
                  if f.metadata.get("kind") != "internal"}
        for key in data:
            if key not in fields:
                known = ", ".join(sorted(fields))
                self.report(path + (key,), f"unknown key (known here: {known})")
        values, broken = {}, False
        for name, f in fields.items():
            required = (f.default is dataclasses.MISSING
                        and f.default_factory is dataclasses.MISSING)
            if name not in data:
                if required:
                    self.report(path + (name,), "required key is missing")
                    broken = True
                continue
            try:
                values[name] = self.value(hints[name], data[name], path + (name,),
                                          f.metadata.get("kind"))
            except ConfigError as exc:
                self.errors.append(exc)
                broken |= required
            except _Unbuilt:
                broken |= required
        if broken:
            raise _Unbuilt
        return cls(**values)

    def value(self, tp: Any, data: Any, path: tuple, kind: str | None) -> Any:
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if data is None:
                return None
            return self.value(args[0], data, path, kind)
        if origin is tuple:
            inner = typing.get_args(tp)[0]
            if data is None:
                return ()  # "feeds:" with nothing under it: an empty list
            if (isinstance(data, str | int) and not isinstance(data, bool)
                    and not dataclasses.is_dataclass(inner)):
                data = [data]  # a lone term where a list is expected: take it as one element
            if not isinstance(data, list):
                self.fail(path, f"expected a list, got {_kind(data)}")
            out, broken = [], False
            for i, v in enumerate(data):  # every element's mistakes, not the first one's
                try:
                    out.append(self.value(inner, v, path + (i,), kind))
                except ConfigError as exc:
                    self.errors.append(exc)
                    broken = True
                except _Unbuilt:
                    broken = True
            if broken:  # a list with holes would shift the indexes later messages name
                raise _Unbuilt
            return tuple(out)
        if dataclasses.is_dataclass(tp):
            return self.build(tp, data, path)
        if tp is timedelta:
            try:
                return parse_fine_duration(data) if kind == "fine_duration" \
                    else parse_duration(data)
            except ValueError as exc:
                self.fail(path, str(exc))
        if tp is bool:
            if not isinstance(data, bool):
                self.fail(path, f"expected true or false, got {_kind(data)}")
            return data
        if tp is int:
            if isinstance(data, bool) or not isinstance(data, int):
                self.fail(path, f"expected a whole number, got {_kind(data)}")
            return data
        if tp is str:
            if not isinstance(data, str | int | float) or isinstance(data, bool):
                # YAML reads on, off, yes and no as true/false: a term must be quoted
                hint = ' (YAML reads on/off/yes/no as true/false: write "on" in quotes)' \
                    if isinstance(data, bool) else ""
                self.fail(path, f"expected text, got {_kind(data)}{hint}")
            text = str(data).strip()
            if kind == "url":
                self.check_url(text, path)
            elif kind == "apprise_url" and not _APPRISE_URL.match(text):
                # Never quote the value: it may hold a token or a password.
                self.fail(path, "not an Apprise URL: expected service://..., such as "
                                "slack://..., discord://..., mailto://... or json://...")
            elif kind == "language" and not re.fullmatch(r"[a-z]{2,3}", text):
                self.fail(path, f"{text!r} is not a language code such as en, es or fr")
            elif kind == "ui_language" and text not in UI_LANGUAGES:
                self.fail(path, f"{text!r}: the bot speaks {', '.join(UI_LANGUAGES)}")
            elif kind == "timezone" and not known_timezone(text):
                self.fail(path, f"{text!r} is not a time zone such as UTC or Europe/Madrid")
            elif kind == "fact" and text not in FACT_NAMES:
                self.fail(path, f"unknown fact {text!r} (known: {', '.join(FACT_NAMES)})")
            return text
        raise TypeError(f"schema type {tp!r} not handled")  # a bug in this module, not the user's

    def check_url(self, text: str, path: tuple) -> None:
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            self.fail(path, f"{text!r} is not an http(s) URL")
        try:
            parts.port  # noqa: B018 - urllib checks the port only when asked for it
        except ValueError:
            self.fail(path, f"{text!r} has a port that is not a number from 0 to 65535")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def feed_identity(url: str) -> str:
    """The URL as a server tells URLs apart: scheme and host in any case, the default port
    written or not, an empty path or "/", the fragment (never sent) — all one; the path and
    the query as written (servers tell /Feed from /feed). Two feeds with one identity are
    one feed polled twice, and each entry would be one article from two feeds."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6
    try:
        port = parts.port
    except ValueError:
        port = None  # check_url has said so
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


_APPRISE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S")


def _kind(data: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number", type(None): "nothing"}.get(type(data), "a value")


def _check(cfg: Config, b: _Builder) -> None:
    seen: dict[str, int] = {}
    for i, feed in enumerate(cfg.feeds):
        key = feed_identity(feed.url)
        if key in seen:
            b.report(("feeds", i, "url"), f"duplicate feed (same as feeds[{seen[key]}])")
        seen[key] = i
    names: dict[str, int] = {}
    for i, w in enumerate(cfg.watchlists):
        if not re.fullmatch(r"[A-Za-z0-9_-]+", w.name):
            b.report(("watchlists", i, "name"), "use letters, digits, - and _ only")
        if w.name in names:
            b.report(("watchlists", i, "name"), f"duplicate watchlist {w.name!r}")
        names[w.name] = i
        if not any(t.strip() for t in w.include):
            b.report(("watchlists", i, "include"), "needs at least one term")
        _check_terms(w, i, b)
        if w.topic:
            from .text.lexicon import TopicError, lexicon  # as _check_terms: only when needed

            try:
                lexicon((cfg.topic_of(w),))
            except TopicError as exc:
                b.report(("watchlists", i, "topic"), str(exc))
    for i, ch in enumerate(cfg.telegram.channels):
        for j, name in enumerate(ch.watchlists):
            if name not in names:
                b.report(("telegram", "channels", i, "watchlists", j),
                         f"no watchlist named {name!r}")
    urls: dict[str, int] = {}
    for i, dest in enumerate(cfg.apprise):
        if dest.url in urls:
            b.report(("apprise", i, "url"), f"same URL as apprise[{urls[dest.url]}]")
        urls[dest.url] = i
        for j, name in enumerate(dest.watchlists):
            if name not in names:
                b.report(("apprise", i, "watchlists", j), f"no watchlist named {name!r}")
    if cfg.grouping.window > MAX_WINDOW:
        b.report(("grouping", "window"), "must be 30d or less (stories are kept in memory "
                 "for twice the window)")
    if cfg.grouping.rare_window > MAX_RARE_WINDOW:
        b.report(("grouping", "rare_window"), "must be 60d or less (rare events' stories are "
                 "kept in memory that long)")
    if cfg.alerts.corroboration < 1:
        b.report(("alerts", "corroboration"), "must be 1 or more")
    if cfg.alerts.max_per_poll < 1:
        b.report(("alerts", "max_per_poll"), "must be 1 or more")
    if cfg.fetch.disable_after < 1:
        b.report(("fetch", "disable_after"), "must be 1 or more")
    if not 0 <= cfg.metrics.port <= 65535:
        b.report(("metrics", "port"), "must be a TCP port (1-65535) or 0 for off")
    if cfg.telegram.pacing.overall_per_s < 1:
        b.report(("telegram", "pacing", "overall_per_s"), "must be 1 or more")
    if cfg.fetch.max_bytes < 1024:
        b.report(("fetch", "max_bytes"), "must be at least 1024")
    digest = cfg.telegram.digest
    if digest.max_stories < 1:
        b.report(("telegram", "digest", "max_stories"), "must be 1 or more")
    if digest.min_every % timedelta(hours=1) or not \
            timedelta(hours=1) <= digest.min_every <= timedelta(hours=24):
        b.report(("telegram", "digest", "min_every"), "must be whole hours from 1h to 24h")


def _check_terms(w: WatchlistConfig, i: int, b: _Builder) -> None:
    """A term is compared folded (no case, no accents); one that folds to nothing ("´", a
    lone combining accent) would be found in every article: in `include` everything
    matches, in `exclude` nothing does."""
    # Imported here: the core's text module must not be needed to import the config schema.
    from .text import words_of

    for key, effect in (("include", "match"), ("exclude", "be excluded")):
        for j, term in enumerate(getattr(w, key)):
            # A blank term is no term (the matcher skips it); this one is not blank.
            if term.strip() and not words_of(term):
                b.report(("watchlists", i, key, j), f"{term!r} is empty once case and "
                         f"accents are set aside: every article would {effect}")


# --- entry points ---------------------------------------------------------------------------

# The bundled default's one name, in messages, the README and deploy/: the repository's
# config/vigia.yaml, which outside tools read. The package carries a copy (bot/data/vigia.yaml,
# kept identical by a test) because an installed vigia has no repository beside it.
BUNDLED = "config/vigia.yaml"


def bundled_config_path() -> Path:
    return Path(str(resources.files("bot") / "data" / "vigia.yaml"))


def default_config_path() -> Path:
    """The config used when none is named: $VIGIA_CONFIG, else the bundled one."""
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env)
    return bundled_config_path()


def load_bundled() -> Config:
    """The bundled config, named as the user knows it (not by its place in site-packages)."""
    text = bundled_config_path().read_text(encoding="utf-8")
    return parse_config(text, f"{BUNDLED} (bundled)")


def parse_config(text: str, file: str = "<config>") -> Config:
    try:
        data, lines = _compose(text, file)
    except RecursionError:  # PyYAML and our walk recurse per level of nesting
        raise ConfigError("lists or mappings nested too deeply", file=file) from None
    b = _Builder(file, lines)
    try:
        cfg = dataclasses.replace(b.build(Config, data, ()), source=file)
    except ConfigError as exc:  # not a mapping at all
        b.errors.append(exc)
    except _Unbuilt:
        pass
    # The checks across keys (duplicates, names that must exist) only mean something on a
    # config that was built whole; they too report every mistake they find.
    if not b.errors:
        _check(cfg, b)
    if b.errors:
        first, *more = sorted(b.errors, key=lambda e: e.line or 0)  # stable: file order
        first.more = tuple(more)
        raise first
    return cfg


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """`path`, else $VIGIA_CONFIG, else the bundled config."""
    if path is None and not os.environ.get(ENV_CONFIG):
        return load_bundled()
    p = Path(path) if path is not None else default_config_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=str(p)) from None
    return parse_config(text, str(p))


def describe(cls: type = Config, prefix: str = "") -> list[tuple[str, str, str]]:
    """(key, default, meaning) for every key, for the README's config table."""
    rows = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.metadata.get("kind") == "internal":
            continue
        key = f"{prefix}{f.name}"
        tp = hints[f.name]
        inner = typing.get_args(tp)[0] if typing.get_origin(tp) is tuple else tp
        if dataclasses.is_dataclass(inner):
            sub = f"{key}[]." if inner is not tp else f"{key}."
            rows.extend(describe(inner, sub))
            continue
        if f.default is not dataclasses.MISSING:
            d = f.default
            default = (format_duration(d) if isinstance(d, timedelta)
                       else "[" + ", ".join(map(str, d)) + "]" if isinstance(d, tuple)
                       else "null" if d is None else str(d).lower() if isinstance(d, bool)
                       else str(d))
        else:
            default = "(required)"
        rows.append((key, default, f.metadata.get("doc", "")))
    return rows


def markdown_table() -> str:
    """The README's config table, generated from the schema (a test keeps README in step)."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for key, default, meaning in describe():
        rows.append(f"| `{key}` | {f'`{default}`' if default else ''} | {meaning} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
