"""The labelled sets of bench/data, which bench/generalisation.py scores the bot on: each row
is well formed as ../shared/corpus/README.md says, and each set's config is one the bot loads
and whose watchlist hears the reports of its events (a set that it could not replay, or that
its watchlist misses, would measure nothing)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_config
from bot.model import Item
from bot.watchlists import WatchlistMatcher

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
SETS = sorted(DATA.glob("*.jsonl"))
FACTS = {"cumulative_deaths", "cumulative_strikes", "event_deaths", "event_survivors",
         "event_injured", "event_missing"}
EVENT = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|other):[a-z0-9-]+$")
# a report may announce its event a few days ahead ("a general strike is called for Wednesday")
AHEAD = timedelta(days=3)


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_there_are_labelled_sets():
    assert len(SETS) >= 6


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_each_row_is_labelled_as_the_corpus_readme_says(path):
    seen = set()
    for row in rows(path):
        where = f"{path.name}: {row.get('id')}"
        assert row["id"] not in seen, where
        seen.add(row["id"])
        assert row["lang"] in ("en", "es", "fr"), where
        assert row["title"].strip() and row["summary"].strip(), where
        assert row["url"].startswith("http"), where
        assert EVENT.match(row["event"]), where
        published = date.fromisoformat(row["published"])
        if not row["event"].startswith("other:"):
            assert date.fromisoformat(row["event"][:10]) <= published + AHEAD, where
        assert set(row["facts"]) == FACTS, where
        assert all(v is None or (isinstance(v, int) and v >= 0)
                   for v in row["facts"].values()), where


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_each_set_s_watchlist_hears_the_reports_of_its_events(path):
    config = load_config(path.with_suffix(".yaml"))
    matcher = WatchlistMatcher(config.watchlists)
    reports = [r for r in rows(path) if not r["event"].startswith("other:")]
    heard = sum(bool(matcher.match(Item(
        id=r["id"], feed="bench", outlet=r["outlet"], link=r["url"], title=r["title"],
        summary=r["summary"], language=r["lang"],
        published=datetime.fromisoformat(r["published"]).replace(tzinfo=UTC))))
        for r in reports)
    assert heard >= 0.99 * len(reports), f"{heard} of {len(reports)}"
