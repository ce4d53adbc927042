"""The generalisation protocol: the evaluation kit on every labelled set, reported apart.

    python bench/generalisation.py [--sets dev,dev2,quake,protest,election,flood]
                                   [--out build/gen] [--json FILE]

For each set: the kit's make_feeds.py writes it as RSS files, `vigia replay` runs the daemon's
pipeline over them (in this process, the same code), and the kit's score.py scores the
output. Sets:
  dev, dev2    ../shared/corpus/{dev,dev2}.jsonl with config/vigia.yaml (the US strikes and
               US–Venezuela diplomacy, Sep 2025 – Feb 2026)
  quake, protest, election, flood, wildfire, attacks, transport, industrial, storms,
  shipwrecks, outbreaks, diplomacy, landslides, epidemics, cyclones, blasts, crushes,
  collapses, prisons, coups, labour, kidnaps, trials, eruptions, assassinations, heatwaves,
  fires, poisonings, killings
               bench/data/<set>.jsonl with bench/data/<set>.yaml: real reports on other
               topics found with the search tool, summaries written in our own words,
               labelled by the corpus README's rules (bench/README.md)

Tune on one set, check on the others: a change that improves one and worsens another is
not taken (bench/README.md, "Generalisation"). Skips a set whose files are absent.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.replay import replay  # noqa: E402

KIT = ROOT.parent / "shared" / "eval"
SHARED = ROOT.parent / "shared" / "corpus"
DATA = ROOT / "bench" / "data"
SETS = {
    "dev": (SHARED / "dev.jsonl", ROOT / "config" / "vigia.yaml"),
    "dev2": (SHARED / "dev2.jsonl", ROOT / "config" / "vigia.yaml"),
    "quake": (DATA / "quake.jsonl", DATA / "quake.yaml"),
    "protest": (DATA / "protest.jsonl", DATA / "protest.yaml"),
    "election": (DATA / "election.jsonl", DATA / "election.yaml"),
    "flood": (DATA / "flood.jsonl", DATA / "flood.yaml"),
    "wildfire": (DATA / "wildfire.jsonl", DATA / "wildfire.yaml"),
    "attacks": (DATA / "attacks.jsonl", DATA / "attacks.yaml"),
    "transport": (DATA / "transport.jsonl", DATA / "transport.yaml"),
    "industrial": (DATA / "industrial.jsonl", DATA / "industrial.yaml"),
    "storms": (DATA / "storms.jsonl", DATA / "storms.yaml"),
    "shipwrecks": (DATA / "shipwrecks.jsonl", DATA / "shipwrecks.yaml"),
    "outbreaks": (DATA / "outbreaks.jsonl", DATA / "outbreaks.yaml"),
    "diplomacy": (DATA / "diplomacy.jsonl", DATA / "diplomacy.yaml"),
    "landslides": (DATA / "landslides.jsonl", DATA / "landslides.yaml"),
    "epidemics": (DATA / "epidemics.jsonl", DATA / "epidemics.yaml"),
    "cyclones": (DATA / "cyclones.jsonl", DATA / "cyclones.yaml"),
    "blasts": (DATA / "blasts.jsonl", DATA / "blasts.yaml"),
    "crushes": (DATA / "crushes.jsonl", DATA / "crushes.yaml"),
    "collapses": (DATA / "collapses.jsonl", DATA / "collapses.yaml"),
    "prisons": (DATA / "prisons.jsonl", DATA / "prisons.yaml"),
    "coups": (DATA / "coups.jsonl", DATA / "coups.yaml"),
    "labour": (DATA / "labour.jsonl", DATA / "labour.yaml"),
    "kidnaps": (DATA / "kidnaps.jsonl", DATA / "kidnaps.yaml"),
    "trials": (DATA / "trials.jsonl", DATA / "trials.yaml"),
    "eruptions": (DATA / "eruptions.jsonl", DATA / "eruptions.yaml"),
    "assassinations": (DATA / "assassinations.jsonl", DATA / "assassinations.yaml"),
    "heatwaves": (DATA / "heatwaves.jsonl", DATA / "heatwaves.yaml"),
    "fires": (DATA / "fires.jsonl", DATA / "fires.yaml"),
    "poisonings": (DATA / "poisonings.jsonl", DATA / "poisonings.yaml"),
    "killings": (DATA / "killings.jsonl", DATA / "killings.yaml"),
}
# Kept for checking only: never fitted on nor tuned on (bench/fit_grouping.py leaves them out
# unless named), so that they say whether a change is general.
CHECK_SETS = ("wildfire", "attacks", "transport", "industrial", "storms", "shipwrecks",
              "diplomacy", "landslides", "epidemics", "crushes", "collapses", "coups",
              "kidnaps", "eruptions", "assassinations", "heatwaves", "fires",
              "poisonings")
FACTS = ("deaths", "survivors", "deaths_total", "strikes_total")


def run_set(name: str, out: Path) -> dict | None:
    corpus, config = SETS[name]
    if not corpus.exists() or not (KIT / "score.py").exists():
        print(f"generalisation: {name}: {corpus} or the kit is absent; skipped", file=sys.stderr)
        return None
    feeds, replayed = out / f"feeds-{name}", out / f"replay-{name}"
    subprocess.run([sys.executable, str(KIT / "make_feeds.py"), str(feeds), str(corpus)],
                   check=True, capture_output=True)
    started = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        replay(load_config(config), [feeds], replayed, progress=io.StringIO())
    elapsed = time.perf_counter() - started
    score = subprocess.run([sys.executable, str(KIT / "score.py"), str(replayed), str(corpus)],
                           check=True, capture_output=True, text=True).stdout
    result = json.loads(score)
    result["replay_s"] = round(elapsed, 2)
    return result


def _pr(d: dict | None) -> str:
    if not d or d.get("precision") is None and d.get("recall") is None:
        return "-"
    p, r = d.get("precision"), d.get("recall")
    return f"{'-' if p is None else f'{p:.2f}'}/{'-' if r is None else f'{r:.2f}'}"


def _fact(f: dict) -> str:
    if not f["gold"] and not f["spurious"]:
        return "-"
    extracted = f["exact"] + f["wrong"] + f["spurious"]
    bad = (f["wrong"] + f["spurious"]) / extracted if extracted else 0.0
    recall = "-" if f["recall"] is None else f"{f['recall']:.2f}"
    return f"{recall} ({bad:.0%})"


def table(results: dict[str, dict]) -> str:
    head = ("| set | items | P | R | F1 | x-lang R | new/event | untold | "
            + " | ".join(f"{f} R (bad)" for f in FACTS)
            + " | totals P/R (deaths; strikes) | own toll rises P/R |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, r in results.items():
        g, a, c = r["grouping"], r["alerts"], r["changes"]
        rows.append(
            f"| {name} | {r['gold_items']} | {g['bcubed_p']:.3f} | {g['bcubed_r']:.3f} | "
            f"{g['bcubed_f1']:.3f} | {g['cross_lang_recall'] or 0:.3f} | "
            f"{a['new_story_per_event']:.2f} | {a['events_untold']} | "
            + " | ".join(_fact(r["facts"][f]) for f in FACTS)
            + f" | {_pr(c.get('deaths_total'))}; {_pr(c.get('strikes_total'))} | "
            f"{_pr(r.get('story_changes'))} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "gen")
    ap.add_argument("--json", type=Path, help="also write every score here")
    args = ap.parse_args(argv)
    results = {}
    for name in args.sets.split(","):
        if name not in SETS:
            ap.error(f"unknown set {name!r}; sets: {', '.join(SETS)}")
        print(f"generalisation: {name} ...", file=sys.stderr, flush=True)
        r = run_set(name, args.out)
        if r is not None:
            results[name] = r
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
