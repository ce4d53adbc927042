#!/usr/bin/env python3
"""Peak memory of the real `vigia run` daemon polling N feeds served on 127.0.0.1.

Starts a loopback HTTP server with N feeds of 20 entries each, runs `vigia run` on them
(console sink, fresh store), waits until every feed has been polled once and then for one
more round of polls, and prints one JSON line:
    {"feeds": N, "items": ..., "first_round_s": ..., "peak_rss_mb": ..., "rss_mb": ...}
Target (design.md): under 150 MB with 1,000 feeds.

usage: python bench/daemon_memory.py [N]
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from httpserver import Reply, serve  # noqa: E402

# Made-up words from a large pool, so that items of different feeds are different stories,
# as they mostly are in real life (a 20-word pool made every item look alike to the grouper).
SYLLABLES = "ka lo mi na pe ri so tu va ze bra cho dre fi gu".split()
POOL = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]


def feed_body(n: int, now: datetime) -> bytes:
    rng = random.Random(n)
    rows = []
    for k in range(20):
        words = " ".join(rng.choice(POOL) for _ in range(10))
        when = format_datetime(now - timedelta(minutes=k * 30 + n % 17))
        rows.append(f"<item><title>Feed {n} item {k}: {words}</title>"
                    f"<link>https://feeds.test/{n}/{k}</link><guid>f{n}-{k}</guid>"
                    f"<pubDate>{when}</pubDate><description>{words} {words}</description></item>")
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ' + str(n) +
            "</title><link>https://feeds.test/</link><description>d</description>" +
            "".join(rows) + "</channel></rss>").encode()


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    now = datetime.now(UTC)
    with serve() as server, tempfile.TemporaryDirectory() as tmp:
        urls = [server.route(f"/f{i}", Reply(body=feed_body(i, now))) for i in range(n)]
        db = Path(tmp) / "vigia.db"
        feeds = "\n".join(f"  - url: {u}\n    interval: 60s" for u in urls)
        cfg = Path(tmp) / "vigia.yaml"
        cfg.write_text(f"storage:\n  path: {db}\nfetch:\n  allow_private_addresses: true\n"
                       f"feeds:\n{feeds}\nwatchlists:\n  - name: w\n"
                       f"    include: [venezuela, maduro]\n", encoding="utf-8")
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(cfg)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        polled = 0
        try:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                time.sleep(1)
                if db.exists():
                    try:
                        with sqlite3.connect(db, timeout=5) as conn:
                            polled = conn.execute(
                                "SELECT COUNT(*) FROM feeds WHERE last_ok IS NOT NULL"
                            ).fetchone()[0]
                    except sqlite3.OperationalError:
                        continue
                if polled >= n:
                    break
            first_round = time.monotonic() - started
            hits = len(server.requests)
            while len(server.requests) < hits + n and time.monotonic() < deadline:
                time.sleep(1)  # a second round: conditional requests, nothing new
            peak = status_kb(proc.pid, "VmHWM")
            rss = status_kb(proc.pid, "VmRSS")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        with sqlite3.connect(db) as conn:
            items = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    print(json.dumps({"feeds": n, "polled": polled, "items": items,
                      "first_round_s": round(first_round, 1),
                      "peak_rss_mb": round(peak / 1024, 1), "rss_mb": round(rss / 1024, 1)}))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
