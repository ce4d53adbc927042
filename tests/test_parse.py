"""Feed entries become plain-text Items with stable ids and UTC dates, whatever the format."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import FeedError
from bot.parse import canonical_link, parse_feed, plain_text

FETCHED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

RSS091 = """<?xml version="1.0"?>
<rss version="0.91"><channel><title>Old Wire</title><link>https://old.test/</link>
<description>d</description><language>en-us</language>
<item><title>Boat struck off the coast</title><link>https://old.test/a1</link>
<description>Three aboard were killed.</description></item>
</channel></rss>"""

RSS20 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Diario</title><link>https://diario.test/</link>
<description>d</description><language>es</language>
<item><title>Ataque contra una lancha</title><link>https://diario.test/n/1</link>
<guid isPermaLink="false">diario-1</guid><pubDate>Tue, 10 Mar 2026 14:05:00 -0300</pubDate>
<description>&lt;p&gt;Tres muertos &amp;amp; dos sobrevivientes&lt;/p&gt;</description></item>
</channel></rss>"""

RDF = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.test/"><title>RDF Wire</title><link>https://rdf.test/</link>
<description>d</description><dc:language>fr</dc:language></channel>
<item rdf:about="https://rdf.test/a/1"><title>Frappe dans le Pacifique</title>
<link>https://rdf.test/a/1</link><dc:date>2026-03-10T08:00:00Z</dc:date>
<description>Deux morts.</description></item>
</rdf:RDF>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Atom Journal</title>
<id>urn:atom:journal</id><updated>2026-03-10T09:00:00Z</updated>
<entry><title type="html">Frappe &lt;em&gt;américaine&lt;/em&gt; &amp;amp; bilan</title>
<id>tag:journal.test,2026:1</id><link href="https://journal.test/1?utm_source=rss#haut"/>
<updated>2026-03-10T09:00:00Z</updated><published>2026-03-10T08:30:00+01:00</published>
<summary type="html">&lt;script&gt;alert(1)&lt;/script&gt;Quatre morts.</summary></entry>
</feed>"""


def parse(body: str, **kw):
    return parse_feed(body.encode("utf-8"), "https://feed.test/rss", fetched_at=FETCHED, **kw)


@pytest.mark.parametrize("body, title, language", [
    (RSS091, "Boat struck off the coast", "en"),
    (RSS20, "Ataque contra una lancha", "es"),
    (RDF, "Frappe dans le Pacifique", "fr"),
    (ATOM, "Frappe américaine & bilan", "fr"),
], ids=["rss091", "rss20", "rdf", "atom"])
def test_every_feed_format_gives_items(body, title, language):
    feed = parse(body)
    assert len(feed.items) == 1
    item = feed.items[0]
    assert item.title == title
    assert item.language == language
    assert item.id
    assert item.published.tzinfo is not None


def test_guid_is_the_id_and_dates_become_utc():
    item = parse(RSS20).items[0]
    assert item.id == "diario-1"
    assert item.published == datetime(2026, 3, 10, 17, 5, tzinfo=UTC)


def test_html_and_double_escaped_entities_become_plain_text():
    item = parse(RSS20).items[0]
    assert item.summary == "Tres muertos & dos sobrevivientes"


def test_scripts_are_dropped_from_text():
    item = parse(ATOM).items[0]
    assert item.summary == "Quatre morts."
    assert "alert" not in item.summary


def test_entry_without_guid_uses_its_canonical_link():
    item = parse(RSS091).items[0]
    assert item.id == "https://old.test/a1"


def test_atom_published_is_preferred_to_updated_and_link_is_canonical():
    item = parse(ATOM).items[0]
    assert item.published == datetime(2026, 3, 10, 7, 30, tzinfo=UTC)
    assert item.link == "https://journal.test/1"


def test_entry_without_date_gets_the_fetch_time():
    assert parse(RSS091).items[0].published == FETCHED


def test_entry_with_only_updated_date_uses_it():
    body = RSS20.replace("pubDate", "lastBuildDate")
    body = body.replace("<lastBuildDate>", "<atom:updated xmlns:atom='http://www.w3.org/2005/Atom'>")
    body = body.replace("</lastBuildDate>", "</atom:updated>")
    assert parse(body).items[0].published == datetime(2026, 3, 10, 17, 5, tzinfo=UTC)


def test_name_and_language_hint_from_config():
    body = RSS091.replace("<language>en-us</language>", "")
    feed = parse(body, name="My Outlet", language="en")
    assert feed.items[0].outlet == "My Outlet"
    assert feed.items[0].language == "en"


def test_entry_with_neither_guid_nor_link_gets_a_stable_id():
    body = RSS091.replace("<link>https://old.test/a1</link>", "")
    first, second = parse(body).items[0].id, parse(body).items[0].id
    assert first == second and first.startswith("urn:vigia:")


@pytest.mark.parametrize("junk", [b"", b"hello, world", b"\x00\x01\x02\xff" * 20,
                                  b"<html><body><p>Not a feed</p></body></html>"])
def test_junk_is_a_feed_error(junk):
    with pytest.raises(FeedError) as info:
        parse_feed(junk, "https://junk.test/", fetched_at=FETCHED)
    assert "https://junk.test/" in str(info.value)


def test_malformed_but_readable_feed_gives_items_and_a_warning():
    body = RSS20.replace("</channel></rss>", "<item><title>Unclosed</title></channel>")
    feed = parse(body)
    assert feed.items and feed.items[0].title == "Ataque contra una lancha"
    assert feed.warning


@pytest.mark.parametrize("link, canonical", [
    ("https://News.test/a?utm_source=x&id=3&fbclid=abc#comments", "https://news.test/a?id=3"),
    ("https://news.test/a", "https://news.test/a"),
    ("HTTPS://NEWS.TEST", "https://news.test/"),
    ("", ""),
])
def test_canonical_link(link, canonical):
    assert canonical_link(link) == canonical


def test_plain_text_collapses_whitespace_and_blocks():
    assert plain_text("<p>One</p><p>two&nbsp;three</p>\n\n four") == "One two three four"


GOOD_ENTRY = ("<item><title>Good entry</title><link>https://x.test/b</link><guid>g2</guid>"
              "<pubDate>Tue, 10 Mar 2026 14:05:00 +0000</pubDate></item>")


def rss_with(bad_entry: str) -> str:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            + bad_entry + GOOD_ENTRY + "</channel></rss>")


@pytest.mark.parametrize("body", [
    rss_with("<item><title>Boat struck</title><link>http://[bad/a</link><guid>g1</guid></item>"),
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
    '<entry><title>Boat struck</title><id>g1</id><link href="https://[x"/></entry>'
    '<entry><title>Good entry</title><id>g2</id><link href="https://x.test/b"/>'
    "<updated>2026-03-10T14:05:00Z</updated></entry></feed>",
], ids=["rss", "atom"])
def test_an_entry_with_a_link_urllib_cannot_split_is_skipped_and_the_rest_read(body):
    feed = parse(body)
    assert [i.id for i in feed.items] == ["g2"]
    assert len(feed.skipped) == 1
    assert "'g1'" in feed.skipped[0] and "invalid link" in feed.skipped[0]


@pytest.mark.parametrize("ref", ["&#xD800;", "&#56320;", "&#x110000;", "&#99999999999;"])
def test_an_impossible_character_reference_does_not_cost_the_feed(ref):
    # feedparser itself crashes on these (UnicodeEncodeError, ValueError, OverflowError)
    feed = parse(rss_with(f"<item><title>Toll {ref} rises</title><guid>g1</guid></item>"))
    assert [i.id for i in feed.items] == ["g1", "g2"]
    assert feed.items[0].title == "Toll \ufffd rises"


def test_a_document_the_parser_crashes_on_is_a_feed_error(monkeypatch):
    def crash(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("bot.parse.feedparser.parse", crash)
    with pytest.raises(FeedError) as info:
        parse(RSS20)
    assert "RecursionError" in info.value.detail


def test_undated_entries_are_named_as_such():
    body = RSS20.replace("</channel>", "<item><title>No date</title><guid>u1</guid></item>"
                         "</channel>")
    feed = parse(body)
    assert feed.undated == {"u1"}
    assert next(i for i in feed.items if i.id == "u1").published == FETCHED


def test_controls_and_bidi_overrides_go_but_marks_and_letters_stay():
    assert plain_text("a\x1b[2Jb\x07\x00 \u202eevil\u202c\u2066x\u2069\x85y") == "a[2Jb evilx y"
    assert plain_text("\u200fمرحبا\u200e Ñandú") == "\u200fمرحبا\u200e Ñandú"
