"""A small fake Telegram Bot API server on 127.0.0.1, for the real python-telegram-bot to talk to.

It records every call, long-polls ``getUpdates`` from a queue the test fills,
and answers chosen calls with an error (403 blocked, 429 flood control) on
demand. With ``rate_cap`` it enforces a flood limit as Telegram does: more
than ``rate_cap`` messages in any one second are refused with 429. It runs in
a thread, so it also serves a ``marhaba run`` or ``marhaba broadcast`` subprocess.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email.parser
import email.policy
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TOKEN = "123456789:AAEfakefakefakefakefakefakefakefake1"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Marhaba", "username": "MarhabaTestBot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}
# Parameters PTB sends JSON-encoded inside the form body.
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "chat_id",
                "message_id", "latitude", "longitude", "offset", "limit", "timeout"}


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # a broadcast opens many connections at once; the default backlog is 5

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client killed mid-request (the crash tests) resets its connections


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    method: str
    status: int
    description: str
    parameters: dict[str, Any] | None
    chat_id: int | None
    count: int


class FakeBotAPI:
    """The fake server. ``base_url`` is what PTB's ``base_url`` (TELEGRAM_API_BASE_URL) takes."""

    SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendVenue", "sendLocation"})
    """The calls that count against the rate cap."""

    def __init__(self, rate_cap: float | None = None, retry_after: int = 1, hold_polls: bool = False) -> None:
        self.rate_cap = rate_cap
        self.hold_polls = hold_polls
        """Serve ``getUpdates`` one at a time, each held for its whole timeout (up to 30 s) even when
        its client has gone: a server that has not noticed a cancelled long poll, as a real one may."""
        self._poll_lock = threading.Lock()
        self.polls = 0
        """``getUpdates`` calls answered so far."""
        self.polling = 0
        self.most_polling = 0
        """The most ``getUpdates`` calls in progress at once: more than 1 is two pollers of one bot (Telegram
        would answer 409 Conflict)."""
        self.retry_after = retry_after
        self.too_many = 0
        """How many calls were refused for going over ``rate_cap``."""
        self._window: collections.deque[float] = collections.deque()
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._failures: list[Failure] = []
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._held: set[str] = set()
        self._release = threading.Event()
        self.held = 0
        """Calls answered with nothing while their method is held (see :meth:`hold`)."""
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # -- life cycle -------------------------------------------------------

    def start(self) -> FakeBotAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    # -- what tests drive ---------------------------------------------------

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the next ``getUpdates``."""
        update = {"update_id": next(self._ids), **update}
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def fail(self, method: str, status: int, description: str, *, parameters: dict[str, Any] | None = None,
             chat_id: int | None = None, count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` (to ``chat_id``, if given) with an error."""
        with self._cond:
            self._failures.append(Failure(method, status, description, parameters, chat_id, count))

    def hold(self, method: str) -> None:
        """Leave calls of ``method`` unanswered until :meth:`release` (a platform that hangs while the
        bot is killed); they are then refused, never counted as accepted."""
        with self._cond:
            self._held.add(method)
            self._release.clear()

    def release(self) -> None:
        with self._cond:
            self._held.clear()
            self._release.set()
            self._cond.notify_all()

    def wait_for_held(self, count: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.held < count:
                if time.monotonic() > deadline:
                    raise AssertionError(f"only {self.held} of {count} calls were held")
                self._cond.wait(0.1)

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method
                    and (chat_id is None or c.params.get("chat_id") == chat_id)]

    async def wait_for(self, method: str, chat_id: int | None = None, *, count: int = 1,
                       timeout: float = 30.0) -> list[Call]:
        """Wait until ``method`` was called ``count`` times (for ``chat_id``); return those calls."""
        deadline = time.monotonic() + timeout
        while True:
            calls = self.calls_of(method, chat_id)
            if len(calls) >= count:
                return calls
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} called {len(calls)} times, expected {count}; "
                                     f"calls: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.01)

    def wait_for_sync(self, method: str, *, count: int = 1, timeout: float = 20.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self.calls_of(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} not called; calls: {[c.method for c in self.calls]}")
            time.sleep(0.02)
        return self.calls_of(method)

    # -- the server -------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real Bot API: a broadcast reuses connections

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the client died mid-request: Telegram would not see a message
                    self.close_connection = True
                    return
                prefix = f"/bot{TOKEN}/"
                if not self.path.startswith(prefix):
                    self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                method = self.path[len(prefix):]
                status, payload = api._answer(method, _params(self.headers.get("Content-Type", ""), body))
                self._reply(status, payload)

            do_GET = do_POST  # noqa: N815

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # PTB cancels a pending long poll when it stops.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self._cond:
            held = method in self._held
            if held:
                self.held += 1
                self._cond.notify_all()
        if held:
            self._release.wait()
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        with self._cond:
            call = Call(method, params)
            self.calls.append(call)
            if self.rate_cap is not None and method in self.SEND_METHODS and self._over_cap(call.at):
                self.too_many += 1
                call.result = "429"
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                             "parameters": {"retry_after": self.retry_after}}
            for failure in self._failures:
                if failure.method == method and failure.chat_id in (None, params.get("chat_id")):
                    failure.count -= 1
                    if failure.count <= 0:
                        self._failures.remove(failure)
                    body: dict[str, Any] = {"ok": False, "error_code": failure.status,
                                            "description": failure.description}
                    if failure.parameters:
                        body["parameters"] = failure.parameters
                    return failure.status, body
            call.result = self._result(method, params)
        return 200, {"ok": True, "result": call.result}

    def _over_cap(self, now: float) -> bool:
        window = self._window
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= (self.rate_cap or 0):
            return True
        window.append(now)
        return False

    def sent_to(self, method: str = "sendMessage") -> collections.Counter[int]:
        """Accepted ``method`` calls per chat id."""
        with self._cond:
            return collections.Counter(c.params.get("chat_id") for c in self.calls
                                       if c.method == method and isinstance(c.result, dict))

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self._cond:
            self.polling += 1
            self.most_polling = max(self.most_polling, self.polling)
        try:
            if self.hold_polls:
                with self._poll_lock:
                    return self._poll(params, 30.0)
            return self._poll(params, 2.0)
        finally:
            with self._cond:
                self.polling -= 1
                self.polls += 1

    def _poll(self, params: dict[str, Any], max_timeout: float) -> list[dict[str, Any]]:
        # As Telegram: message_reaction updates only for a bot that asked for them in allowed_updates.
        allowed = params.get("allowed_updates") or None
        kinds = set(allowed) if isinstance(allowed, list) else None
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), max_timeout)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                self._updates = [u for u in self._updates if u["update_id"] >= offset and _wanted(u, kinds)]
                if self._updates or time.monotonic() >= deadline:
                    return list(self._updates)
                self._cond.wait(deadline - time.monotonic())

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "editMessageText", "sendVenue", "sendLocation", "editMessageReplyMarkup",
                      "sendDocument"):
            chat_id = params.get("chat_id")
            message: dict[str, Any] = {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = params["text"]
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            if method == "sendDocument":
                doc = params.get("document") or {}
                message["document"] = {"file_id": "doc-1", "file_unique_id": "u1",
                                       "file_name": doc.get("filename") if isinstance(doc, dict) else None}
            if method == "sendVenue":
                message["venue"] = {"location": {"latitude": params["latitude"], "longitude": params["longitude"]},
                                    "title": params["title"], "address": params["address"]}
            return message
        return True


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(body or b"{}")
    if content_type.startswith("multipart/"):
        return _multipart(content_type, body)
    out: dict[str, Any] = {}
    for key, values in parse_qs(body.decode(), keep_blank_values=True).items():
        value: Any = values[-1]
        if key in _JSON_FIELDS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[key] = value
    return out


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """A multipart/form-data body (sendDocument): fields as values, files as {filename, data}."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    out: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            out[name] = {"filename": filename, "data": data}
            continue
        value: Any = data.decode()
        if name in _JSON_FIELDS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[name] = value
    return out


_NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
"""Update types Telegram sends only when allowed_updates names them (https://core.telegram.org/bots/api#getupdates)."""


def _wanted(update: dict[str, Any], kinds: set[str] | None) -> bool:
    kind = next((k for k in update if k != "update_id"), "")
    return kind in kinds if kinds is not None else kind not in _NOT_BY_DEFAULT


# -- updates as Telegram sends them -------------------------------------------------

_message_ids = itertools.count(1)


def user(user_id: int, language_code: str | None = "en") -> dict[str, Any]:
    out: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
    if language_code is not None:
        out["language_code"] = language_code
    return out


def message_update(user_id: int, text: str, language_code: str | None = "en") -> dict[str, Any]:
    """A private-chat text message; a leading ``/word`` is marked as a bot command, as clients do."""
    message: dict[str, Any] = {
        "message_id": next(_message_ids), "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Test"},
        "from": user(user_id, language_code), "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}]
    return {"message": message}


def callback_update(user_id: int, data: str, message_id: int, language_code: str | None = "en",
                    text: str = "menu") -> dict[str, Any]:
    """A button press on the bot's message ``message_id``."""
    return {"callback_query": {
        "id": str(next(_message_ids)), "chat_instance": "ci", "data": data,
        "from": user(user_id, language_code),
        "message": {"message_id": message_id, "date": int(time.time()), "text": text,
                    "chat": {"id": user_id, "type": "private", "first_name": "Test"}, "from": BOT_USER,
                    "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}},
    }}


def reaction_update(user_id: int, message_id: int, emoji: str | None,
                    old: str | None = None) -> dict[str, Any]:
    """A private-chat reaction to the bot's message ``message_id`` (``emoji=None``: removed)."""
    def kinds(e: str | None) -> list[dict[str, str]]:
        return [{"type": "emoji", "emoji": e}] if e else []
    return {"message_reaction": {
        "chat": {"id": user_id, "type": "private", "first_name": "Test"}, "message_id": message_id,
        "user": user(user_id), "date": int(time.time()), "old_reaction": kinds(old), "new_reaction": kinds(emoji),
    }}
