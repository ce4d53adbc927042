"""Keep the bot token out of every log line.

The token is part of every Bot API URL (`.../bot<TOKEN>/sendMessage`), and httpx logs request
URLs at INFO; PTB logs its base URL at DEBUG; a network error's text may quote the URL. So the
`httpx` logger is raised to WARNING, and a `TokenFilter` rewrites any record that contains
the token. Filters on a logger only see that logger's own records, not its children's or
other libraries', so the filter is applied where every record passes: at record creation
(the log record factory), and on the root logger's handlers for records made before it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

MASK = "<token>"


class TokenFilter(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def redact(self, text: str) -> str:
        return text.replace(self.token, MASK) if self.token else text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw parts, redacted
            message = f"{record.msg} {record.args}"
        if self.token in message or self.token in str(record.msg):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info and self.token in record.stack_info:
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
