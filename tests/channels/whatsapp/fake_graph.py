"""A fake WhatsApp Cloud API (Graph API) on 127.0.0.1 that refuses what the real one refuses.

Its checks are written from Meta's Cloud API reference ("Messages": text,
interactive reply buttons, interactive list messages, location, template) and
deliberately do not import the channel's constants: a renderer that breaks
a documented limit must fail here, whatever the channel believes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

API_VERSION = "v21.0"
PHONE_NUMBER_ID = "106540352242922"
TOKEN = "test-access-token-1234"


class Invalid(Exception):
    pass


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise Invalid(message)


def _text_field(value: Any, name: str, max_chars: int) -> None:
    _need(isinstance(value, str) and value.strip() != "", f"{name} must be non-empty text")
    _need(len(value) <= max_chars, f"{name} is {len(value)} characters, more than {max_chars}")


def check_message(body: dict[str, Any]) -> None:
    """Raise :class:`Invalid` where the Cloud API would answer error 100 (invalid parameter)."""
    _need(body.get("messaging_product") == "whatsapp", "messaging_product must be whatsapp")
    _need(isinstance(body.get("to"), str) and body["to"].isdigit(), "to must be a phone number / wa_id")
    kind = body.get("type", "text")
    if kind == "text":
        _text_field(body.get("text", {}).get("body"), "text.body", 4096)
    elif kind == "interactive":
        inter = body.get("interactive", {})
        _text_field(inter.get("body", {}).get("text"), "interactive.body.text", 1024)
        action = inter.get("action", {})
        if inter.get("type") == "button":
            buttons = action.get("buttons", [])
            _need(1 <= len(buttons) <= 3, f"{len(buttons)} reply buttons (1 to 3 allowed)")
            titles, ids = set(), set()
            for b in buttons:
                _need(b.get("type") == "reply", "button type must be reply")
                reply = b.get("reply", {})
                _text_field(reply.get("title"), "button title", 20)
                _text_field(reply.get("id"), "button id", 256)
                _need(reply["id"] == reply["id"].strip(), "button id has leading or trailing spaces")
                _need(reply["title"] not in titles, "button titles must be unique")
                _need(reply["id"] not in ids, "button ids must be unique")
                titles.add(reply["title"])
                ids.add(reply["id"])
        elif inter.get("type") == "list":
            _text_field(action.get("button"), "list button", 20)
            sections = action.get("sections", [])
            _need(1 <= len(sections) <= 10, "1 to 10 sections")
            rows = [r for s in sections for r in s.get("rows", [])]
            _need(1 <= len(rows) <= 10, f"{len(rows)} rows (1 to 10 allowed across sections)")
            for s in sections:
                if len(sections) > 1 or "title" in s:
                    _text_field(s.get("title"), "section title", 24)
            ids = set()
            for r in rows:
                _text_field(r.get("id"), "row id", 200)
                _text_field(r.get("title"), "row title", 24)
                if "description" in r:
                    _need(isinstance(r["description"], str) and len(r["description"]) <= 72,
                          "row description longer than 72 characters")
                _need(r["id"] not in ids, "row ids must be unique")
                ids.add(r["id"])
        else:
            raise Invalid(f"interactive type {inter.get('type')!r} not supported by this fake")
    elif kind == "location":
        loc = body.get("location", {})
        _need(isinstance(loc.get("latitude"), (int, float)) and -90 <= loc["latitude"] <= 90, "latitude")
        _need(isinstance(loc.get("longitude"), (int, float)) and -180 <= loc["longitude"] <= 180, "longitude")
    elif kind == "document":
        doc = body.get("document", {})
        _need(bool(doc.get("id")) != bool(doc.get("link")), "document needs exactly one of id and link")
        _text_field(doc.get("filename"), "document filename", 240)
    elif kind == "template":
        tpl = body.get("template", {})
        _text_field(tpl.get("name"), "template name", 512)
        _text_field(tpl.get("language", {}).get("code"), "template language code", 15)
        for comp in tpl.get("components", []):
            for p in comp.get("parameters", []):
                text = p.get("text", "")
                # Error 132018: parameters must not contain newlines, tabs or more than 4 spaces in a row.
                _need(not re.search(r"[\n\t]| {5,}", text), "template parameter has newline, tab or 5 spaces")
    else:
        raise Invalid(f"message type {kind!r} not supported by this fake")


def _error(code: int, message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"message": message, "type": "OAuthException", "code": code,
                              "error_data": {"messaging_product": "whatsapp", "details": message},
                              "fbtrace_id": "AbCdEfGh"}}


@dataclass
class FakeGraph:
    """The fake server. ``sent`` holds accepted message bodies; ``rejected`` what it refused.

    ``fail[wa_id]`` is a list of error codes to answer, one per request, before succeeding;
    ``closed_window`` holds users whose 24-hour window is over (free-form -> 131047); while ``gate`` is
    set and not open, a send waits for it before it is looked at (``waiting`` counts those sends);
    each answer takes up to ``latency`` seconds, more or less at random (the real API's take a few hundred
    milliseconds, never all the same), so a send begun later may be answered first.
    """

    sent: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail: dict[str, list[int]] = field(default_factory=dict)
    closed_window: set[str] = field(default_factory=set)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    url: str = ""
    gate: asyncio.Event | None = None
    latency: float = 0.0
    waiting: int = 0
    _jitter: random.Random = field(default_factory=lambda: random.Random(19))
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _server: tornado.httpserver.HTTPServer | None = None
    _changed: asyncio.Event | None = None

    def upload(self, path: str, auth: str, fields: dict[str, str], files: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """``POST /<phone-number-id>/media`` (multipart): keep the file, answer its media id."""
        if path != f"/{API_VERSION}/{PHONE_NUMBER_ID}/media":
            return _error(100, "Unsupported post request", 400)
        if auth != f"Bearer {TOKEN}":
            return _error(190, "Invalid OAuth access token", 401)
        if fields.get("messaging_product") != "whatsapp" or "file" not in files or not fields.get("type"):
            return _error(100, "Invalid parameter: messaging_product, file and type are required")
        media_id = f"media-{next(self._ids)}"
        self.media[media_id] = {"type": fields["type"], **files["file"]}
        return 200, {"id": media_id}

    def handle(self, path: str, auth: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        if path != f"/{API_VERSION}/{PHONE_NUMBER_ID}/messages":
            return _error(100, "Unsupported post request", 400)
        if auth != f"Bearer {TOKEN}":
            return _error(190, "Invalid OAuth access token", 401)
        try:
            body = json.loads(raw)
        except ValueError:
            return _error(100, "Invalid JSON")
        self.requests.append(body)
        to = body.get("to", "")
        codes = self.fail.get(to)
        if codes:
            code = codes.pop(0)
            return _error(code, {130429: "Rate limit hit", 131026: "Message undeliverable",
                                 131047: "Re-engagement message"}.get(code, "error"))
        if to in self.closed_window and body.get("type") != "template":
            return _error(131047, "Re-engagement message")
        try:
            check_message(body)
        except Invalid as exc:
            self.rejected.append((body, str(exc)))
            return _error(100, f"Invalid parameter: {exc}")
        message_id = f"wamid.fake-{next(self._ids)}"
        self.sent.append({**body, "id": message_id})
        self._notify()
        return 200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                     "messages": [{"id": message_id}]}

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()

    async def until(self, condition: Any, timeout: float = 30.0) -> None:
        """Wait until ``condition()`` holds, looked at each time a send arrives (or is held at the gate)."""
        async def wait() -> None:
            while not condition():
                assert self._changed is not None
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(wait(), timeout)

    def to(self, wa_id: str) -> list[dict[str, Any]]:
        """Accepted messages to one user, in order."""
        return [m for m in self.sent if m["to"] == wa_id]

    async def wait_for(self, count: int, timeout: float = 30.0) -> None:
        """Wait until at least ``count`` messages were accepted (for the subprocess tests)."""
        await self.until(lambda: len(self.sent) >= count, timeout)

    async def start(self) -> None:
        fake = self
        self._changed = asyncio.Event()

        class Handler(tornado.web.RequestHandler):
            async def post(self) -> None:
                if fake.gate is not None and not fake.gate.is_set():
                    fake.waiting += 1
                    fake._notify()
                    await fake.gate.wait()
                    if self.request.connection.stream.closed():  # its sender was killed meanwhile: never arrived
                        return
                if fake.latency:
                    await asyncio.sleep(fake.latency * fake._jitter.random())
                if self.request.path.endswith("/media"):
                    fields = {k: v[0].decode() for k, v in self.request.body_arguments.items()}
                    files = {k: {"filename": v[0].filename, "data": v[0].body, "content_type": v[0].content_type}
                             for k, v in self.request.files.items()}
                    status, payload = fake.upload(self.request.path, self.request.headers.get("Authorization", ""),
                                                  fields, files)
                    self.set_status(status)
                    self.finish(json.dumps(payload))
                    return
                status, payload = fake.handle(self.request.path, self.request.headers.get("Authorization", ""),
                                              self.request.body)
                self.set_status(status)
                self.set_header("Content-Type", "application/json")
                self.finish(json.dumps(payload))

        app = tornado.web.Application([(r".*", Handler)], log_function=lambda h: None)
        self._server = tornado.httpserver.HTTPServer(app)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self._server.add_sockets(sockets)
        self.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/{API_VERSION}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
