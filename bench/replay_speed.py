"""`vigia replay` against feedparser alone, on the same files.

    python bench/replay_speed.py [--items 20000] [--per-file 200] [--seed 7]

Writes the synthetic multilingual stream of bench/scale.py (en/es/fr reports of events
with actors, places, tolls and days) as RSS 2.0 files, `--per-file` entries each, then
times, in this process and one after the other:
  - feedparser: `feedparser.parse` of every file (what any reader of the files pays);
  - replay: `bot.replay.replay` of the same folder, the code of `vigia replay` (parse,
    then every entry through the daemon's pipeline and an in-memory store, and the JSONL).
Prints one JSON line with both times (CPU seconds of this process; the machine is shared),
the ratio (target: at most 2) and where the replay's time goes (cProfile with --profile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import sys
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedparser  # noqa: E402
from scale import Stream  # noqa: E402

from bot.config import parse_config  # noqa: E402
from bot.replay import replay  # noqa: E402

CONFIG = """
watchlists:
  - name: events
    include: [a, e, o]
"""


def write_feeds(folder: Path, items: int, per_file: int, seed: int) -> int:
    stream = Stream(seed).items()
    files = 0
    batch: list = []
    for _ in range(items):
        item, _sid = next(stream)
        batch.append(item)
        if len(batch) == per_file:
            _write(folder / f"feed-{files:04d}.xml", batch)
            files += 1
            batch = []
    if batch:
        _write(folder / f"feed-{files:04d}.xml", batch)
        files += 1
    return files


def _write(path: Path, items: list) -> None:
    rows = "".join(
        f"<item><title>{escape(it.title)}</title><link>https://bench.test/{escape(it.id)}</link>"
        f"<guid isPermaLink=\"false\">{escape(it.id)}</guid>"
        f"<pubDate>{format_datetime(it.published)}</pubDate>"
        f"<description>{escape(it.summary)}</description></item>" for it in items)
    path.write_text('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                    f"<title>{path.stem}</title><link>https://bench.test/</link>"
                    f"<description>bench</description>{rows}</channel></rss>",
                    encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=20_000)
    ap.add_argument("--per-file", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--profile", action="store_true", help="print where replay's time goes")
    ap.add_argument("--sort", default="cumulative", help="the profile's order (tottime...)")
    ap.add_argument("--out", type=Path, default=None,
                    help="keep the feeds and replay's items.jsonl and alerts.jsonl in this "
                         "folder (to compare two commits' output byte for byte)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as tmp:
        # with --out the feeds lie at a fixed place too: items.jsonl names each entry's file
        folder = (args.out if args.out else Path(tmp)) / "feeds"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        files = write_feeds(folder, args.items, args.per_file, args.seed)
        paths = sorted(folder.iterdir())
        start = time.process_time()
        parsed = sum(len(feedparser.parse(p.read_bytes()).entries) for p in paths)
        parse_s = time.process_time() - start
        config = parse_config(CONFIG)
        profiler = cProfile.Profile() if args.profile else None
        start = time.process_time()
        if profiler:
            profiler.enable()
        result = replay(config, [folder], args.out or Path(tmp) / "out",
                        progress=io.StringIO())
        if profiler:
            profiler.disable()
        replay_s = time.process_time() - start
    print(json.dumps({"items": parsed, "files": files, "feedparser_s": round(parse_s, 2),
                      "replay_s": round(replay_s, 2), "ratio": round(replay_s / parse_s, 2),
                      "replay_items_per_s": round(result.items / replay_s),
                      "stories": result.stories, "alerts": result.alerts}))
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
