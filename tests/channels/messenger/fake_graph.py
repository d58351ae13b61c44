"""A fake Graph API for the Messenger Platform on 127.0.0.1 that refuses what the real one refuses.

Its checks are written from Meta's references (Send API, quick replies, button template, postback
button, message tags, Messenger Profile API, error codes) and deliberately do not import the
channel's constants: a renderer that breaks a documented limit must fail here.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

API_VERSION = "v21.0"
TOKEN = "test-page-token-5678"
MESSAGE_TAGS = {"CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE", "HUMAN_AGENT"}
"""The tags the Send API takes (https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags)."""

ERRORS = {
    "rate": (613, None, "Calls to this api have exceeded the rate limit.", 400),
    "throttled": (4, None, "Application request limit reached", 429),
    "blocked": (551, 1545041, "This person isn't available right now.", 400),
    "window": (10, 2018278, "Message sent outside of allowed window.", 400),
    "nouser": (100, 2018001, "No matching user found", 400),
}
"""Errors a test makes the fake answer (code, subcode, message, HTTP status), from Meta's error-code table."""


class Invalid(Exception):
    pass


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise Invalid(message)


def _text(value: Any, name: str, max_chars: int) -> None:
    _need(isinstance(value, str) and value.strip() != "", f"{name} must be non-empty text")
    _need(len(value) <= max_chars, f"{name} is {len(value)} characters, more than {max_chars}")


def check_send(body: dict[str, Any]) -> None:
    """Raise :class:`Invalid` where the Send API would answer error 100 (invalid parameter)."""
    _need(isinstance(body.get("recipient", {}).get("id"), str) and body["recipient"]["id"].isdigit(),
          "recipient.id must be a PSID")
    kind = body.get("messaging_type")
    _need(kind in ("RESPONSE", "UPDATE", "MESSAGE_TAG"), f"messaging_type {kind!r}")
    if kind == "MESSAGE_TAG":
        _need(body.get("tag") in MESSAGE_TAGS, f"tag {body.get('tag')!r}")
    message = body.get("message", {})
    _need(("text" in message) != ("attachment" in message), "message needs exactly one of text and attachment")
    if "text" in message:
        _text(message["text"], "message.text", 2000)
    else:
        attachment = message["attachment"]
        if attachment.get("type") == "template":
            payload = attachment.get("payload", {})
            _need(payload.get("template_type") == "button", "only the button template is faked")
            _text(payload.get("text"), "button template text", 640)
            buttons = payload.get("buttons", [])
            _need(1 <= len(buttons) <= 3, f"{len(buttons)} buttons (1 to 3 allowed)")
            for b in buttons:
                _need(b.get("type") == "postback", "button type must be postback")
                _text(b.get("title"), "button title", 20)
                _text(b.get("payload"), "button payload", 1000)
        else:
            _need(attachment.get("type") == "file", f"attachment type {attachment.get('type')!r}")
    replies = message.get("quick_replies")
    if replies is not None:
        _need(1 <= len(replies) <= 13, f"{len(replies)} quick replies (1 to 13 allowed)")
        for r in replies:
            _need(r.get("content_type") == "text", "quick reply content_type must be text")
            _text(r.get("title"), "quick reply title", 20)
            _text(r.get("payload"), "quick reply payload", 1000)


def check_profile(body: dict[str, Any]) -> None:
    """The Messenger Profile API's rules for ``get_started`` and ``persistent_menu``."""
    _text(body.get("get_started", {}).get("payload"), "get_started.payload", 1000)
    menus = body.get("persistent_menu", [])
    _need(any(m.get("locale") == "default" for m in menus), "a persistent menu needs a 'default' locale")
    for menu in menus:
        actions = menu.get("call_to_actions", [])
        _need(1 <= len(actions) <= 20, f"{len(actions)} menu items (1 to 20 allowed)")
        for a in actions:
            _need(a.get("type") == "postback", "menu item type")
            _text(a.get("title"), "menu item title", 30)
            _text(a.get("payload"), "menu item payload", 1000)


def _error(name: str) -> tuple[int, dict[str, Any]]:
    code, subcode, message, status = ERRORS[name]
    err: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}
    if subcode is not None:
        err["error_subcode"] = subcode
    return status, {"error": err}


def _invalid(message: str) -> tuple[int, dict[str, Any]]:
    return 400, {"error": {"message": f"(#100) {message}", "type": "OAuthException", "code": 100}}


@dataclass
class FakeGraph:
    """``sent``: accepted Send API bodies; ``rejected``: what it refused as invalid; ``requests``: every send.

    ``fail[psid]`` lists :data:`ERRORS` names to answer, one per send, before succeeding;
    ``closed_window`` holds people whose 24-hour window is over (untagged sends -> 10/2018278);
    ``locales[psid]`` is what the profile API gives for ``fields=locale``.
    """

    sent: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail: dict[str, list[str]] = field(default_factory=dict)
    closed_window: set[str] = field(default_factory=set)
    locales: dict[str, str] = field(default_factory=dict)
    profiles: list[dict[str, Any]] = field(default_factory=list)
    profile_lookups: list[str] = field(default_factory=list)
    url: str = ""
    latency: float = 0.0
    """Seconds each send takes to be answered (the multi-worker tests: a turn is still sending when the person's
    next message reaches another worker)."""
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _server: tornado.httpserver.HTTPServer | None = None
    _changed: asyncio.Event | None = None
    profile_set: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the Messenger Profile was posted (the channel has started)."""

    def send(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        psid = body.get("recipient", {}).get("id", "")
        failures = self.fail.get(psid)
        if failures:
            return _error(failures.pop(0))
        if psid in self.closed_window and body.get("messaging_type") != "MESSAGE_TAG":
            return _error("window")
        try:
            check_send(body)
        except Invalid as exc:
            self.rejected.append((body, str(exc)))
            return _invalid(str(exc))
        message_id = f"m_fake-{next(self._ids)}"
        self.sent.append({**body, "message_id": message_id})
        if self._changed is not None:
            self._changed.set()
        return 200, {"recipient_id": psid, "message_id": message_id}

    def to(self, psid: str) -> list[dict[str, Any]]:
        """Accepted messages (their ``message`` objects, with ``messaging_type`` and ``tag``) to one person."""
        return [{**m["message"], "messaging_type": m["messaging_type"], "tag": m.get("tag")}
                for m in self.sent if m["recipient"]["id"] == psid]

    async def until(self, condition: Any, timeout: float = 30.0) -> None:
        """Wait until ``condition()`` holds, looked at each time a message is accepted."""
        async def wait() -> None:
            while not condition():
                assert self._changed is not None
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(wait(), timeout)

    async def wait_for(self, count: int, timeout: float = 30.0) -> None:
        """Wait until at least ``count`` messages were accepted (for the subprocess tests)."""
        await self.until(lambda: len(self.sent) >= count, timeout)

    async def start(self) -> None:
        fake = self
        self._changed = asyncio.Event()

        class Handler(tornado.web.RequestHandler):
            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                self.set_status(status)
                self.set_header("Content-Type", "application/json")
                self.finish(json.dumps(payload))

            def _authorized(self) -> bool:
                if self.request.headers.get("Authorization") == f"Bearer {TOKEN}":
                    return True
                self._answer(401, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
                return False

            def get(self) -> None:
                if not self._authorized():
                    return
                psid = self.request.path.rsplit("/", 1)[-1]
                fake.profile_lookups.append(psid)
                if self.get_query_argument("fields", "") != "locale" or psid not in fake.locales:
                    self._answer(400, {"error": {"message": "(#100) Tried accessing nonexisting field", "code": 100}})
                    return
                self._answer(200, {"id": psid, "locale": fake.locales[psid]})

            async def post(self) -> None:
                if fake.latency:
                    await asyncio.sleep(fake.latency)
                if not self._authorized():
                    return
                path = self.request.path
                if path == f"/{API_VERSION}/me/messenger_profile":
                    body = json.loads(self.request.body)
                    try:
                        check_profile(body)
                    except Invalid as exc:
                        fake.rejected.append((body, str(exc)))
                        self._answer(*_invalid(str(exc)))
                        return
                    fake.profiles.append(body)
                    fake.profile_set.set()
                    self._answer(200, {"result": "success"})
                    return
                if path != f"/{API_VERSION}/me/messages":
                    self._answer(*_invalid("Unsupported post request"))
                    return
                if self.request.files:  # a file uploaded with its message (multipart "filedata")
                    args = {k: v[0].decode() for k, v in self.request.body_arguments.items()}
                    upload = self.request.files["filedata"][0]
                    body = {"recipient": json.loads(args["recipient"]), "messaging_type": args["messaging_type"],
                            "message": json.loads(args["message"]), "filename": upload.filename,
                            "size": len(upload.body)}
                else:
                    body = json.loads(self.request.body)
                self._answer(*fake.send(body))

        app = tornado.web.Application([(r".*", Handler)], log_function=lambda h: None)
        self._server = tornado.httpserver.HTTPServer(app)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self._server.add_sockets(sockets)
        self.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/{API_VERSION}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
