"""A chat's queued alerts as one digest: each story once, with what its figures did over the
period ("campaign toll 83 → 87"), newest first.

    entries = compose([(alert_id, alert), ...])     # the queued alerts, oldest first
    entries[0].figures                              # (fact, value before the period or None, now)

Every alert of a story in the queue goes into its one entry (and is marked sent with it), so
a story told new and then updated twice in the period reads as one line: "killed 3 → 7"
would be "killed: 7" had it been new in the period. The same story on two watchlists is one
entry too. A poll's summary ("37 more stories") is an entry of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..model import Alert


@dataclass(frozen=True)
class Entry:
    story: str
    title: str
    link: str  # the story's first report
    watchlists: tuple[str, ...]
    new: bool  # first told in this digest
    figures: tuple[tuple[str, int | None, int], ...]  # (fact, before the period, now)
    at: datetime  # its latest alert
    alert_ids: tuple[int, ...]
    latest: Alert  # (a summary's own text and links)


def compose(alerts: Sequence[tuple[int, Alert]]) -> list[Entry]:
    """One entry per story, newest (latest alert) first."""
    by_story: dict[str, list[tuple[int, Alert]]] = {}
    for alert_id, alert in sorted(alerts, key=lambda x: x[0]):
        by_story.setdefault(alert.story, []).append((alert_id, alert))
    entries = [_entry(group) for group in by_story.values()]
    return sorted(entries, key=lambda e: (e.at, e.alert_ids[-1]), reverse=True)


def _entry(group: list[tuple[int, Alert]]) -> Entry:
    figures: dict[str, list] = {}  # fact -> [value before, highest now]
    for _, alert in group:
        for c in alert.changes:
            if c.fact in figures:
                figures[c.fact][1] = max(figures[c.fact][1], c.new)
            else:
                figures[c.fact] = [c.old, c.new]
    latest = group[-1][1]
    links = next((a.links for _, a in group if a.links), ())
    return Entry(story=latest.story, title=latest.title or latest.text.split("\n", 1)[0],
                 link=links[0][1] if links and latest.kind != "summary" else "",
                 watchlists=tuple(dict.fromkeys(a.watchlist for _, a in group)),
                 new=any(a.kind == "new_story" for _, a in group),
                 figures=tuple((fact, old, new) for fact, (old, new) in figures.items()),
                 at=max(a.at for _, a in group), alert_ids=tuple(i for i, _ in group),
                 latest=latest)
