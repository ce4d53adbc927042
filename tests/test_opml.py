"""`vigia feeds import FILE.opml` / `vigia feeds export`: a feed reader's OPML in, the config
file's comments and order kept, the same feeds out; hostile OPML refused."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from bot.config import load_config
from bot.opml import MAX_BYTES, read_opml

# As Miniflux, Feedly and NetNewsWire write their exports: folders nested in <body>, each feed
# an `rss` outline with text/title/xmlUrl/htmlUrl, a language on some, a feed in two folders.
READER_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>Subscriptions</title>
    <dateCreated>Tue, 14 Oct 2025 08:00:00 GMT</dateCreated>
    <ownerName>desk</ownerName>
  </head>
  <body>
    <outline text="News" title="News">
      <outline text="Latin America" title="Latin America">
        <outline type="rss" text="Harbour Wire" title="Harbour Wire"
                 xmlUrl="https://harbourwire.test/rss" htmlUrl="https://harbourwire.test/"
                 language="en-GB"/>
        <outline type="rss" text="Diario del Sur" xmlUrl="https://diariodelsur.test/feed"
                 htmlUrl="https://diariodelsur.test/" language="es"/>
      </outline>
      <outline type="rss" text="Le Quotidien" title="Le Quotidien &amp; Cie"
               xmlUrl="https://lequotidien.test/rss.xml?section=monde&amp;lang=fr"
               language="fr_FR"/>
    </outline>
    <outline text="Later">
      <outline type="rss" text="Harbour Wire (dup)" xmlUrl="https://HARBOURWIRE.test:443/rss"/>
      <outline type="rss" text="Coast Post" title="Coast Post"
               xmlUrl="https://coastpost.test/feed.xml"/>
      <outline type="rss" text="Old gopher" xmlUrl="gopher://old.test/feed"/>
    </outline>
  </body>
</opml>
"""

CONFIG = """# my vigia: edited by hand
storage:
  path: {db}            # the store

feeds:
  # the wire I trust most
  - url: https://coastpost.test/feed.xml
    name: Coast Post
    interval: 5m        # busy feed

# what we follow
watchlists:
  - name: venezuela
    include: [venezuela, isla verde]   # any of these
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    opml = tmp_path / "reader.opml"
    opml.write_text(READER_OPML, encoding="utf-8")
    config = tmp_path / "my.yaml"
    config.write_text(CONFIG.format(db=tmp_path / "vigia.db"), encoding="utf-8")
    config.chmod(0o600)
    return opml, config


def test_import_adds_the_readers_feeds_and_keeps_the_files_comments(cli, files):
    opml, config = files
    before = config.read_text(encoding="utf-8")
    result = cli("feeds", "import", str(opml), "--config", str(config))
    assert result.code == 0, result.err
    assert f"{config}: 3 feeds added, 2 already there, 1 skipped" in result.out
    assert "+ Diario del Sur <https://diariodelsur.test/feed> [News/Latin America]" in result.out
    assert "skipped gopher://old.test/feed: not an http(s) URL" in result.err
    after = config.read_text(encoding="utf-8")
    added = [line[2:] for line in difflib.ndiff(before.splitlines(), after.splitlines())
             if line.startswith(("+ ", "- "))]
    assert added == [  # nothing else changed: comments, order, the gap before watchlists
        "  - url: https://harbourwire.test/rss", "    name: Harbour Wire",
        "    language: en", "  - url: https://diariodelsur.test/feed",
        "    name: Diario del Sur", "    language: es",
        "  - url: https://lequotidien.test/rss.xml?section=monde&lang=fr",
        "    name: Le Quotidien & Cie", "    language: fr"]
    assert after.index("language: fr") < after.index("\n\n# what we follow")
    assert os.stat(config).st_mode & 0o777 == 0o600
    loaded = load_config(config)  # as the daemon reads it
    assert [f.name for f in loaded.feeds] == ["Coast Post", "Harbour Wire", "Diario del Sur",
                                              "Le Quotidien & Cie"]
    assert loaded.feeds[0].interval.total_seconds() == 300
    again = cli("feeds", "import", str(opml), "--config", str(config))
    assert "0 feeds added, 5 already there" in again.out
    assert config.read_text(encoding="utf-8") == after


def test_import_then_export_round_trips_the_readers_feeds(cli, files, tmp_path):
    opml, config = files
    config.write_text(CONFIG.format(db=tmp_path / "vigia.db").split("feeds:")[0]
                      + "feeds: []\n" + CONFIG.split("# what we follow")[1], encoding="utf-8")
    assert cli("feeds", "import", str(opml), "--config", str(config)).code == 0
    exported = tmp_path / "out.opml"
    result = cli("feeds", "export", "--config", str(config), "-o", str(exported))
    assert result.code == 0 and "4 feeds written" in result.err
    original = read_opml(opml.read_bytes(), "reader")
    again = read_opml(exported.read_bytes(), "export")
    expected = [(f.url, f.title, f.language) for f in original
                if f.url.startswith("http") and "HARBOURWIRE" not in f.url]
    assert [(f.url, f.title, f.language) for f in again] == [
        (url, title, language and language[:2]) for url, title, language in expected]
    stdout = cli("feeds", "export", "--config", str(config))
    assert stdout.out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert 'xmlUrl="https://lequotidien.test/rss.xml?section=monde&amp;lang=fr"' in stdout.out


def test_import_needs_a_config_file_of_ones_own(cli, files, monkeypatch):
    opml, _ = files
    monkeypatch.delenv("VIGIA_CONFIG", raising=False)
    result = cli("feeds", "import", str(opml))
    assert result.code == 2 and "name it with --config" in result.err


def test_import_refuses_feeds_that_would_break_the_config(cli, files, tmp_path):
    opml, config = files
    opml.write_text(READER_OPML.replace("https://diariodelsur.test/feed",
                                        "https://diariodelsur.test:99999/feed"))
    before = config.read_text(encoding="utf-8")
    result = cli("feeds", "import", str(opml), "--config", str(config))
    assert result.code == 2 and "nothing written" in result.err and "port" in result.err
    assert config.read_text(encoding="utf-8") == before


LAUGHS = ('<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
BODY = ('<opml version="2.0"><head/><body><outline type="rss" text="&c;" '
        'xmlUrl="https://x.test/rss"/></body></opml>')
HOSTILE = {
    "billion laughs": ('<?xml version="1.0"?>' + LAUGHS + BODY).encode(),
    "external entity": ('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY c SYSTEM '
                        '"file:///etc/passwd">]>' + BODY).encode(),
    "a DTD by reference": ('<?xml version="1.0"?><!DOCTYPE opml SYSTEM '
                           '"http://127.0.0.1:9/opml.dtd">' + BODY.replace("&c;", "x")).encode(),
    "utf-16 hiding the DTD": ('<?xml version="1.0" encoding="utf-16"?>' + LAUGHS + BODY
                              ).encode("utf-16-le"),
    "utf-7": b'<?xml version="1.0" encoding="utf-7"?>+ADw-!DOCTYPE opml+AD4-' + BODY.encode(),
    "not opml": b'<rss version="2.0"><channel><title>x</title></channel></rss>',
    "not xml": b"\x00\x01 junk",
    "huge": b'<?xml version="1.0"?><opml version="2.0"><body>' + b" " * (MAX_BYTES + 10),
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_opml_is_refused_in_one_line(cli, files, body):
    opml, config = files
    opml.write_bytes(body)
    before = config.read_text(encoding="utf-8")
    result = cli("feeds", "import", str(opml), "--config", str(config))
    assert result.code == 2, result
    assert result.err.count("\n") == 1 and str(opml) in result.err
    assert "Traceback" not in result.err
    assert config.read_text(encoding="utf-8") == before


def test_the_reader_sees_every_feed_once_with_its_folder():
    feeds = read_opml(READER_OPML.encode(), "reader")
    assert [(f.title, f.language, f.folder) for f in feeds] == [
        ("Harbour Wire", "en", "News/Latin America"),
        ("Diario del Sur", "es", "News/Latin America"),
        ("Le Quotidien & Cie", "fr", "News"),
        ("Harbour Wire (dup)", None, "Later"), ("Coast Post", None, "Later"),
        ("Old gopher", None, "Later")]
