"""The metrics endpoint's own failure modes (the endpoint itself: tests/test_daemon.py)."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from pathlib import Path

import pytest

from bot.metrics import Metrics
from bot.store import Store


def test_a_taken_metrics_port_is_one_clear_error_and_the_daemon_goes_on(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.metrics")
    store = Store.open(tmp_path / "v.db")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        async def main() -> None:
            metrics = Metrics(store)
            metrics.serve(port)
            deadline = time.monotonic() + 5
            while "cannot listen" not in caplog.text and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            metrics.close()

        asyncio.run(main())
    store.close()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in errors[0].getMessage()
    assert "metrics.port" in errors[0].getMessage()
