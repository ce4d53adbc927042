"""Telegram: the bot's commands and the delivery of alerts (python-telegram-bot 22).

    sink.py      TelegramSink: the Application on the daemon's loop, fan-out (with each
                 chat's /filters), story edits
    commands.py  the command handlers, every one registered in one function
    settings.py  a chat's /language, /timezone, /quiet and /digest
    filtering.py /filters and its buttons
    common.py    what the handlers share: answering, a chat's language, who may change it
    sender.py    the one sender: pacing, digests and quiet hours, 429/403/400/5xx handling,
                 retries with backoff
    html.py      alerts and digests as escaped Telegram HTML within 4,096 characters, in
                 the chat's language
    redact.py    the token never reaches a log line

Telegram types stay in here; the core never sees them.
"""

from .html import alert_html
from .redact import TokenFilter
from .sender import Pacing
from .sink import TelegramSink, token_from_env

__all__ = ["Pacing", "TelegramSink", "TokenFilter", "alert_html", "token_from_env"]
