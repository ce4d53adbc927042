"""The one module that knows HTTP: fetch a feed politely and safely, hand back bytes.

    fetch(url) ─▶ slots (per host, overall) ─▶ request (UA, conditional headers)
               ─▶ connect: resolve, refuse forbidden addresses, connect to the checked IP
               ─▶ response: 3xx → next hop (≤ 5), 304 → not modified, 429/503/4xx/5xx → FeedError
               ─▶ body: streamed, decompressed by us, capped, all within one deadline
    check_feed_body(url, body, content_type) ─▶ refuse HTML pages, DTD tricks and junk

Every failure is a `FeedError` whose message tells the user what happened and, where it can,
what to do. Nothing else in vigia needs to import httpx.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import socket
import time
import zlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import httpcore
import httpx

from bot import __version__
from bot.errors import FeedError

USER_AGENT = f"vigia/{__version__} (+https://github.com/vigia)"

# Feed types first; `*/*` last so that servers which negotiate still answer something.
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)

# Only the encodings we decode ourselves with a bounded output (see _BoundedDecoder): httpx
# would also advertise br/zstd when those packages happen to be installed, and its decoders
# inflate a whole network chunk at once (a 64 KiB gzip chunk can become 64 MiB).
ACCEPT_ENCODING = "gzip, deflate"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})

# A server may ask for a pause (Retry-After, Cache-Control max-age), but not silence a feed for
# more than a day: CDNs send max-age=31536000 on feeds that change hourly, and a year-long
# Retry-After is more likely a bug than a wish.
MAX_RETRY_AFTER = 24 * 3600.0
_MiB = 1024 * 1024


@dataclass(frozen=True)
class FetchLimits:
    """How much a single fetch may cost. The defaults suit a 1-core, 512 MB server."""

    timeout: float = 30.0  # seconds for the WHOLE response: resolve, connect, every hop, body
    max_bytes: int = 10 * _MiB  # bytes, on the wire and again after decompression
    max_redirects: int = 5
    per_host: int = 2  # concurrent requests to one host name: be polite
    overall: int = 16  # concurrent requests in all; also the size of the connection pool
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_bytes <= 0 or self.max_redirects < 0:
            raise ValueError("fetch limits must be positive")
        if self.per_host < 1 or self.overall < 1:
            raise ValueError("fetch concurrency limits must be at least 1")


@dataclass(frozen=True)
class FetchResult:
    url: str  # as asked
    final_url: str  # after redirects; a caller may adopt it after permanent redirects
    status: int
    not_modified: bool  # 304: `body` is empty, keep what you have
    body: bytes  # decoded (decompressed) bytes, not yet checked: see check_feed_body
    etag: str | None  # on a 304 without one, the validator that was sent
    last_modified: str | None
    content_type: str | None
    # Seconds the server asks us to wait, from Retry-After, else Cache-Control max-age, within
    # [0, MAX_RETRY_AFTER]; the scheduler decides how much of it to honour.
    retry_after: float | None


# ── addresses ─────────────────────────────────────────────────────────────────────────────

# NAT64 (RFC 6052): on an IPv6-only server behind DNS64, every IPv4-only site resolves into
# 64:ff9b::/96, which the ipaddress module calls "reserved". Judge the embedded IPv4 instead,
# or vigia could not fetch anything there.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

_CLASSES = (  # order matters: 127.0.0.1 is also "private", name the precise reason
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)


def forbidden_reason(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why vigia must not connect to `address` ("loopback", "private", ...), or None if public.

    Anything that is not globally routable is refused (this also covers 100.64.0.0/10,
    carrier-grade NAT, and the documentation ranges). IPv6 forms that carry an IPv4 address
    (::ffff:a.b.c.d, NAT64, 6to4, Teredo) are judged by that address too: Python 3.11 calls
    ::ffff:127.0.0.1 neither loopback nor global, and 2002:7f00:1:: "global".
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "invalid"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return forbidden_reason(ip.ipv4_mapped)
        if ip in _NAT64:
            return forbidden_reason(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and (reason := forbidden_reason(embedded)):
            return reason
    for attribute, reason in _CLASSES:
        if getattr(ip, attribute):
            return reason
    return None if ip.is_global else "non-public"


class _Refused(Exception):
    """Raised inside the connection layer; turned into a FeedError by Fetcher.fetch."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Every TCP connection httpx opens goes through here, for every hop.

    The host is resolved with the event loop's getaddrinfo; if ANY of its addresses is
    forbidden the connection is refused (an attacker who controls DNS could otherwise mix a
    public and a private answer). Then we connect to one of the addresses we checked, never
    to the name: so DNS rebinding (a second lookup answering 127.0.0.1) cannot slip between
    the check and the connect. TLS still verifies the certificate against the host name,
    which httpcore passes to start_tls separately. Connections kept alive in the pool were
    checked when they were opened.
    """

    def __init__(self, *, allow_private: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port)
        if not self._allow_private:
            for address in addresses:
                if reason := forbidden_reason(address):
                    raise _Refused(
                        f"refused to connect: {host} resolves to {address}, a {reason} "
                        "address (set fetch.allow_private_addresses: true for intranet feeds)"
                    )
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # _resolve never returns an empty list
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise _Refused("unix sockets are never used for feeds")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _Refused(f"cannot resolve host {host} ({exc}); check the URL") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise _Refused(f"cannot resolve host {host}; check the URL")
    return addresses


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with our network backend.

    httpx 0.28 has no public way to pass a network backend, so we replace its connection pool
    by an httpcore pool built through httpcore's public API. This leans on the private name
    `_pool`; tests/test_fetch.py fails loudly (a loopback fetch would connect) if that changes.
    No proxies: the address check would then judge the proxy, not the feed (trust_env=False
    for the transport). The TLS context does read SSL_CERT_FILE / SSL_CERT_DIR, so an intranet
    CA can be trusted.
    """

    def __init__(self, limits: FetchLimits, *, allow_private: bool) -> None:
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.overall,
            max_keepalive_connections=limits.overall,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(allow_private=allow_private),
        )


# ── request ───────────────────────────────────────────────────────────────────────────────


def build_headers(
    limits: FetchLimits, *, etag: str | None = None, last_modified: str | None = None
) -> dict[str, str]:
    """The request headers: who we are, what we accept, what we already have."""
    headers = {
        "User-Agent": limits.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    # A validator that is not ASCII cannot be sent (httpx would raise); fetch unconditionally.
    if etag and etag.isascii():
        headers["If-None-Match"] = etag
    if last_modified and last_modified.isascii():
        headers["If-Modified-Since"] = last_modified
    return headers


def _check_url(original: str, url: httpx.URL) -> None:
    if url.scheme not in ("http", "https"):
        scheme = f"{url.scheme}:" if url.scheme else "no scheme"
        raise FeedError(original, f"only http and https feed URLs are supported (got {scheme})")
    if not url.host:
        raise FeedError(original, f"the URL {url} has no host")


# ── response ──────────────────────────────────────────────────────────────────────────────


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds from `now` (epoch seconds): delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # unparseable: as if absent
    if when.tzinfo is None:  # "-0000" dates; HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def cache_max_age(value: str | None) -> float | None:
    """Cache-Control max-age in seconds; None when absent or when caching is forbidden."""
    if not value or re.search(r"no-store|no-cache", value, re.IGNORECASE):
        return None
    match = _MAX_AGE.search(value)
    return float(match.group(1)) if match else None


def _capped(seconds: float | None) -> float | None:
    return None if seconds is None else min(seconds, MAX_RETRY_AFTER)


def _status_error(url: str, status: int, retry_after: float | None) -> FeedError:
    """A refusal in the user's words: what the server said, and what to do about it."""
    try:
        phrase = f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = f"HTTP {status}"
    if status in (429, 503):
        wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        what = "rate-limited" if status == 429 else "temporarily unavailable"
        return FeedError(url, f"{what} ({phrase}){wait}", retry_after=retry_after)
    if status in (401, 403):
        message = f"access denied ({phrase}): the feed needs a login or blocks bots"
    elif status == 404:
        message = f"not found ({phrase}): check the feed URL"
    elif status == 410:
        message = f"the feed is gone ({phrase}): remove it or find its new URL"
    elif status >= 500:
        message = f"server error ({phrase}): the site has a problem; vigia will retry"
    else:
        message = f"the server refused the request ({phrase})"
    return FeedError(url, message)


def _size(n: int) -> str:
    return f"{n / _MiB:g} MiB" if n >= _MiB else f"{n / 1024:g} KiB"


class _BoundedDecoder:
    """Content-Encoding decoding that never produces much more than asked for at once.

    httpx's decoders call zlib without max_length, so one 64 KiB chunk of a gzip bomb
    becomes ~64 MiB in memory before anyone can count it (deflate tops out near 1032:1).
    Here each zlib call yields at most _STEP bytes, so a fetch holds at most
    max_bytes + _STEP decoded bytes whatever the server sends.
    """

    _STEP = 64 * 1024

    def __init__(self, url: str, encoding: str) -> None:
        self._url, self._encoding = url, encoding
        if encoding in ("gzip", "x-gzip"):
            self._zlib: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()  # zlib-wrapped; raw deflate tried on error
        else:
            raise FeedError(url, f"the server used a compression vigia did not ask for "
                                 f"({encoding}); only gzip and deflate are supported")
        self._started = False

    def feed(self, data: bytes) -> Iterable[bytes]:
        assert self._zlib is not None
        while data and not self._zlib.eof:
            try:
                out = self._zlib.decompress(data, self._STEP)
            except zlib.error as exc:
                if self._encoding == "deflate" and not self._started:
                    # Some servers send raw deflate under "deflate" (as httpx tolerates).
                    self._zlib, self._started = zlib.decompressobj(-zlib.MAX_WBITS), True
                    continue
                raise FeedError(self._url, f"the compressed body is corrupt ({exc})") from None
            self._started = True
            data = self._zlib.unconsumed_tail
            if out:
                yield out
        # Output may still be pending after the last input byte was consumed.
        while not self._zlib.eof and (out := self._zlib.decompress(b"", self._STEP)):
            yield out

    # A truncated stream is not an error here: the body ends where it ends, and the feed
    # parser judges what it got (a cut connection is caught by httpcore).


async def _read_body(url: str, response: httpx.Response, limit: int) -> bytes:
    """The decoded body, refused as soon as it passes `limit` on the wire or decoded."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FeedError(url, f"the feed is {_size(int(declared))}, more than the "
                             f"{_size(limit)} limit")
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise FeedError(url, f"the server stacked compressions ({', '.join(codings)}); "
                             "vigia decodes one at a time only")
    decoder = _BoundedDecoder(url, codings[0]) if codings else None
    body = bytearray()
    wire = 0
    async for raw in response.aiter_raw():
        wire += len(raw)
        if wire > limit:
            raise FeedError(url, f"the feed is larger than the {_size(limit)} limit")
        for piece in (decoder.feed(raw) if decoder else (raw,)):
            body += piece
            if len(body) > limit:
                raise FeedError(url, f"the feed expands to more than {_size(limit)} when "
                                     "decompressed (a compression bomb?)")
    return bytes(body)


# ── the fetcher ───────────────────────────────────────────────────────────────────────────


class _Slots:
    """Per-host and overall concurrency, with no way to deadlock across redirects.

    A hop takes its host's slot, then an overall slot, and gives both back before the next
    hop. Whoever holds an overall slot is doing network work and waits for nothing else, so
    waiting never forms a cycle. Host entries are dropped when nobody uses them, so months
    of redirects to ever-new hosts do not grow the dict.
    """

    def __init__(self, per_host: int, overall: int) -> None:
        self._per_host = per_host
        self._overall = asyncio.Semaphore(overall)
        self._hosts: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._hosts.setdefault(
            host, (asyncio.Semaphore(self._per_host), [0])
        )
        users[0] += 1
        try:
            async with semaphore, self._overall:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._hosts[host]


class Fetcher:
    """Fetches feeds; one per process, shared by every feed job. Close it with aclose()."""

    def __init__(
        self, limits: FetchLimits = FetchLimits(), *, allow_private: bool = False
    ) -> None:
        self.limits = limits
        self._slots = _Slots(limits.per_host, limits.overall)
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(limits, allow_private=allow_private),
            follow_redirects=False,  # we follow by hand so that every hop is checked
            # Per-operation timeouts as a backstop; the real limit is the deadline in fetch().
            timeout=httpx.Timeout(limits.timeout),
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, following at most `max_redirects` redirects, each hop checked.

        Raises FeedError for anything but a 2xx or 304. The deadline (`limits.timeout`)
        covers resolving, connecting and reading every hop; time spent waiting for a
        concurrency slot does not count, so a long queue for one host cannot time out feeds
        that never got to talk to it.
        """
        headers = build_headers(self.limits, etag=etag, last_modified=last_modified)
        try:
            current = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise FeedError(url, f"not a valid URL ({exc})") from None
        budget = self.limits.timeout
        loop = asyncio.get_running_loop()
        for hop in range(self.limits.max_redirects + 1):
            _check_url(url, current)
            async with self._slots.hold(current.host):
                started = loop.time()
                try:
                    async with asyncio.timeout(budget):
                        outcome = await self._hop(url, current, headers, etag, last_modified)
                except (TimeoutError, httpx.TimeoutException):
                    raise FeedError(url, f"no complete response within {self.limits.timeout:g} s "
                                         "(the server is too slow or trickles data)") from None
                budget -= loop.time() - started
            if isinstance(outcome, FetchResult):
                return outcome
            if hop == self.limits.max_redirects:
                break
            current = outcome
        raise FeedError(url, f"too many redirects (more than {self.limits.max_redirects}); "
                             f"the last one pointed to {current}")

    async def _hop(
        self, url: str, current: httpx.URL, headers: dict[str, str],
        etag: str | None, last_modified: str | None,
    ) -> FetchResult | httpx.URL:
        """One request: a result, or the URL the server redirects to."""
        try:
            async with self._client.stream("GET", current, headers=headers) as response:
                return await self._handle(url, current, response, etag, last_modified)
        except _Refused as exc:
            raise FeedError(url, exc.detail) from None
        except httpx.TimeoutException:
            raise
        except httpx.ConnectError as exc:
            detail = str(exc) or type(exc).__name__
            if "CERTIFICATE_VERIFY_FAILED" in detail:
                raise FeedError(url, f"the TLS certificate of {current.host} is not valid "
                                     f"({detail})") from None
            raise FeedError(url, f"could not connect to {current.host} ({detail})") from None
        except httpx.RemoteProtocolError as exc:
            raise FeedError(url, f"the server broke the HTTP protocol ({exc})") from None
        except httpx.HTTPError as exc:
            raise FeedError(url, f"network error ({str(exc) or type(exc).__name__})") from None

    async def _handle(
        self, url: str, current: httpx.URL, response: httpx.Response,
        etag: str | None, last_modified: str | None,
    ) -> FetchResult | httpx.URL:
        status = response.status_code
        retry_after = _capped(parse_retry_after(response.headers.get("retry-after")))
        if status in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise FeedError(url, f"the server redirected (HTTP {status}) without a Location")
            try:
                return current.join(location)
            except httpx.InvalidURL as exc:
                raise FeedError(url, f"the server redirected to an invalid URL ({exc})") from None
        if status != 304 and not 200 <= status < 300:
            raise _status_error(url, status, retry_after)
        if retry_after is None:
            retry_after = _capped(cache_max_age(response.headers.get("cache-control")))
        not_modified = status == 304
        body = b"" if not_modified else await _read_body(url, response, self.limits.max_bytes)
        return FetchResult(
            url=url,
            final_url=str(current),
            status=status,
            not_modified=not_modified,
            body=body,
            etag=response.headers.get("etag") or (etag if not_modified else None),
            last_modified=response.headers.get("last-modified")
            or (last_modified if not_modified else None),
            content_type=response.headers.get("content-type"),
            retry_after=retry_after,
        )


# ── the body, before any parser sees it ───────────────────────────────────────────────────

_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})  # local names, any prefix
_SNIFF = 64 * 1024  # the prolog and the root element must start within this many characters
_ALTERNATE = re.compile(
    r"<link\b[^>]*\btype=[\"']?application/(?:rss|atom)\+xml[^>]*>", re.IGNORECASE
)
_HREF = re.compile(r"\bhref=[\"']?([^\"'\s>]+)", re.IGNORECASE)


def check_feed_body(url: str, body: bytes, content_type: str | None) -> None:
    """Raise FeedError unless `body` looks like a feed a parser may safely read.

    Refused: an empty body; any `<!ENTITY` (billion laughs, external entities) anywhere; a
    DOCTYPE with an internal subset; an HTML page; a document whose root is not rss, feed,
    rdf:RDF or channel; junk that is not markup at all. JSON Feed is let through.

    Decisions:
    - Bad UTF-8, or a wrong charset, is NOT an error: feedparser copes (it falls back to
      other encodings and flags the feed as bozo), and one bad byte should not cost a feed.
      We therefore sniff with a byte-preserving decoding, never strict UTF-8.
    - A DOCTYPE with only an external identifier (Netscape's RSS 0.91 DTD, still served)
      passes: no DTD is ever fetched (feedparser turns off external entities in expat and
      rewrites the DOCTYPE), and refusing it would drop honest old feeds.
    - This scan reads bytes; an encoding that spells `<!` otherwise (UTF-7) is caught by
      `parse.parse_feed`, which looks again at the document as feedparser decodes it.
    - The Content-Type header is not trusted: many honest feeds are served as text/html or
      text/plain. We look at the document; the header only colours the message.
    """
    head, declares_entities = _sniff(body)
    if not head.strip():
        raise FeedError(url, "the server sent an empty response instead of a feed")
    if declares_entities:
        raise FeedError(url, "the feed declares XML entities (<!ENTITY), which vigia never "
                             "expands (entity-expansion and external-entity attacks)")
    root = _root_element(url, head, content_type)
    if root is None:
        if head.lstrip()[:1] in ("{", "[") and "jsonfeed.org/version" in head[:4096]:
            return  # JSON Feed: feedparser reads it, and JSON has no entities
        raise FeedError(url, f"the response is not a feed{_served_as(content_type)}: "
                             "no XML document in it")
    local = root.rsplit(":", 1)[-1].lower()
    if local == "html":
        raise _html_error(url, head, content_type)
    # Leading junk with tags of its own (PHP warnings before <?xml are a classic): feedparser
    # still reads the feed that follows, so let a feed's root later in the head decide.
    if local not in _FEED_ROOTS and not _FEED_START.search(head):
        raise FeedError(url, f"the response is not an RSS or Atom feed{_served_as(content_type)}"
                             f": its document element is <{root}>")


_ENTITY_TEXT = re.compile(r"<!ENTITY", re.IGNORECASE)
_ENTITY_BYTES = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _sniff(body: bytes) -> tuple[str, bool]:
    """The head of the body as text, for looking at markup only, and whether `<!ENTITY`
    occurs anywhere in it. Byte-preserving, never fails, copies no more than the head for
    the usual ASCII-compatible encodings (the entity scan of 10 MiB takes ~10 ms)."""
    wide = None
    if body.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        wide = "utf-32"
    elif body.startswith((b"\xff\xfe", b"\xfe\xff")):
        wide = "utf-16"
    elif body.startswith((b"<\x00", b"\x00<")):  # UTF-16 without a BOM
        wide = "utf-16-le" if body[0] == 0x3C else "utf-16-be"
    if wide:
        text = body.decode(wide, errors="replace")
        return text[:_SNIFF], _ENTITY_TEXT.search(text) is not None
    # Latin-1 maps every byte to one character: markup, which is ASCII, reads true in
    # UTF-8, Latin-1, Windows-125x and broken mixtures of them alike.
    head = body[:_SNIFF + 3].removeprefix(b"\xef\xbb\xbf")[:_SNIFF].decode("latin-1")
    return head, _ENTITY_BYTES.search(body) is not None


_PROLOG = re.compile(
    r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE\b(?P<doctype>[^\[>]*)(?P<subset>\[)?", re.DOTALL | re.I
)
_START_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")
_FEED_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF)[\s>/]")


def _root_element(url: str, head: str, content_type: str | None) -> str | None:
    """Walk the prolog (declaration, comments, PIs, DOCTYPE) to the first element's name."""
    position = 0
    while True:
        match = _PROLOG.match(head, position)
        if match is None:
            break
        if match.group("doctype") is not None:
            declared = match.group("doctype").split()
            if declared and declared[0].lower() == "html":
                raise _html_error(url, head, content_type)
            if match.group("subset"):
                raise FeedError(url, "the feed carries a DOCTYPE with an internal subset, "
                                     "which vigia refuses (entity-expansion attacks)")
            close = head.find(">", match.end())
            position = close + 1 if close >= 0 else len(head)
            continue
        position = match.end()
    # Text before the first tag is skipped here; binary junk rarely has a tag, and if it
    # does, its "root" is refused by the caller.
    tag = _START_TAG.search(head, position)
    return tag.group(1) if tag else None


def _served_as(content_type: str | None) -> str:
    return f" (served as {content_type.split(';')[0].strip()})" if content_type else ""


def _html_error(url: str, head: str, content_type: str | None) -> FeedError:
    """An HTML page: say so, and point at the feed the page advertises, if any."""
    hint = "is this the site's address rather than its feed's?"
    link = _ALTERNATE.search(head)
    href = _HREF.search(link.group(0)) if link else None
    if href:
        with contextlib.suppress(httpx.InvalidURL):
            hint = f"the page advertises a feed at {httpx.URL(url).join(href.group(1))}"
    return FeedError(url, f"the server sent an HTML page{_served_as(content_type)}, "
                          f"not a feed: {hint}")
