"""The Apprise sink against a real HTTP server on 127.0.0.1: Apprise's `json://` service posts
each alert there. An alert arrives once with its text, beside the console or Telegram; a 500
is retried later without loss; a restart on the same SQLite file sends what was queued and
does not resend what was sent; the URLs' secrets stay out of the logs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ROOT, rss
from fakebot import FakeBotAPI, wait_for
from httpserver import LoopbackServer, Reply, serve

from bot.app import run
from bot.apprise_sink import AppriseSink, Backoff, destination_key
from bot.config import Config, parse_config
from bot.errors import ConfigError
from bot.model import Item
from bot.service import ConsoleSink, Service
from bot.store import APPRISE, TELEGRAM, Delivery, Store

FAST = Backoff(base=0.1, max=0.4, max_attempts=4)
USER, PASSWORD, HOOK = "vigia", "pw-Secret-4711", "/hook-Token-8c1f"
WATCHLISTS = """
watchlists:
  - name: venezuela
    include: [venezuela, caribbean, hegseth, boat]
  - name: sahel
    include: [mali, burkina]
"""


def hook_url(server: LoopbackServer, path: str = HOOK) -> str:
    return f"json://{USER}:{PASSWORD}@127.0.0.1:{server.port}{path}"


def make_config(db: Path, *urls: str, extra: str = "") -> Config:
    dests = "".join(f"  - url: {u}\n" for u in urls)
    return parse_config(f"storage:\n  path: {db}\napprise:\n{dests}{extra}{WATCHLISTS}")


def posts(server: LoopbackServer, path: str = HOOK) -> list[dict]:
    with server._changed:
        return [json.loads(r.body) for r in server.requests
                if r.method == "POST" and r.path == path]


_n = iter(range(1, 10_000))


def ingest(service: Service, title: str) -> int:
    """A real item through the real pipeline; returns how many alerts it queued."""
    n = next(_n)
    now = datetime.now(UTC)
    item = Item(id=f"https://wire.test/{n}", link=f"https://wire.test/{n}",
                feed="https://wire.test/rss", outlet="Test Wire", title=title,
                summary=f"{title}. Reported on the spot.", published=now, language="en")
    decision = service.ingest(item, now)
    assert decision is not None
    return len(decision.alerts)


def pending_texts(store: Store) -> list[str]:
    return [p.alert.text for p in store.outbox.pending()]


def apprise_rows(store: Store) -> list[Delivery]:
    return store.outbox.deliveries(APPRISE).rows()


def apprise_counts(store: Store) -> dict[str, int]:
    return store.outbox.deliveries(APPRISE).counts()


def fast_sink(config: Config, store: Store) -> AppriseSink:
    return AppriseSink(config, store, backoff=FAST, idle_recheck=0.5)


# -- the sink ------------------------------------------------------------------------------------

def test_an_alert_arrives_once_with_its_text_beside_the_console(tmp_path: Path) -> None:
    with serve() as server:
        server.route(HOOK, Reply(status=200))
        config = make_config(tmp_path / "vigia.db", hook_url(server))
        service = Service.open(config)
        assert ingest(service, "US strike on a boat in the Caribbean kills three") == 1
        (alert_text,) = pending_texts(service.store)
        printed: list[str] = []

        def deliver(sink: AppriseSink) -> None:  # what the daemon does after each poll
            sink.dispatch()
            service.dispatch(lambda a: printed.append(a.text))

        async def story() -> None:
            sink = fast_sink(config, service.store)
            sink.start()
            try:
                deliver(sink)
                await wait_for(lambda: posts(server), what="the POST")
                await wait_for(lambda: apprise_counts(service.store)["sent"] == 1,
                               what="the row marked sent")
                deliver(sink)  # nothing new: nothing more
                assert sink.dispatch() == 0
                assert await sink.drain(timeout=5)
            finally:
                await sink.stop()

        asyncio.run(story())
        service.close()
        assert printed == [alert_text]  # the console got it...
        (body,) = posts(server)  # ...and the Apprise destination, once
        assert body["message"] == alert_text
        assert body["title"] == "US strike on a boat in the Caribbean kills three"
        req = next(r for r in server.requests if r.method == "POST")
        assert req.headers["authorization"].startswith("Basic ")


def test_destinations_take_only_their_watchlists_and_one_story_once(tmp_path: Path) -> None:
    with serve() as server:
        for path in ("/all", "/sahel"):
            server.route(path, Reply(status=200))
        config = make_config(tmp_path / "vigia.db", hook_url(server, "/all"),
                             extra=f"  - url: {hook_url(server, '/sahel')}\n"
                                   "    watchlists: [sahel]\n")
        service = Service.open(config)
        ingest(service, "US strike on a boat in the Caribbean kills three")
        # One story matching both watchlists: two alerts, one per watchlist.
        title = "Mali and Burkina Faso leaders meet in Bamako over the Venezuela crisis"
        assert ingest(service, title) == 2

        async def story() -> None:
            sink = fast_sink(config, service.store)
            sink.start()
            try:
                await wait_for(lambda: len(posts(server, "/all")) == 2
                               and len(posts(server, "/sahel")) == 1, what="the POSTs")
                assert await sink.drain(timeout=5)
            finally:
                await sink.stop()

        asyncio.run(story())
        # "/all" is told about the second story once, not once per watchlist.
        assert [p["message"].split(":")[0] for p in posts(server, "/all")] == [
            "New story [venezuela]", "New story [venezuela]"]
        assert [p["message"].split(":")[0] for p in posts(server, "/sahel")] == [
            "New story [sahel]"]
        service.close()


def test_a_500_is_retried_later_without_loss_and_in_order(tmp_path: Path) -> None:
    with serve() as server:
        # The first two POSTs fail, then the service recovers.
        server.route(HOOK, lambda request: Reply(status=500 if server.hits(HOOK) <= 2 else 200))
        config = make_config(tmp_path / "vigia.db", hook_url(server))
        service = Service.open(config)
        ingest(service, "US strike on a boat in the Caribbean kills three")
        ingest(service, "Hegseth announces new Pacific boat strike, two dead")
        expected = pending_texts(service.store)
        assert len(expected) == 2

        async def story() -> None:
            sink = fast_sink(config, service.store)
            sink.start()
            try:
                await wait_for(lambda: apprise_counts(service.store)["sent"] == 2, timeout=10,
                               what="both alerts sent")
            finally:
                await sink.stop()

        asyncio.run(story())
        rows = apprise_rows(service.store)
        assert [(r.state, r.attempts, r.error) for r in rows] == [("sent", 3, None),
                                                                  ("sent", 1, None)]
        assert [p["message"] for p in posts(server)] == [expected[0]] * 3 + [expected[1]]
        service.close()


def test_a_destination_that_keeps_failing_is_marked_failed_with_its_error(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with serve() as server:
        server.route(HOOK, Reply(status=500))
        config = make_config(tmp_path / "vigia.db", hook_url(server))
        service = Service.open(config)
        ingest(service, "US strike on a boat in the Caribbean kills three")

        async def story() -> None:
            sink = fast_sink(config, service.store)
            sink.start()
            try:
                await wait_for(lambda: apprise_counts(service.store)["failed"] == 1,
                               timeout=10, what="the row marked failed")
            finally:
                await sink.stop()

        asyncio.run(story())
        [row] = apprise_rows(service.store)
        assert (row.state, row.attempts) == ("failed", FAST.max_attempts)
        assert "500" in row.error
        assert PASSWORD not in row.error and HOOK.strip("/") not in row.error
        assert row.destination == destination_key(hook_url(server))
        assert len(posts(server)) == FAST.max_attempts
        service.close()
    assert "apprise[0] (JSON): alert 1 failed after 4 attempts" in caplog.text
    assert PASSWORD not in caplog.text and HOOK.strip("/") not in caplog.text


def test_a_restart_sends_what_was_queued_and_never_resends(tmp_path: Path) -> None:
    db = tmp_path / "vigia.db"
    with serve() as server:
        server.route(HOOK, Reply(status=200))
        config = make_config(db, hook_url(server))

        # 1. Alerts decided and queued for Apprise, then a "crash" before anything was sent
        #    and before the console sink marked them dispatched.
        service = Service.open(config)
        ingest(service, "US strike on a boat in the Caribbean kills three")
        ingest(service, "Hegseth announces new Pacific boat strike, two dead")
        expected = pending_texts(service.store)
        assert fast_sink(config, service.store).dispatch() == 2
        service.close()

        # 2. Restart: the queued rows go out once; the repeated fan-out queues nothing twice.
        def daemon_once(store_path: Path) -> list[str]:
            service = Service.open(config)
            printed: list[str] = []

            async def story() -> None:
                sink = fast_sink(config, service.store)
                sink.start()
                try:
                    sink.dispatch()
                    service.dispatch(lambda a: printed.append(a.text))
                    assert await sink.drain(timeout=10)
                finally:
                    await sink.stop()

            asyncio.run(story())
            assert {r.state for r in apprise_rows(service.store)} == {"sent"}
            service.close()
            return printed

        assert daemon_once(db) == expected
        assert [p["message"] for p in posts(server)] == expected
        # 3. Another restart: nothing pending, nothing queued, nothing resent.
        assert daemon_once(db) == []
        assert [p["message"] for p in posts(server)] == expected


# -- the daemon ----------------------------------------------------------------------------------

NOW = datetime.now(UTC)
FEED = rss([{"guid": "item-1", "link": "https://honest.test/1", "date": NOW - timedelta(minutes=5),
             "title": "US strike on a boat in the Caribbean kills three, Hegseth says",
             "summary": "Reported on the spot."}], title="Honest Wire").encode()
TOKEN = "123456789:AAH-test-SECRET-token_0123456789abcdef"
CHANNEL = -1001234567890


def daemon_config(db: Path, feed: str, hook: str, telegram: str = "") -> Config:
    return parse_config(f"""
storage:
  path: {db}
fetch:
  allow_private_addresses: true
  timeout: 2s
{telegram}
apprise:
  - url: {hook}
feeds:
  - url: {feed}
    interval: 1s
{WATCHLISTS}
""")


async def run_until(config: Config, condition, *, sink=None, what: str) -> None:
    stop = asyncio.Event()
    daemon = asyncio.create_task(run(config, sink=sink, stop=stop))
    try:
        await wait_for(lambda: condition() or daemon.done(), timeout=20, what=what)
    finally:
        stop.set()
        await daemon  # raises what the daemon raised


def test_the_daemon_tells_the_console_and_apprise_once_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "vigia.db"
    with serve() as server:
        feed = server.route("/feed", Reply(body=FEED))
        server.route(HOOK, Reply(status=200))
        config = daemon_config(db, feed, hook_url(server))
        for round_ in range(2):
            out = io.StringIO()
            polls = server.hits("/feed")
            # Two more polls: the first one's alerts were delivered by the time of the second.
            asyncio.run(run_until(config, lambda polls=polls: posts(server) and server.hits(
                "/feed") >= polls + 2, sink=ConsoleSink(out), what="two polls"))
            assert out.getvalue().count("New story [venezuela]") == (1 if round_ == 0 else 0)
            assert len(posts(server)) == 1
    assert "kills three" in posts(server)[0]["message"]


def test_the_daemon_tells_telegram_and_apprise_each_once(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture
                                                         ) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("VIGIA_TELEGRAM_TOKEN", TOKEN)
    db = tmp_path / "vigia.db"

    def sent_rows() -> tuple[list, list]:
        store = Store.open(db)
        try:
            return ([r.state for r in store.outbox.deliveries(TELEGRAM).rows()],
                    [r.state for r in apprise_rows(store)])
        finally:
            store.close()

    with serve() as server, FakeBotAPI(TOKEN) as api:
        feed = server.route("/feed", Reply(body=FEED))
        server.route(HOOK, Reply(status=200))
        telegram = (f"telegram:\n  base_url: {api.base_url}\n"
                    f"  channels: [{{chat_id: {CHANNEL}}}]\n")
        config = daemon_config(db, feed, hook_url(server), telegram)
        # An alert left pending by a crash before the last run could deliver it: Telegram's
        # start dispatches it at once, and Apprise must still get it.
        service = Service.open(config)
        ingest(service, "Hegseth announces new Pacific boat strike, two dead")
        service.close()
        asyncio.run(run_until(config, lambda: len(api.sent(CHANNEL)) == 2
                              and len(posts(server)) == 2, what="both alerts on both sides"))
        assert sent_rows() == (["sent"] * 2, ["sent"] * 2)
        # A restart on the same file: nothing is sent again.
        polls = server.hits("/feed")
        asyncio.run(run_until(config, lambda: server.hits("/feed") >= polls + 2,
                              what="two polls after the restart"))
        assert sent_rows() == (["sent"] * 2, ["sent"] * 2)
    for texts in ([m.text for m in api.sent(CHANNEL)], [p["message"] for p in posts(server)]):
        assert len(texts) == 2
        assert "two dead" in texts[0] and "kills three" in texts[1]
    for secret in (PASSWORD, HOOK.strip("/"), TOKEN):
        assert secret not in caplog.text


# -- config --------------------------------------------------------------------------------------

def test_config_apprise_section(tmp_path: Path) -> None:
    cfg = make_config(tmp_path / "x.db", "slack://T000/B000/XXXX",
                      extra="  - url: mailto://me:pw@example.org\n    watchlists: [sahel]\n")
    assert [d.watchlists for d in cfg.apprise] == [(), ("sahel",)]
    assert "XXXX" not in repr(cfg) and "pw@" not in repr(cfg)
    assert parse_config("").apprise == ()


@pytest.mark.parametrize("entry, key, message", [
    ("  - url: hooks.example.org/Secret-Token-1\n", "apprise[0].url", "not an Apprise URL"),
    ("  - url: ''\n", "apprise[0].url", "not an Apprise URL"),
    ("  - watchlists: [sahel]\n", "apprise[0].url", "required key is missing"),
    ("  - url: json://h/Secret-Token-1\n    watchlists: [nope]\n", "apprise[0].watchlists[0]",
     "no watchlist named 'nope'"),
    ("  - url: json://h/Secret-Token-1\n  - url: json://h/Secret-Token-1\n", "apprise[1].url",
     "same URL as apprise[0]"),
])
def test_config_apprise_mistakes_name_the_key_and_never_quote_the_url(entry: str, key: str,
                                                                      message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(f"apprise:\n{entry}{WATCHLISTS}")
    assert info.value.key == key
    assert message in info.value.detail
    assert "Secret-Token-1" not in str(info.value)


def test_a_url_apprise_cannot_use_is_a_config_error_without_the_secret(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    config = make_config(tmp_path / "vigia.db", "nosuchservice://Secret-Token-1/abc")
    store = Store.open(tmp_path / "vigia.db")
    try:
        with pytest.raises(ConfigError) as info:
            AppriseSink(config, store)
    finally:
        store.close()
    assert info.value.key == "apprise[0].url"
    assert "Secret-Token-1" not in str(info.value)
    assert "Secret-Token-1" not in caplog.text


def _cli_without_apprise(tmp_path: Path, config: str) -> subprocess.CompletedProcess:
    """`vigia run --once` in a Python where `import apprise` fails."""
    path = tmp_path / "vigia.yaml"
    path.write_text(f"storage:\n  path: {tmp_path / 'vigia.db'}\n{config}", encoding="utf-8")
    code = ("import sys; sys.modules['apprise'] = None\n"
            "from bot.cli import main\n"
            f"sys.exit(main(['run', '--once', '--config', {str(path)!r}]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIA_")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env=env)


def test_without_the_library_the_daemon_runs_unless_apprise_is_configured(tmp_path: Path
                                                                          ) -> None:
    plain = _cli_without_apprise(tmp_path, WATCHLISTS)
    assert plain.returncode == 0, plain.stderr
    configured = _cli_without_apprise(tmp_path, "apprise:\n  - url: json://h/Secret-Token-1\n"
                                      + WATCHLISTS)
    assert configured.returncode == 2, configured.stderr
    assert "apprise" in configured.stderr and "pip install" in configured.stderr
    assert "Traceback" not in configured.stderr and "Secret-Token-1" not in configured.stderr
