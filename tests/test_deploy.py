"""What deploy/ promises, tested where it can be without Docker or systemd: the container's
healthcheck against a live daemon, the systemd unit's install steps and how its service
reads the config, and one name for the bundled config."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import yaml
from conftest import ROOT
from httpserver import Reply, serve
from test_daemon import HONEST, config_text, run_in_thread, wait_until

from bot.config import parse_config
from bot.service import ConsoleSink


def _dockerfile_healthcheck() -> list[str]:
    text = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"^HEALTHCHECK\b.*?\bCMD (\[.*\])$", text, re.MULTILINE)
    assert match, "the Dockerfile has no HEALTHCHECK ... CMD [...]"
    return json.loads(match.group(1))


def test_the_container_healthcheck_passes_against_a_live_daemon_only(tmp_path):
    command = _dockerfile_healthcheck()
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    assert compose["services"]["vigia"]["healthcheck"]["test"] == ["CMD", *command]
    assert command[0] == "vigia"
    config = tmp_path / "vigia.yaml"
    with serve() as server:
        config.write_text(config_text(tmp_path, [server.route("/feed", Reply(body=HONEST))]),
                          encoding="utf-8")
        env = {**os.environ, "VIGIA_CONFIG": str(config)}  # as the image sets it

        def check() -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "bot", *command[1:]], env=env,
                                  cwd=tmp_path, capture_output=True, text=True, timeout=30)

        before = check()
        assert before.returncode == 1 and "not running" in before.stderr
        thread, stop = run_in_thread(parse_config(config.read_text(encoding="utf-8")),
                                     ConsoleSink(io.StringIO()))
        try:
            assert wait_until(lambda: check().returncode == 0, timeout=20)
            assert "vigia health: ok: pid" in check().stdout
            lock = tmp_path / "vigia.db.lock"
            old = lock.stat().st_mtime - 600
            os.utime(lock, (old, old))  # a loop stuck for ten minutes beats no more
            stuck = check()
            assert stuck.returncode == 1 and "stuck" in stuck.stderr
        finally:
            stop()
        after = check()
    assert after.returncode == 1 and "not running" in after.stderr
    assert "Traceback" not in before.stderr + stuck.stderr + after.stderr
