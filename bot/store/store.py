"""The store: one SQLite file, and the object the shell opens to reach its parts.

    store = Store.open(path)     # migrated to the current schema on the way
    store.items                  # items and stories: what was seen and decided (items.py)
    store.feeds                  # feed state and health (feeds.py)
    store.chats                  # Telegram's subscriptions, mutes and edits (chats.py)
    store.outbox                 # alerts and every sink's deliveries (outbox.py)

Every query is in those modules, and the schema with its numbered migrations in schema.py;
what is here is the file: opening and checking it, the daemon's lock, backups. WAL mode lets
readers (`vigia feeds`, backups) work beside the daemon.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from pathlib import Path
from typing import TextIO

from ..errors import StoreError
from .chats import Chats
from .feeds import Feeds
from .items import Items
from .outbox import Outbox
from .schema import migrate

# The way out of a damaged store, for the one line that reports it.
DAMAGED = ("put your latest copy (`vigia backup FILE` makes one) in its place, or move the "
           "file aside to start with an empty store")


def lock_path(store_path: str | Path) -> Path:
    """The daemon's lock file, beside the file `store_path` resolves to."""
    return Path(os.path.realpath(store_path) + ".lock")


def _damaged(path: str, problem: str) -> StoreError:
    # quick_check's report spans lines ("*** in database main ***\nPage 51: ..."): one line.
    problem = " ".join(problem.replace("*** in database main ***", "").split())
    return StoreError(f"{path} is damaged (SQLite: {problem}); {DAMAGED}")


class Store:
    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self.items = Items(conn)
        self.feeds = Feeds(conn)
        self.chats = Chats(conn)
        self.outbox = Outbox(conn)
        self._lock_file: TextIO | None = None
        self._lock_path: Path | None = None

    @classmethod
    def open(cls, path: str | Path) -> Store:
        path = str(path)
        try:
            if path != ":memory:":
                # Inside the try: a folder that cannot be made (a typo, a read-only /var/lib)
                # is the same one-line StoreError as a file that cannot be opened.
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            if path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a power cut may lose the last transactions, never corrupt.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, path)
            store = cls(conn, path)
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            raise StoreError(f"{path}: cannot open the store: cannot create the folder"
                             f"{where}: {exc.strerror or exc}") from None
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc):
                raise _damaged(path, str(exc)) from None
            raise StoreError(f"{path}: cannot open the store: {exc}") from None
        return store

    def check(self) -> None:
        """Refuse a damaged store in one line, with the way out. Without this, a bad page is
        found by whichever query first reads it, as a traceback (or, in the daemon, a poll
        that fails for ever). quick_check reads every page once: well under a second for
        100 MB on a small server, run at start-up only."""
        if self.path == ":memory:":
            return
        try:
            problems = [r[0] for r in self.conn.execute("PRAGMA quick_check(1)")]
        except sqlite3.DatabaseError as exc:  # too damaged even to be checked
            problems = [str(exc)]
        if problems != ["ok"]:
            raise _damaged(self.path, problems[0] if problems else "quick_check failed")

    def close(self) -> None:
        self.conn.close()
        if self._lock_file is not None:
            # A clean stop leaves no lock file; removed while still held, so that nobody
            # can lock it in between (`lock` checks that the file it locked is still there).
            with contextlib.suppress(OSError):
                if self._lock_path is not None:
                    self._lock_path.unlink()
            self._lock_file.close()  # closing releases the flock
            self._lock_file = None

    def lock(self) -> None:
        """Claim the store for this process: a second daemon on the same file refuses to start
        rather than interleave its decisions with ours. Released on close or process death.

        The lock is taken beside the file the path resolves to, so a symlink (`alias.db ->
        vigia.db`) or a path spelled another way (`data/../vigia.db`) finds the same lock."""
        if self.path == ":memory:":
            return
        path = lock_path(self.path)
        while True:
            f = self._lock_once(path)
            # The holder may have stopped, and removed the file, between our open and our
            # flock: then we hold a lock on a file nobody else will ever look at. Try again.
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            mine = os.fstat(f.fileno())
            if current and (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
                break
            f.close()
        f.truncate(0)
        f.write(f"pid {os.getpid()}")
        f.flush()
        self._lock_file, self._lock_path = f, path

    def heartbeat(self) -> None:
        """Touch the lock file: its age tells `vigia health` whether the daemon that holds
        it is still alive and its loop still turning."""
        if self._lock_path is not None:
            with contextlib.suppress(OSError):  # a health check's problem, not the daemon's
                os.utime(self._lock_path)

    def _lock_once(self, lock_path: Path) -> TextIO:
        try:
            f = open(lock_path, "a+")  # noqa: SIM115 - held open for the life of the store
        except OSError as exc:
            raise StoreError(f"{lock_path}: cannot create the lock file: "
                             f"{exc.strerror or exc}") from None
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise StoreError(f"{self.path} is in use by another vigia ({holder}); "
                             "stop it first, or point storage.path elsewhere") from None
        return f

    def backup(self, target: str | Path) -> None:
        """A consistent copy while the daemon may be writing (SQLite's online backup API)."""
        target = Path(target)
        if target.exists():
            raise StoreError(f"{target} exists; not overwriting it")
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(target)
        try:
            self.conn.backup(dest)
        finally:
            dest.close()

    def counts(self) -> dict[str, int]:
        """Rows of the main tables, and the alerts not yet dispatched: what /healthz says."""
        out = {}
        for table in ("items", "stories", "alerts", "feeds", "subscriptions"):
            out[table] = self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        out["alerts_pending"] = self.outbox.pending_count()
        return out
