"""`vigia replay`: the contract outside tools rely on (design.md), on feeds written here."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from conftest import WATCHLIST_YAML, read_jsonl, rss

DAY1 = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
DAY3 = DAY1 + timedelta(days=2)

EN = [
    {"guid": "en-1", "link": "https://wire.test/strike-4?utm_source=rss", "date": DAY1,
     "title": "US strike on a boat in the Caribbean kills four, Hegseth says",
     "summary": "Hegseth said Tuesday's strike killed four people aboard a vessel tied to Tren "
                "de Aragua. It was the 22nd strike since September, bringing the campaign's "
                "death toll to at least 87."},
    {"link": "https://wire.test/maduro-talks", "date": DAY1 + timedelta(hours=20),
     "title": "Maduro says Venezuela is ready for talks with Washington",
     "summary": "Nicolás Maduro said his government was ready for direct talks."},
    {"guid": "en-3", "link": "https://wire.test/pacific-3", "date": DAY3,
     "title": "US military strikes boat in the eastern Pacific, killing three",
     "summary": "Three men were killed when US forces struck a boat in the eastern Pacific, "
                "Hegseth said. At least 90 people have been killed in 23 strikes since "
                "September."},
]
ES = [
    {"guid": "es-1", "link": "https://diario.test/ataque-lancha", "date": DAY1 + timedelta(hours=2),
     "title": "Ataque de EE.UU. contra una lancha en el Caribe deja cuatro muertos",
     "summary": "Hegseth informó que cuatro personas murieron el martes en el ataque contra una "
                "embarcación del Tren de Aragua en el Caribe."},
]
FR = [
    {"guid": "fr-1", "link": "https://journal.test/frappe", "date": DAY1 + timedelta(hours=4),
     "title": "Caraïbes : une frappe américaine contre un bateau fait quatre morts",
     "summary": "Hegseth a annoncé qu'une frappe contre une embarcation liée au Tren de Aragua "
                "avait fait quatre morts mardi dans les Caraïbes."},
]


@pytest.fixture
def feeds(tmp_path):
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "en-wire.xml").write_text(rss(EN, title="Wire"), encoding="utf-8")
    (folder / "es-diario.xml").write_text(rss(ES, title="Diario", language="es"),
                                          encoding="utf-8")
    (folder / "fr-journal.xml").write_text(rss(FR, title="Journal", language="fr"),
                                           encoding="utf-8")
    return folder


@pytest.fixture
def replayed(cli, config_file, feeds, tmp_path):
    config = config_file(WATCHLIST_YAML)
    out = tmp_path / "out"
    result = cli("replay", "--config", str(config), "--out", str(out), str(feeds))
    assert result.code == 0, result.err
    return read_jsonl(out / "items.jsonl"), read_jsonl(out / "alerts.jsonl"), result


def test_every_entry_is_one_line_with_the_contract_fields(replayed):
    items, _, _ = replayed
    assert len(items) == 5
    for line in items:
        assert {"id", "link", "feed", "published", "title", "story", "watchlists", "facts"} <= set(
            line)
        assert line["story"]
        datetime.fromisoformat(line["published"])
        for fact in line["facts"]:
            assert {"name", "value"} <= set(fact)
    ids = [line["id"] for line in items]
    assert "https://wire.test/maduro-talks" in ids  # no guid: the canonical link
    assert next(x for x in items if x["id"] == "en-1")["link"] == "https://wire.test/strike-4"


def test_entries_go_through_in_published_order_across_files(replayed):
    items, _, _ = replayed
    published = [line["published"] for line in items]
    assert published == sorted(published)


def test_one_event_in_three_languages_is_one_story_alerted_once(replayed):
    items, alerts, _ = replayed
    story = {line["id"]: line["story"] for line in items}
    assert story["en-1"] == story["es-1"] == story["fr-1"]
    assert story["en-3"] != story["en-1"]  # another strike, another day, another ocean
    new = [a for a in alerts if a["kind"] == "new_story" and a["story"] == story["en-1"]]
    assert len(new) == 1


def test_facts_are_in_items_and_a_rise_is_an_update_with_old_and_new(replayed):
    items, alerts, _ = replayed
    first = next(x for x in items if x["id"] == "en-1")
    values = {f["name"]: f["value"] for f in first["facts"]}
    assert values.get("deaths_total") == 87 and values.get("deaths") == 4
    assert values.get("strikes_total") == 22
    changes = [(c["fact"], c["old"], c["new"]) for a in alerts for c in a["changes"]]
    assert ("deaths_total", 87, 90) in changes
    assert ("strikes_total", 22, 23) in changes
    assert [c for c in changes if c[0] == "deaths_total"].count(("deaths_total", 87, 90)) == 1


def test_alerts_have_the_contract_fields_and_readable_text(replayed):
    _, alerts, _ = replayed
    assert alerts
    for a in alerts:
        assert {"at", "kind", "watchlist", "story", "items", "changes", "text"} <= set(a)
        assert a["kind"] in ("new_story", "update")
        assert a["watchlist"] == "venezuela"
        assert a["text"].strip()
    ats = [a["at"] for a in alerts]
    assert ats == sorted(ats)
    assert "was 87" in "\n".join(a["text"] for a in alerts)


def test_the_same_entry_in_two_files_is_one_item_in_one_story(cli, config_file, feeds, tmp_path):
    (feeds / "en-mirror.xml").write_text(rss(EN[:1], title="Mirror"), encoding="utf-8")
    out = tmp_path / "out2"
    assert cli("replay", "--config", str(config_file(WATCHLIST_YAML)), "--out", str(out),
               str(feeds)).code == 0
    items = read_jsonl(out / "items.jsonl")
    copies = [x for x in items if x["id"] == "en-1"]
    assert len(copies) == 2 and copies[0]["story"] == copies[1]["story"]
    alerts = read_jsonl(out / "alerts.jsonl")
    assert sum(1 for a in alerts if a["kind"] == "new_story" and "en-1" in a["items"]) == 1


def test_a_broken_file_is_reported_and_the_rest_replayed(cli, config_file, feeds, tmp_path):
    (feeds / "broken.xml").write_text("<html><body>gateway error</body></html>", encoding="utf-8")
    out = tmp_path / "out3"
    result = cli("replay", "--config", str(config_file(WATCHLIST_YAML)), "--out", str(out),
                 str(feeds))
    assert result.code == 0
    assert "broken.xml" in result.err
    assert len(read_jsonl(out / "items.jsonl")) == 5


def test_a_bad_entry_is_reported_in_one_line_and_the_rest_replayed(cli, config_file, feeds,
                                                                   tmp_path):
    body = rss(EN, title="Wire").replace("<link>https://wire.test/maduro-talks</link>",
                                         "<link>http://[bad/maduro-talks</link>")
    (feeds / "en-wire.xml").write_text(body, encoding="utf-8")
    (feeds / "odd.xml").write_text(rss([{"guid": "odd-1", "title": "Toll &#xD800; rises",
                                         "date": DAY1}]).replace("&amp;#xD800;", "&#xD800;"),
                                   encoding="utf-8")
    out = tmp_path / "out4"
    result = cli("replay", "--config", str(config_file(WATCHLIST_YAML)), "--out", str(out),
                 str(feeds))
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    bad = [line for line in result.err.splitlines() if "invalid link" in line]
    assert len(bad) == 1 and "en-wire.xml" in bad[0]
    ids = [x["id"] for x in read_jsonl(out / "items.jsonl")]
    assert len(ids) == 5  # 4 of the fixture (one left out) + the odd file's entry
    assert "odd-1" in ids and "en-3" in ids


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: p.mkdir() or p],
                         ids=["missing path", "empty folder"])
def test_nothing_to_replay_is_bad_usage(cli, config_file, tmp_path, make):
    target = make(tmp_path / "nothing")
    result = cli("replay", "--config", str(config_file(WATCHLIST_YAML)), "--out",
                 str(tmp_path / "o"), str(target))
    assert result.code == 2
    assert str(target) in result.err and "Traceback" not in result.err


def test_demo_runs_offline_as_a_real_process_and_shows_a_story_and_a_toll_change():
    env = {"PATH": "/usr/bin:/bin", "VIGIA_CONFIG": "/nonexistent"}
    proc = subprocess.run([sys.executable, "-m", "bot", "demo"], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "New story [venezuela]" in proc.stdout
    assert "was 87" in proc.stdout
    assert proc.stdout.count("New story") == 3  # three events: one strike told in 3 languages


# -- vigia explain -----------------------------------------------------------------------------


def test_explain_shows_the_evidence_that_joined_two_reports_across_languages(cli, config_file,
                                                                              replayed, tmp_path):
    config = config_file(WATCHLIST_YAML)
    result = cli("explain", "--config", str(config), "--replay", str(tmp_path / "out"),
                 "en-1", "fr-1")
    assert result.code == 0, result.err
    assert "same event (joined it)" in result.out
    # each piece of evidence with its weight and what it means
    assert "other_language" in result.out and "Two languages" in result.out
    assert "threshold" in result.out


def test_explain_shows_why_another_day_and_sea_are_another_story(cli, config_file, replayed,
                                                                  tmp_path):
    config = config_file(WATCHLIST_YAML)
    result = cli("explain", "--config", str(config), "--replay", str(tmp_path / "out"),
                 "https://wire.test/pacific-3", "en-1")  # by link and by id, in any order
    assert result.code == 0, result.err
    assert "another event (kept apart)" in result.out
    assert "seas_differ" in result.out or "sea_veto" in result.out


def test_explain_of_one_item_gives_each_figure_with_its_sentence(cli, config_file, replayed,
                                                                  tmp_path):
    config = config_file(WATCHLIST_YAML)
    result = cli("explain", "--config", str(config), "--replay", str(tmp_path / "out"), "en-1")
    assert result.code == 0, result.err
    lines = {line.split()[0]: line for line in result.out.splitlines()[3:] if line.strip()}
    assert "87" in lines["deaths_total"] and "bringing the campaign's death toll" in \
        lines["deaths_total"]
    assert "4" in lines["deaths"]


def test_explain_of_an_unknown_item_is_one_line_and_exit_2(cli, config_file, replayed, tmp_path):
    config = config_file(WATCHLIST_YAML)
    result = cli("explain", "--config", str(config), "--replay", str(tmp_path / "out"), "nope")
    assert result.code == 2 and "nope: no such item" in result.err
    assert "Traceback" not in result.err


def test_explain_reads_the_live_store(cli, config_file, feeds, tmp_path):
    # the daemon's store, filled by the same pipeline as a replay would be
    from bot.config import load_config
    from bot.replay import read_items
    from bot.service import Service

    config_text = WATCHLIST_YAML + f"storage:\n  path: {tmp_path / 'live.db'}\n"
    config = config_file(config_text, "live.yaml")
    service = Service.open(load_config(config))
    for entry in read_items(sorted(feeds.iterdir()), DAY3, sys.stderr):
        service.ingest(entry, entry.published)
    service.close()
    result = cli("explain", "--config", str(config), "es-1", "en-1")
    assert result.code == 0, result.err
    assert "same event (joined it)" in result.out
    one = cli("explain", "--config", str(config), "https://journal.test/frappe")
    assert one.code == 0 and "deaths" in one.out


def test_a_fires_toll_weeks_later_is_told_as_an_update_and_explained(cli, config_file, tmp_path):
    # the replay runs the daemon's pipeline: a rare event's story kept after the window takes
    # the revised toll, and explain says which checks joined it
    fire = datetime(2026, 8, 10, 8, 0, tzinfo=UTC)
    entries = [
        {"guid": "fire-1", "link": "https://wire.test/fire-1", "date": fire,
         "title": "Kellerton wildfire kills five",
         "summary": "Five people died in the wildfire that forced thousands to flee Kellerton, "
                    "in northern Portugal, on Monday."},
        {"guid": "fire-2", "link": "https://wire.test/fire-2", "date": fire + timedelta(days=12),
         "title": "Death toll from Kellerton wildfire rises to twelve",
         "summary": "Twelve people have now died in the Kellerton fire."},
    ]
    folder = tmp_path / "fire-feeds"
    folder.mkdir()
    (folder / "en-wire.xml").write_text(rss(entries, title="Wire"), encoding="utf-8")
    config = config_file("watchlists:\n  - name: fires\n    include: [wildfire]\n"
                         "    track: [deaths]\n", "fires.yaml")
    out = tmp_path / "fire-out"
    assert cli("replay", "--config", str(config), "--out", str(out), str(folder)).code == 0
    alerts = read_jsonl(out / "alerts.jsonl")
    assert [a["kind"] for a in alerts] == ["new_story", "update"]
    assert len({line["story"] for line in read_jsonl(out / "items.jsonl")}) == 1
    result = cli("explain", "--config", str(config), "--replay", str(out), "fire-1", "fire-2")
    assert result.code == 0, result.err
    assert "kept 42d after its latest report" in result.out and "(joined it)" in result.out
    assert "[x]" in result.out and "[ ]" not in result.out  # every check holds
