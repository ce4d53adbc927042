"""The fetcher against real servers on 127.0.0.1 that misbehave (see httpserver.py).

Nothing here reaches beyond the loopback interface: fetches that must be refused are refused
before any connection, and the address rules for the rest of the world are tested on the
classification function itself.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
import tracemalloc
import zlib
from email.utils import formatdate

import feedparser
import pytest
from httpserver import Reply, Request, gzip_bomb, redirect, serve, trickle

from bot import __version__
from bot import fetch as fetch_module
from bot.errors import FeedError
from bot.fetch import (
    Fetcher,
    FetchLimits,
    FetchResult,
    build_headers,
    cache_max_age,
    check_feed_body,
    forbidden_reason,
    parse_retry_after,
)

RSS = "application/rss+xml"


def rss(entries: int = 2, *, extra: bytes = b"") -> bytes:
    items = b"".join(
        b"<item><title>Strike %d</title><link>https://example.org/%d</link>"
        b"<guid>https://example.org/%d</guid></item>" % (i, i, i)
        for i in range(entries)
    )
    return (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            b"<title>Example</title>" + extra + items + b"</channel></rss>")


def fetch(url: str, *, limits: FetchLimits | None = None, allow_private: bool = True,
          **conditional: str | None) -> FetchResult:
    """One fetch on a fresh event loop; tests talk to loopback, hence allow_private."""
    async def go() -> FetchResult:
        async with Fetcher(limits or FetchLimits(), allow_private=allow_private) as fetcher:
            return await fetcher.fetch(url, **conditional)
    return asyncio.run(go())


def refusal(url: str, **kwargs: object) -> FeedError:
    with pytest.raises(FeedError) as caught:
        fetch(url, **kwargs)  # type: ignore[arg-type]
    assert caught.value.url == url
    return caught.value


# ── conditional GET, statuses, Retry-After ────────────────────────────────────────────────


def test_a_fetch_returns_validators_and_the_conditional_refetch_is_not_modified():
    def feed(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(body=rss(), headers={"ETag": '"v1"', "Content-Type": RSS,
                                          "Last-Modified": "Sat, 28 Nov 2026 10:00:00 GMT"})

    with serve() as server:
        url = server.route("/feed", feed)
        first = fetch(url)
        again = fetch(url, etag=first.etag, last_modified=first.last_modified)
        sent = server.requests[-1].headers

    assert (first.status, first.not_modified, first.body) == (200, False, rss())
    assert first.etag == '"v1"' and first.content_type == RSS
    assert first.last_modified == "Sat, 28 Nov 2026 10:00:00 GMT"
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Sat, 28 Nov 2026 10:00:00 GMT"
    assert (again.status, again.not_modified, again.body) == (304, True, b"")
    assert again.last_modified == first.last_modified  # kept when the 304 omits it


def test_requests_name_vigia_and_ask_only_for_encodings_we_decode_ourselves():
    with serve() as server:
        fetch(server.route("/feed", Reply(body=rss())))
        headers = server.requests[0].headers
    assert headers["user-agent"].startswith(f"vigia/{__version__}")
    assert headers["accept-encoding"] == "gzip, deflate"
    assert "application/rss+xml" in headers["accept"]


def test_a_validator_that_cannot_be_sent_is_dropped_not_fatal():
    headers = build_headers(FetchLimits(), etag='"caf\u00e9"', last_modified="Sat, 28 Nov 2026")
    assert "If-None-Match" not in headers
    assert headers["If-Modified-Since"] == "Sat, 28 Nov 2026"


@pytest.mark.parametrize(("status", "words"), [
    (500, "HTTP 500 Internal Server Error"),
    (502, "HTTP 502 Bad Gateway"),
    (404, "HTTP 404 Not Found"),
    (410, "gone"),
    (403, "access denied"),
    (418, "HTTP 418"),
])
def test_an_error_status_is_a_feed_error_naming_the_status(status, words):
    with serve() as server:
        error = refusal(server.route("/feed", Reply(status=status, body=b"oops")))
    assert words in str(error)
    assert error.retry_after is None


def test_429_with_retry_after_seconds_tells_when_to_come_back():
    with serve() as server:
        error = refusal(server.route("/feed", Reply(status=429, headers={"Retry-After": "120"})))
    assert error.retry_after == 120
    assert "rate-limited" in str(error) and "120 s" in str(error)


def test_503_with_retry_after_as_a_date_tells_when_to_come_back():
    when = formatdate(time.time() + 120, usegmt=True)
    with serve() as server:
        error = refusal(server.route("/feed", Reply(status=503, headers={"Retry-After": when})))
    assert 110 <= error.retry_after <= 121
    assert "temporarily unavailable" in str(error)


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0),
    (" 0 ", 0.0),
    ("Sun, 29 Nov 2026 06:02:00 GMT", 120.0),
    ("Sun, 29 Nov 2026 05:00:00 GMT", 0.0),  # in the past: come back now
    ("soon", None),
    ("-5", None),
    ("", None),
    (None, None),
])
def test_parse_retry_after(value, expected):
    now = 1_795_932_000.0  # Sun, 29 Nov 2026 06:00:00 GMT
    assert parse_retry_after(value, now=now) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("max-age=600", 600.0),
    ("public, max-age=300, must-revalidate", 300.0),
    ("s-maxage=60", None),
    ("no-cache, max-age=600", None),
    (None, None),
])
def test_cache_control_max_age(value, expected):
    assert cache_max_age(value) == expected


def test_a_fresh_response_reports_how_long_it_stays_fresh():
    with serve() as server:
        cached = fetch(server.route("/a", Reply(body=rss(), headers={"Cache-Control":
                                                                      "max-age=900"})))
        told = fetch(server.route("/b", Reply(body=rss(), headers={
            "Cache-Control": "max-age=900", "Retry-After": "60"})))
    assert cached.retry_after == 900
    assert told.retry_after == 60  # Retry-After wins


def test_a_server_cannot_silence_a_feed_for_more_than_a_day():
    with serve() as server:
        cached = fetch(server.route("/a", Reply(body=rss(), headers={
            "Cache-Control": "public, max-age=31536000"})))
        error = refusal(server.route("/b", Reply(status=429, headers={"Retry-After": "9999999"})))
    assert cached.retry_after == error.retry_after == 24 * 3600


# ── deadline, size, compression ───────────────────────────────────────────────────────────


@pytest.mark.parametrize("reply", [
    trickle(b"<", every=0.05),  # never a gap long enough for a per-read timeout
    Reply(body=rss(), hold=10),  # says nothing at all
], ids=["trickle", "silent"])
def test_a_slow_server_is_cut_off_by_the_deadline(reply):
    with serve() as server:
        url = server.route("/slow", reply)
        started = time.monotonic()
        error = refusal(url, limits=FetchLimits(timeout=1.0))
        elapsed = time.monotonic() - started
    assert "within 1 s" in str(error)
    assert 0.9 <= elapsed < 3.0


def test_waiting_for_a_slot_does_not_count_against_the_deadline():
    # One request at a time to this host, each answered in 0.4 s: the third waits 0.8 s in
    # the queue, but its own exchange takes 0.4 s of its 1 s budget.
    async def go() -> list[FetchResult]:
        async with Fetcher(FetchLimits(timeout=1.0, per_host=1), allow_private=True) as f:
            return await asyncio.gather(*(f.fetch(url) for _ in range(3)))

    with serve() as server:
        url = server.route("/feed", Reply(body=rss(), hold=0.4))
        results = asyncio.run(go())
    assert [r.status for r in results] == [200, 200, 200]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "no-length"])
def test_a_huge_body_is_refused(declared):
    limit = 256 * 1024
    huge = rss(20_000)
    assert len(huge) > 4 * limit
    body = huge if declared else (huge[i:i + 8192] for i in range(0, len(huge), 8192))
    with serve() as server:
        error = refusal(server.route("/huge", Reply(body=body)),
                        limits=FetchLimits(max_bytes=limit))
    assert "256 KiB limit" in str(error)


def test_a_gzip_bomb_is_refused_with_bounded_memory():
    limit = 1024 * 1024
    bomb = gzip_bomb(200 * 1024 * 1024)  # 200 MiB of zeros in ~200 KiB
    assert len(bomb.body) < limit
    with serve() as server:
        url = server.route("/bomb", bomb)
        tracemalloc.start()
        try:
            error = refusal(url, limits=FetchLimits(max_bytes=limit))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "more than 1 MiB when decompressed" in str(error)
    # The body may hold the limit plus one decoded step; httpx's own decoder would have
    # inflated a whole network chunk (tens of MiB) first.
    assert peak < 4 * limit, f"peak {peak / 2**20:.1f} MiB"


def compress(body: bytes, encoding: str) -> bytes:
    wbits = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS, "raw": -zlib.MAX_WBITS}
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits[encoding])
    return packer.compress(body) + packer.flush()


@pytest.mark.parametrize("encoding", ["identity", "gzip", "deflate", "raw"])
def test_a_ten_thousand_entry_feed_is_fetched_whole(encoding):
    body = rss(10_000)
    headers = {"Content-Type": RSS}
    wire = body
    if encoding != "identity":
        wire = compress(body, encoding)
        headers["Content-Encoding"] = "deflate" if encoding == "raw" else encoding
    with serve() as server:
        result = fetch(server.route("/big", Reply(body=wire, headers=headers)))
    assert result.body == body
    check_feed_body(result.url, result.body, result.content_type)
    if encoding == "identity":  # parsing takes seconds; the bytes are the same for all
        assert len(feedparser.parse(result.body).entries) == 10_000


def test_a_compression_we_did_not_ask_for_is_refused():
    with serve() as server:
        error = refusal(server.route("/br", Reply(body=b"\x1b\x00", headers={
            "Content-Encoding": "br"})))
    assert "only gzip and deflate" in str(error)


def test_a_corrupt_gzip_body_is_refused():
    with serve() as server:
        error = refusal(server.route("/bad", Reply(body=b"not gzip at all", headers={
            "Content-Encoding": "gzip"})))
    assert "corrupt" in str(error)


# ── redirects ─────────────────────────────────────────────────────────────────────────────


def chain(server, hops: int) -> str:
    """/r{hops} → ... → /r1 → /feed, alternating relative and absolute Locations."""
    server.route("/feed", Reply(body=rss()))
    for n in range(1, hops + 1):
        target = "/feed" if n == 1 else f"/r{n - 1}"
        server.route(f"/r{n}", redirect(target if n % 2 else server.url(target),
                                        status=(301, 302, 303, 307, 308)[n % 5]))
    return server.url(f"/r{hops}")


def test_five_redirects_are_followed():
    with serve() as server:
        result = fetch(chain(server, 5))
    assert result.final_url == server.url("/feed")
    assert result.body == rss()


def test_a_sixth_redirect_is_refused():
    with serve() as server:
        error = refusal(chain(server, 6))
        assert server.hits("/feed") == 0
    assert "too many redirects" in str(error)


def test_a_redirect_loop_is_refused_after_five_hops():
    with serve() as server:
        error = refusal(server.route("/loop", redirect("/loop")))
        assert server.hits("/loop") == 6  # the request and five redirects followed
    assert "too many redirects (more than 5)" in str(error)


def test_a_redirect_without_location_is_refused():
    with serve() as server:
        error = refusal(server.route("/moved", Reply(status=301)))
    assert "without a Location" in str(error)


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/feed",
                                    "gopher://127.0.0.1:70/"])
def test_a_redirect_to_another_scheme_is_refused(target):
    with serve() as server:
        error = refusal(server.route("/r", redirect(target)))
    assert "only http and https" in str(error)


# ── addresses ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("address", "reason"), [
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),  # the cloud metadata service
    ("127.0.0.1", "loopback"),
    ("127.8.8.8", "loopback"),
    ("::1", "loopback"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fd00::1", "private"),
    ("240.0.0.1", "private"),  # reserved class E; Python files it under private
    ("100.64.0.1", "non-public"),  # carrier-grade NAT
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("not an address", "invalid"),
])
def test_forbidden_addresses(address, reason):
    assert forbidden_reason(address) == reason


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111",
                                     "::ffff:93.184.215.14", "64:ff9b::5db8:d70e"])
def test_public_addresses_are_allowed(address):
    assert forbidden_reason(address) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]"])
def test_loopback_is_refused_without_connecting(host):
    with serve() as server:
        server.route("/feed", Reply(body=rss()))
        url = server.url("/feed", host=host)
        error = refusal(url, allow_private=False)
        assert server.connections == 0
    assert "loopback address" in str(error)
    assert "fetch.allow_private_addresses" in str(error)


def test_a_redirect_to_a_forbidden_address_is_refused_before_connecting(monkeypatch):
    # Tests may only reach 127.0.0.1, so let the rules allow exactly that address and play the
    # public site; the redirect then points at another loopback address, which is refused.
    monkeypatch.setattr(fetch_module, "forbidden_reason",
                        lambda address: None if address == "127.0.0.1" else "loopback")
    with serve() as server:
        url = server.route("/feed", redirect(server.url("/feed", host="127.0.0.2")))
        error = refusal(url, allow_private=False)
        assert server.connections == 1
    assert "127.0.0.2 resolves to 127.0.0.2, a loopback address" in str(error)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed",
                                 "javascript:alert(1)", "example.org/feed", "http:///feed"])
def test_only_http_and_https_urls_are_fetched(url):
    error = refusal(url)
    assert "http and https" in str(error) or "no host" in str(error)


def test_a_closed_port_is_a_feed_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = refusal(f"http://127.0.0.1:{port}/feed")
    assert "could not connect to 127.0.0.1" in str(error)


# ── TLS ───────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for the name localhost only (not for 127.0.0.1)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


def test_https_checks_the_certificate_against_the_name_while_connecting_to_the_address(
    certificate, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])  # trust our test CA
    with serve(tls=certificate) as server:
        url = server.route("/feed", Reply(body=rss()))
        by_name = fetch(server.url("/feed", host="localhost"))
        by_address = refusal(url)  # the certificate does not name 127.0.0.1
    assert by_name.body == rss()
    assert "TLS certificate of 127.0.0.1 is not valid" in str(by_address)


def test_an_untrusted_certificate_is_a_feed_error(certificate):
    with serve(tls=certificate) as server:
        server.route("/feed", Reply(body=rss()))
        error = refusal(server.url("/feed", host="localhost"))
    assert "TLS certificate of localhost is not valid" in str(error)


# ── concurrency ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("per_host", "overall", "expected"), [(2, 16, 2), (16, 3, 3)])
def test_concurrency_is_limited_per_host_and_overall(per_host, overall, expected):
    async def go() -> None:
        limits = FetchLimits(per_host=per_host, overall=overall)
        async with Fetcher(limits, allow_private=True) as fetcher:
            await asyncio.gather(*(fetcher.fetch(url) for _ in range(8)))

    with serve() as server:
        # Each answer takes 0.25 s, so unlimited requests would all overlap.
        url = server.route("/feed", Reply(body=rss(), hold=0.25))
        asyncio.run(go())
        assert server.max_in_flight == expected


# ── the body, before parsing ──────────────────────────────────────────────────────────────

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title></channel></rss>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1/evil.dtd"> %remote;]>
<rss version="2.0"/>"""

INTERNAL_SUBSET = b"""<!DOCTYPE rss [<!ATTLIST rss version CDATA "2.0">]><rss/>"""

HTML = b"""<!doctype html><html><head><title>Example News</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
</head><body>Latest news</body></html>"""


def test_an_entity_bomb_is_refused_before_parsing():
    with serve() as server:
        result = fetch(server.route("/feed", Reply(body=BILLION_LAUGHS,
                                                   headers={"Content-Type": RSS})))
    with pytest.raises(FeedError, match="ENTITY"):
        check_feed_body(result.url, result.body, result.content_type)


def test_an_html_page_is_refused_and_points_at_its_feed():
    with serve() as server:
        result = fetch(server.route("/", Reply(body=HTML, headers={
            "Content-Type": "text/html; charset=utf-8"})))
    with pytest.raises(FeedError) as caught:
        check_feed_body(result.url, result.body, result.content_type)
    assert "HTML page (served as text/html)" in str(caught.value)
    assert f"advertises a feed at {server.url('/rss.xml')}" in str(caught.value)


def test_a_feed_with_bad_utf8_is_accepted_and_parsed():
    body = rss(3, extra=b"<description>Caf\xe9 \xff\xfe broken \xc3</description>")
    with serve() as server:
        result = fetch(server.route("/feed", Reply(body=body, headers={"Content-Type": RSS})))
    assert result.body == body
    check_feed_body(result.url, result.body, result.content_type)  # no error
    assert len(feedparser.parse(result.body).entries) == 3


@pytest.mark.parametrize("body", [
    rss(),
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>',
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
    b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
    b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"/>',
    b"\xef\xbb\xbf  \n<!-- generated --><?xml-stylesheet href='s.xsl'?><rss/>",
    "<?xml version='1.0' encoding='utf-16'?><rss/>".encode("utf-16"),
    b"<br />\n<b>Warning</b>: Undefined variable $x in feed.php on line 3<br />\n" + rss(),
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}',
], ids=["rss", "atom", "rdf", "netscape-doctype", "bom-comment-pi", "utf-16", "php-warning",
        "json-feed"])
def test_feed_shapes_pass_the_body_check(body):
    check_feed_body("https://example.org/feed", body, "text/html")  # a wrong type is common


@pytest.mark.parametrize(("body", "words"), [
    (b"", "empty response"),
    (b"  \r\n\t ", "empty response"),
    (BILLION_LAUGHS, "ENTITY"),
    (EXTERNAL_ENTITY, "ENTITY"),
    (PARAMETER_ENTITY, "ENTITY"),
    (BILLION_LAUGHS.decode().encode("utf-16"), "ENTITY"),
    (INTERNAL_SUBSET, "internal subset"),
    (HTML, "HTML page"),
    (b"<HTML><BODY>Moved</BODY></HTML>", "HTML page"),
    (b"Service Unavailable", "no XML document"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "no XML document"),
    (b'<?xml version="1.0"?><urlset><url/></urlset>', "document element is <urlset>"),
    (b'{"error": "not found"}', "no XML document"),
], ids=["empty", "blank", "billion-laughs", "external-entity", "parameter-entity",
        "utf-16-entities", "internal-subset", "html", "html-no-doctype", "text", "binary",
        "sitemap", "json-error"])
def test_bodies_that_are_not_safe_feeds_are_refused(body, words):
    with pytest.raises(FeedError, match=words) as caught:
        check_feed_body("https://example.org/feed", body, None)
    assert caught.value.url == "https://example.org/feed"
