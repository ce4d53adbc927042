"""SIGHUP: a running `vigia run` takes its config again (feeds added and removed, a watchlist
changed) without a restart and without telling anything twice; a bad config is one log line
and the old one keeps running. The plan itself is pure and tested apart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import rss
from httpserver import Reply, serve
from test_daemon import wait_until

from bot.config import parse_config
from bot.reload import describe, plan

BASE = """
storage:
  path: {db}
telegram:
  admins: [1]
fetch:
  allow_private_addresses: true
  timeout: 5s
{feeds}
watchlists:
  - name: venezuela
    include: [{terms}]
"""


def config(db: Path, feeds: list[tuple[str, str]], terms: str = "caribbean, hegseth") -> str:
    listed = "\n".join(f"  - url: {url}\n    interval: {interval}" for url, interval in feeds)
    return BASE.format(db=db, feeds="feeds:\n" + listed if feeds else "feeds: []", terms=terms)


# -- the plan -------------------------------------------------------------------------------------

def test_the_plan_starts_stops_and_reschedules_feeds_and_rebuilds_for_watchlists(tmp_path):
    old = parse_config(config(tmp_path / "a.db", [("https://a.test/rss", "1m"),
                                                  ("https://b.test/rss", "1m")]))
    new = parse_config(config(tmp_path / "b.db", [("https://b.test/rss", "5m"),
                                                  ("https://c.test/rss", "1m")],
                              terms="caribbean, hegseth, cabello")
                       .replace("timeout: 5s", "timeout: 9s")
                       .replace("admins: [1]", "admins: [1, 2]"), "new.yaml")
    change = plan(old, new)
    assert [f.url for f in change.added] == ["https://c.test/rss"]
    assert [f.url for f in change.removed] == ["https://a.test/rss"]
    assert [f.url for f in change.changed] == ["https://b.test/rss"]
    assert change.pipeline and change.watchlists == ("venezuela",)
    # what a running process cannot take back keeps its running value
    assert change.later == ("storage", "fetch.timeout")
    assert change.config.storage == old.storage and change.config.fetch.timeout == \
        old.fetch.timeout
    assert change.config.telegram.admins == (1, 2)
    assert describe(change) == (
        "config reloaded from new.yaml: 1 feed added, 1 removed, 1 rescheduled; watchlists "
        "changed: venezuela; kept until a restart: storage, fetch.timeout")
    same = plan(old, old)
    assert not (same.added or same.removed or same.changed or same.pipeline or same.later)


# -- a running daemon -----------------------------------------------------------------------------

NOW = datetime.now(UTC)


def entry(guid: str, title: str, minutes_ago: int = 3) -> dict:
    return {"guid": guid, "link": guid, "title": title, "summary": title + ".",
            "date": NOW - timedelta(minutes=minutes_ago)}


STRIKE = entry("https://wire-a.test/strike", "US strike on a boat in the Caribbean kills "
               "three, Hegseth says")
HURRICANE = entry("https://wire-b.test/hurricane", "Caribbean islands brace for an early "
                  "hurricane season, forecasters say")
CABELLO_OLD = entry("https://wire-c.test/cabello-old", "Diosdado Cabello gives a long speech "
                    "on state television about rice prices", minutes_ago=4)
CABELLO_NEW = entry("https://wire-c.test/cabello-new", "Cabello named to lead a new national "
                    "security council in Caracas", minutes_ago=1)


def told(out: Path) -> list[str]:
    return [line for line in out.read_text(encoding="utf-8").splitlines()
            if line.startswith("New story")]


@pytest.mark.skipif(sys.platform != "linux", reason="signals tested on Linux")
def test_sighup_reloads_feeds_and_watchlists_without_telling_anything_twice(tmp_path):
    c_has_news = threading.Event()
    with serve() as server:
        a = server.route("/a", Reply(body=rss([STRIKE], title="Wire A").encode()))
        # B carries A's article too (same global id) beside its own news
        b = server.route("/b", Reply(body=rss([STRIKE, HURRICANE], title="Wire B").encode()))
        c = server.route("/c", lambda request: Reply(body=rss(
            [CABELLO_OLD, *([CABELLO_NEW] if c_has_news.is_set() else [])],
            title="Wire C").encode()))
        cfg = tmp_path / "vigia.yaml"
        cfg.write_text(config(tmp_path / "vigia.db", [(a, "1s"), (c, "1s")]), encoding="utf-8")
        out, err = tmp_path / "out.txt", tmp_path / "err.txt"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("VIGIA_TELEGRAM_TOKEN", None)
        with open(out, "w") as stdout, open(err, "w") as stderr:
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(cfg)],
                                    stdout=stdout, stderr=stderr, env=env)
        try:
            assert wait_until(lambda: len(told(out)) == 1 and server.hits("/c") >= 2)
            assert "kills three" in told(out)[0]  # Cabello is not on the watchlist yet

            cfg.write_text(config(tmp_path / "vigia.db", [(c, "1s"), (b, "1s")],
                                  terms="caribbean, hegseth, cabello"), encoding="utf-8")
            proc.send_signal(signal.SIGHUP)
            assert wait_until(lambda: "config reloaded" in err.read_text())
            a_hits = server.hits("/a")
            c_has_news.set()
            assert wait_until(lambda: len(told(out)) >= 3 and server.hits("/b") >= 3,
                              timeout=30), told(out)
            assert server.hits("/a") <= a_hits + 1  # stopped (one poll may have been in flight)
            line = next(x for x in err.read_text().splitlines() if "config reloaded" in x)
            assert "1 feed added, 1 removed, 0 rescheduled; watchlists changed: venezuela" \
                in line

            cfg.write_text("feeds: [\n", encoding="utf-8")  # a bad config
            proc.send_signal(signal.SIGHUP)
            assert wait_until(lambda: "config reload failed" in err.read_text())
            b_hits = server.hits("/b")
            assert wait_until(lambda: server.hits("/b") >= b_hits + 2)  # still polling
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
    stories = told(out)
    assert len(stories) == 3 and len(set(stories)) == 3, stories
    assert sum("kills three" in s for s in stories) == 1  # B's copy of A's article: not again
    assert any("hurricane season" in s for s in stories)
    assert any("security council" in s for s in stories)  # the new term, on news from now on
    assert not any("rice prices" in s for s in stories)  # seen before the change: not told
    failed = [x for x in err.read_text().splitlines() if "config reload failed" in x]
    assert len(failed) == 1 and "not valid YAML" in failed[0] and "Traceback" not in \
        err.read_text()
