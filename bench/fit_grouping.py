"""Fit the grouping evidence's weights on the labelled sets, and check them on the set left out.

    pip install -e '.[bench]'
    python bench/fit_grouping.py [--sets dev,dev2,quake,protest,election,flood] [--C 1.0]

For each set, the items are replayed in the kit's order through a `Grouper` that is given
the gold stories (`restore`): before each item joins its gold story, `Grouper.pairs()`
computes the evidence functions (bot/grouping/evidence.py) between it and every kept member
of every candidate story the grouper would look at — the daemon's own candidates, IDF and
members. A pair is positive when the candidate is the item's gold event.

A logistic regression on the pairs gives the weights. Each set is then scored with weights
fitted on the *other* sets only (leave one set out): its pairwise ROC AUC, and B-cubed
P/R/F1 and stories per event of the online grouping with those weights. The weights fitted
on all sets are printed last, as the `WEIGHTS` dict of bot/grouping/grouper.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generalisation import CHECK_SETS, SETS  # noqa: E402
from grouping_eval import bcubed, load  # noqa: E402

from bot.config import load_config  # noqa: E402
from bot.grouping import Grouper  # noqa: E402
from bot.grouping.evidence import NAMES  # noqa: E402
from bot.model import Item  # noqa: E402


def _item(it: dict) -> Item:
    return Item(id=it["id"], link=it.get("url", ""), feed=f"{it['lang']}-{it['outlet']}",
                outlet=it["outlet"], title=it["title"], summary=it.get("summary", ""),
                published=it["_when"], language=it["lang"])


def topics_of(name: str) -> tuple[str, ...]:
    return load_config(SETS[name][1]).topics()


def pairs_of(name: str) -> tuple[list[list[float]], list[int]]:
    rows = load(SETS[name][0])
    g = Grouper(topics=topics_of(name))
    X, y = [], []
    for it in rows:
        item = _item(it)
        g.evict(it["_when"])
        gold = it["event"] if not it["event"].startswith("other:") else f"other:{it['id']}"
        for sid, values in g.pairs(item):
            X.append(values)
            y.append(int(sid == gold))
        g.restore(item, gold)
    return X, y


def cluster(name: str, weights: dict[str, float], intercept: float,
            threshold: float = 0.0, **tunables: object) -> dict:
    rows = load(SETS[name][0])
    g = Grouper(topics=topics_of(name), weights=tuple(weights.items()), intercept=intercept,
                threshold=threshold, **tunables)
    pred = {}
    for it in rows:
        pred[it["id"]] = g.assign(_item(it), it["_when"])[0]
    gold = {it["id"]: it["event"] for it in rows}
    p, r, f = bcubed(gold, pred)
    stories = defaultdict(set)
    for i, ev in gold.items():
        if not ev.startswith("other:"):
            stories[ev].add(pred[i])
    per_event = sum(len(s) for s in stories.values()) / max(1, len(stories))
    return {"P": round(p, 3), "R": round(r, 3), "F1": round(f, 3),
            "stories_per_event": round(per_event, 2)}


def fit(X: list[list[float]], y: list[int], C: float) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(max_iter=5000, C=C).fit(X, y)
    return ({n: round(float(w), 2) for n, w in zip(NAMES, m.coef_[0], strict=True)},
            round(float(m.intercept_[0]), 2))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(s for s in SETS if s not in CHECK_SETS),
                    help="the sets to fit on (default: all but the check sets, "
                         f"{', '.join(CHECK_SETS)})")
    ap.add_argument("--C", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--thresholds", default="0",
                    help="the grouper's thresholds to try on the left-out clustering")
    ap.add_argument("--drop", default="", help="evidence left out of the fit (comma list)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a grouper tunable for the left-out clustering")
    args = ap.parse_args(argv)
    try:
        from sklearn.metrics import roc_auc_score
    except ImportError:
        print("fit_grouping: needs scikit-learn (pip install -e '.[bench]')", file=sys.stderr)
        return 2
    names = [s for s in args.sets.split(",") if SETS[s][0].exists()]
    data = {s: pairs_of(s) for s in names}
    dropped = {NAMES.index(d) for d in args.drop.split(",") if d}
    for X, _ in data.values():
        for x in X:
            for i in dropped:
                x[i] = 0.0
    folds = {}
    thresholds = [float(x) for x in args.thresholds.split(",")]
    print("| left out | pairs | AUC | threshold | P | R | F1 | stories/event |\n"
          "|---|---|---|---|---|---|---|---|")
    for out in names:
        X = [x for s in names if s != out for x in data[s][0]]
        y = [v for s in names if s != out for v in data[s][1]]
        weights, intercept = fit(X, y, args.C)
        folds[out] = weights
        Xo, yo = data[out]
        score = [intercept + sum(weights[n] * v for n, v in zip(NAMES, x, strict=True))
                 for x in Xo]
        auc = roc_auc_score(yo, score) if 0 < sum(yo) < len(yo) else float("nan")
        tunables = {k: float(v) if "." in v else int(v)
                    for k, v in (kv.split("=", 1) for kv in args.set)}
        for th in thresholds:
            c = cluster(out, weights, intercept, th, **tunables)
            print(f"| {out} | {len(yo)} | {auc:.3f} | {th} | {c['P']} | {c['R']} | {c['F1']} | "
                  f"{c['stories_per_event']} |")
    weights, intercept = fit([x for s in names for x in data[s][0]],
                             [v for s in names for v in data[s][1]], args.C)
    print("\n| evidence | all | " + " | ".join(f"without {o}" for o in folds) + " |")
    print("|---|---|" + "---|" * len(folds))
    for n in NAMES:
        signs = {(v[n] > 0) - (v[n] < 0) for v in folds.values()} - {0}
        flag = " (sign flips)" if len(signs) > 1 else ""
        print(f"| {n}{flag} | {weights[n]} | " + " | ".join(str(v[n]) for v in folds.values())
              + " |")
    print("\nWEIGHTS =", json.dumps(weights, indent=1), "\nINTERCEPT =", intercept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
