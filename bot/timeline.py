"""A story told over time: its timeline and the data of its chart, as pure functions.

    store.items.reports(story)  ─▶ timeline(reports) ─▶ [Entry]  ─▶ timeline_text (/story, CLI)
                                                       └▶ chart_series(entries) ─▶ chart.draw

The store gives the rows (each item with the figures read from it); what a report said, which
figure rose and what a chart shows are decided here, with no store, clock or plotting library,
so that a test of them needs none. The rule for "rose" is the ledger's (design.md): a figure
rises when a report gives a value above the highest of every earlier report; a lower or equal
value is stale or disputed, shown but never a rise.

Every text a reader sees is built by one function here (`story_heading`, `entry_line`,
`timeline_text`, `stories_text`, `chart_caption`, and the chart's labels), in the language of
the `Tr` it is given: the chat's on Telegram, English (the default) for `vigia stories` and
`vigia story`. The words are the catalogue's (bot/locale), the fact labels the alerts'.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .i18n import ENGLISH, Tr
from .i18n.labels import ORDER, fact_label
from .model import Fact, Item, Story


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


def chart_series(entries: Sequence[Entry], *, tr: Tr = ENGLISH) -> list[Series]:
    """The figures worth a chart: those that rose after their first report (a figure told
    once, or only repeated, is a number, not a curve), in the alerts' order of facts, each
    labelled in `tr`'s language."""
    out = []
    for name in _ordered({n for e in entries for n in e.figures}):
        points = tuple(Point(e.at, e.figures[name], e.outlet) for e in entries
                       if name in e.figures)
        highest = tuple((e.at, e.figures[name]) for e in entries if name in e.rose)
        if len(highest) >= 2:
            out.append(Series(name, fact_label(tr, name), points, highest))
    return out


def _ordered(names: Iterable[str]) -> list[str]:
    """Fact names in the alerts' order of facts, any unknown one after them."""
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


# -- texts ---------------------------------------------------------------------------------------
# Each takes the reader's `Tr` (English, the default, for the shell): the chat's language on
# Telegram. Fact labels are the alerts' (i18n/labels.py); times are UTC, written as the rest
# of the bot writes them.

def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def describe(figures: Mapping[str, int], *, tr: Tr = ENGLISH) -> str:
    """'killed: 5 · campaign toll: 87', in the alerts' order of facts."""
    return " · ".join(tr._("{label}: {value}", label=fact_label(tr, n), value=figures[n])
                      for n in _ordered(figures))


def story_heading(story: Story, figures: Mapping[str, int], reports: int, *,
                  tr: Tr = ENGLISH) -> str:
    values = {"reports": tr.n_("{n} report", "{n} reports", reports),
              "outlets": tr.n_("{n} outlet", "{n} outlets", len(set(story.outlets))),
              "first": _stamp(story.first_seen), "last": _stamp(story.last_seen)}
    lines = [tr._("Story {id}: {title}", id=story.id, title=story.title)]
    if story.languages:
        lines.append(tr._("{reports} from {outlets} ({languages}), {first} to {last}",
                          languages=", ".join(story.languages), **values))
    else:
        lines.append(tr._("{reports} from {outlets}, {first} to {last}", **values))
    if figures:
        lines.append(tr._("Figures (highest reported): {figures}",
                          figures=describe(figures, tr=tr)))
    return "\n".join(lines)


def entry_line(e: Entry, title_width: int = 70, *, tr: Tr = ENGLISH) -> str:
    """'2025-10-02 18:10  AP (en)  killed: 5 (rose from 3)  — Title'."""
    said = []
    for name in _ordered(e.figures):
        label, value = fact_label(tr, name), e.figures[name]
        if name in e.rose and e.rose[name] is not None:
            said.append(tr._("{label}: {value} (rose from {old})", label=label, value=value,
                             old=e.rose[name]))
        else:
            said.append(tr._("{label}: {value}", label=label, value=value))
    title = e.title if len(e.title) <= title_width else e.title[:title_width - 1] + "…"
    return (f"{e.at:%Y-%m-%d %H:%M}  {e.outlet} ({e.language or '?'})  "
            f"{'; '.join(said) or tr._('no figures')}  — {title}")


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
                  limit: int = MAX_ENTRIES, tr: Tr = ENGLISH) -> str:
    """The story's timeline as /story and `vigia story` print it."""
    figures = story_figures((n, v) for e in entries for n, v in e.figures.items())
    lines = [story_heading(story, figures, len(entries), tr=tr), "", tr._("Timeline (UTC):")]
    shown = pick(entries, limit)
    last = -1
    for i in shown:
        if i > last + 1:
            lines.append("  … " + tr.n_("{n} report with no new figure",
                                        "{n} reports with no new figure", i - last - 1))
        lines.append(entry_line(entries[i], tr=tr))
        last = i
    if charted:
        lines += ["", tr._("Chart: {figures} over time.",
                           figures=", ".join(fact_label(tr, n) for n in charted))]
    return "\n".join(lines)


def chart_caption(story: Story, series: Sequence[Series], *, tr: Tr = ENGLISH) -> str:
    """The picture's caption (Telegram allows 1,024 characters): each figure's told steps."""
    steps = [tr._("{label}: {value}", label=fact_label(tr, s.fact),
                  value=" → ".join(str(v) for _, v in s.highest)) for s in series]
    return f"{story.title[:300]}\n" + "\n".join(steps)


def chart_words(tr: Tr = ENGLISH) -> dict[str, str]:
    """The chart's own words, for its legend and time axis (chart.figure draws them), and the
    strftime formats of its dates that name a month: matplotlib's own in English ("Oct-15",
    "2025-Oct-15"), numbers elsewhere, as the bot writes dates ("10-15", "2025-10-15"),
    since a month's name would be English whatever the reader's language."""
    return {"highest": tr._("highest reported"), "each": tr._("each report"),
            "time": tr._("time of report (UTC)"),
            "month": tr.p_("chart date", "%b"), "day": tr.p_("chart date", "%b-%d"),
            "month_offset": tr.p_("chart date", "%Y-%b"),
            "day_offset": tr.p_("chart date", "%Y-%b-%d"),
            "minute_offset": tr.p_("chart date", "%Y-%b-%d %H:%M")}


def stories_text(stories: Sequence[Story], figures: Mapping[str, Mapping[str, int]],
                 header: str, *, tr: Tr = ENGLISH) -> str:
    """A numbered list of stories, newest first: what /latest and `vigia stories` print."""
    lines = [header]
    for n, story in enumerate(stories, 1):
        outlets = tr.n_("{n} outlet", "{n} outlets", len(set(story.outlets)))
        figs = describe(figures.get(story.id, {}), tr=tr)
        link = story.links[0][1] if story.links else ""
        lines.append(f"{n}. {_stamp(story.last_seen)}: {story.title} — "
                     + (f"{figs} — " if figs else "")
                     + f"{outlets} [{story.id}]"
                     + (f"\n   {link}" if link else ""))
    return "\n".join(lines)
