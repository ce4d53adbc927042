"""Grouping quality on the labelled dev corpus, without the CLI.

Builds Items from ../shared/corpus/dev.jsonl in the order the evaluation kit's make_feeds.py
publishes them (the items of one day from 06:00 UTC, 7 minutes apart, in corpus order), runs
Grouper.assign with now = published, and prints B-cubed P/R/F1 (as ../shared/eval/score.py
computes it), cross-language pair recall, and stories vs gold events.

    python bench/grouping_eval.py [CORPUS.jsonl] [--misses] [--set name=value ...]

Skips (exit 0) when the corpus is absent. Tuning reads the corpus; the repository never
holds its text.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.grouping import Grouper  # noqa: E402
from bot.model import Item  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev.jsonl"


def load(path: Path) -> list[dict]:
    rows, seen = [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            it = json.loads(line)
            key = it.get("url") or it["id"]
            if key not in seen:
                seen.add(key)
                rows.append(it)
    per_day: dict[str, int] = {}
    for it in rows:
        day = it["published"][:10]
        k = per_day.get(day, 0)
        per_day[day] = k + 1
        it["_when"] = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(
            hours=6, minutes=7 * k)
    # replay order: published time, then corpus order (a stable sort)
    return sorted(rows, key=lambda it: it["_when"])


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    g_members: dict[str, set[str]] = defaultdict(set)
    p_members: dict[str, set[str]] = defaultdict(set)
    for i in gold:
        g_members[gold[i]].add(i)
        p_members[pred[i]].add(i)
    p = r = 0.0
    for i in gold:
        inter = len(g_members[gold[i]] & p_members[pred[i]])
        p += inter / len(p_members[pred[i]])
        r += inter / len(g_members[gold[i]])
    n = len(gold) or 1
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(rows: list[dict], **tunables: object) -> dict:
    g = Grouper(**tunables)
    pred, new = {}, 0
    for it in rows:
        item = Item(id=it["id"], link=it.get("url", ""), feed=f"{it['lang']}-{it['outlet']}",
                    outlet=it["outlet"], title=it["title"], summary=it.get("summary", ""),
                    published=it["_when"], language=it["lang"])
        sid, is_new = g.assign(item, it["_when"])
        pred[it["id"]] = sid
        new += is_new
    gold = {it["id"]: it["event"] for it in rows}
    p, r, f = bcubed(gold, pred)
    lang = {it["id"]: it["lang"] for it in rows}
    by_event: dict[str, list[str]] = defaultdict(list)
    for i, ev in gold.items():
        if not ev.startswith("other:"):
            by_event[ev].append(i)
    cross = together = 0
    for members in by_event.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                x, y = members[a], members[b]
                if lang[x] != lang[y]:
                    cross += 1
                    together += pred[x] == pred[y]
    return {"bcubed_p": round(p, 3), "bcubed_r": round(r, 3), "bcubed_f1": round(f, 3),
            "cross_lang_pairs": cross, "cross_lang_recall": round(together / cross, 3),
            "stories": len(set(pred.values())), "new_stories": new,
            "gold_events": len(set(gold.values())), "_pred": pred}


def show_misses(rows: list[dict], pred: dict[str, str]) -> None:
    """Per predicted story: its gold events; per gold event: its stories."""
    by_story: dict[str, list[dict]] = defaultdict(list)
    for it in rows:
        by_story[pred[it["id"]]].append(it)
    print("--- impure stories (merges)")
    for sid, its in by_story.items():
        events = {it["event"] for it in its}
        if len(events) > 1:
            print(sid, {e: sum(1 for it in its if it["event"] == e) for e in events})
    print("--- split events")
    by_event: dict[str, list[dict]] = defaultdict(list)
    for it in rows:
        by_event[it["event"]].append(it)
    for ev, its in by_event.items():
        stories: dict[str, list[str]] = defaultdict(list)
        for it in its:
            stories[pred[it["id"]]].append(f"{it['id']}@{it['published'][5:]}")
        if len(stories) > 1:
            print(ev, dict(stories))


def main(argv: list[str]) -> int:
    path = DEFAULT
    tunables: dict[str, object] = {}
    misses = "--misses" in argv
    args = [a for a in argv if a != "--misses"]
    while args:
        a = args.pop(0)
        if a == "--set":
            k, v = args.pop(0).split("=", 1)
            tunables[k] = float(v) if "." in v else int(v)
        else:
            path = Path(a)
    if not path.exists():
        print(json.dumps({"skipped": f"no corpus at {path}"}))
        return 0
    rows = load(path)
    res = evaluate(rows, **tunables)
    pred = res.pop("_pred")
    print(json.dumps(res))
    if misses:
        show_misses(rows, pred)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
