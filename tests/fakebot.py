"""A fake Telegram Bot API server on 127.0.0.1 that speaks the real wire format.

    with FakeBotAPI(TOKEN) as api:
        config base_url = api.base_url            # http://127.0.0.1:PORT/bot
        api.command(42, "/subscribe venezuela")   # a user sends a command (served by getUpdates)
        api.member(-100123, 7, "administrator")   # what getChatMember says (else "member")
        api.fail("sendMessage", retry_after(1), chat_id=-100123)   # the next such call gets 429
        api.fail("sendMessage", quoting_url(forbidden()))   # ...a 403 quoting the request's URL
        api.sent(42)                              # what chat 42 received, in order
        api.photos(42)                            # the pictures it received (sendPhoto)
        held = api.hold("sendMessage", nth=4)     # the 4th such call waits, unanswered...
        held.wait()                               # ...until it has arrived
        held.release()                            # answered, or dropped if its client left

Requests arrive at /bot<TOKEN>/<method> as PTB sends them (form-encoded fields, JSON-encoded
where not plain strings) and are answered {"ok": true, "result": ...} or
{"ok": false, "error_code": ..., "description": ..., "parameters": {...}} as the real API
does (core.telegram.org/bots/api#making-requests, #responseparameters). Like the real API it
refuses HTML it cannot parse, texts over 4,096 characters, edits of unknown messages and
edits that change nothing. sendPhoto takes the picture as an upload (multipart/form-data, as
PTB sends bytes), refuses one that is not a PNG or JPEG and captions over 1,024 characters,
and keeps the bytes in the call's params for the test to read. getChatMember answers with
the status a test set (`member`), "member" otherwise, in the real ChatMember shape of each
status. Every call is recorded with its arrival time. getUpdates long-polls: it answers as
soon as an update is injected, or after its timeout.

A held call (`hold`) is recorded on arrival as not accepted (status 0) and left unanswered
until the test releases it. On release the fake first looks at the connection: if the client
has hung up meanwhile (it was killed, or gave up), the call is *dropped* — no answer is
written, the message is not stored, and the call stays "not accepted" for good (`dropped`).
This models a request that never took effect, so a client that resends it after a restart
is seen delivering it exactly once. Otherwise it is answered as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

# A token of the real shape, with "SECRET" in it for the tests that hunt for leaks.
TOKEN = "123456789:AAH-test-SECRET-token_0123456789abcdef"
BOT_ID = 999000111
BOT_USERNAME = "vigia_test_bot"
# Who Telegram names as the sender of a message posted on behalf of a chat: the group itself
# (an anonymous admin), or a channel (core.telegram.org/bots/api#message, `from`).
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                   "username": "GroupAnonymousBot"}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel",
               "username": "Channel_Bot"}
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "span", "blockquote", "tg-emoji"}
JSON_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "reply_parameters",
               "reply_markup", "link_preview_options", "commands", "allowed_updates",
               "drop_pending_updates", "show_alert", "scope", "reply_to_message_id",
               "disable_notification", "allow_sending_without_reply", "user_id"}


# -- faults --------------------------------------------------------------------------------------

@dataclass
class Fault:
    status: int
    description: str
    parameters: dict[str, Any] | None = None


def retry_after(seconds: int) -> Fault:
    return Fault(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


def forbidden() -> Fault:
    return Fault(403, "Forbidden: bot was blocked by the user")


def bad_html() -> Fault:
    return Fault(400, "Bad Request: can't parse entities: Can't find end tag corresponding to "
                      "start tag \"b\"")


def too_long() -> Fault:
    return Fault(400, "Bad Request: message is too long")


def bad_gateway() -> Fault:
    return Fault(502, "Bad Gateway")


def migrated(new_chat_id: int) -> Fault:
    return Fault(400, "Bad Request: group chat was upgraded to a supergroup chat",
                 {"migrate_to_chat_id": new_chat_id})


def bad_request(description: str) -> Fault:
    return Fault(400, f"Bad Request: {description}")


def quoting_url(fault: Fault) -> Fault:
    """`fault`, its description quoting the request's URL, token and all, as proxies and
    self-hosted Bot API servers do ("... (POST http://host/bot<TOKEN>/sendMessage)")."""
    return Fault(fault.status, fault.description + " (POST {url})", fault.parameters)


@dataclass
class _Injected:
    method: str
    fault: Fault
    chat_id: int | None
    times: int | None  # None: for ever
    when: Callable[[dict], bool] | None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() on arrival
    status: int = 200  # 0 while held unanswered, and for good when dropped
    result: Any = None
    held: bool = False  # was held by a `Hold`
    dropped: bool = False  # held, and its client had gone when released: never answered

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return self.params.get("text", "")


class Hold:
    """One call kept unanswered until `release()`; made by `FakeBotAPI.hold`."""

    def __init__(self, method: str, nth: int, chat_id: int | None) -> None:
        if nth < 1:
            raise ValueError("nth counts from 1")
        self.method, self.nth, self.chat_id = method, nth, chat_id
        self.seen = 0  # matching calls so far
        self.call: Call | None = None  # the held call, once it arrived
        self.outcome: str | None = None  # "answered" | "dropped", once released
        self.arrived = threading.Event()
        self._released = threading.Event()
        self._settled = threading.Event()
        self._hangup_grace = 0.0

    def wait(self, timeout: float = 10.0) -> Call:
        """Block until the held call has arrived (it is then recorded, not accepted)."""
        if not self.arrived.wait(timeout):
            raise AssertionError(f"the {self.nth}th {self.method} never arrived "
                                 f"({self.seen} so far) within {timeout} s")
        assert self.call is not None
        return self.call

    def release(self, *, hangup_grace: float = 0.0, timeout: float = 10.0) -> str | None:
        """Let the held call go on: answered if its client is still connected, else dropped.
        `hangup_grace`: seconds to wait for a client known to be gone to be seen hanging up
        (a killed client's FIN is normally there already). Returns the outcome, or None when
        the call had not arrived."""
        self._hangup_grace = hangup_grace
        self._released.set()
        if not self.arrived.is_set():
            return None
        if not self._settled.wait(timeout):
            raise AssertionError(f"the held {self.method} did not settle within {timeout} s")
        return self.outcome

    def _settle(self, outcome: str) -> None:
        self.outcome = outcome
        self._settled.set()


def _hung_up(conn: socket.socket, grace: float) -> bool:
    """True when the peer has closed `conn` (EOF or reset), waiting up to `grace` s for it."""
    deadline = time.monotonic() + grace
    while True:
        try:
            readable, _, _ = select.select([conn], [], [], max(0.0, deadline - time.monotonic()))
            if readable:
                # EOF (b"") is a hang-up; bytes would be a next request: still connected.
                return conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            pass
        except (OSError, ValueError):  # reset, or already closed
            return True
        if time.monotonic() >= deadline:
            return False


# -- HTML check, as strict as Telegram about what it needs ---------------------------------------

class _HTMLCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'Unexpected end tag "{tag}"'
        else:
            self.stack.pop()


def html_error(text: str) -> str | None:
    p = _HTMLCheck()
    p.feed(text)
    p.close()
    if p.error:
        return p.error
    if p.stack:
        return f'Can\'t find end tag corresponding to start tag "{p.stack[-1]}"'
    return None


def visible_length(text: str, parse_mode: str | None) -> int:
    if parse_mode == "HTML":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return len(text.encode("utf-16-le")) // 2


# -- the server ----------------------------------------------------------------------------------

class FakeBotAPI:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.chat_types: dict[int, str] = {}
        self.members: dict[tuple[int, int], str] = {}  # (chat, user) -> status
        self.messages: dict[tuple[int, int], str] = {}  # (chat, message id) -> current text
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._faults: list[_Injected] = []
        self._holds: list[Hold] = []
        self._cond = threading.Condition()
        self._closing = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._server.handle_error = lambda request, address: None  # a client hung up: fine
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})

    # -- life cycle ----------------------------------------------------------------------------

    def __enter__(self) -> FakeBotAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            holds, self._holds = self._holds, []
        for h in holds:  # nobody will release them now: held handlers drop their calls
            h._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    # -- what tests do -------------------------------------------------------------------------

    def fail(self, method: str, fault: Fault, *, chat_id: int | None = None,
             times: int | None = 1, when: Callable[[dict], bool] | None = None) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) get `fault`;
        times=None: every call from now on."""
        with self._cond:
            self._faults.append(_Injected(method, fault, chat_id, times, when))

    def hold(self, method: str, *, nth: int = 1, chat_id: int | None = None) -> Hold:
        """The `nth` call of `method` (to `chat_id`, if given) from now on, not counting
        calls answered with an injected fault, is held unanswered until `Hold.release()`;
        meanwhile it is recorded as not accepted (status 0). See the module's docstring for
        what a release does when the client has gone."""
        h = Hold(method, nth, chat_id)
        with self._cond:
            self._holds.append(h)
        return h

    def heal(self) -> None:
        with self._cond:
            self._faults.clear()

    def member(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember answers for `user_id` in `chat_id` from now on."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"a member status is one of {MEMBER_STATUSES}")
        with self._cond:
            self.members[(chat_id, user_id)] = status

    def command(self, chat_id: int, text: str, *, user_id: int | None = None,
                chat_type: str | None = None, sender_chat: int | None = None,
                reply_to: int | None = None, language: str | None = None) -> dict:
        """Someone posts `text` (a /command) in a chat; in a channel it is a channel_post.
        `sender_chat`: posted on behalf of a chat, in a group: the group's own id is an
        anonymous admin, another id a channel (then `user_id` is ignored, as Telegram hides
        the person). `reply_to`: the id of the bot's message it answers. `language`: the
        user's `language_code` (their Telegram app's), which Telegram sends only when it
        knows it."""
        kind = chat_type or self._chat_type(chat_id)
        first = text.split()[0]
        message = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self._chat(chat_id, kind), "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(first)}],
        }
        if reply_to is not None:
            with self._cond:
                replied = self.messages.get((chat_id, reply_to), "")
            message["reply_to_message"] = self._message(chat_id, replied, reply_to)
        if kind == "channel":
            message["sender_chat"] = self._chat(chat_id, kind)
            update = {"channel_post": message}
        elif sender_chat is not None:
            anonymous = sender_chat == chat_id
            message["sender_chat"] = self._chat(sender_chat, kind if anonymous else "channel")
            message["from"] = dict(ANONYMOUS_ADMIN if anonymous else CHANNEL_BOT)
            update = {"message": message}
        else:
            uid = user_id if user_id is not None else chat_id
            message["from"] = _user(uid, language)
            update = {"message": message}
        return self._push(update)

    def press(self, chat_id: int, data: str, *, message_id: int, user_id: int | None = None,
              language: str | None = None) -> dict:
        """Someone presses an inline button of the bot's message `message_id`."""
        uid = user_id if user_id is not None else chat_id
        kind = self._chat_type(chat_id)
        message = {"message_id": message_id, "date": int(time.time()),
                   "chat": self._chat(chat_id, kind),
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "vigia",
                            "username": BOT_USERNAME},
                   "text": self.messages.get((chat_id, message_id), "")}
        return self._push({"callback_query": {
            "id": str(next(self._update_ids) * 7919), "chat_instance": "ci",
            "from": _user(uid, language), "message": message, "data": data}})

    def calls_of(self, method: str, chat_id: int | None = None, *, ok: bool | None = None
                 ) -> list[Call]:
        with self._cond:
            calls = list(self.calls)
        return [c for c in calls if c.method == method
                and (chat_id is None or c.chat_id == chat_id)
                and (ok is None or c.ok == ok)]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """sendMessage calls that Telegram accepted, in arrival order."""
        return self.calls_of("sendMessage", chat_id, ok=True)

    def photos(self, chat_id: int | None = None) -> list[Call]:
        """sendPhoto calls that Telegram accepted; `params["photo"]` holds the bytes."""
        return self.calls_of("sendPhoto", chat_id, ok=True)

    # -- internals -----------------------------------------------------------------------------

    def _chat_type(self, chat_id: int) -> str:
        if chat_id in self.chat_types:
            return self.chat_types[chat_id]
        if chat_id > 0:
            return "private"
        return "supergroup" if chat_id < -1_000_000_000_000 else "group"

    @staticmethod
    def _chat(chat_id: int, kind: str) -> dict:
        chat = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = f"user{chat_id}"
        else:
            chat["title"] = f"chat {chat_id}"
        return chat

    def _push(self, update: dict) -> dict:
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def _fault_for(self, method: str, params: dict) -> Fault | None:
        for inj in self._faults:
            if inj.method != method or (inj.chat_id is not None
                                        and params.get("chat_id") != inj.chat_id):
                continue
            if inj.when is not None and not inj.when(params):
                continue
            if inj.times is not None:
                inj.times -= 1
                if inj.times <= 0:
                    self._faults.remove(inj)
            return inj.fault
        return None

    def _hold_for(self, method: str, params: dict) -> Hold | None:
        for h in list(self._holds):
            if h.method != method or (h.chat_id is not None
                                      and params.get("chat_id") != h.chat_id):
                continue
            h.seen += 1
            if h.seen == h.nth:
                self._holds.remove(h)
                return h
        return None

    def _get_updates(self, params: dict) -> list[dict]:
        offset = params.get("offset") or 0
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if offset:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
                left = deadline - time.monotonic()
                if ready or left <= 0 or self._closing:
                    return ready
                self._cond.wait(timeout=left)

    def _message(self, chat_id: int, text: str, message_id: int | None = None) -> dict:
        return {"message_id": message_id or next(self._message_ids), "date": int(time.time()),
                "chat": self._chat(chat_id, self._chat_type(chat_id)),
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "vigia",
                         "username": BOT_USERNAME},
                "text": text}

    def _answer(self, method: str, p: dict) -> tuple[int, dict]:
        """(status, body) for one call: the real API's checks, then the result."""
        def error(status: int, description: str, parameters: dict | None = None):
            body = {"ok": False, "error_code": status, "description": description}
            if parameters:
                body["parameters"] = parameters
            return status, body

        if method == "getMe":
            return 200, {"ok": True, "result": {
                "id": BOT_ID, "is_bot": True, "first_name": "vigia", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(p)}
        if method in ("deleteWebhook", "setMyCommands", "answerCallbackQuery", "close",
                      "logOut", "deleteMyCommands"):
            return 200, {"ok": True, "result": True}
        if method == "getMyCommands":
            return 200, {"ok": True, "result": []}
        if method == "getChatMember":
            chat_id, user_id = p.get("chat_id"), p.get("user_id")
            if not isinstance(user_id, int):
                return error(400, "Bad Request: invalid user_id specified")
            with self._cond:
                status = self.members.get((chat_id, user_id), "member")
            return 200, {"ok": True, "result": _chat_member(user_id, status)}
        if method == "sendPhoto":
            return self._send_photo(p, error)
        if method in ("sendMessage", "editMessageText"):
            chat_id, text = p.get("chat_id"), p.get("text", "")
            if not text:
                return error(400, "Bad Request: message text is empty")
            if p.get("parse_mode") == "HTML" and (problem := html_error(text)):
                return error(400, f"Bad Request: can't parse entities: {problem}")
            if visible_length(text, p.get("parse_mode")) > 4096:
                return error(400, "Bad Request: message is too long")
            if method == "sendMessage":
                msg = self._message(chat_id, text)
                with self._cond:
                    self.messages[(chat_id, msg["message_id"])] = text
                return 200, {"ok": True, "result": msg}
            key = (chat_id, p.get("message_id"))
            with self._cond:
                if key not in self.messages:
                    return error(400, "Bad Request: message to edit not found")
                if self.messages[key] == text:
                    return error(400, "Bad Request: message is not modified: specified new "
                                      "message content and reply markup are exactly the same "
                                      "as a current content and reply markup of the message")
                self.messages[key] = text
            return 200, {"ok": True, "result": self._message(chat_id, text, key[1])}
        return error(404, "Not Found: method not found")

    def _send_photo(self, p: dict, error: Callable) -> tuple[int, dict]:
        """sendPhoto with an uploaded picture (core.telegram.org/bots/api#sendphoto)."""
        chat_id, photo, caption = p.get("chat_id"), p.get("photo"), p.get("caption", "")
        if not isinstance(photo, bytes):
            return error(400, "Bad Request: there is no photo in the request")
        size = _image_size(photo)
        if size is None:
            return error(400, "Bad Request: IMAGE_PROCESS_FAILED")
        if visible_length(caption, p.get("parse_mode")) > 1024:
            return error(400, "Bad Request: message caption is too long")
        msg = self._message(chat_id, "")
        del msg["text"]
        msg["photo"] = [{"file_id": f"photo-{msg['message_id']}",
                         "file_unique_id": f"u{msg['message_id']}", "width": size[0],
                         "height": size[1], "file_size": len(photo)}]
        if caption:
            msg["caption"] = caption
        return 200, {"ok": True, "result": msg}

    def _handle(self, path: str, body: bytes, content_type: str,
                connection: socket.socket | None = None) -> tuple[int, dict] | None:
        """(status, body) to answer; None: write nothing and close (a dropped held call)."""
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix):]
        params = _decode(body, content_type)
        call = Call(method, params, time.monotonic())
        with self._cond:
            self.calls.append(call)
            fault = self._fault_for(method, params)
            held = self._hold_for(method, params) if fault is None else None
            if held is not None:
                call.status, call.held, held.call = 0, True, call
        if held is not None:
            held.arrived.set()
            held._released.wait()
            if self._closing or connection is None or _hung_up(connection,
                                                               held._hangup_grace):
                call.dropped = True
                held._settle("dropped")
                return None
        if fault is not None:
            host, port = self._server.server_address[:2]
            description = fault.description.replace("{url}", f"http://{host}:{port}{path}")
            out = {"ok": False, "error_code": fault.status, "description": description}
            if fault.parameters:
                out["parameters"] = fault.parameters
            call.status = fault.status
            return fault.status, out
        status, out = self._answer(method, params)
        call.status, call.result = status, out.get("result")
        if held is not None:
            held._settle("answered")
        return status, out

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                answer = api._handle(self.path, body, self.headers.get("Content-Type", ""),
                                     self.connection)
                if answer is None:  # a held call whose client is gone: nothing to write
                    self.close_connection = True
                    return
                status, out = answer
                data = json.dumps(out).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler


def _user(user_id: int, language: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
    if language:
        user["language_code"] = language
    return user


def _chat_member(user_id: int, status: str) -> dict[str, Any]:
    """A ChatMember object with the fields the real API sends for `status`
    (core.telegram.org/bots/api#chatmember)."""
    member: dict[str, Any] = {"status": status, "user": {"id": user_id, "is_bot": False,
                                                          "first_name": f"user{user_id}"}}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(
            ("can_be_edited", "is_anonymous", "can_promote_members", "can_change_info"),
            False))
        member.update(dict.fromkeys(
            ("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
             "can_restrict_members", "can_invite_users", "can_post_stories",
             "can_edit_stories", "can_delete_stories", "can_pin_messages"), True))
    elif status == "restricted":
        member.update(dict.fromkeys(
            ("is_member", "can_send_messages", "can_send_audios", "can_send_documents",
             "can_send_photos", "can_send_videos", "can_send_video_notes",
             "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
             "can_add_web_page_previews", "can_react_to_messages"), True))
        member.update(dict.fromkeys(
            ("can_change_info", "can_invite_users", "can_pin_messages", "can_manage_topics",
             "can_edit_tag"), False))
        member["until_date"] = 0
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _decode(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/"):
        return _decode_multipart(body, content_type)
    fields = {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    for key in JSON_FIELDS & fields.keys():
        with contextlib.suppress(ValueError):  # e.g. chat_id "@channelname" stays text
            fields[key] = json.loads(fields[key])
    return fields


def _decode_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """A multipart/form-data request (an upload): text fields as `_decode` reads them, files
    as their bytes."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            fields[name] = data
            continue
        value: Any = data.decode()
        if name in JSON_FIELDS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        fields[name] = value
    return fields


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, (1, 1) for a JPEG (enough to tell it is one), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"\xff\xd8\xff"):
        return 1, 1
    return None


# -- judging the pacing the server saw -----------------------------------------------------------

def paced(times: list[float], interval: float) -> bool:
    """Whether arrival times show a sender that waits `interval` between its requests.

    The sender paces launches; the server sees arrivals, and on a loaded machine a request
    can be held up on its way (a gap of 0.276 s was seen for 0.3 s of pacing). So: every gap
    at least half the interval, a margin no such delay crosses while an unpaced sender's gaps
    (milliseconds) stay far below it; and on average the whole interval, less what delays at
    the two ends can take off it."""
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    if not gaps:
        return True
    mean = (times[-1] - times[0]) / len(gaps)
    return min(gaps) >= interval / 2 and mean >= interval * (1 - 1 / max(len(gaps), 2))


# -- waiting without sleeping blindly ------------------------------------------------------------

async def wait_for(predicate: Callable[[], Any], timeout: float = 5.0, *,
                   what: str = "condition") -> Any:
    """Poll `predicate` on the running loop until it is truthy; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)
