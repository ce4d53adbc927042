"""Alert text as a subscriber reads it: the figure, the delta, the previous value, the sources.

Plain text; the Telegram sink renders the same parts as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Change, Story

LABELS = {
    "deaths": "killed",
    "injured": "injured",
    "missing": "missing",
    "survivors": "survivors",
    "deaths_total": "campaign toll",
    "strikes_total": "strikes so far",
}
ORDER = ("deaths", "injured", "missing", "survivors", "deaths_total", "strikes_total")


def describe_change(c: Change) -> str:
    label = LABELS.get(c.fact, c.fact)
    if c.old is None:
        return f"{label}: {c.new}"
    return f"{label} now {c.new} (+{c.new - c.old}, was {c.old})"


def describe_figures(figures: Mapping[str, int]) -> str:
    parts = [f"{LABELS.get(name, name)}: {figures[name]}" for name in ORDER if name in figures]
    return " · ".join(parts)


def _outlets(names: Sequence[str], limit: int = 6) -> str:
    names = list(dict.fromkeys(names))
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def new_story_text(watchlist: str, story: Story, figures: Mapping[str, int],
                   changes: Sequence[Change]) -> str:
    """`figures`: the story's own figures so far; `changes`: what this item made news, such
    as a campaign total (shown with its previous value when there was one)."""
    lines = [f"New story [{watchlist}]: {story.title}"]
    if figs := describe_figures(figures):
        lines.append(figs)
    told = [c for c in changes if c.fact not in figures or c.old is not None]
    if told:
        lines.append("; ".join(describe_change(c) for c in told))
    n = len(set(story.outlets))
    lines.append(f"Reported by {_outlets(story.outlets)}" + (f" ({n} outlets)" if n > 1 else ""))
    if story.links:
        lines.append(story.links[0][1])
    return "\n".join(lines)


def update_text(watchlist: str, story: Story, changes: Sequence[Change], link: str) -> str:
    lines = [f"Update [{watchlist}]: {story.title}",
             "; ".join(describe_change(c) for c in changes)]
    sources = [s for c in changes for s in c.sources]
    n = len(set(story.outlets))
    lines.append(f"Reported by {_outlets(sources or story.outlets)}"
                 + (f" ({n} outlets on this story)" if n > 1 else ""))
    if link:
        lines.append(link)
    return "\n".join(lines)
