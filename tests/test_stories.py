"""A story's timeline and chart: the pure functions over rows, the PNG, and `vigia stories` /
`vigia story --chart` on a real store file."""

from __future__ import annotations

import builtins
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import storydata

from bot import chart
from bot.i18n import translator
from bot.model import Fact, Item
from bot.store import Store
from bot.stories import NoSuchStory, find, latest, look
from bot.timeline import (
    chart_series,
    chart_words,
    figures_by_story,
    pick,
    timeline,
    timeline_text,
)

T0 = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)


def report(hours: float, outlet: str, facts: dict[str, int], language: str = "en",
           seen_after: float = 0.1) -> tuple[Item, datetime, list[Fact]]:
    at = T0 + timedelta(hours=hours)
    item = Item(id=f"{outlet}-{hours}", link=f"https://{outlet}.test/{hours}", feed="f",
                outlet=outlet, title=f"{outlet} at {hours}", summary="", published=at,
                language=language)
    return item, at + timedelta(hours=seen_after), [Fact(k, v) for k, v in facts.items()]


# -- the pure functions ---------------------------------------------------------------------------

def test_a_timeline_is_in_published_order_and_marks_only_rises():
    rows = [report(5, "C", {"deaths": 5}), report(0, "A", {"deaths": 3}),
            report(2, "B", {"deaths": 3, "deaths_total": 80}), report(9, "D", {"deaths": 4}),
            report(12, "E", {})]
    entries = timeline(rows)
    assert [e.outlet for e in entries] == ["A", "B", "C", "D", "E"]
    assert [e.rose for e in entries] == [{"deaths": None}, {"deaths_total": None},
                                         {"deaths": 3}, {}, {}]  # 4 after 5: stale, no rise
    assert entries[3].figures == {"deaths": 4}


def test_reports_published_at_the_same_time_keep_the_order_they_were_seen_in():
    first, second = report(1, "A", {"deaths": 2}, seen_after=0.1), \
        report(1, "B", {"deaths": 4}, seen_after=0.2)
    assert [e.outlet for e in timeline([second, first])] == ["A", "B"]


def test_only_figures_that_rose_are_charted_with_each_reports_value():
    entries = timeline([report(0, "A", {"deaths": 3, "survivors": 2}),
                        report(3, "B", {"deaths": 5, "survivors": 2}),
                        report(6, "C", {"deaths": 4})])
    [series] = chart_series(entries)  # survivors only repeated: a number, not a curve
    assert series.fact == "deaths" and series.label == "killed"
    assert [(p.value, p.outlet) for p in series.points] == [(3, "A"), (5, "B"), (4, "C")]
    assert [v for _, v in series.highest] == [3, 5]


def test_a_storys_figures_are_the_highest_reported():
    rows = [("s1", "deaths", 3), ("s1", "deaths", 6), ("s1", "deaths", 5),
            ("s2", "deaths_total", 9)]
    assert figures_by_story(rows) == {"s1": {"deaths": 6}, "s2": {"deaths_total": 9}}


def test_a_long_timeline_keeps_the_first_report_every_rise_and_the_latest():
    rows = [report(0, "first", {"deaths": 1})] + [report(h, f"o{h}", {}) for h in range(1, 60)]
    rows.insert(30, report(29.5, "riser", {"deaths": 9}))
    entries = timeline(rows)
    shown = pick(entries, limit=10)
    assert len(shown) == 10 and shown[0] == 0 and shown[-1] == len(entries) - 1
    assert entries.index(next(e for e in entries if e.outlet == "riser")) in shown
    text = timeline_text(a_story(), entries, limit=10)
    assert "reports with no new figure" in text and "riser" in text


def a_story():
    from bot.model import Story

    return Story(id="sx", title="A story", first_seen=T0, last_seen=T0, outlets=["A"],
                 languages=["en"])


# -- the chart ------------------------------------------------------------------------------------

def test_the_chart_draws_the_series_values_on_labelled_date_axes():
    entries = timeline([report(0, "A", {"deaths": 3}), report(3, "B", {"deaths": 5}),
                        report(6, "C", {"deaths": 4})])
    series = chart_series(entries)
    fig = chart.figure("A story", series)
    [ax] = fig.axes
    assert ax.get_ylabel() == "killed" and "UTC" in ax.get_xlabel()
    dots = next(line for line in ax.get_lines() if line.get_marker() == "o")
    assert list(dots.get_ydata()) == [3, 5, 4]
    from matplotlib.dates import num2date

    assert [num2date(x) for x in dots.get_xdata(orig=False)] == [p.at for p in series[0].points]
    assert "ConciseDateFormatter" in type(ax.xaxis.get_major_formatter()).__name__


def test_the_chart_speaks_the_readers_language():
    es = translator("es")
    entries = timeline([report(0, "A", {"deaths": 3}), report(3, "B", {"deaths": 5})])
    fig = chart.figure("Una noticia", chart_series(entries, tr=es), chart_words(es))
    [ax] = fig.axes
    assert ax.get_ylabel() == "muertos" and ax.get_xlabel() == "hora de publicación (UTC)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["máximo publicado",
                                                                   "cada artículo"]
    # its dates in numbers, as the bot writes them, not an English month's name
    dates = ax.xaxis.get_major_formatter()
    assert (dates.zero_formats[3], dates.offset_formats[3]) == ("%m-%d", "%Y-%m-%d")
    assert not any("%b" in f for f in [*dates.formats, *dates.zero_formats,
                                       *dates.offset_formats])
    english = chart.figure("A story", chart_series(entries)).axes[0].xaxis
    assert english.get_major_formatter().zero_formats[3] == "%b-%d"  # matplotlib's own


def test_the_chart_process_reads_the_words_it_is_sent(monkeypatch):
    import io
    import sys

    drawn = {}

    def figure(title, series, words=None):
        drawn.update(title=title, labels=[s.label for s in series], words=words)
        raise SystemExit(0)  # what was asked is all this test wants

    entries = timeline([report(0, "A", {"deaths": 3}), report(3, "B", {"deaths": 5})])
    fr = translator("fr")
    request = {"title": "Une histoire", "series": chart.series_data(chart_series(entries, tr=fr)),
               "words": chart_words(fr)}
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(request).encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(chart, "figure", figure)
    with pytest.raises(SystemExit):
        chart.main()
    assert drawn == {"title": "Une histoire", "labels": ["tués"], "words": chart_words(fr)}
    assert drawn["words"]["time"] == "heure de publication (UTC)"


def test_the_png_is_valid_and_carries_the_values_it_draws():
    entries = timeline([report(0, "A", {"deaths": 3, "deaths_total": 80}),
                        report(3, "B", {"deaths": 5, "deaths_total": 83})])
    png = chart.draw("Título con acentos → y flechas", chart_series(entries))
    width, height, texts = chart.png_info(png)
    assert (width, height) == (1000, int((1.2 + 2 * chart.ROW_IN) * chart.DPI))
    assert 10_000 < len(png) < 500_000
    data = json.loads(texts[chart.SERIES_KEY])
    assert [(d["fact"], [p[1] for p in d["points"]]) for d in data] == [
        ("deaths", [3, 5]), ("deaths_total", [80, 83])]
    assert texts["Title"] == "Título con acentos → y flechas"


def test_png_info_refuses_what_is_not_a_png():
    with pytest.raises(ValueError):
        chart.png_info(b"GIF89a....")


# -- the store and the command line ---------------------------------------------------------------

@pytest.fixture
def invented(tmp_path: Path) -> Path:
    return storydata.write(tmp_path / "invented")


def test_the_store_gives_a_storys_reports_with_their_facts(invented: Path):
    store = Store.open(invented.parent / "vigia.db")
    try:
        seen = look(store, find(store, storydata.STORY[:6]))
        found = latest(store, ["venezuela"], 10)
        assert latest(store, ["sahel"], 10).stories == []
        recent = latest(store, None, 10, since=storydata.T0 + timedelta(hours=25))
    finally:
        store.close()
    assert [e.outlet for e in seen.entries] == [r[1] for r in storydata.REPORTS]
    assert [e.figures for e in seen.entries] == [r[4] for r in storydata.REPORTS]
    assert [s.fact for s in seen.series] == ["deaths", "deaths_total"]
    assert [s.id for s in found.stories] == ["squiet000002", storydata.STORY, "squiet000001"]
    assert found.figures[storydata.STORY] == {"deaths": 6, "deaths_total": 86}
    assert [s.id for s in recent.stories] == ["squiet000002", storydata.STORY]


def test_a_story_is_found_by_id_or_a_long_enough_prefix(invented: Path):
    store = Store.open(invented.parent / "vigia.db")
    try:
        assert find(store, "squiet000001").id == "squiet000001"
        for key, words in [("sq", "first few characters"), ("squiet", "more than one"),
                           ("szzzzzz", "no story")]:
            with pytest.raises(NoSuchStory, match=words):
                find(store, key)
    finally:
        store.close()


def test_vigia_stories_lists_the_latest_with_figures_and_outlets(cli, invented: Path):
    result = cli("stories", "--config", str(invented))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "3 latest stories (every watchlist), newest first:"
    assert lines[3].startswith("2. 2025-10-15 08:30 UTC: Patrol boat fires on a launch")
    assert "killed: 6 · campaign toll: 86 — 4 outlets [sf3rrycapsz1]" in lines[3]
    since = cli("stories", "--config", str(invented), "--watchlist", "venezuela",
                "--since", "2d")
    assert since.code == 0 and "No stories told for venezuela in the last 2d." in since.out
    assert cli("stories", "--config", str(invented), "--watchlist", "nope").code == 2
    assert cli("stories", "--config", str(invented), "--since", "soon").code == 2


def test_vigia_story_prints_the_timeline_and_writes_the_chart(cli, invented: Path,
                                                              tmp_path: Path):
    png = tmp_path / "chart.png"
    result = cli("story", "--config", str(invented), storydata.STORY, "--chart", str(png))
    assert result.code == 0, result.err
    out = result.out
    assert "6 reports from 4 outlets (en, es, fr)" in out
    assert "Figures (highest reported): killed: 6 · campaign toll: 86" in out
    assert ("2025-10-14 10:30  Le Quotidien (fr)  killed: 4 (rose from 3); campaign toll: 81 "
            "(rose from 80)") in out
    assert "2025-10-15 08:30  Diario del Sur (es)  killed: 5; campaign toll: 86 (rose from 83)" \
        in out  # 5 after 6: shown as said, not a rise
    assert "Harbour Wire (en)  no figures" in out
    width, height, texts = chart.png_info(png.read_bytes())
    data = {d["fact"]: d for d in json.loads(texts[chart.SERIES_KEY])}
    assert [p[1] for p in data["deaths"]["points"]] == [3, 3, 4, 6, 5]
    assert [v for _, v in data["deaths"]["highest"]] == [3, 4, 6]
    assert [v for _, v in data["deaths_total"]["highest"]] == [80, 81, 83, 86]


def test_vigia_story_says_why_there_is_no_chart(cli, invented: Path, tmp_path: Path,
                                                monkeypatch):
    flat = cli("story", "--config", str(invented), "squiet000001", "--chart",
               str(tmp_path / "none.png"))
    assert flat.code == 1 and "no figure of this story rose" in flat.err
    assert not (tmp_path / "none.png").exists()
    missing = cli("story", "--config", str(invented), "snothere", "--chart", "x.png")
    assert missing.code == 2 and "no story 'snothere'" in missing.err

    real_import = builtins.__import__

    def without_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_matplotlib)
    result = cli("story", "--config", str(invented), storydata.STORY, "--chart",
                 str(tmp_path / "c.png"))
    assert result.code == 2 and "pip install 'vigia[charts]'" in result.err
    assert "Traceback" not in result.err
    # the timeline needs no matplotlib
    assert cli("story", "--config", str(invented), storydata.STORY).code == 0


def test_the_daemon_draws_in_a_child_process_and_never_imports_matplotlib(tmp_path):
    import subprocess
    import sys

    script = """
import asyncio, json, sys
from datetime import UTC, datetime, timedelta
from bot import chart
from bot.i18n import translator
from bot.model import Fact, Item
from bot.timeline import chart_series, timeline
t = datetime(2025, 10, 1, tzinfo=UTC)
rows = [(Item(id=str(v), link="", feed="f", outlet="o", title="t", summary="",
              published=t + timedelta(hours=v)), t, [Fact("deaths", v)]) for v in (2, 5)]
png = asyncio.run(chart.draw_apart("A story", chart_series(timeline(rows))))
_, _, texts = chart.png_info(png)
print(json.dumps([[p[1] for p in d["points"]] for d in json.loads(texts[chart.SERIES_KEY])]))
print(sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "numpy", "PIL")))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[[2, 5]]", "[]"]
