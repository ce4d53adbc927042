"""The `vigia` command line. Errors become one line on stderr and an exit code:
0 ok, 1 a runtime failure (store, feeds), 2 bad usage or bad config. No tracebacks."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

from . import __version__
from .config import Config, load_bundled, load_config
from .errors import ConfigError, UsageError, VigiaError
from .store import DAMAGED, Store, lock_path

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 already; keep its one line
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="vigia", description="News-monitoring alert bot: groups stories across "
                "outlets and languages, tracks the figures, alerts once per story.")
    p.add_argument("--version", action="version", version=f"vigia {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def with_config(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--config", metavar="FILE",
                        help="YAML config (default: $VIGIA_CONFIG, else the bundled "
                             "config/vigia.yaml)")

    r = sub.add_parser("run", help="run the daemon (console output when no Telegram token)")
    with_config(r)
    r.add_argument("--once", action="store_true", help="poll each feed once, then exit")
    rp = sub.add_parser("replay", help="run the pipeline over feed files on a simulated clock")
    with_config(rp)
    rp.add_argument("--out", required=True, metavar="DIR", help="where to write the JSONL")
    rp.add_argument("paths", nargs="+", metavar="PATH", help="RSS/Atom files or folders")
    c = sub.add_parser("check", help="validate the config; --fetch also tries each feed")
    with_config(c)
    c.add_argument("--fetch", action="store_true", help="fetch each feed once and report")
    sub.add_parser("demo", help="replay a bundled sample and print the alerts (offline)")
    f = sub.add_parser("feeds", help="list the feeds with their health; `enable URL` again; "
                       "`import FILE.opml` into --config; `export` as OPML")
    with_config(f)
    f.add_argument("action", nargs="?", choices=["list", "enable", "import", "export"],
                   default="list")
    f.add_argument("url", nargs="?", metavar="URL|FILE",
                   help="with enable: the feed's URL; with import: the OPML file")
    f.add_argument("-o", "--output", metavar="FILE",
                   help="with export: write the OPML here instead of to standard output")
    e = sub.add_parser("explain", help="why two items were (not) grouped; an item's figures")
    with_config(e)
    e.add_argument("--replay", metavar="DIR",
                   help="read the items from a `vigia replay` output folder, not the store")
    e.add_argument("items", nargs="+", metavar="ITEM", help="one or two items (id or link)")
    st = sub.add_parser("stories", help="the latest stories told, with figures and outlets")
    with_config(st)
    st.add_argument("--watchlist", action="append", metavar="W",
                    help="only stories told to this watchlist (may be repeated)")
    st.add_argument("--since", metavar="DURATION", help="only stories that changed in the last "
                    "DURATION (2d, 12h)")
    st.add_argument("--limit", type=int, default=20, metavar="N", help="at most N (20)")
    sy = sub.add_parser("story", help="a story's timeline; --chart draws its figures as a PNG")
    with_config(sy)
    sy.add_argument("id", metavar="ID", help="the story's id (or its first characters)")
    sy.add_argument("--chart", metavar="FILE.png",
                    help="write a chart of the figures that rose (needs vigia[charts])")
    h = sub.add_parser("health", help="exit 0 when a daemon runs on the store and is not stuck")
    with_config(h)
    b = sub.add_parser("backup", help="copy the store safely, even while the daemon runs")
    with_config(b)
    b.add_argument("file", metavar="FILE", help="where to write the copy (must not exist)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Telegram's URLs carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if args.command is None:
        _parser().print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except ConfigError as exc:
        for mistake in (exc, *exc.more):  # a line each, in file order
            print(f"vigia: bad config: {mistake}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"vigia: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except VigiaError as exc:
        print(f"vigia: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except sqlite3.DatabaseError as exc:
        # The store went bad after its check at start-up (a disk error, a copy over it).
        print(f"vigia: the store failed: {exc}; if it is damaged, {DAMAGED}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def cmd_check(args: argparse.Namespace) -> int:
    from .app import count

    config = _config(args)
    print(f"{config.source}: ok — {count(len(config.feeds), 'feed')}, "
          f"{count(len(config.watchlists), 'watchlist')} "
          f"({', '.join(w.name for w in config.watchlists) or 'none'})")
    if not args.fetch:
        return EXIT_OK
    from .app import check_feeds

    failed = 0
    for r in asyncio.run(check_feeds(config)):
        if r.ok:
            print(f"  ok    {r.feed}: {count(r.entries, 'entry', 'entries')} ({r.title})")
        else:
            failed += 1
            print(f"  FAIL  {r.feed}: {r.error}")
    print(f"{len(config.feeds) - failed} of {count(len(config.feeds), 'feed')} answered")
    return EXIT_FAIL if failed else EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from .replay import replay

    replay(_config(args), args.paths, args.out)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    import json

    from .replay import replay

    # The bundled config, whatever $VIGIA_CONFIG says: the demo is about its watchlist.
    config = load_bundled()
    demo = resources.files("bot") / "data" / "demo"
    with (tempfile.TemporaryDirectory(prefix="vigia-demo-") as tmp,
          resources.as_file(demo) as folder, open(os.devnull, "w") as quiet):
        result = replay(config, [folder], tmp, progress=quiet)
        lines = Path(tmp, "alerts.jsonl").read_text(encoding="utf-8").splitlines()
        print(f"vigia demo: {result.items} items from 3 invented feeds (en, es, fr) -> "
              f"{result.stories} stories, {result.alerts} alerts\n")
        for line in lines:
            a = json.loads(line)
            print(f"--- {a['at'][:16].replace('T', ' ')} {a['kind']} ---\n{a['text']}\n")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from .app import run

    config = _config(args)
    if not os.environ.get(config.telegram.token_env):
        logging.getLogger("vigia").info(
            "no Telegram token in $%s: alerts are printed here", config.telegram.token_env)
    from .app import all_failed

    # SIGHUP's default is to end the process; the daemon takes it as "reload the config"
    # once its loop runs. Until then (start-up, or a --once run) it is ignored: the config was
    # read a moment ago.
    hup = signal.signal(signal.SIGHUP, signal.SIG_IGN) if hasattr(signal, "SIGHUP") else None
    try:
        reports = asyncio.run(run(config, once=args.once,
                                  reload=lambda: load_config(args.config)))
    finally:
        if hup is not None:
            signal.signal(signal.SIGHUP, hup)
    # For cron: a run in which no feed answered is a failure worth a mail.
    return EXIT_FAIL if all_failed(reports) else EXIT_OK


def _open_store(config: Config) -> Store:
    path = Path(config.storage.path)
    if not path.exists():
        raise UsageError(f"{path}: no store yet (storage.path); run `vigia run` first")
    store = Store.open(path)
    try:
        store.check()
    except BaseException:
        store.close()
        raise
    return store


def cmd_feeds(args: argparse.Namespace) -> int:
    if args.action == "import":
        return _feeds_import(args)
    config = _config(args)
    if args.action == "export":
        return _feeds_export(args, config)
    store = _open_store(config)
    try:
        if args.action == "enable":
            if not args.url:
                raise UsageError("feeds enable needs the feed's URL")
            state = store.feeds.get(args.url)
            if args.url not in {f.url for f in config.feeds}:
                raise UsageError(f"{args.url} is not a feed of {config.source}")
            store.feeds.save(replace(state, disabled=False, errors=0, next_fetch=None))
            print(f"enabled {args.url}")
            return EXIT_OK
        print(f"{'status':9} {'errors':>6} {'items':>6}  {'last ok':16}  feed")
        for feed in config.feeds:
            st = store.feeds.get(feed.url)
            status = ("disabled" if st.disabled else "failing" if st.errors
                      else "ok" if st.last_ok else "new")
            last_ok = st.last_ok.strftime("%Y-%m-%d %H:%M") if st.last_ok else "-"
            print(f"{status:9} {st.errors:>6} {st.items_seen:>6}  {last_ok:16}  "
                  f"{feed.name or st.title or ''} <{feed.url}>")
            if st.last_error:
                print(f"{'':33}last error: {st.last_error}")
    finally:
        store.close()
    return EXIT_OK


def _feeds_import(args: argparse.Namespace) -> int:
    """`vigia feeds import FILE.opml`: the OPML's feeds added to the config file, comments
    kept; the running daemon polls them after a SIGHUP."""
    from . import opml
    from .app import count

    if not args.url:
        raise UsageError("feeds import needs the OPML file: vigia feeds import FILE.opml "
                         "--config my.yaml")
    target = args.config or os.environ.get("VIGIA_CONFIG")
    if not target:
        raise UsageError("feeds import writes into your config file: name it with --config "
                         "(the bundled one is not yours to edit)")
    config = load_config(target)  # a broken config is reported before anything is added
    source = Path(args.url)
    try:
        with open(source, "rb") as f:
            data = f.read(opml.MAX_BYTES + 1)  # never the whole of a huge file
    except OSError as exc:
        raise UsageError(f"{source}: cannot read: {exc.strerror or exc}") from None
    merge = opml.new_feeds(config, opml.read_opml(data, str(source)))
    for feed, reason in merge.refused:
        print(f"  skipped {feed.url}: {reason}", file=sys.stderr)
    if merge.added:
        try:
            opml.replace_file(Path(target), opml.add_to_config(Path(target), merge.added))
        except ConfigError as exc:
            raise ConfigError(f"the imported feeds would make it invalid, nothing written: "
                              f"{exc.detail}", file=exc.file, key=exc.key,
                              line=exc.line) from None
        except OSError as exc:
            raise VigiaError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"{target}: {count(len(merge.added), 'feed')} added, {len(merge.present)} already there, "
          f"{len(merge.refused)} skipped")
    for feed in merge.added:
        print(f"  + {feed.title or ''} <{feed.url}>" + (f" [{feed.folder}]" if feed.folder
                                                        else ""))
    if merge.added:
        print("A running daemon polls them once told to reload: kill -HUP <its pid> (in "
              f"{lock_path(config.storage.path)}).")
    return EXIT_OK


def _feeds_export(args: argparse.Namespace, config: Config) -> int:
    from datetime import UTC, datetime

    from .opml import export_opml

    text = export_opml(config.feeds, datetime.now(UTC))
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise VigiaError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"{len(config.feeds)} feeds written to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    config = _config(args)
    store = _open_store(config)
    try:
        store.backup(args.file)
    finally:
        store.close()
    print(f"backed up {config.storage.path} to {args.file}")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from . import explain

    if len(args.items) > 2:
        raise UsageError("explain takes one item (its figures) or two (their grouping)")
    config = _config(args)
    if args.replay:
        records = explain.from_replay(args.replay)
    else:
        store = _open_store(config)
        try:
            records = explain.from_store(store, args.items, config)
        finally:
            store.close()
    found = [explain.find(records, key) for key in args.items]
    if len(found) == 1:
        print(explain.explain_item(records[found[0]]))
    else:
        print(explain.explain_pair(config, records, *found))
    return EXIT_OK


def cmd_stories(args: argparse.Namespace) -> int:
    from .app import utcnow
    from .config import parse_duration
    from .stories import latest
    from .timeline import stories_text

    config = _config(args)
    for name in args.watchlist or ():
        if config.watchlist(name) is None:
            raise UsageError(f"no watchlist {name!r} in {config.source}")
    try:
        since = utcnow() - parse_duration(args.since) if args.since else None
    except ValueError as exc:
        raise UsageError(f"--since: {exc}") from None
    if args.limit < 1:
        raise UsageError("--limit must be 1 or more")
    store = _open_store(config)
    try:
        found = latest(store, args.watchlist, args.limit, since)
    finally:
        store.close()
    which = ", ".join(args.watchlist) if args.watchlist else "every watchlist"
    span = f" in the last {args.since}" if args.since else ""
    if not found.stories:
        print(f"No stories told for {which}{span}.")
        return EXIT_OK
    print(stories_text(found.stories, found.figures,
                       f"{len(found.stories)} latest stories ({which}){span}, newest first:"))
    return EXIT_OK


def cmd_story(args: argparse.Namespace) -> int:
    from . import chart
    from .stories import NoSuchStory, find, look
    from .timeline import timeline_text

    config = _config(args)
    if args.chart and not chart.available():
        raise UsageError(f"--chart: {chart.NEEDS}")
    store = _open_store(config)
    try:
        try:
            seen = look(store, find(store, args.id))
        except NoSuchStory as exc:
            raise UsageError(str(exc)) from None
    finally:
        store.close()
    charted = [s.fact for s in seen.series] if args.chart else []
    print(timeline_text(seen.story, seen.entries, charted=charted, limit=10_000))
    if args.chart:
        if not seen.series:
            print(f"No chart: no figure of this story rose; {args.chart} not written.",
                  file=sys.stderr)
            return EXIT_FAIL
        png = chart.draw(seen.story.title, seen.series)
        try:
            Path(args.chart).write_bytes(png)
        except OSError as exc:
            raise VigiaError(f"cannot write {args.chart}: {exc.strerror or exc}") from None
        print(f"Chart written to {args.chart} ({len(png) // 1024} kB).")
    return EXIT_OK


def cmd_health(args: argparse.Namespace) -> int:
    from .app import health

    ok, detail = health(_config(args))
    print(f"vigia health: {detail}", file=sys.stdout if ok else sys.stderr)
    return EXIT_OK if ok else EXIT_FAIL


_COMMANDS = {"check": cmd_check, "replay": cmd_replay, "demo": cmd_demo, "run": cmd_run,
             "feeds": cmd_feeds, "backup": cmd_backup, "health": cmd_health,
             "explain": cmd_explain, "stories": cmd_stories, "story": cmd_story}

if __name__ == "__main__":
    sys.exit(main())
