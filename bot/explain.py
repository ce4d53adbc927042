"""`vigia explain`: why two items were or were not grouped, and which figures an item gave.

For two items, the grouper is rebuilt as it stood when the later one came (every earlier
item of the window re-added to the story it joined, as a restart does), and the later item
is weighed against the earlier one's story: each piece of evidence with its weight, the
score against the threshold. For one item, each figure read with the sentence it came from.

Items come from a replay's output (DIR/items.jsonl) or from the live store, and are named by
id or by link.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .config import Config, format_duration
from .errors import UsageError
from .facts import explain as facts_explain
from .grouping import Grouper
from .grouping import evidence as ev
from .model import Item
from .store import Store


@dataclass(frozen=True, slots=True)
class Record:
    """An item as it was seen, with the story it went to."""

    item: Item
    story: str
    seen: datetime


def from_replay(folder: str | Path) -> list[Record]:
    """The items of a `vigia replay` output folder, in the order they were replayed."""
    path = Path(folder) / "items.jsonl"
    if not path.is_file():
        raise UsageError(f"{path}: not found (the output folder of `vigia replay`)")
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            published = datetime.fromisoformat(row["published"])
            item = Item(id=row["id"], link=row.get("link", ""), feed=row.get("feed", ""),
                        outlet=row.get("outlet", ""), title=row.get("title", ""),
                        summary=row.get("summary", ""), published=published,
                        language=row.get("language"))
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}:{n}: not a line of `vigia replay` ({exc})") from None
        records.append(Record(item, str(row.get("story", "")), published))
    return records


def from_store(store: Store, keys: Sequence[str], config: Config) -> list[Record]:
    """The named items of the live store and those seen before the latest of them that its
    grouper could still hold, in the order they were seen."""
    found = []
    for key in keys:
        hit = store.items.find(key)
        if hit is None:
            raise UsageError(f"{key}: no such item in {store.path} (give an item's id or link)")
        found.append(hit)
    until = max(hit.seen for hit in found)
    rows = store.items.seen(until - 2 * config.grouping.window, until)
    return [Record(r.item, r.story, r.seen) for r in rows]


def find(records: Sequence[Record], key: str) -> int:
    """The index of the item whose id or link is `key`."""
    for i, r in enumerate(records):
        if key in (r.item.id, r.item.link):
            return i
    raise UsageError(f"{key}: no such item (give an item's id or link)")


def _describe(name: str) -> str:
    fn = next((f for f in (*ev.EVIDENCE, *ev.STORY_EVIDENCE) if f.__name__ == name), None)
    doc = (fn.__doc__ or "").strip().split("\n\n")[0] if fn else ""
    return " ".join(doc.split())


def _heading(label: str, r: Record) -> str:
    lang = r.item.language or "?"
    return (f"{label}: {r.item.id} [{lang}, {r.item.outlet or r.item.feed}, "
            f"{r.seen:%Y-%m-%d %H:%M}] story {r.story}\n   {r.item.title}")


def explain_pair(config: Config, records: Sequence[Record], a: int, b: int) -> str:
    """The evidence between two items: the later one weighed against the earlier one's
    story, as the grouper stood when the later one came."""
    if a == b:
        raise UsageError("give two different items")
    first, second = sorted((a, b), key=lambda i: (records[i].seen, i))
    grouper = Grouper(window=config.grouping.window, topics=config.topics(),
                      rare_window=config.grouping.rare_window)
    for r in _before(records, second, config):
        grouper.evict(r.seen)
        grouper.restore(r.item, r.story)
    grouper.evict(records[second].seen)
    one, two = records[first], records[second]
    lines = [_heading("earlier", one), _heading("later", two), ""]
    story = grouper.story_of(one.item.id)
    window = format_duration(config.grouping.window)
    if story is None:
        lines.append(f"The earlier item's story had left the grouping window ({window}) when "
                     f"the later one came: they could not be grouped.")
        return "\n".join(lines)
    verdict = "joined it" if one.story == two.story else "kept apart"
    checks = grouper.revival(two.item, story)
    if checks is not None:
        lines.append(f"The earlier item's story had left the grouping window "
                     f"({window}); a rare event's story is "
                     f"kept {format_duration(config.grouping.rare_window)} after its latest "
                     f"report, and joined only when all of these hold ({verdict}):")
        lines += [f"  [{'x' if ok else ' '}] {what}" for what, ok in checks]
        return "\n".join(lines)
    found = grouper.explain(two.item, story)
    assert found is not None
    lines.append(f"The later item against the earlier one's story ({found.members} report"
                 f"{'s' if found.members != 1 else ''} kept, the mean of the closest "
                 f"{found.closest}): score {found.score:+.2f}, "
                 f"threshold {found.threshold:+.2f} -> "
                 f"{'same event' if found.score >= found.threshold else 'another event'} "
                 f"({verdict}).")
    lines.append(f"  {'intercept':24} {grouper.t.intercept:+6.2f}")
    for name, weight in sorted(found.reasons, key=lambda r: -abs(r[1])):
        lines.append(f"  {name:24} {weight:+6.2f}  {_describe(name)}")
    return "\n".join(lines)


def _before(records: Sequence[Record], index: int, config: Config) -> Iterable[Record]:
    """The records seen before `index` that its grouper could still hold (grouping.memory:
    twice the window, or the rare events' window, as the pipeline keeps stories)."""
    since = records[index].seen - config.grouping.memory
    return (r for r in records[:index] if r.seen >= since)


def explain_item(record: Record) -> str:
    """The figures an item gave, each with the sentence it came from, the table row that
    read it and why it is the story's own or a running total."""
    item = record.item
    readings = facts_explain(item.title, item.summary, item.language, item.published.date())
    lines = [_heading("item", record), ""]
    if not readings:
        lines.append("No figure read: no toll, injured, missing, survivors or running total "
                     "stated in the title or the summary.")
    for r in readings:
        lines.append(f"  {r.fact:14} {r.value:>8}  in the {r.source}: {r.sentence.strip()}")
        lines.append(f"  {'':14} {'':>8}  read by {r.rule}; {r.scope}")
    return "\n".join(lines)


