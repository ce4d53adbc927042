"""A real HTTP server on 127.0.0.1 that misbehaves on demand, for tests of the shell.

    with serve() as server:
        url = server.route("/feed", Reply(body=b"<rss/>", headers={"ETag": '"v1"'}))
        url = server.route("/slow", trickle(b"<rss>", every=0.1))
        url = server.route("/bomb", gzip_bomb(100 * 1024 * 1024))
        url = server.route("/loop", redirect("/loop"))
        url = server.route("/dyn", lambda request: Reply(status=304) if ... else Reply(...))
        # GET and POST alike; a POST's body is in `request.body`
    with serve(tls=(cert_file, key_file)) as server:  # https://

Each route answers with a `Reply`, or with what a function of the `Request` returns. The
server records every request and every accepted connection, and the peak number of requests
in flight, so tests can assert what did (or did not) reach it. It runs in threads, apart from
the event loop under test, and stops its trickles when it is closed.
"""

from __future__ import annotations

import itertools
import ssl
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes = b""  # a POST's body


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # bytes are sent with a Content-Length; an iterable of chunks is sent without one and
    # the connection closed at its end (so a test can send "more than it says" or forever).
    body: bytes | Iterable[bytes] = b""
    pause: float = 0.0  # seconds between chunks of an iterable body: a trickle
    hold: float = 0.0  # seconds to wait before answering: lets requests overlap


Route = Reply | Callable[[Request], Reply]


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


def trickle(chunk: bytes = b"<", every: float = 0.1) -> Reply:
    """A 200 whose body never ends: one small chunk every `every` seconds, until closed."""
    return Reply(headers={"Content-Type": "application/rss+xml"},
                 body=itertools.repeat(chunk), pause=every)


def gzip_bomb(size: int) -> Reply:
    """A gzip body that inflates to `size` zero bytes (about 1000:1), labelled as a feed."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.compress(bytes(size % len(block))))
    parts.append(compressor.flush())
    return Reply(headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
                 body=b"".join(parts))


class LoopbackServer:
    def __init__(self, tls: tuple[str, str] | None = None) -> None:
        """`tls`: (certificate file, key file) to serve https instead of http."""
        self._routes: dict[str, Route] = {}
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self.requests: list[Request] = []
        self.connections = 0
        self.in_flight = 0
        self.max_in_flight = 0
        owner = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
                with owner._changed:
                    owner.connections += 1
                    owner._changed.notify_all()
                super().process_request(request, client_address)

            def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
                if not isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError):  # hang-ups
                    super().handle_error(request, client_address)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                owner._answer(self)

            def do_POST(self) -> None:  # noqa: N802
                owner._answer(self, "POST")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # quiet tests

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            # The handshake happens in the handler's thread, not in accept().
            self._server.socket = context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)  # 0.02 s: a quick shutdown
        self._thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def route(self, path: str, reply: Route) -> str:
        self._routes[path] = reply
        return self.url(path)

    def hits(self, path: str) -> int:
        with self._changed:
            return sum(1 for request in self.requests if request.path == path)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until `condition()` holds (checked whenever the server's state changes)."""
        with self._changed:
            return self._changed.wait_for(condition, timeout)

    def close(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ── inside the server's threads ──

    def _answer(self, handler: BaseHTTPRequestHandler, method: str = "GET") -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if method == "POST" and length else b""
        request = Request(method, handler.path,
                          {name.lower(): value for name, value in handler.headers.items()}, body)
        with self._changed:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._changed.notify_all()
        try:
            route = self._routes.get(request.path.split("?")[0])
            reply = Reply(status=404) if route is None else (
                route(request) if callable(route) else route
            )
            if reply.hold:
                self._stopping.wait(reply.hold)
            self._send(handler, reply)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: exactly what several tests want
        finally:
            with self._changed:
                self.in_flight -= 1
                self._changed.notify_all()

    def _send(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        if isinstance(reply.body, bytes):
            if "content-length" not in {name.lower() for name in reply.headers}:
                handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            handler.wfile.write(reply.body)
            return
        handler.send_header("Connection", "close")
        handler.close_connection = True
        handler.end_headers()
        for chunk in reply.body:
            handler.wfile.write(chunk)
            handler.wfile.flush()
            if reply.pause and self._stopping.wait(reply.pause):
                return


@contextmanager
def serve(tls: tuple[str, str] | None = None) -> Iterator[LoopbackServer]:
    server = LoopbackServer(tls)
    try:
        yield server
    finally:
        server.close()
