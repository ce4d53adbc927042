"""The domain as plain data: what the core reads and what it decides.

Nothing here touches the network, the clock or SQLite; the shell builds these from feeds
and rows and persists what the core returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

# The fact names of design.md; outside tools rely on them.
STORY_FACTS = ("deaths", "injured", "missing", "survivors")
WATCHLIST_FACTS = ("deaths_total", "strikes_total")
FACT_NAMES = STORY_FACTS + WATCHLIST_FACTS
# What a watchlist tracks when its config says nothing (design.md): injured and missing are
# read and stored for every item, and told only to the watchlists that ask for them.
DEFAULT_TRACK = ("deaths", "survivors", "deaths_total", "strikes_total")


@dataclass(frozen=True, slots=True)
class Item:
    """One feed entry, as plain text. `id` is the guid, else the canonical link."""

    id: str
    link: str
    feed: str  # the feed's URL: where the item came from
    outlet: str  # the feed's human name, shown to subscribers
    title: str
    summary: str
    published: datetime  # timezone-aware, UTC
    language: str | None = None  # "en", "es", "fr", ... when known


@dataclass(frozen=True, slots=True)
class Fact:
    """A figure read from an item: `span` is the text it came from, kept as evidence."""

    name: str  # one of FACT_NAMES
    value: int
    span: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """A tracked figure rose above the highest value seen before (`old` is None the first time)."""

    fact: str
    old: int | None
    new: int
    sources: tuple[str, ...] = ()  # outlets that reported the new value


# "summary": the daemon's one message for the stories of a poll past alerts.max_per_poll
# (never in `vigia replay`'s output, whose kinds are the contract's two)
AlertKind = Literal["new_story", "update", "summary"]


@dataclass(frozen=True, slots=True)
class Alert:
    """What a watchlist's subscribers are told. `text` is the message exactly as shown."""

    at: datetime
    kind: AlertKind
    watchlist: str
    story: str
    items: tuple[str, ...]
    changes: tuple[Change, ...]
    text: str
    title: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (outlet, link) of the story's members so far


@dataclass(slots=True)
class Story:
    """An event as reported by one or more items."""

    id: str
    title: str
    first_seen: datetime
    last_seen: datetime
    items: list[str] = field(default_factory=list)  # in the store: items.story, not here
    outlets: list[str] = field(default_factory=list)  # distinct, in order of first report
    links: list[tuple[str, str]] = field(default_factory=list)  # (outlet, its first link)
    languages: list[str] = field(default_factory=list)
    watchlists: list[str] = field(default_factory=list)  # watchlists already alerted
    # watchlist -> the told story this one was taken for a repeat of (not told, not yet)
    held: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """Persisted state of the ledger (bot/ledger.py): the highest told value, or an outlet's
    report of a pending one."""

    scope: str
    fact: str
    value: int
    outlet: str = ""  # empty for the told maximum; an outlet name for a pending report


@dataclass
class Decision:
    """What the pipeline decided about one item: the shell saves it in one transaction."""

    item: Item
    story: Story  # the story's state after this item
    story_is_new: bool
    watchlists: list[str]  # watchlists the item itself matches
    facts: list[Fact]
    changes: list[Change]
    alerts: list[Alert]
    ledger: dict[str, list[LedgerRow]] = field(default_factory=dict)  # touched scopes, full rows
    evicted: list[str] = field(default_factory=list)  # stories that left the window
    edited: bool = False  # a known item whose text changed


@dataclass(frozen=True, slots=True)
class Filters:
    """What a chat lets through of one watchlist's alerts (/filters). The defaults let
    everything through; bot/subscribers/filters.py decides."""

    min_killed: int = 0  # only stories with at least this many killed (0: any)
    updates: bool = True  # False: new stories only
    languages: tuple[str, ...] = ()  # only reports in these languages (empty: any)
    include: tuple[str, ...] = ()  # words of which one must be there, beside the watchlist's
    exclude: tuple[str, ...] = ()  # words that keep an alert out
