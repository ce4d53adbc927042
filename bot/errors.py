"""The errors a user can act on. The CLI turns each into one line and an exit code."""

from __future__ import annotations


class VigiaError(Exception):
    """Base of every error vigia reports to its user."""


class ConfigError(VigiaError):
    """The configuration is unreadable or invalid; `key` is the dotted path of the culprit.
    When a file has several mistakes, this is the first and `more` holds the others."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None,
                 line: int | None = None) -> None:
        self.file, self.key, self.line, self.detail = file, key, line, message
        self.more: tuple[ConfigError, ...] = ()
        where = file or "config"
        if line is not None:
            where += f":{line}"
        if key:
            where += f": {key}"
        super().__init__(f"{where}: {message}")


class FeedError(VigiaError):
    """A feed could not be fetched or parsed; the message says why in a user's words."""

    def __init__(self, url: str, message: str, *, retry_after: float | None = None) -> None:
        self.url, self.detail, self.retry_after = url, message, retry_after
        super().__init__(f"{url}: {message}")


class StoreError(VigiaError):
    """The SQLite store cannot be opened or is in use by another process."""


class UsageError(VigiaError):
    """The command line names something that cannot be used (a missing file, an empty folder)."""
