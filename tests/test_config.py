"""Config: the bundled file is valid, every mistake is one clear line with exit code 2."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from conftest import ROOT

from bot.config import load_config, markdown_table, parse_config, parse_duration
from bot.errors import ConfigError


def test_bundled_config_is_the_one_in_config_folder_and_is_valid(cli):
    shipped = (ROOT / "bot" / "data" / "vigia.yaml").read_text(encoding="utf-8")
    assert (ROOT / "config" / "vigia.yaml").read_text(encoding="utf-8") == shipped
    result = cli("check", "--config", str(ROOT / "config" / "vigia.yaml"))
    assert result.code == 0, result.err
    assert "ok" in result.out
    config = load_config(ROOT / "config" / "vigia.yaml")
    languages = {f.language for f in config.feeds}
    assert {"en", "es", "fr"} <= languages
    venezuela = config.watchlist("venezuela")
    assert venezuela is not None
    assert set(venezuela.track) == {"deaths", "survivors", "deaths_total", "strikes_total"}


def test_example_config_is_valid(cli):
    assert cli("check", "--config", str(ROOT / "config" / "example.yaml")).code == 0


def test_defaults_fill_everything_optional():
    config = parse_config("feeds:\n  - url: https://example.org/rss\n")
    assert config.storage.path == "vigia.db"
    assert config.telegram.token_env == "VIGIA_TELEGRAM_TOKEN"
    assert config.fetch.allow_private_addresses is False
    assert config.feeds[0].interval == timedelta(minutes=10)
    assert config.grouping.window == timedelta(days=3)
    assert config.grouping.rare_window == timedelta(days=42)
    # stories are kept, and rebuilt at start-up, as far back as the longer of the two
    assert config.grouping.memory == timedelta(days=42)
    assert parse_config("grouping:\n  rare_window: 1d\n").grouping.memory == timedelta(days=6)


@pytest.mark.parametrize("text, seconds", [
    ("1s", 1), ("90s", 90), ("10m", 600), ("1h", 3600), ("1h30m", 5400), ("2d", 172800),
    (45, 45),
])
def test_intervals(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["0s", "10", "ten minutes", "5x", "", "-1m", True])
def test_bad_intervals_are_refused(text):
    with pytest.raises(ValueError):
        parse_duration(text)


BROKEN = [
    ("unreadable yaml", "feeds: [\n  - url: https://a.test/rss\n", None, 2, "not valid YAML"),
    ("unknown key", "storage:\n  path: x.db\n  paht: y.db\n", "storage.paht", 3, "unknown key"),
    ("unknown section", "feeds: []\nwatchlist: []\n", "watchlist", 2, "unknown key"),
    ("wrong type", "fetch:\n  allow_private_addresses: yes please\n",
     "fetch.allow_private_addresses", 2, "true or false"),
    ("list expected", "feeds: https://a.test/rss\n", "feeds", 1, "expected a list"),
    ("bad interval", "feeds:\n  - url: https://a.test/rss\n    interval: 10 minutes\n",
     "feeds[0].interval", 3, "not a duration"),
    ("absurd interval", "feeds:\n  - url: https://a.test/rss\n    interval: 99999999999d\n",
     "feeds[0].interval", 3, "longer than ten years"),
    ("window too long", "grouping:\n  window: 60d\n", "grouping.window", 2, "30d or less"),
    ("rare window too long", "grouping:\n  rare_window: 90d\n", "grouping.rare_window", 2,
     "60d or less"),
    ("bad rare window", "grouping:\n  rare_window: three weeks\n", "grouping.rare_window", 2,
     "not a duration"),
    ("absurd window", "grouping:\n  window: 9999999d\n", "grouping.window", 2,
     "longer than ten years"),
    ("bad url", "feeds:\n  - url: file:///etc/passwd\n", "feeds[0].url", 2, "http(s) URL"),
    ("missing url", "feeds:\n  - name: Nameless\n", "feeds[0].url", 2, "required"),
    ("duplicate feed", "feeds:\n  - url: https://a.test/rss\n  - url: HTTPS://A.test:443/rss#x\n",
     "feeds[1].url", 3, "duplicate feed"),
    ("bad port", "feeds:\n  - url: https://a.test:99999/rss\n", "feeds[0].url", 2, "port"),
    ("unknown fact", "watchlists:\n  - name: w\n    include: [x]\n    track: [deaths, toll]\n",
     "watchlists[0].track[1]", 4, "unknown fact"),
    ("empty include", "watchlists:\n  - name: w\n    include: []\n", "watchlists[0].include",
     3, "at least one term"),
    ("duplicate watchlist",
     "watchlists:\n  - {name: w, include: [a]}\n  - {name: w, include: [b]}\n",
     "watchlists[1].name", 3, "duplicate watchlist"),
    ("channel to unknown watchlist",
     "telegram:\n  channels:\n    - chat_id: -100\n      watchlists: [nope]\n",
     "telegram.channels[0].watchlists[0]", 4, "no watchlist named"),
    ("bad language", "feeds:\n  - url: https://a.test/rss\n    language: English\n",
     "feeds[0].language", 3, "language code"),
    ("not a mapping", "- just\n- a list\n", None, 1, "expected a mapping"),
    ("a term YAML reads as a boolean", "watchlists:\n  - name: w\n    include: [strike, on]\n",
     "watchlists[0].include[1]", 3, 'write "on" in quotes'),
]


@pytest.mark.parametrize("text, key, line, words", [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_broken_config_is_one_line_naming_file_key_and_line(cli, config_file, text, key, line,
                                                            words):
    path = config_file(text)
    result = cli("check", "--config", str(path))
    assert result.code == 2
    message = result.err.strip()
    assert "\n" not in message and "Traceback" not in message
    assert str(path) in message
    assert words in message
    if key:
        assert key in message
    assert f"{path}:{line}" in message


def test_missing_config_file_is_exit_2(cli, tmp_path):
    result = cli("check", "--config", str(tmp_path / "nope.yaml"))
    assert result.code == 2
    assert "file not found" in result.err


def test_config_error_carries_key_and_line():
    with pytest.raises(ConfigError) as info:
        parse_config("grouping:\n  window: forever\n", "f.yaml")
    assert info.value.key == "grouping.window"
    assert info.value.line == 2


def test_readme_config_table_is_generated_from_the_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "regenerate it with: python -m bot.config"


def _alias_bomb(levels: int) -> str:
    """The review's bomb: each level a list of nine aliases of the level before, under a key
    where a list of terms is valid (so only the expansion can be refused)."""
    rows = ['    - &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [f"    - &l{n} [{','.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "watchlists:\n  - name: w\n    include:\n" + "\n".join(rows) + "\n"


@pytest.mark.parametrize("text, line, words", [
    (_alias_bomb(7), 8, "alias bomb"),  # 9**7 values: 41 s and 1.2 GB before
    ("watchlists:\n  - name: w\n    include: &terms [x, *terms]\n", 3, "refers to the list"),
    ("feeds: " + "[" * 5000 + "]" * 5000 + "\n", None, "nested too deeply"),
], ids=["alias bomb", "alias cycle", "deep nesting"])
def test_a_config_that_expands_without_end_is_refused_at_once(cli, config_file, text, line,
                                                              words):
    path = config_file(text)
    started = time.monotonic()
    result = cli("check", "--config", str(path))
    assert time.monotonic() - started < 5  # the refusal takes ~0.1 s
    assert result.code == 2 and "Traceback" not in result.err
    [message] = result.err.strip().splitlines()
    assert words in message and f"{path}{f':{line}' if line else ''}: " in message


@pytest.mark.parametrize("first, second", [
    ("https://a.test/rss", "https://A.TEST/rss#x"),
    ("https://a.test/rss", "https://a.test:443/rss"),
    ("http://a.test/rss", "HTTP://a.test:80/rss"),
    ("https://a.test", "https://a.test/"),
    ("https://[2001:db8::1]/rss", "https://[2001:DB8::1]:443/rss"),
])
def test_feeds_the_server_cannot_tell_apart_are_one_feed(first, second):
    with pytest.raises(ConfigError, match="duplicate feed") as info:
        parse_config(f"feeds:\n  - url: {first}\n  - url: {second}\n", "f.yaml")
    assert info.value.key == "feeds[1].url" and info.value.line == 3


@pytest.mark.parametrize("first, second", [
    ("https://a.test/Feed", "https://a.test/feed"),  # paths as written: servers tell them apart
    ("http://a.test/rss", "https://a.test/rss"),
    ("https://a.test/rss", "https://a.test:8443/rss"),
    ("https://a.test/rss?lang=en", "https://a.test/rss?lang=es"),
])
def test_feeds_the_server_tells_apart_are_two_feeds(first, second):
    config = parse_config(f"feeds:\n  - url: {first}\n  - url: {second}\n")
    assert [f.url for f in config.feeds] == [first, second]


@pytest.mark.parametrize("key", ["include", "exclude"])
@pytest.mark.parametrize("term", ["´", "\u0301", " \u0300 ", "\u0327\u0301"])
def test_a_watchlist_term_that_folds_to_nothing_is_refused(cli, config_file, key, term):
    # "´" folds to "", which matched every article (include) or none (exclude).
    terms = f"[maduro, \"{term}\"]"
    path = config_file("watchlists:\n  - name: w\n" + (
        f"    include: {terms}\n" if key == "include"
        else f"    include: [venezuela]\n    exclude: {terms}\n"))
    result = cli("check", "--config", str(path))
    assert result.code == 2
    [message] = result.err.strip().splitlines()
    line = 3 if key == "include" else 4
    assert f"{path}:{line}: watchlists[0].{key}[1]: " in message and "empty" in message


def test_check_reports_every_mistake_in_file_order(cli, config_file):
    path = config_file("""storage:
  paht: x.db
feeds:
  - url: https://a.test/rss
    interval: 10 minutes
  - url: ftp://b.test/rss
watchlists:
  - name: w
    include: [x]
    track: [deaths, injuries]
""")
    result = cli("check", "--config", str(path))
    assert result.code == 2 and "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert [line.split(": ", 4)[2:4] for line in lines] == [
        [f"{path}:2", "storage.paht"], [f"{path}:5", "feeds[0].interval"],
        [f"{path}:6", "feeds[1].url"], [f"{path}:10", "watchlists[0].track[1]"]], lines


def test_the_checks_across_keys_report_every_mistake_too(cli, config_file):
    path = config_file("""feeds:
  - url: https://a.test/rss
  - url: https://A.TEST/rss
watchlists:
  - {name: w, include: [x]}
  - {name: w, include: [y]}
telegram:
  channels: [{chat_id: -1, watchlists: [nope]}]
""")
    lines = cli("check", "--config", str(path)).err.strip().splitlines()
    assert ["duplicate feed" in lines[0], "duplicate watchlist" in lines[1],
            "no watchlist named 'nope'" in lines[2]] == [True] * 3 and len(lines) == 3, lines
