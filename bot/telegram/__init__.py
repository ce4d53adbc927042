"""Telegram: the bot's commands and the delivery of alerts (python-telegram-bot 22).

    sink.py      TelegramSink: the Application on the daemon's loop, fan-out, story edits
    commands.py  every command handler, registered in one function
    sender.py    the one sender: pacing, 429/403/400/5xx handling, retries with backoff
    html.py      alerts as escaped Telegram HTML within 4,096 characters
    redact.py    the token never reaches a log line

Telegram types stay in here; the core never sees them.
"""

from .html import alert_html
from .redact import TokenFilter
from .sender import Pacing
from .sink import TelegramSink, token_from_env

__all__ = ["Pacing", "TelegramSink", "TokenFilter", "alert_html", "token_from_env"]
