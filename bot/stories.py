"""Looking at stories, for /latest, /story, `vigia stories` and `vigia story`: the store's rows
handed to the pure functions of timeline.py. The bot and the command line share it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .i18n import ENGLISH, Tr
from .model import Story
from .store import Store
from .timeline import Entry, Series, chart_series, figures_by_story, timeline

# A story id as a person copies it may be cut short (like a git hash): this many characters
# at least, so that "s" or "s1" does not pick one story out of thousands by chance.
MIN_PREFIX = 5


class NoSuchStory(LookupError):
    """The story a user named is not in the store; the message says what to give instead."""


@dataclass(frozen=True)
class Latest:
    stories: list[Story]
    figures: dict[str, dict[str, int]]  # story id -> its figures


@dataclass(frozen=True)
class Look:
    """One story, as /story and `vigia story` show it."""

    story: Story
    entries: list[Entry]
    series: list[Series]  # the figures that rose: what a chart shows


def latest(store: Store, watchlists: Sequence[str] | None, limit: int,
           since: datetime | None = None) -> Latest:
    stories = store.items.latest_stories(watchlists, limit, since=since)
    rows = store.items.fact_rows(s.id for s in stories)
    return Latest(stories, figures_by_story(rows))


def find(store: Store, key: str, *, tr: Tr = ENGLISH) -> Story:
    """A story by its id, or by the start of it (at least MIN_PREFIX characters); NoSuchStory
    says otherwise in `tr`'s language (English for the shell)."""
    key = key.strip()
    story = store.items.story(key)
    if story is not None:
        return story
    if len(key) < MIN_PREFIX:
        raise NoSuchStory(tr._("no story {key!r}: give a story's id (as /latest or `vigia "
                               "stories` show it), or its first few characters", key=key))
    found = store.items.stories_by_prefix(key)
    if len(found) == 1:
        return found[0]
    if found:
        raise NoSuchStory(tr._("more than one story starts with {key!r}: give more of its id",
                               key=key))
    raise NoSuchStory(tr._("no story {key!r}: give a story's id as /latest or `vigia stories` "
                           "show it", key=key))


def look(store: Store, story: Story, *, tr: Tr = ENGLISH) -> Look:
    """The story's timeline and the series of its chart, labelled in `tr`'s language."""
    entries = timeline([(r.item, r.seen, r.facts) for r in store.items.reports(story.id)])
    return Look(story, entries, chart_series(entries, tr=tr))
