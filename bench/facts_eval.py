"""Fact extraction against labelled corpus files: per file and per fact, how many gold values
were read exactly, missed, read wrong, and how many figures were read where the item states
none; and the cost per item.

    python bench/facts_eval.py [FILE ...] [--show]

Default files: ../shared/corpus/dev.jsonl and dev2.jsonl, then every bench/data/*.jsonl
(other topics) that exists. Each file is reported apart: tune on one, check on the others.

Gold (corpus README): cumulative_deaths -> deaths_total, cumulative_strikes -> strikes_total,
event_deaths -> deaths, event_survivors -> survivors, and where a file labels them
event_injured -> injured, event_missing -> missing; null = the item does not state it.
Targets (issue 11): recall (exact / gold) >= 0.90 and wrong rate ((wrong + spurious) /
extractions) <= 0.05 for each fact. Files that are absent are skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.facts import extract_facts  # noqa: E402

GOLD = {
    "deaths": "event_deaths",
    "injured": "event_injured",
    "missing": "event_missing",
    "survivors": "event_survivors",
    "deaths_total": "cumulative_deaths",
    "strikes_total": "cumulative_strikes",
}
CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "bench" / "data"  # the other-topic sets (bench/README.md)
RECALL_MIN, WRONG_MAX = 0.90, 0.05


def default_files() -> list[Path]:
    files = [CORPUS / "dev.jsonl", CORPUS / "dev2.jsonl"]
    if LABELS.is_dir():
        files += sorted(LABELS.glob("*.jsonl"))
    return files


def _clear_caches(tokens: bool) -> None:
    """Forget the facts read (and with `tokens`, the texts' tokens too), so that a round
    pays as the first reader of an item does."""
    try:
        from bot.facts.mentions import reading, sentences_of
        reading.cache_clear()
        if tokens:
            sentences_of.cache_clear()
    except (ImportError, AttributeError):
        pass


def _day(it: dict) -> date | None:
    """The item's publication day, as the daemon passes it (it dates the days a text names)."""
    try:
        return date.fromisoformat(str(it.get("published", ""))[:10])
    except ValueError:
        return None


def score(items: list[dict]) -> tuple[dict[str, dict[str, int]], list[str]]:
    labelled = {f for f, key in GOLD.items()
                if any(key in (it.get("facts") or {}) for it in items)}
    counts = {f: dict(gold=0, exact=0, missed=0, wrong=0, spurious=0, extracted=0)
              for f in GOLD if f in labelled}
    errors: list[str] = []
    for it in items:
        got = {f.name: f for f in extract_facts(it["title"], it["summary"], it.get("lang"),
                                                _day(it))}
        for name, c in counts.items():
            gold = (it.get("facts") or {}).get(GOLD[name])
            fact = got.get(name)
            if fact is not None:
                c["extracted"] += 1
            if gold is not None:
                c["gold"] += 1
                if fact is None:
                    c["missed"] += 1
                    kind = "missed"
                elif fact.value == gold:
                    c["exact"] += 1
                    continue
                else:
                    c["wrong"] += 1
                    kind = "wrong"
            elif fact is not None:
                c["spurious"] += 1
                kind = "spurious"
            else:
                continue
            errors.append(f"{kind:8} {name:13} gold={gold} got={fact.value if fact else None}"
                          f"  [{it['id']}] span={fact.span if fact else ''!r}")
    return counts, errors


def speed(items: list[dict], cold: bool) -> float:
    """Best CPU microseconds per item over several rounds (time.process_time, so that other
    processes on a shared machine do not count). Cold: every text read from scratch, as the
    first reader of an item does; warm: the text layer's tokens cached (the facts' matching
    repeated), as when the grouper has read the item first."""
    for it in items:
        extract_facts(it["title"], it["summary"], it.get("lang"), _day(it))
    rounds = []
    for _ in range(7):
        _clear_caches(tokens=cold)
        t0 = time.process_time()
        for it in items:
            extract_facts(it["title"], it["summary"], it.get("lang"), _day(it))
        rounds.append((time.process_time() - t0) / len(items) * 1e6)
    return min(rounds)


def report(path: Path, show: bool) -> bool:
    items = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    counts, errors = score(items)
    print(f"facts_eval: {len(items)} items from {path}")
    print(f"{'fact':14}{'gold':>6}{'exact':>7}{'missed':>8}{'wrong':>7}{'spur.':>7}"
          f"{'recall':>8}{'wrong%':>8}")
    ok = True
    for name, c in counts.items():
        recall = c["exact"] / c["gold"] if c["gold"] else 1.0
        bad = c["wrong"] + c["spurious"]
        wrong_rate = bad / c["extracted"] if c["extracted"] else 0.0
        ok &= recall >= RECALL_MIN and wrong_rate <= WRONG_MAX
        print(f"{name:14}{c['gold']:>6}{c['exact']:>7}{c['missed']:>8}{c['wrong']:>7}"
              f"{c['spurious']:>7}{recall:>8.3f}{wrong_rate:>8.1%}")
    print(f"speed: {speed(items, cold=True):.1f} us/item cold (texts read from scratch), "
          f"{speed(items, cold=False):.1f} us/item with the texts' tokens cached "
          "(CPU time, best of 7 rounds)")
    print(f"targets (recall >= {RECALL_MIN:.2f}, wrong <= {WRONG_MAX:.0%}):",
          "met" if ok else "NOT met")
    if show:
        print("\n".join(sorted(errors)))
    print()
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="corpus files (JSON lines)")
    ap.add_argument("--corpus", type=Path, action="append", help="same as FILE (kept for "
                    "older scripts)")
    ap.add_argument("--show", action="store_true", help="print every error")
    args = ap.parse_args(argv)
    files = list(args.files) + list(args.corpus or []) or default_files()
    calib = []
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(1000):
            sum(range(1000))
        calib.append((time.process_time() - t0) * 1e3)
    print(f"machine: sum(range(1000)) takes {min(calib):.1f} us here (about 6-8 us on a "
          "current laptop with Python 3.11): divide by the ratio to compare\n")
    for path in files:
        if not path.exists():
            print(f"facts_eval: {path} not found; skipped\n")
            continue
        report(path, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
