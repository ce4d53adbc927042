"""`TelegramSink`: the bot (commands, long polling) and the delivery of alerts, on the
daemon's event loop.

    sink = TelegramSink.from_config(config, store)     # None when the token variable is unset;
                                                       # paced by telegram.pacing
    await sink.start()          # bot online, sender running, queued alerts going out
    sink.dispatch()             # after each poll: fan the outbox out to subscribers
    sink.story_grew(story)      # more outlets joined an alerted story: edit its first messages
    sink.notify_admins(text)    # e.g. a feed was disabled
    await sink.stop()

PTB's `run_polling` owns the loop, so the Application is driven by hand here
(initialize/start/start_polling, and the reverse), next to the scheduler.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import re
import warnings
from collections.abc import Callable
from datetime import UTC, datetime

from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBDeprecationWarning

from ..config import Config
from ..errors import ConfigError
from ..i18n import LANGUAGES, translator
from ..model import Alert, Story
from ..store import Store
from ..subscribers.filters import REPORTS_READ, passes, report_of
from ..subscribers.schedule import Plan
from .commands import BotContext, bot_commands, register_handlers
from .common import chat_language
from .html import alert_html, clip
from .redact import Redaction
from .sender import Pacing, Sender

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "channel_post", "callback_query"]


def token_from_env(config: Config) -> str | None:
    return os.environ.get(config.telegram.token_env, "").strip() or None


def pacing_from_config(config: Config) -> Pacing:
    """`telegram.pacing`: Telegram's limits by default; faster for a self-hosted Bot API
    server (no flood control) or a test."""
    p = config.telegram.pacing
    return Pacing(private_interval=p.chat.total_seconds(),
                  group_interval=p.group.total_seconds(),
                  global_rate=float(p.overall_per_s),
                  max_delay=p.max_delay.total_seconds())


def _utcnow() -> datetime:
    return datetime.now(UTC)


_NOT_JSON = re.compile(r"(.*?\(\d+\))\. Parsing the server response .* failed", re.DOTALL)


def not_the_bot_api(exc: BaseException | None) -> str | None:
    """The status, when whatever answered at `telegram.base_url` is not a Bot API (its
    answer is not JSON: a web page, a proxy's error); None for a Bot API's own refusal.
    PTB re-raises getMe's 401/404 as "the token was rejected", the answer as its cause."""
    while isinstance(exc, TelegramError):
        if exc.message == "Invalid server response":
            return "200 OK"
        if match := _NOT_JSON.match(exc.message):
            return match.group(1)
        exc = exc.__cause__
    return None


def one_line(exc: Exception, base_url: str) -> str:
    """An error of the Bot API in a line: PTB's messages can carry a whole HTML page."""
    if isinstance(exc, TelegramError) and (status := not_the_bot_api(exc)):
        return (f"{base_url} answered {status} with something that is not the Bot API (a web "
                "page?); check telegram.base_url")
    return clip(" ".join(str(exc).split()), 300)


# Each pick of the sender reads the timed chats; their few distinct specs parse once.
_plan = functools.lru_cache(maxsize=4096)(
    lambda digest, quiet, timezone: Plan.of(digest=digest, quiet=quiet, timezone=timezone))


class TelegramSink:
    def __init__(self, config: Config, store: Store, token: str, *,
                 pacing: Pacing | None = None, poll_timeout: int = 30,
                 now: Callable[[], datetime] = _utcnow) -> None:
        # First, before PTB logs its base URL (which holds the token) at DEBUG.
        self.redaction = Redaction(token)
        self.redaction.install()
        # PTB 22 warns on every 429 that `retry_after` will become a timedelta; the sender
        # reads both forms, so the warning says nothing to an operator.
        warnings.filterwarnings("ignore", message=".*`retry_after` will be of type",
                                category=PTBDeprecationWarning)
        # PTB's request layer logs an answer that is not JSON at ERROR, with a traceback and
        # the whole answer (an HTML page when base_url is wrong), on every try. The error it
        # raises reaches us and is told in one line (`one_line`); that log says nothing more.
        logging.getLogger("telegram.request.BaseRequest").setLevel(logging.CRITICAL)
        self.config = config
        self.store = store
        self.now = now
        self.poll_timeout = poll_timeout
        # No rate limiter and no retries inside PTB: 429s and errors must reach the sender,
        # which keeps the rows, the pacing and the backoff.
        self.app: Application = (
            Application.builder().token(token).base_url(config.telegram.base_url)
            .job_queue(None).build())
        self.sender = Sender(self.app.bot, store, pacing or pacing_from_config(config),
                             unreachable=self._unreachable, migrated=self._migrated,
                             redact=self.redaction.filter.redact,
                             language_of=lambda chat: chat_language(store, config, chat),
                             plans=self.plans, wall=now,
                             digest_stories=config.telegram.digest.max_stories)
        register_handlers(self.app, BotContext(config, store, now, self.sender))
        self._starter: asyncio.Task | None = None
        self._moved: dict[int, int] = {}  # configured group id -> its supergroup's id
        self._unreachable_channels: set[int] = set()
        self._unreadable_times: set[int] = set()
        self._nobody_warned = False

    @classmethod
    def from_config(cls, config: Config, store: Store, **kwargs) -> TelegramSink | None:
        """The sink `config` describes, paced by `telegram.pacing`; None without a token."""
        token = token_from_env(config)
        return cls(config, store, token, **kwargs) if token else None

    # -- life cycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Bring the bot online. A rejected token is a config error (raised); an unreachable
        Bot API is not: start-up is retried in the background with backoff, and alerts wait
        in the queue meanwhile — the daemon keeps polling feeds either way."""
        try:
            await self._start_once()
        except InvalidToken as exc:
            await self._shutdown_app()
            if not not_the_bot_api(exc):
                raise ConfigError(f"Telegram refused the token in "
                                  f"${self.config.telegram.token_env}",
                                  key="telegram.token_env") from None
            self._retry_start(exc)  # a web server's 404: the base URL is wrong, not the token
        except TelegramError as exc:
            await self._shutdown_app()
            self._retry_start(exc)
        self._warn_if_nobody()
        self.dispatch()  # alerts queued before a crash or a stop go out first, once online

    def _retry_start(self, exc: TelegramError) -> None:
        log.warning("telegram: cannot reach the Bot API (%s); retrying in the background",
                    one_line(exc, self.config.telegram.base_url))
        self._starter = asyncio.create_task(self._start_later(), name="vigia-telegram-start")


    async def _start_once(self) -> None:
        app = self.app
        await app.initialize()  # getMe
        await app.start()
        await app.updater.start_polling(timeout=self.poll_timeout,
                                        allowed_updates=ALLOWED_UPDATES,
                                        error_callback=self._polling_error)
        try:
            # The menu in each language, and in `telegram.language` for the others.
            await app.bot.set_my_commands(bot_commands(translator(
                self.config.telegram.language)))
            for code in LANGUAGES:
                await app.bot.set_my_commands(bot_commands(translator(code)),
                                              language_code=code)
        except TelegramError as exc:  # the command menu is a nicety; never fatal
            log.warning("telegram: cannot set the command menu: %s", exc)
        log.info("telegram: online as @%s", app.bot.username)
        self.sender.start()

    async def _start_later(self) -> None:
        delay = self.sender.pacing.backoff.base
        while True:
            await asyncio.sleep(delay)
            try:
                await self._start_once()
                return
            except TelegramError as exc:  # a token revoked meanwhile also lands here: keep on
                await self._shutdown_app()
                delay = min(delay * 2, self.sender.pacing.backoff.max)
                log.warning("telegram: still cannot reach the Bot API (%s); next try in %.0f s",
                            one_line(exc, self.config.telegram.base_url), delay)

    async def _shutdown_app(self) -> None:
        app = self.app
        with contextlib.suppress(Exception):
            if app.updater and app.updater.running:
                await app.updater.stop()
        with contextlib.suppress(Exception):
            if app.running:
                await app.stop()
        with contextlib.suppress(Exception):
            await app.shutdown()
        with contextlib.suppress(Exception):
            # The Application skips this when its initialize() failed half-way (getMe
            # refused or unreachable); the Bot's connections must be closed all the same.
            await app.bot.shutdown()

    async def stop(self) -> None:
        try:
            if self._starter is not None:
                self._starter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._starter
                self._starter = None
            await self.sender.stop()
            await self._shutdown_app()
        finally:
            self.redaction.uninstall()

    # -- what the daemon calls -----------------------------------------------------------------

    def reconfigure(self, config: Config) -> None:
        """A reloaded config: the commands and the fan-out read it from now on (watchlists,
        admins, allow, channels). The token, the Bot API's URL and the pacing stay as they
        started (reload.py keeps them so). A channel that was unreachable is tried again:
        the operator may just have fixed it."""
        self.config = config
        self.app.bot_data["vigia"].config = config
        self._unreachable_channels.clear()

    def dispatch(self) -> int:
        """Queue every pending alert for its chats in the outbox (one transaction per alert,
        with marking it dispatched) and wake the sender. Returns the deliveries queued."""
        queued = fanned = 0
        now = self.now()
        allowed = self.allowed()
        while batch := self.store.outbox.pending():
            for pending in batch:
                fanned += 1
                watchlist = pending.alert.watchlist
                chats = self.store.chats.recipients(watchlist, self.channels_for(watchlist), now,
                                                    allowed=allowed)
                chats = self._filtered(pending.alert, chats)
                queued += len(self.sender.queue.queue(pending.id, chats, dispatch=True))
        if queued:
            self.sender.wake()
        elif fanned:
            self._warn_if_nobody()
        return queued

    def plans(self) -> dict[int, Plan]:
        """The chats with a digest or quiet hours (/digest, /quiet), in their time zones."""
        out = {}
        for chat, times in self.store.chats.timed().items():
            try:
                out[chat] = _plan(times.digest, times.quiet,
                                  times.timezone or self.config.telegram.timezone)
            except ValueError:  # a zone the system no longer knows: as if none were set
                if chat not in self._unreadable_times:  # said once, not at every pick
                    self._unreadable_times.add(chat)
                    log.warning("telegram: chat %s: cannot read its times %s; sending its "
                                "alerts as they come", chat, times)
        return out

    def _filtered(self, alert: Alert, chats: list[int]) -> list[int]:
        """The chats whose /filters let `alert` through (read from the store only when one
        of them has filters for its watchlist)."""
        rules = self.store.chats.filters_of(alert.watchlist)
        if not any(chat in rules for chat in chats):
            return chats
        report = report_of(alert, self.store.items.figures(alert.story),
                           self.store.items.texts(alert.items[-REPORTS_READ:]))
        return [chat for chat in chats if chat not in rules or passes(rules[chat], report)]

    def allowed(self) -> set[int] | None:
        """The chats `telegram.allow` lets receive alerts (with the admins' own chats; the
        channels are always told), or None when anyone may subscribe."""
        t = self.config.telegram
        return set(t.allow) | set(t.admins) if t.allow else None

    def _warn_if_nobody(self) -> None:
        """With a token, alerts are no longer printed: say so when no chat can get them
        either (once, until some chat subscribes)."""
        if self.config.telegram.channels or self.store.chats.subscriber_count():
            self._nobody_warned = False
            return
        if not self._nobody_warned:
            self._nobody_warned = True
            log.warning("telegram: no chat receives alerts yet (no telegram.channels, no "
                        "subscriber), and with a token set they are not printed here either. "
                        "In Telegram, send /subscribe <watchlist> to the bot; or make it an "
                        "admin of a channel, send /id there and list that id under "
                        "telegram.channels.")

    async def drain(self, timeout: float = 60.0) -> bool:
        """Wait until every queued delivery and edit is settled (`vigia run --once`);
        False when some are still waiting (a retry later than `timeout`, or offline)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            # What waits for a digest or the end of quiet hours is settled for now.
            waiting = [h for h in self.sender.queue.heads()
                       if h.destination not in self.sender.holding]
            if not waiting and not self.store.chats.edits_queued() and self.sender.idle:
                return True
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.05)

    def channels_for(self, watchlist: str) -> list[int]:
        """The fixed destinations of `watchlist`'s alerts: where a configured group became a
        supergroup, its new id; an unreachable one is skipped until the config is fixed
        (the admins were told once, not once per alert)."""
        out = []
        for ch in self.config.telegram.channels:
            if ch.watchlists and watchlist not in ch.watchlists:
                continue
            chat = self._moved.get(ch.chat_id, ch.chat_id)
            if chat not in self._unreachable_channels:
                out.append(chat)
        return out

    def story_grew(self, story: Story) -> int:
        """More outlets joined an alerted story: queue an edit of every first message sent
        about it (coalesced per message). Returns the edits queued."""
        queued = 0
        texts: dict[tuple[int, str], str] = {}  # (alert, language) -> its new text
        for sent in self.sender.queue.first_messages(story.id):
            tr = self.sender.language_of(sent.destination)
            key = (sent.alert_id, tr.code)
            if key not in texts:
                alert = self.store.outbox.alert(sent.alert_id)
                if alert is None:
                    continue
                texts[key] = alert_html(alert, story, tr=tr)
            queued += self.store.chats.queue_edit(sent.destination, sent.message_id,
                                                  sent.alert_id, texts[key])
        if queued:
            self.sender.wake()
        return queued

    def notify_admins(self, text: str) -> None:
        for admin in self.config.telegram.admins:
            self.sender.notice(admin, text)
        if not self.config.telegram.admins:
            log.warning("telegram: no admins to tell: %s", text)

    # -- callbacks from the sender -------------------------------------------------------------

    def _unreachable(self, chat_id: int, reason: str) -> None:
        names = self.store.chats.deactivate(chat_id)
        dropped = self.sender.queue.fail_queued(chat_id, f"forbidden: {reason}")
        self.store.chats.fail_edits(chat_id, f"forbidden: {reason}")
        fixed = chat_id in set(self.channels_for_all())
        if fixed:
            self._unreachable_channels.add(chat_id)
        text = (f"vigia: chat {chat_id} can no longer be reached ({reason}). "
                + (f"Its subscriptions were turned off: {', '.join(names)}. " if names else "")
                + (f"{dropped} queued messages were marked failed. " if dropped else "")
                + ("It is listed in telegram.channels: fix or remove it there."
                   if fixed else ""))
        log.warning(text)
        if chat_id not in self.config.telegram.admins:
            self.notify_admins(text.strip())

    def channels_for_all(self) -> list[int]:
        return [self._moved.get(ch.chat_id, ch.chat_id) for ch in self.config.telegram.channels]

    def _migrated(self, old: int, new: int) -> None:
        configured = [ch.chat_id for ch in self.config.telegram.channels
                      if self._moved.get(ch.chat_id, ch.chat_id) == old]
        for chat_id in configured:
            self._moved[chat_id] = new
        if configured:
            self.notify_admins(f"vigia: group {old} became supergroup {new}; alerts follow it, "
                               f"but please change telegram.channels to chat_id {new}.")
        self.sender.wake()

    def _polling_error(self, exc: Exception) -> None:
        log.warning("telegram: polling for updates failed: %s",
                    one_line(exc, self.config.telegram.base_url))
