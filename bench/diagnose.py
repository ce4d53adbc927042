"""Where a labelled set's alerts go wrong, event by event: what the kit's figures count.

    python bench/diagnose.py SET [--out build/gen] [--explain] [--rerun]

Replays the set as bench/generalisation.py does (or reads its last replay from --out with no
--rerun when it is there), then prints:
  duplicates  each gold event told by more than one new-story alert: the alerts, in order,
              with their first report's headline (the kit's "new-story alerts per event")
  untold      each gold event never told: where its reports went (the story that took them,
              and that story's gold events)
  rises       own-toll updates that name a figure the event's reports never gave, and rises
              of an event's own toll that no update told (the kit's "own toll rises P/R")
With --explain, each duplicate and each swallowed report is followed by `vigia explain`
against the story it did not join or did join: the evidence, weight by weight.

Headlines are printed from the corpus to the terminal only; nothing is written to the
repository. Sets: those of bench/generalisation.py. Do not run it on a blind check set
(generalisation.CHECK_SETS): reading its headlines ends its blindness.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generalisation import SETS, run_set  # noqa: E402

from bot.config import load_config  # noqa: E402
from bot.explain import explain_pair, find, from_replay  # noqa: E402


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _event_of(alert: dict, gold: dict[str, str]) -> str | None:
    """The kit's rule: the majority gold label of the alert's items."""
    labels = Counter(gold[i] for i in alert.get("items") or () if i in gold)
    return labels.most_common(1)[0][0] if labels else None


class Diagnosis:
    def __init__(self, name: str, out: Path, explain: bool) -> None:
        corpus, config = SETS[name]
        self.rows = {r["id"]: r for r in _load(corpus)}
        self.gold = {i: r["event"] for i, r in self.rows.items()}
        folder = out / f"replay-{name}"
        self.items = {r["id"]: r for r in _load(folder / "items.jsonl")}
        self.alerts = _load(folder / "alerts.jsonl")
        self.config = load_config(config)
        self.records = from_replay(folder) if explain else None

    def title(self, item_id: str) -> str:
        return self.rows[item_id]["title"][:100]

    def why(self, earlier: str, later: str) -> None:
        if self.records is None:
            return
        text = explain_pair(self.config, self.records, find(self.records, earlier),
                            find(self.records, later))
        for line in text.splitlines()[3:]:
            if line.strip():
                print(f"        {line[:110]}")

    def duplicates(self) -> int:
        told: dict[str, list[dict]] = defaultdict(list)
        for a in self.alerts:
            if a["kind"] == "new_story" and (ev := _event_of(a, self.gold)) is not None:
                told[ev].append(a)
        n = 0
        for ev, alerts in told.items():
            if len(alerts) < 2:
                continue
            print(f"-- {ev}: {len(alerts)} new-story alerts")
            first = alerts[0]["items"][0]
            for a in alerts:
                i = a["items"][0]
                print(f"   {a['at'][:16]} {a['story']} {i:18} {self.title(i)}")
                if a is not alerts[0]:
                    n += 1
                    self.why(first, i)
        return n

    def untold(self) -> int:
        told = {_event_of(a, self.gold) for a in self.alerts if a["kind"] == "new_story"}
        watched = {self.gold[i] for i, o in self.items.items()
                   if i in self.gold and o.get("watchlists")
                   and not self.gold[i].startswith("other:")}
        members: dict[str, list[str]] = defaultdict(list)
        for i, o in self.items.items():
            members[o["story"]].append(i)
        missing = sorted(watched - told)
        for ev in missing:
            print(f"-- {ev}: never told")
            for i, o in self.items.items():
                if self.gold.get(i) != ev:
                    continue
                story = members[o["story"]]
                events = Counter(self.gold.get(m) for m in story).most_common(2)
                print(f"   {i:18} {self.title(i)}\n      joined {o['story']} (first "
                      f"{story[0]}; {events})")
                if story[0] != i:
                    self.why(story[0], i)
        return len(missing)

    def rises(self) -> tuple[int, int]:
        order = sorted(self.rows.values(), key=lambda r: r["published"])
        reported: dict[str, set[int]] = defaultdict(set)
        expected: set[tuple[str, int]] = set()
        for ev in set(self.gold.values()):
            top = None
            for r in order:
                v = (r.get("facts") or {}).get("event_deaths")
                if r["event"] != ev or v is None:
                    continue
                reported[ev].add(v)
                if top is not None and v > top:
                    expected.add((ev, v))
                top = v if top is None else max(top, v)
        told, false = set(), 0
        for a in self.alerts:
            for c in a.get("changes") or ():
                if a["kind"] != "update" or c["fact"] != "deaths":
                    continue
                ev = _event_of(a, self.gold)
                told.add((ev, c["new"]))
                if c["new"] not in reported.get(ev, ()):
                    false += 1
                    i = a["items"][0]
                    print(f"-- false rise {c['old']} -> {c['new']} in {ev}: {i} {self.title(i)}")
        missed = sorted(expected - told)
        for ev, v in missed:
            ids = [i for i, r in self.rows.items()
                   if r["event"] == ev and (r.get("facts") or {}).get("event_deaths") == v]
            print(f"-- rise to {v} of {ev} never told: " + "; ".join(
                f"{i} {self.title(i)[:60]}" for i in ids[:2]))
        return false, len(missed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set", choices=sorted(SETS))
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "gen")
    ap.add_argument("--explain", action="store_true", help="the evidence of each pair")
    ap.add_argument("--rerun", action="store_true", help="replay even if a replay is there")
    args = ap.parse_args(argv)
    if args.rerun or not (args.out / f"replay-{args.set}" / "alerts.jsonl").exists():
        print(f"diagnose: replaying {args.set} ...", file=sys.stderr, flush=True)
        if run_set(args.set, args.out) is None:
            return 1
    d = Diagnosis(args.set, args.out, args.explain)
    with contextlib.redirect_stderr(io.StringIO()):
        print("## duplicate new-story alerts")
        dups = d.duplicates()
        print("\n## events never told")
        untold = d.untold()
        print("\n## own-toll updates")
        false, missed = d.rises()
    print(f"\n{args.set}: {dups} duplicate new-story alerts, {untold} events never told, "
          f"{false} false own-toll updates, {missed} rises never told")
    return 0


if __name__ == "__main__":
    sys.exit(main())
