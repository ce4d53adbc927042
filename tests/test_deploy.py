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


# -- the systemd unit ------------------------------------------------------------------------------

UNIT = ROOT / "deploy" / "vigia.service"


def _unit() -> dict[str, list[str]]:
    """"Section.Key" -> its values, in order (a unit may repeat a key)."""
    out: dict[str, list[str]] = {}
    section = ""
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return out


def _install_steps() -> list[str]:
    """The commands the unit's header tells an operator to run, in order."""
    lines = UNIT.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "Install" in line) + 1
    steps = []
    for line in lines[start:]:
        if not line.startswith("#   "):
            break
        steps += [step.strip() for step in line[4:].split("&&")]
    return steps


def test_the_systemd_units_service_can_read_its_config(tmp_path):
    # Before: `install -m 640 config/vigia.yaml /etc/vigia/` left it root's, DynamicUser= ran
    # the service as another user, and it exited 2 (config unreadable) every 10 s.
    unit = _unit()
    assert unit["Service.DynamicUser"] == ["yes"]
    [exec_start] = unit["Service.ExecStart"]
    assert "VIGIA_CONFIG=/" not in " ".join(unit.get("Service.Environment", []))
    config_arg = re.search(r"--config (\S+)", exec_start).group(1)
    # The service reads the config where systemd puts the copy it may read: a credential.
    assert config_arg.startswith("${CREDENTIALS_DIRECTORY}/"), exec_start
    credentials = dict(v.split(":", 1) for v in unit["Service.LoadCredential"])
    source = credentials[config_arg.split("/", 1)[1]]

    # The documented steps, run in a folder standing for / (no root, no systemd here).
    root = tmp_path / "root"
    (root / "etc" / "systemd" / "system").mkdir(parents=True)  # there on any systemd host
    ran = []
    for step in _install_steps():
        if step.startswith(("python3 ", "/opt/vigia/bin/pip", "systemctl")):
            continue  # the venv is the README's step; systemd is not here
        command = re.sub(r"(?<![\w.])(/(?:etc|opt|var)/)", lambda m: f"{root}{m.group(1)}", step)
        subprocess.run(["bash", "-c", command], cwd=ROOT, check=True, timeout=30)
        ran.append(step)
    assert any("config/vigia.yaml" in step for step in ran), ran
    installed = root / source.lstrip("/")
    assert installed.read_bytes() == (ROOT / "config" / "vigia.yaml").read_bytes()
    assert (root / "etc/systemd/system/vigia.service").read_bytes() == UNIT.read_bytes()
    [env_file] = unit["Service.EnvironmentFile"]
    assert "VIGIA_TELEGRAM_TOKEN=" in (root / env_file.lstrip("-/")).read_text()
    assert unit["Service.ExecStart"][0].split()[0] == "/opt/vigia/bin/vigia"
    assert "python3 -m venv /opt/vigia" in (ROOT / "README.md").read_text(encoding="utf-8")

    # What the service sees: systemd's copy of the credential, readable by its user; the
    # working directory is its StateDirectory, where the default store lands.
    creds, state = tmp_path / "credentials", tmp_path / "state"
    creds.mkdir()
    state.mkdir()
    (creds / "vigia.yaml").write_bytes(installed.read_bytes())
    command = exec_start.replace("${CREDENTIALS_DIRECTORY}", str(creds)).split()
    assert command[1:3] == ["run", "--config"]
    checked = subprocess.run([sys.executable, "-m", "bot", "check", *command[2:]], cwd=state,
                             capture_output=True, text=True, timeout=60,
                             env={k: v for k, v in os.environ.items() if k != "VIGIA_CONFIG"})
    assert checked.returncode == 0, checked.stderr
    assert unit["Service.WorkingDirectory"] == [f"/var/lib/{unit['Service.StateDirectory'][0]}"]


# -- one bundled config, one name ------------------------------------------------------------------

def test_the_bundled_config_has_one_name_everywhere(cli, monkeypatch):
    # Before: the README and compose named config/vigia.yaml, the program read and reported
    # bot/data/vigia.yaml (by its place in site-packages).
    monkeypatch.delenv("VIGIA_CONFIG", raising=False)
    result = cli("check")
    assert result.code == 0 and result.out.startswith("config/vigia.yaml (bundled): ok"), \
        result.out
    shipped = ROOT / "bot" / "data" / "vigia.yaml"
    assert shipped.read_bytes() == (ROOT / "config" / "vigia.yaml").read_bytes()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "else the bundled\n`config/vigia.yaml`" in readme and "bot/data/vigia.yaml" not in readme
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["vigia"]
    assert "../config/vigia.yaml:/config/vigia.yaml:ro" in service["volumes"]
    assert service["environment"]["VIGIA_CONFIG"] == "/config/vigia.yaml"
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY config/vigia.yaml /config/vigia.yaml" in dockerfile
    assert "VIGIA_CONFIG=/config/vigia.yaml" in dockerfile


def test_an_installed_package_carries_every_table_it_reads():
    # `pip install .` (the README's first command) copies only the data files that
    # pyproject's package-data names: a table left out breaks the installed bot at start-up
    # ("no such topic") while an editable install, and so every other test, works
    import tomllib

    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["bot"]
    package = ROOT / "bot"
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    needed = {p for p in package.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
              and "__pycache__" not in p.parts}
    assert needed, "no data files found under bot/"
    assert sorted(str(p.relative_to(package)) for p in needed - shipped) == []
