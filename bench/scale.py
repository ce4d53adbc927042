"""Grouping speed and memory with 10k, 100k and 1M items stored, beside a naive baseline.

    python bench/scale.py [--sizes 10000,100000,1000000] [--batch 2000] [--seed 7]

A synthetic multilingual stream (en/es/fr; events with an actor, a place, a toll, a day and
a few words of their own, each reported 1-10 times over the hours after it, titles and
summaries from per-language templates with numbers in digits and in words) flows at 25,000
items a day (1,000 feeds x 25) through one Grouper with the default 3-day window, so the
window holds 3 days of items (about 66,000 at steady state).

Filling: items go in through Grouper.restore() with their event's story id, evicting as
the clock moves: this is the start-up path that rebuilds the window from the store, and it
leaves the state N items through the stream would leave, without paying N decisions.
At each size N the next `batch` items of the stream are timed through Grouper.assign()
(the daemon's path: normalisation, blocking, scoring, adding); the baseline
(Grouper.best_naive: the same scoring against every story of the window, no blocking) is
timed on a few of the next items, from the same state, in the same run.

Prints one JSON line per size:
    {"stored": N, "items_per_s": X, "baseline_items_per_s": Y, ...,
     "joined_own_event": share, "new_events": E, "new_events_merged": M}
(the last three: the timed items against the stream's truth, see truth_rates)
and a last line with the grouper's memory per item of the window (tracemalloc).
"""

from __future__ import annotations

import argparse
import gc
import heapq
import itertools
import json
import multiprocessing as mp
import random
import sys
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.grouping import Doc, Grouper, analyze, story_id_for  # noqa: E402
from bot.model import Item  # noqa: E402

PER_DAY = 25_000


def _doc(item: Item) -> Doc:
    return analyze(item.title, item.summary, item.language, item.published)
START = datetime(2026, 1, 5, tzinfo=UTC)

_SYL = ["ka", "lo", "mi", "ren", "dor", "va", "sel", "tu", "bri", "no", "gar", "fen", "lis",
        "mo", "pa", "quin", "ros", "te", "ul", "ver", "xa", "yor", "zen", "bel", "cor"]
_NUM = {
    "en": ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"],
    "es": ["dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once"],
    "fr": ["deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze"],
}
_DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}
# (title, summary) templates; {a} actor, {p} place, {n} toll, {w} event words, {d} weekday,
# {k} kind word, {f} filler words
_KINDS = {
    "en": ["strike on a boat", "attack on a vessel", "raid", "explosion", "fire", "flood"],
    "es": ["ataque a una lancha", "ataque contra un barco", "incendio", "explosión",
           "inundación", "bombardeo"],
    "fr": ["frappe contre un bateau", "attaque d'un navire", "incendie", "explosion",
           "inondation", "bombardement"],
}
_TEMPLATES = {
    "en": [("{n} killed in {k} near {p}, {a} says",
            "{a} said on {d} that {n} people were killed in the {k} near {p}. {w} {f}"),
           ("{a}: {k} near {p} leaves {n} dead {w}",
            "The {k} near {p} killed {n} on {d}, according to {a}. {f} {w}")],
    "es": [("{n} muertos en {k} cerca de {p}, según {a}",
            "{a} informó el {d} que {n} personas murieron en el {k} cerca de {p}. {w} {f}"),
           ("{a}: {k} en {p} deja {n} muertos {w}",
            "El {k} en {p} dejó {n} muertos el {d}, según {a}. {f} {w}")],
    "fr": [("{n} morts dans {k} près de {p}, selon {a}",
            "{a} a annoncé {d} que {n} personnes ont été tuées dans {k} près de {p}. {w} {f}"),
           ("{a} : {k} à {p}, {n} tués {w}",
            "{k} à {p} a fait {n} morts {d}, selon {a}. {f} {w}")],
}


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYL) for _ in range(parts))


class Stream:
    """Synthetic items in published order, `PER_DAY` a day."""

    def __init__(self, seed: int) -> None:
        rng = self.rng = random.Random(seed)
        self.actors = [_word(rng, 3).capitalize() for _ in range(20_000)]
        self.places = [_word(rng, 3).capitalize() for _ in range(20_000)]
        self.words = [_word(rng, rng.randint(2, 4)) for _ in range(100_000)]
        self.filler = {lang: [_word(rng, 2) for _ in range(3_000)] for lang in _TEMPLATES}
        self.pending: list[tuple[datetime, int, int]] = []  # (when, seq, event)
        self.events: dict[int, dict] = {}
        self.clock = START
        self.seq = 0
        self.next_event = 0

    def _new_event(self) -> None:
        rng = self.rng
        e = self.next_event
        self.next_event += 1
        ev = {"actor": rng.choice(self.actors), "place": rng.choice(self.places),
              "toll": rng.randint(2, 60), "kind": rng.randrange(6),
              "words": rng.sample(self.words, 3), "first": None, "left": 0,
              "start": self.clock}
        reports = min(10, 1 + int(rng.expovariate(1 / 2.0)))  # mean about 3
        ev["left"] = reports
        self.events[e] = ev
        for _ in range(reports):
            when = self.clock + timedelta(minutes=rng.expovariate(1 / 240.0))
            heapq.heappush(self.pending, (when, self.seq, e))
            self.seq += 1

    def items(self) -> Iterator[tuple[Item, str]]:
        """(item, the story id of its event) in published order, forever."""
        rng = self.rng
        step = timedelta(days=1) / PER_DAY
        k = 0
        while True:
            # about one new event per 3 items keeps the rate at PER_DAY
            self.clock += step
            if rng.random() < 1 / 3:
                self._new_event()
            while self.pending and self.pending[0][0] <= self.clock:
                when, _, e = heapq.heappop(self.pending)
                ev = self.events[e]
                k += 1
                item = self._render(f"syn-{k}", ev, when)
                if ev["first"] is None:
                    ev["first"] = story_id_for(item.id)
                sid = ev["first"]
                ev["left"] -= 1
                if ev["left"] == 0:
                    del self.events[e]
                yield item, sid

    def _render(self, iid: str, ev: dict, when: datetime) -> Item:
        rng = self.rng
        lang = rng.choice(("en", "en", "es", "fr"))
        title_t, summary_t = rng.choice(_TEMPLATES[lang])
        toll = ev["toll"]
        n = _NUM[lang][toll - 2] if toll <= 11 and rng.random() < 0.5 else str(toll)
        fill = dict(
            a=ev["actor"], p=ev["place"], n=n, k=_KINDS[lang][ev["kind"]],
            w=" ".join(rng.sample(ev["words"], 2)),
            d=_DAYS[lang][ev["start"].weekday()],
            f=" ".join(rng.sample(self.filler[lang], 6)),
        )
        return Item(id=iid, link=f"https://example.org/{iid}", feed=f"https://example.org/{lang}",
                    outlet="Synthetic", title=title_t.format(**fill),
                    summary=summary_t.format(**fill), published=when, language=lang)


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# The stream lives in one worker process, which renders the items in order and, for the
# fill, analyses them too, while the main process adds them to the grouper.
_STREAM: Iterator[tuple[Item, str]] | None = None
CHUNK = 2000


def _init_worker(seed: int) -> None:
    global _STREAM
    _STREAM = Stream(seed).items()


def _chunk(task: tuple[int, bool]) -> list[tuple[Item, str, Doc | None]]:
    count, with_doc = task
    assert _STREAM is not None
    out = []
    for _ in range(count):
        item, sid = next(_STREAM)
        out.append((item, sid, _doc(item) if with_doc else None))
    return out


def plan(sizes: list[int], batch: int, naive: list[int]) -> list[tuple[str, int]]:
    """The stream cut into segments: ("fill", n), ("assign", n), ("naive", n)."""
    segments, stored = [], 0
    for size, naive_n in zip(sizes, naive, strict=False):
        segments.append(("fill", size - stored))
        segments.append(("assign", batch))
        segments.append(("naive", naive_n))
        stored = size + batch + naive_n
    return segments


def cpu_rate(g: Grouper, items: list[Item], naive: bool,
             got: list[str] | None = None) -> tuple[float, float]:
    """(items/s over process CPU time, items/s over wall time). CPU time, not wall time, is
    the figure: the bench machine is shared, and the core is single-threaded. `got` takes
    the story each item was assigned to."""
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    for item in items:
        if naive:
            g.best_naive(item)
        else:
            sid = g.assign(item, item.published)[0]
            if got is not None:
                got.append(sid)
    c, w = time.process_time() - c0, time.perf_counter() - w0
    return len(items) / c, len(items) / w


def truth_rates(rows: list[tuple[Item, str, Doc | None]], got: list[str]) -> dict:
    """How the timed items were grouped against the stream's truth: the share that joined
    their own event's story, and the events first reported in the batch whose first report
    joined another event's story (never told as new). The stream is far denser than news
    (25,000 items a day, thousands of fires): a check on the evidence that tells same-day
    events of one kind apart, not a figure of quality on news."""
    right = sum(1 for (_, sid, _), s in zip(rows, got, strict=True) if s == sid)
    first = {}
    for (item, sid, _), s in zip(rows, got, strict=True):
        if sid == story_id_for(item.id):
            first[sid] = s == sid
    return {"joined_own_event": round(right / max(1, len(got)), 3),
            "new_events": len(first),
            "new_events_merged": sum(1 for ok in first.values() if not ok)}


def memory_per_item(count: int, seed: int) -> dict:
    """Bytes the grouper holds per item of its window, by tracemalloc (a separate run)."""
    stream = Stream(seed).items()
    rows = [(item, sid, _doc(item)) for item, sid in
            (next(stream) for _ in range(count))]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    g = Grouper()
    for item, sid, doc in rows:
        g.restore(item, sid, doc)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    size = sum(st.size_diff for st in after.compare_to(before, "filename"))
    return {"memory_items_in_window": g.items_in_window, "memory_stories": len(g),
            "grouper_bytes": size, "bytes_per_window_item": round(size / g.items_in_window)}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--naive", default="100,10,0",
                    help="baseline items per size (0: skipped, reported as null)")
    ap.add_argument("--memory-items", type=int, default=20_000)
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    naive = [int(x) for x in args.naive.split(",")]
    naive += [0] * (len(sizes) - len(naive))
    t_start = time.perf_counter()
    rss0 = rss_mb()
    segments = plan(sizes, args.batch, naive)
    tasks = []
    for kind, n in segments:
        for k in range(0, n, CHUNK):
            tasks.append((min(CHUNK, n - k), kind == "fill"))
    g = Grouper()
    stored = 0
    with mp.get_context("fork").Pool(1, _init_worker, (args.seed,)) as pool:
        # at most a few chunks in flight: the worker stays just ahead of the main process
        todo = iter(tasks)
        flight = [pool.apply_async(_chunk, (task,)) for task in itertools.islice(todo, 3)]
        pending: list[tuple[Item, str, Doc | None]] = []

        def take(n: int) -> list[tuple[Item, str, Doc | None]]:
            nonlocal pending
            while len(pending) < n:
                pending.extend(flight.pop(0).get())
                task = next(todo, None)
                if task is not None:
                    flight.append(pool.apply_async(_chunk, (task,)))
            out, pending = pending[:n], pending[n:]
            return out

        results: dict[str, object] = {}
        for kind, n in segments:
            if kind == "fill":
                t0 = time.perf_counter()
                left = n
                while left:
                    rows = take(min(CHUNK, left))
                    left -= len(rows)
                    g.evict(rows[0][0].published)
                    for item, sid, doc in rows:
                        g.restore(item, sid, doc)
                stored += n
                results = {"stored": stored, "fill_s": round(time.perf_counter() - t0, 1)}
            elif kind == "assign":
                rows = take(n)
                # the worker finishes the chunks it was given before the clock starts: on a
                # 2-core machine it would otherwise share the caches and the cores with the
                # timed loop (the daemon has no such worker)
                for f in flight:
                    f.wait()
                got: list[str] = []
                cpu, wall = cpu_rate(g, [r[0] for r in rows], naive=False, got=got)
                results.update(items_per_s=round(cpu), wall_items_per_s=round(wall),
                               us_per_item=round(1e6 / cpu, 1), **truth_rates(rows, got))
                stored += n
            else:
                base = None
                if n:
                    base, _ = cpu_rate(g, [r[0] for r in take(n)], naive=True)
                    stored += n
                ips = results["items_per_s"]
                line = {
                    "stored": results["stored"], "items_per_s": ips,
                    "baseline_items_per_s": round(base, 1) if base else None,
                    "speedup": round(ips / base, 1) if base else None,  # type: ignore[operator]
                    "us_per_item": results["us_per_item"],
                    "wall_items_per_s": results["wall_items_per_s"],
                    "window_items": g.items_in_window, "window_stories": len(g),
                    "rss_mb": round(rss_mb(), 1),
                    "grouper_rss_bytes_per_window_item": round(
                        (rss_mb() - rss0) * 2**20 / max(1, g.items_in_window)),
                    "fill_s": results["fill_s"],
                    "joined_own_event": results["joined_own_event"],
                    "new_events": results["new_events"],
                    "new_events_merged": results["new_events_merged"],
                }
                print(json.dumps(line), flush=True)
    if args.memory_items:
        mem = memory_per_item(args.memory_items, args.seed + 1)
        mem["total_s"] = round(time.perf_counter() - t_start, 1)
        print(json.dumps(mem), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
