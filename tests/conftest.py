"""Fixtures that build the world: config files, feed files and a CLI runner."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from fakebot import TOKEN, FakeBotAPI

from bot.cli import main
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent

WATCHLIST_YAML = """
watchlists:
  - name: venezuela
    include: [venezuela, maduro, caribbean, caribe, caraïbes, pacific, pacífico, lancha, bateau,
              boat, hegseth, tren de aragua]
"""


def rss(items: list[dict], *, title: str = "Test Wire", language: str | None = "en") -> str:
    """An RSS 2.0 document; each item dict has title, and optionally guid, link, date
    (a datetime), summary."""
    rows = []
    for it in items:
        parts = [f"<title>{escape(it['title'])}</title>"]
        if it.get("link"):
            parts.append(f"<link>{escape(it['link'])}</link>")
        if it.get("guid"):
            parts.append(f'<guid isPermaLink="false">{escape(it["guid"])}</guid>')
        if it.get("date"):
            parts.append(f"<pubDate>{format_datetime(it['date'])}</pubDate>")
        if it.get("summary"):
            parts.append(f"<description>{escape(it['summary'])}</description>")
        rows.append("<item>" + "".join(parts) + "</item>")
    lang = f"<language>{language}</language>" if language else ""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>https://wire.test/</link>"
            f"<description>test</description>{lang}" + "\n".join(rows) + "</channel></rss>\n")


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def api():
    """The Bot API stand-in on 127.0.0.1 (tests/fakebot.py), for TOKEN."""
    with FakeBotAPI(TOKEN) as server:
        yield server


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "vigia.db"


@pytest.fixture
def store(db: Path):
    """A real SQLite store in a file of its own."""
    s = Store.open(db)
    yield s
    s.close()


@pytest.fixture
def config_file(tmp_path: Path):
    def write(text: str, name: str = "vigia.yaml") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)
