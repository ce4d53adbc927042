"""A story told over time: its timeline and the data of its chart, as pure functions.

    store.items.reports(story)  ─▶ timeline(reports) ─▶ [Entry]  ─▶ timeline_text (/story, CLI)
                                                       └▶ chart_series(entries) ─▶ chart.draw

The store gives the rows (each item with the figures read from it); what a report said, which
figure rose and what a chart shows are decided here, with no store, clock or plotting library,
so that a test of them needs none. The rule for "rose" is the ledger's (design.md): a figure
rises when a report gives a value above the highest of every earlier report; a lower or equal
value is stale or disputed, shown but never a rise.

Every text a reader sees is built by one function here (`story_heading`, `entry_line`,
`timeline_text`, `stories_text`, `chart_caption`), so a later message catalogue has one place
per message to take over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .model import Fact, Item, Story
from .render import LABELS, ORDER


@dataclass(frozen=True, slots=True)
class Entry:
    """One report of a story, as its timeline shows it."""

    at: datetime  # when the outlet published it
    outlet: str
    language: str | None
    title: str
    link: str
    figures: dict[str, int] = field(default_factory=dict)  # fact -> the value it gave
    # fact -> the highest value before this report (None: the first report of it), for each
    # figure this report raised
    rose: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Point:
    at: datetime
    value: int
    outlet: str


@dataclass(frozen=True, slots=True)
class Series:
    """One figure of a story over time: what each report said (`points`), and the highest
    value known after each of them (`highest`, a step line: the figure as it was told)."""

    fact: str
    label: str
    points: tuple[Point, ...]
    highest: tuple[tuple[datetime, int], ...]


def _figures(facts: Iterable[Fact]) -> dict[str, int]:
    """One value per fact for one report: the highest, should a report give two."""
    out: dict[str, int] = {}
    for f in facts:
        out[f.name] = max(out.get(f.name, f.value), f.value)
    return out


def timeline(reports: Sequence[tuple[Item, datetime, Sequence[Fact]]]) -> list[Entry]:
    """The story's reports in published order (then as seen), each with its figures and the
    ones it raised. `reports`: (item, seen, facts) rows, as `Items.reports` gives them."""
    ordered = sorted(enumerate(reports), key=lambda r: (r[1][0].published, r[1][1], r[0]))
    highest: dict[str, int] = {}
    out = []
    for _, (item, _seen, facts) in ordered:
        figures = _figures(facts)
        rose = {name: highest.get(name) for name, value in figures.items()
                if name not in highest or value > highest[name]}
        for name in rose:
            highest[name] = figures[name]
        out.append(Entry(item.published, item.outlet or item.feed, item.language, item.title,
                         item.link, figures, rose))
    return out


def story_figures(values: Iterable[tuple[str, int]]) -> dict[str, int]:
    """A story's figures: the highest value reported of each fact (the ledger's rule)."""
    out: dict[str, int] = {}
    for name, value in values:
        out[name] = max(out.get(name, value), value)
    return out


def figures_by_story(rows: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    """(story, fact, value) rows, as `Items.fact_rows` gives them -> each story's figures."""
    grouped: dict[str, list[tuple[str, int]]] = {}
    for story, name, value in rows:
        grouped.setdefault(story, []).append((name, value))
    return {story: story_figures(values) for story, values in grouped.items()}


def chart_series(entries: Sequence[Entry]) -> list[Series]:
    """The figures worth a chart: those that rose after their first report (a figure told
    once, or only repeated, is a number, not a curve), in the alerts' order of facts."""
    out = []
    names = sorted({n for e in entries for n in e.figures},
                   key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    for name in names:
        points = tuple(Point(e.at, e.figures[name], e.outlet) for e in entries
                       if name in e.figures)
        highest = tuple((e.at, e.figures[name]) for e in entries if name in e.rose)
        if len(highest) >= 2:
            out.append(Series(name, LABELS.get(name, name), points, highest))
    return out


# -- texts ---------------------------------------------------------------------------------------

def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def describe(figures: Mapping[str, int]) -> str:
    """'killed: 5 · campaign toll: 87', in the alerts' order of facts."""
    names = sorted(figures, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return " · ".join(f"{LABELS.get(n, n)}: {figures[n]}" for n in names)


def _count(n: int, noun: str, plural: str) -> str:
    return f"{n} {noun if n == 1 else plural}"


def story_heading(story: Story, figures: Mapping[str, int], reports: int) -> str:
    languages = ", ".join(story.languages)
    lines = [f"Story {story.id}: {story.title}",
             f"{_count(reports, 'report', 'reports')} from "
             f"{_count(len(set(story.outlets)), 'outlet', 'outlets')}"
             + (f" ({languages})" if languages else "")
             + f", {_stamp(story.first_seen)} to {_stamp(story.last_seen)}"]
    if figures:
        lines.append("Figures (highest reported): " + describe(figures))
    return "\n".join(lines)


def entry_line(e: Entry, title_width: int = 70) -> str:
    """'2025-10-02 18:10  AP (en)  killed: 5 (rose from 3)  — Title'."""
    said = []
    for name in sorted(e.figures, key=lambda n: (ORDER.index(n) if n in ORDER else 9, n)):
        text = f"{LABELS.get(name, name)}: {e.figures[name]}"
        if name in e.rose and e.rose[name] is not None:
            text += f" (rose from {e.rose[name]})"
        said.append(text)
    title = e.title if len(e.title) <= title_width else e.title[:title_width - 1] + "…"
    return (f"{e.at:%Y-%m-%d %H:%M}  {e.outlet} ({e.language or '?'})  "
            f"{'; '.join(said) or 'no figures'}  — {title}")


# A timeline longer than this shows the first report, every report that raised a figure and
# the latest ones up to this many lines: a story reported 200 times would not fit a Telegram
# message (4,096 characters), and the reports that carried no new figure say the least.
MAX_ENTRIES = 25


def pick(entries: Sequence[Entry], limit: int = MAX_ENTRIES) -> list[int]:
    """The indexes of the entries a timeline shows, in order (see MAX_ENTRIES)."""
    if len(entries) <= limit:
        return list(range(len(entries)))
    keep = {0} | {i for i, e in enumerate(entries) if e.rose}
    keep = set(sorted(keep)[:limit])
    for i in range(len(entries) - 1, -1, -1):
        if len(keep) >= limit:
            break
        keep.add(i)
    return sorted(keep)


def timeline_text(story: Story, entries: Sequence[Entry], *, charted: Sequence[str] = (),
                  limit: int = MAX_ENTRIES) -> str:
    """The story's timeline as /story and `vigia story` print it."""
    figures = story_figures((n, v) for e in entries for n, v in e.figures.items())
    lines = [story_heading(story, figures, len(entries)), "", "Timeline (UTC):"]
    shown = pick(entries, limit)
    last = -1
    for i in shown:
        if i > last + 1:
            lines.append(f"  … {_count(i - last - 1, 'report', 'reports')} with no new figure")
        lines.append(entry_line(entries[i]))
        last = i
    if charted:
        lines += ["", "Chart: " + ", ".join(LABELS.get(n, n) for n in charted) + " over time."]
    return "\n".join(lines)


def chart_caption(story: Story, series: Sequence[Series]) -> str:
    """The picture's caption (Telegram allows 1,024 characters): each figure's told steps."""
    steps = [f"{s.label}: " + " → ".join(str(v) for _, v in s.highest) for s in series]
    return f"{story.title[:300]}\n" + "\n".join(steps)


def stories_text(stories: Sequence[Story], figures: Mapping[str, Mapping[str, int]],
                 header: str) -> str:
    """A numbered list of stories, newest first: what /latest and `vigia stories` print."""
    lines = [header]
    for n, story in enumerate(stories, 1):
        outlets = len(set(story.outlets))
        figs = describe(figures.get(story.id, {}))
        link = story.links[0][1] if story.links else ""
        lines.append(f"{n}. {_stamp(story.last_seen)}: {story.title} — "
                     + (f"{figs} — " if figs else "")
                     + f"{_count(outlets, 'outlet', 'outlets')} [{story.id}]"
                     + (f"\n   {link}" if link else ""))
    return "\n".join(lines)
