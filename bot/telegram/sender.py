"""The one sender: drains queued deliveries, edits, admin notices and the answers to
commands at Telegram's pace.

    outbox (alerts) ─queue─▶ deliveries / edits (SQLite) ─▶ Sender ─▶ Bot API
                                                  ▲               │
                                                  └── sent / retry / failed ──┘

Every decision about *what* to send next is taken by one task, `_run`: it reads each chat's
oldest queued delivery (a chat's alerts go out in order, so an update never overtakes the
story it replies to), the queued edits and the in-memory notes (admin notices, answers to
commands: a flood of commands must not earn a flood of answers), and starts the one
whose chat is free soonest. Up to `Pacing.in_flight` requests run at once — to different
chats only — so throughput is not bound to one round trip. A row is marked sent, with its
message id, only after Telegram answered; after a crash, queued rows are sent and sent rows
are not sent again (a request cut off mid-flight may be sent twice: at-least-once).

The deliveries are the outbox's (store/outbox.py), the queue Apprise reads too, and a failed
try waits as the same `Backoff` says; what is Telegram's own is here and in the store's
chats part: pacing, message ids (replies, edits), 429s, chats that moved or blocked the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from telegram import LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
)

from ..i18n import ENGLISH, Tr
from ..model import Alert
from ..store import TELEGRAM, Backoff, Head, Store
from ..subscribers.digest import compose
from ..subscribers.schedule import Plan, decide
from .html import MAX_MESSAGE, alert_html, clip, digest_html, held_html, to_plain

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class Pacing:
    """Telegram's published limits (core.telegram.org/bots/faq, "broadcasting to users"):
    about one message a second to one chat, 20 a minute to one group, about 30 a second in
    all. Exceeding them earns 429s, which stall everything. Tests pass smaller numbers."""

    private_interval: float = 1.0  # seconds between messages to one private chat
    group_interval: float = 3.0  # 20 per minute to a group or channel (negative chat id)
    global_rate: float = 30.0  # messages per second overall
    in_flight: int = 4  # requests at once (each to a different chat)
    # After a network error or a 5xx: first retry in 5 s, doubling each time up to 10
    # minutes; after 20 tries (~2.5 hours at the cap) the row is marked failed, with its error.
    backoff: Backoff = Backoff(base=5.0, max=600.0, max_attempts=20)
    idle_recheck: float = 30.0  # re-read the queue this often even when nobody wakes us
    # When a chat's queue would keep an alert waiting longer than this (seconds), what is
    # queued goes out combined in one message. A channel gets 20 messages a minute; news
    # from 100 feeds can come faster for as long as it likes, and one message per alert then
    # falls further behind for ever (64 s late at the median after five minutes, rising).
    max_delay: float = 60.0

    def interval(self, chat_id: int) -> float:
        return self.group_interval if chat_id < 0 else self.private_interval

    def too_late(self, head: Head, now: float) -> bool:
        """Whether a chat's queue is too long to send one by one: its last alert would wait
        past `max_delay`, or its first has waited that long already (after a 429)."""
        if head.queued < 2:
            return False
        waited = now - head.since
        return (head.queued * self.interval(head.destination) > self.max_delay
                or waited > self.max_delay)


# Telegram's limit for a photo's caption, in characters (core.telegram.org/bots/api#sendphoto).
MAX_CAPTION = 1024

# Answers to commands waiting for their chat's turn, at most, per chat. A person types a few
# commands in a row; a script sends a thousand, and the answers would queue for a thousand
# seconds (Telegram allows a private chat about one message a second). Commands past this
# are not run (see `Sender.may_answer`): the answers to the first few show the bot is alive.
MAX_PENDING_ANSWERS = 4


@dataclass(eq=False)  # one note is one message: two alike are still two
class Note:
    """A message kept in memory only: an admin notice, or an answer to a command (a new
    message, or with `edit` the new text of the bot's message of that id)."""

    kind: str  # "notice" | "answer"
    chat_id: int
    text: str
    markup: object = None  # an InlineKeyboardMarkup
    thread_id: int | None = None  # the forum topic the command came from
    edit: int | None = None
    photo: bytes | None = None  # a picture (PNG) sent with `text` as its caption


@dataclass(frozen=True)
class Job:
    kind: str  # "notice" | "answer" | "send" | "digest" | "held" | "edit"
    chat_id: int
    alert_id: int = 0
    message_id: int = 0
    text: str = ""
    version: int = 0
    attempts: int = 0
    note: Note | None = None
    reason: str = ""  # of a "held" job: "digest" or "quiet"


_PRIORITY = {"notice": 0, "answer": 0, "send": 1, "digest": 1, "held": 1, "edit": 2}
# The queue a held chat's digest reads at most; more goes in the next one, right after.
HELD_READ = 1000


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after may become a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _needs_plain(exc: BadRequest) -> bool:
    text = exc.message.lower()
    return "can't parse entities" in text or "message is too long" in text or \
        "text is too long" in text


class Sender:
    def __init__(self, bot, store: Store, pacing: Pacing, *,
                 unreachable: Callable[[int, str], None],
                 migrated: Callable[[int, int], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 redact: Callable[[str], str] = str,
                 language_of: Callable[[int], Tr] = lambda chat_id: ENGLISH,
                 plans: Callable[[], dict[int, Plan]] = dict,
                 wall: Callable[[], datetime] = lambda: datetime.now(UTC),
                 digest_stories: int = 20) -> None:
        self.bot = bot
        self.store = store
        self.language_of = language_of  # the language a chat's alerts are written in
        # The chats whose alerts wait for a digest or past quiet hours, and how (read for
        # each pick: a /digest takes effect at once); the decision clock their times and the
        # alerts' ages are read on (the daemon's, which a test may set).
        self.plans = plans
        self.wall = wall
        self.digest_stories = digest_stories
        self.holding: dict[int, datetime] = {}  # chat -> when its held alerts go out
        self.queue = store.outbox.deliveries(TELEGRAM)
        self.pacing = pacing
        # Applied to every text the sender stores or sends that it did not write itself: an
        # API error may quote the request's URL, token included (see redact.py).
        self.redact = redact
        self.unreachable = unreachable  # chat_id, reason: its subscriptions must go
        self.migrated = migrated
        self.clock = clock
        self._wake = asyncio.Event()
        self._slots: dict[int, float] = {}  # chat -> monotonic time it may get the next message
        self._next_any = 0.0  # the overall rate
        self._paused_until = 0.0  # after a 429
        self._busy: set[int] = set()
        self._tasks: set[asyncio.Task] = set()
        self._notes: deque[Note] = deque()
        self._stopping = False
        self._task: asyncio.Task | None = None

    # -- control -------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="vigia-telegram-sender")

    async def stop(self) -> None:
        """Start nothing new; let requests in flight finish and record their answers."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def wake(self) -> None:
        self._wake.set()

    def notice(self, chat_id: int, text: str) -> None:
        """A plain-text message for an admin: paced like the rest, kept in memory only."""
        self._notes.append(Note("notice", chat_id, clip(self.redact(text), MAX_MESSAGE)))
        self._wake.set()

    def may_answer(self, chat_id: int) -> bool:
        """Whether a command from `chat_id` may run: fewer than MAX_PENDING_ANSWERS of its
        answers are still waiting for the chat's turn."""
        waiting = sum(1 for n in self._notes if n.kind == "answer" and n.chat_id == chat_id)
        return waiting < MAX_PENDING_ANSWERS

    def answer(self, chat_id: int, text: str, *, markup: object = None,
               thread_id: int | None = None, edit: int | None = None) -> None:
        """An answer to a command, paced with the chat's alerts (and before them)."""
        self._notes.append(Note("answer", chat_id, clip(text, MAX_MESSAGE), markup, thread_id,
                                edit))
        self._wake.set()

    def answer_photo(self, chat_id: int, png: bytes, caption: str, *,
                     thread_id: int | None = None) -> None:
        """A picture answering a command (a story's chart), paced like the other answers.
        Kept in memory like them: tens of kB, at most MAX_PENDING_ANSWERS per chat."""
        self._notes.append(Note("answer", chat_id, clip(caption, MAX_CAPTION), None,
                                thread_id, photo=png))
        self._wake.set()

    @property
    def idle(self) -> bool:
        return not self._tasks and not self._notes

    # -- the loop ------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                job, delay = self._pick()
            except Exception:  # a store error must not kill the sender: log, wait, try again
                log.exception("telegram sender: cannot read the queue")
                job, delay = None, self.pacing.idle_recheck
            if job is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=max(delay, 0.001))
                continue
            self._launch(job)

    def _pick(self) -> tuple[Job | None, float]:
        """The job to start now, or None and how long until one may be ready."""
        idle = self.pacing.idle_recheck
        if len(self._tasks) >= self.pacing.in_flight:
            return None, idle  # a finishing request wakes us
        now, now_wall = self.clock(), time.time()
        gate = max(self._next_any, self._paused_until) - now
        if gate > 0:
            return None, gate
        candidates: list[tuple[Job, float]] = []
        for note in self._notes:
            candidates.append((Job(note.kind, note.chat_id, text=note.text, note=note), 0.0))
        heads, delay = self._heads()
        candidates += [(job, due - now_wall) for job, due in heads]
        for edit in self.store.chats.queued_edits():
            candidates.append((Job("edit", edit.chat_id, message_id=edit.message_id,
                                   text=edit.html, version=edit.version,
                                   attempts=edit.attempts), edit.due - now_wall))
        best: tuple | None = None
        delay = min(delay, idle)
        for job, not_before in candidates:
            if job.chat_id in self._busy:
                continue
            slot = self._slots.get(job.chat_id, 0.0)
            wait = max(slot - now, not_before, 0.0)
            if wait > 0:
                delay = min(delay, wait)
                continue
            # Least recently served chat first, so one busy group does not starve the rest.
            key = (slot, _PRIORITY[job.kind])
            if best is None or key < best[0]:
                best = (key, job)
        return (best[1], 0.0) if best else (None, delay)

    def _heads(self) -> tuple[list[tuple[Job, float]], float]:
        """Each chat's next delivery job with the wall-clock time it is due, and how long
        until the first held chat's alerts go out. A chat with a digest or quiet hours has
        its queue held until its time (`holding`), then sent as one message ("held")."""
        plans, now = self.plans(), self.wall()
        jobs, delay, holding = [], float("inf"), {}
        for head in self.queue.heads():
            since = datetime.fromtimestamp(head.since, UTC)
            what, until = decide(plans.get(head.destination), since, now)
            if what == "wait":
                holding[head.destination] = until
                delay = min(delay, max((until - now).total_seconds(), 0.001))
                continue
            if what == "digest":
                plan = plans[head.destination]
                job = Job("held", head.destination, alert_id=head.alert_id,
                          attempts=head.attempts, reason="digest" if plan.digest else "quiet")
            else:
                kind = "digest" if self.pacing.too_late(head, now.timestamp()) else "send"
                job = Job(kind, head.destination, alert_id=head.alert_id,
                          attempts=head.attempts)
            jobs.append((job, head.due))
        self.holding = holding
        return jobs, delay

    def _launch(self, job: Job) -> None:
        now = self.clock()
        if job.note is not None:
            self._notes.remove(job.note)
        self._slots[job.chat_id] = now + self.pacing.interval(job.chat_id)
        self._next_any = max(now, self._next_any) + 1.0 / self.pacing.global_rate
        self._busy.add(job.chat_id)
        task = asyncio.create_task(self._execute(job))
        self._tasks.add(task)

        def done(t: asyncio.Task, chat_id: int = job.chat_id) -> None:
            self._tasks.discard(t)
            self._busy.discard(chat_id)
            self._wake.set()
            if not t.cancelled() and t.exception() is not None:  # e.g. the store failed
                log.error("telegram: %s to %s: %r", job.kind, chat_id, t.exception())

        task.add_done_callback(done)
        if len(self._slots) > 10_000:  # forget chats whose pause is long over
            self._slots = {c: s for c, s in self._slots.items() if s > now}

    # -- one job -------------------------------------------------------------------------------

    async def _execute(self, job: Job) -> None:
        try:
            if job.kind == "send":
                await self._deliver(job)
            elif job.kind == "digest":
                await self._digest(job)
            elif job.kind == "held":
                await self._held(job)
            elif job.kind == "edit":
                await self._edit(job)
            else:
                await self._notify(job)
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            # Telegram does not say whether the limit was the chat's or the bot's: pause all.
            self._paused_until = max(self._paused_until, self.clock() + seconds)
            log.warning("telegram: flood control, waiting %.1f s (chat %s)", seconds,
                        job.chat_id)
            self._retry(job, time.time() + seconds, str(exc), count=False)
        except ChatMigrated as exc:
            log.info("telegram: chat %s moved to %s; following it", job.chat_id,
                     exc.new_chat_id)
            self.store.chats.migrate(job.chat_id, exc.new_chat_id)
            self.queue.move(job.chat_id, exc.new_chat_id, f"chat migrated to {exc.new_chat_id}")
            if self.migrated:
                self.migrated(job.chat_id, exc.new_chat_id)
            if job.note is not None:  # the answer or notice follows the chat
                job.note.chat_id = exc.new_chat_id
                self._notes.append(job.note)
        except Forbidden as exc:
            self._forbidden(job, exc.message)
        except BadRequest as exc:
            self._bad_request(job, exc)
        except TelegramError as exc:  # NetworkError, TimedOut, 5xx, and the unexpected rest
            attempts, now = job.attempts + 1, time.time()
            at = self.pacing.backoff.next_try(attempts, now)
            if at is None:
                log.error("telegram: giving up on %s to %s after %d attempts: %s", job.kind,
                          job.chat_id, attempts, exc)
                self._fail(job, f"gave up after {attempts} attempts: {exc.message}")
            else:
                log.warning("telegram: %s to %s failed (%s); retry in %.0f s", job.kind,
                            job.chat_id, exc, at - now)
                self._retry(job, at, exc.message)
        except Exception as exc:  # a bug of ours: keep the row, retry later, say so loudly
            log.exception("telegram: unexpected error on %s to %s", job.kind, job.chat_id)
            self._retry(job, time.time() + self.pacing.backoff.delay(job.attempts + 1),
                        repr(exc))

    async def _deliver(self, job: Job) -> None:
        alert = self.store.outbox.alert(job.alert_id)
        if alert is None:
            self.queue.failed(job.alert_id, job.chat_id, "alert no longer stored")
            return
        tr = self.language_of(job.chat_id)
        markup = alert_html(alert, self.store.items.story(alert.story), tr=tr)
        reply_to = (self.queue.first_message(job.chat_id, alert.story)
                    if alert.kind == "update" else None)
        reply = (ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
                 if reply_to else None)

        async def send(text: str, parse_mode: str | None) -> Message:
            return await self.bot.send_message(job.chat_id, text, parse_mode=parse_mode,
                                               reply_parameters=reply,
                                               link_preview_options=NO_PREVIEW)

        # The stored text is the English one (the console's); another language falls back to
        # its own markup as plain text.
        plain = alert.text if tr.code == ENGLISH.code else to_plain(markup)
        message = await self._with_plain_fallback(send, markup, plain, job)
        self.queue.sent(job.alert_id, job.chat_id, time.time(), message.message_id)

    def _queued_alerts(self, chat_id: int, limit: int = 200) -> list[tuple[int, Alert]]:
        """The alerts queued for a chat, oldest first (a row whose alert is gone is failed)."""
        alerts = []
        for alert_id in self.queue.queued(chat_id, limit):
            alert = self.store.outbox.alert(alert_id)
            if alert is None:
                self.queue.failed(alert_id, chat_id, "alert no longer stored")
            else:
                alerts.append((alert_id, alert))
        return alerts

    async def _send_together(self, job: Job, markup: str, alert_ids: list[int],
                             reason: str) -> None:
        """One message for several alerts; they are marked sent with its record in one
        transaction, after Telegram took it (a crash in between sends it again)."""
        async def send(text: str, parse_mode: str | None) -> Message:
            return await self.bot.send_message(job.chat_id, text, parse_mode=parse_mode,
                                               link_preview_options=NO_PREVIEW)

        message = await self._with_plain_fallback(send, markup, to_plain(markup), job)
        self.queue.sent_together(job.chat_id, alert_ids, time.time(), message.message_id,
                                 reason)

    async def _digest(self, job: Job) -> None:
        """What is queued for the chat, as one message (see Pacing.too_late). Those that did
        not fit stay queued, for the next one."""
        alerts = self._queued_alerts(job.chat_id)
        if not alerts:
            return
        markup, taken = digest_html([a for _, a in alerts], tr=self.language_of(job.chat_id))
        await self._send_together(job, markup, [i for i, _ in alerts[:taken]], "pacing")
        log.info("telegram: %d alerts to %s combined in one message (its queue was long)",
                 taken, job.chat_id)

    async def _held(self, job: Job) -> None:
        """A chat's digest, or what its quiet hours held: every story queued, once each,
        newest first. The stories that do not fit (telegram.digest.max_stories, the length
        of a message) stay queued and go out in the next message, right after."""
        entries = compose(self._queued_alerts(job.chat_id, HELD_READ))
        if not entries:
            return
        markup, taken = held_html(entries, tr=self.language_of(job.chat_id),
                                  reason=job.reason, max_stories=self.digest_stories)
        ids = [i for entry in entries[:taken] for i in entry.alert_ids]
        await self._send_together(job, markup, ids, job.reason)
        log.info("telegram: %s to %s: %d stories of %d alerts in one message", job.reason,
                 job.chat_id, taken, len(ids))

    async def _edit(self, job: Job) -> None:
        async def edit(text: str, parse_mode: str | None) -> Message | bool:
            return await self.bot.edit_message_text(text, chat_id=job.chat_id,
                                                    message_id=job.message_id,
                                                    parse_mode=parse_mode,
                                                    link_preview_options=NO_PREVIEW)

        try:
            await self._with_plain_fallback(edit, job.text, to_plain(job.text), job)
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise
        self.store.chats.edit_done(job.chat_id, job.message_id, job.version)

    async def _notify(self, job: Job) -> None:
        note = job.note
        assert note is not None
        if note.edit is not None:
            try:
                await self.bot.edit_message_text(note.text, chat_id=note.chat_id,
                                                 message_id=note.edit, reply_markup=note.markup)
            except BadRequest as exc:
                if "not modified" not in exc.message.lower():
                    raise
            return
        if note.photo is not None:
            await self.bot.send_photo(note.chat_id, note.photo, caption=note.text,
                                      filename="story.png", message_thread_id=note.thread_id)
            return
        await self.bot.send_message(note.chat_id, note.text, reply_markup=note.markup,
                                    message_thread_id=note.thread_id,
                                    link_preview_options=NO_PREVIEW)

    async def _with_plain_fallback(self, call: Callable[[str, str | None], Awaitable],
                                   markup: str, plain: str, job: Job):
        """Send as HTML; when Telegram rejects the markup or the length, send plain text
        (cut to the limit) instead of losing the message."""
        try:
            return await call(markup, ParseMode.HTML)
        except BadRequest as exc:
            if not _needs_plain(exc):
                raise
            log.warning("telegram: %s to %s rejected (%s); sending it as plain text",
                        job.kind, job.chat_id, exc.message)
            return await call(clip(plain, MAX_MESSAGE), None)

    # -- outcomes ------------------------------------------------------------------------------

    def _forbidden(self, job: Job, reason: str) -> None:
        reason = self.redact(reason)
        log.warning("telegram: chat %s cannot be reached: %s", job.chat_id, reason)
        self._fail(job, f"forbidden: {reason}")
        if job.kind != "notice":
            self.unreachable(job.chat_id, reason)

    def _bad_request(self, job: Job, exc: BadRequest) -> None:
        reason = exc.message
        if "chat not found" in reason.lower() and job.kind != "notice":
            self._forbidden(job, reason)
            return
        log.error("telegram: %s to %s refused: %s", job.kind, job.chat_id, reason)
        self._fail(job, f"bad request: {reason}")

    def _fail(self, job: Job, error: str) -> None:
        error = self.redact(error)
        if job.kind in ("send", "digest", "held"):  # a digest's failure is its head's
            self.queue.failed(job.alert_id, job.chat_id, error)
        elif job.kind == "edit":
            self.store.chats.edit_done(job.chat_id, job.message_id, job.version, error,
                                       failed=True)
        else:
            log.error("telegram: %s to %s lost: %s", job.kind, job.chat_id, error)

    def _retry(self, job: Job, at: float, error: str, *, count: bool = True) -> None:
        error = self.redact(error)
        if job.kind in ("send", "digest", "held"):
            self.queue.retry(job.alert_id, job.chat_id, at, error, count=count)
        elif job.kind == "edit":
            self.store.chats.edit_retry(job.chat_id, job.message_id, job.version, at, error,
                                        count=count)
        elif not count and job.note is not None:  # flood control: the note waits its turn
            self._notes.append(job.note)
        else:
            log.error("telegram: %s to %s lost: %s", job.kind, job.chat_id, error)
