"""Keep the bot token out of every log line, stored error and message.

The token is part of every Bot API URL (`.../bot<TOKEN>/sendMessage`), and httpx logs request
URLs at INFO; PTB logs its base URL at DEBUG; an error's text may quote the URL (proxies and
self-hosted Bot API servers do). So the `httpx` logger is raised to WARNING, and a
`TokenFilter` rewrites any record that contains the token. The match ignores case: PTB
capitalizes an API error's message, which lower-cases the rest of it, token included. The
sender redacts the same way what it stores and what it tells the admins.

Filters on a logger only see that logger's own records, not its children's or other
libraries', so the filter is applied where every record passes: at record creation (the log
record factory), and on the root logger's handlers for records made before it.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable

MASK = "<token>"


def token_pattern(token: str) -> re.Pattern[str] | None:
    """What to mask, in any case: the token, or its secret part alone (after "<bot id>:"),
    which is all an attacker needs. None for an empty token."""
    bot_id, _, secret = token.strip().rpartition(":")
    if not secret:
        return None
    prefix = f"(?:{re.escape(bot_id)}:)?" if bot_id else ""
    return re.compile(prefix + re.escape(secret), re.IGNORECASE)


class TokenFilter(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._pattern = token_pattern(token)

    def redact(self, text: str) -> str:
        return self._pattern.sub(MASK, text) if self._pattern else text

    def _leaks(self, text: str) -> bool:
        return self._pattern is not None and self._pattern.search(text) is not None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw parts, redacted
            message = f"{record.msg} {record.args}"
        if self._leaks(message) or self._leaks(str(record.msg)):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text and self._leaks(record.exc_text):
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info and self._leaks(record.stack_info):
            record.stack_info = self.redact(record.stack_info)
        return True


class Redaction:
    """Installs a `TokenFilter` process-wide, and removes it again."""

    def __init__(self, token: str) -> None:
        self.filter = TokenFilter(token)
        self._factory: Callable[..., logging.LogRecord] | None = None
        self._handlers: list[logging.Handler] = []

    def install(self) -> None:
        if self._factory is not None:
            return
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)
        previous = logging.getLogRecordFactory()
        flt = self.filter

        def factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            flt.filter(record)
            return record

        self._factory = previous
        logging.setLogRecordFactory(factory)
        for handler in logging.getLogger().handlers:
            handler.addFilter(flt)
            self._handlers.append(handler)

    def uninstall(self) -> None:
        if self._factory is None:
            return
        logging.setLogRecordFactory(self._factory)
        self._factory = None
        for handler in self._handlers:
            handler.removeFilter(self.filter)
        self._handlers.clear()
