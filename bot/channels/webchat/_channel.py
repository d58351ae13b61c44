"""The web chat channel: ``/chat`` on Marhaba's own web server, its inbox, and the :class:`Sender`.

A session is an anonymous random token in an ``HttpOnly`` cookie; the engine knows the
session by a hash of it, so the database never holds the token itself. Every message to
a session is written to its inbox first (:class:`WebChatStore`); the page reads it back.
With scripts on, the answer to a post carries that turn's replies (one request a turn),
and the script's long poll waits, on an in-process event per page, for what comes later:
staff answers and broadcasts. So they reach a person at once while the chat is open, and
the next time they open it otherwise, with no push service.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.channels._registry import channel_spec
from bot.channels.webchat._config import WebChatConfig
from bot.channels.webchat._page import (
    BROKEN,
    CHAT_PATH,
    CLOSE,
    FORGET_PATH,
    TITLE,
    TOO_FAST,
    TOO_LONG,
    chat_page,
    forget_page,
    forgotten_page,
)
from bot.channels.webchat._store import HISTORY, Stored, WebChatStore, encode
from bot.core import (
    Blocked,
    Engine,
    FloodControl,
    FloodLimits,
    Incoming,
    Outgoing,
    Sender,
    Turn,
    Verdict,
    deep_link_payload,
)
from bot.errors import StoreIntegrityError
from bot.i18n import DEFAULT_LOCALE, LOCALES, Translator, negotiate
from bot.logs import pseudonym
from bot.settings import Settings
from bot.store import Store, User
from bot.web import Request, Response, WebServer, header_lines

log = logging.getLogger("marhaba.webchat")

CHANNEL = "webchat"
COOKIE = "marhaba_chat"
COOKIE_MAX_AGE = 30 * 86_400
"""The browser keeps the session a month after the last visit (as long as its messages are kept)."""
POLL_SECONDS = 25.0
"""A long poll waits this long for a message, then answers empty (below common proxy timeouts of 30-60 s)."""
RECHECK_SECONDS = 3.0
"""The waiting long polls' inboxes are looked at this often, in one query for all of them: ``marhaba
broadcast`` writes them from its own process, which cannot wake this one's polls."""
SESSION_CACHE_SECONDS = 30.0
"""On a single-process store (SQLite), a session's database id is remembered this long (as the store
remembers users), so a turn costs no lookup; a write refused for a user deleted meanwhile reads it again."""
MAX_CACHED_SESSIONS = 20_000
MAX_FORM_BYTES = 20_000
"""A message is at most 4096 characters; a larger post is refused before it is parsed."""
ADDRESS_LIMITS = FloodLimits(rate_per_minute=120, burst=60, cooldown_seconds=60)
"""Posts per minute from one address: generous, a community centre's Wi-Fi is one address for many."""
MAX_SEEN_CLIENT_IDS = 10_000
"""Ids of messages the script sent (a resend after a lost answer is not answered twice), remembered in memory."""
STATIC = {
    "/chat/chat.js": ("chat.js", "text/javascript; charset=utf-8"),
    "/chat/chat.css": ("chat.css", "text/css; charset=utf-8"),
}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}")
"""The page loads only its own script and style: nothing inline, nothing from another site."""


def session_user_id(token: str) -> str:
    """The engine's id for a session: a hash of the browser's token (the database never holds the token)."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Session:
    """A browser's session: its ``token`` (in the cookie) and the engine's ``user_id`` for it."""

    token: str
    new: bool = False

    @property
    def user_id(self) -> str:
        return session_user_id(self.token)


class WebChatChannel:
    """Serve ``/chat``, ``/chat/send``, ``/chat/poll``, ``/chat/widget.js`` and ``/forget``."""

    name = CHANNEL

    def __init__(self, config: WebChatConfig, engine: Engine, web: WebServer) -> None:
        self.config = config
        self.engine = engine
        self.web = web
        self.store: WebChatStore | None = None
        self.sender = WebChatSender(self)
        self.addresses = FloodControl(ADDRESS_LIMITS)
        self._waiters: dict[int, set[_Waiter]] = {}
        self._recheck: asyncio.Task[None] | None = None
        self._ids: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._cache_ids = False
        self._seen: OrderedDict[tuple[str, str], list[int]] = OrderedDict()
        self._headers = self._security_headers()
        self._static: dict[str, bytes] = {}
        self._stopping = False

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        """True when ``MARHABA_WEBCHAT=1``."""
        return WebChatConfig.configured(settings)

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, web: WebServer) -> WebChatChannel:
        """Build the channel; raises :class:`ConfigError` for a malformed ``MARHABA_WEBCHAT_ORIGINS``."""
        return cls(WebChatConfig.from_settings(settings), engine, web)

    def routes(self) -> dict[str, Callable[[Request], Awaitable[Response]]]:
        return {CHAT_PATH: self._chat, f"{CHAT_PATH}/send": self._send, f"{CHAT_PATH}/poll": self._poll,
                f"{CHAT_PATH}/file": self._file, f"{CHAT_PATH}/widget.js": self._widget, FORGET_PATH: self._forget,
                **{path: self._asset for path in STATIC}}

    async def start(self) -> None:
        """Open the inbox, register the sender and add the routes."""
        self.store = WebChatStore(self.engine.store)
        self._cache_ids = self.engine.store.single_process
        files = resources.files("bot.channels.webchat").joinpath("static")
        for path, (name, _) in STATIC.items():
            self._static[path] = files.joinpath(name).read_bytes()
        self._static["widget"] = files.joinpath("widget.js").read_bytes()
        self.engine.channels.setdefault(CHANNEL, channel_spec(CHANNEL).profile)  # typed words, limits
        self.engine.senders[CHANNEL] = self.sender
        for path, route in self.routes().items():
            self.web.add_route(path, self._guarded(route))

    async def stop(self) -> None:
        """Remove the routes and answer the waiting polls at once."""
        self._stopping = True
        for path in self.routes():
            self.web.routes.pop(path, None)
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.event.set()
        if self._recheck is not None:
            self._recheck.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recheck

    # -- requests ----------------------------------------------------------

    def _guarded(self, route: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(req: Request) -> Response:
            if not self._origin_ok(req):
                log.info("web chat request from a site not in MARHABA_WEBCHAT_ORIGINS refused")
                return Response(403, "this site may not use the chat (MARHABA_WEBCHAT_ORIGINS)")
            resp = await route(req)
            if self._headers[0] is not self.config:  # built once per configuration, not per request
                self._headers = self._security_headers()
            _, headers, lines = self._headers
            if resp.headers.keys().isdisjoint(headers):  # as encoded once
                return Response(resp.status, resp.body, resp.content_type, resp.headers, lines)
            return Response(resp.status, resp.body, resp.content_type, {**headers, **resp.headers})
        return guarded

    def _origin_ok(self, req: Request) -> bool:
        """The request comes from the chat's own site or an allowed one (checked on every request).

        Browsers say who asks: ``Origin`` on posts and script requests, ``Referer`` and
        ``Sec-Fetch-Site`` when another site's page loads the chat in a frame or the widget's script.
        """
        own = req.header("host").lower()
        origin = req.header("origin").lower()
        if origin and origin != "null":
            return urlsplit(origin).netloc == own or origin.rstrip("/") in self.config.origins
        if req.header("sec-fetch-site").lower() in ("cross-site", "same-site"):
            referer = urlsplit(req.header("referer").lower())
            site = f"{referer.scheme}://{referer.netloc}"
            return referer.netloc == own or site in self.config.origins
        return True

    def _security_headers(self) -> tuple[WebChatConfig, dict[str, str], bytes]:
        """The headers on every answer, for this configuration: as a dict and as encoded lines."""
        ancestors = " ".join(("'self'", *self.config.origins))
        headers = {"Content-Security-Policy": CSP.format(ancestors=ancestors), "X-Content-Type-Options": "nosniff",
                   "Referrer-Policy": "no-referrer", "Cross-Origin-Resource-Policy": "same-origin"}
        return self.config, headers, header_lines(headers)

    def _session(self, req: Request) -> Session | None:
        # The token is plain URL-safe base64, never quoted: a split is all the parsing it needs.
        for pair in req.header("cookie").split(";"):
            name, _, value = pair.partition("=")
            if name.strip() == COOKIE and _TOKEN.match(value.strip()):
                return Session(value.strip())
        return None

    @staticmethod
    def _new_session() -> Session:
        return Session(secrets.token_urlsafe(24), new=True)

    @staticmethod
    def _cookie(req: Request, session: Session | None) -> str:
        secure = "; Secure; SameSite=None; Partitioned" if req.protocol == "https" else "; SameSite=Lax"
        if session is None:
            return f"{COOKIE}=; Path=/; Max-Age=0; HttpOnly{secure}"
        return f"{COOKIE}={session.token}; Path=/; Max-Age={COOKIE_MAX_AGE}; HttpOnly{secure}"

    def _address_ok(self, req: Request) -> bool:
        return self.addresses.check(("address", req.remote_ip or "?")) is Verdict.ALLOW

    def _translator(self, req: Request, user: User | None) -> Translator:
        hint = req.query.get("hl") or req.query.get("lang") or req.header("accept-language")
        return self.engine.catalogs.get((user.locale if user else None) or negotiate(hint) or DEFAULT_LOCALE)

    def _hint(self, req: Request) -> str | None:
        return req.query.get("hl") or req.header("accept-language") or None

    async def _user(self, session: Session | None) -> User | None:
        if session is None:
            return None
        return await self.engine.store.get_user(CHANNEL, session.user_id)

    async def _user_id(self, user_id: str) -> int | None:
        """The database id of the session the engine knows as ``user_id``; ``None`` when it has none.

        Remembered for :data:`SESSION_CACHE_SECONDS` on a single-process store (see :attr:`Store.single_process`).
        """
        now = asyncio.get_running_loop().time()
        if self._cache_ids:
            hit = self._ids.get(user_id)
            if hit is not None and now - hit[1] < SESSION_CACHE_SECONDS:
                return hit[0]
        user = await self.engine.store.get_user(CHANNEL, user_id)
        if user is None:
            self._ids.pop(user_id, None)
            return None
        if self._cache_ids:
            self._ids[user_id] = (user.id, now)
            self._ids.move_to_end(user_id)
            while len(self._ids) > MAX_CACHED_SESSIONS:
                self._ids.popitem(last=False)
        return user.id

    def _page(self, html: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(status, html, "text/html; charset=utf-8", {"Cache-Control": "no-store", **(headers or {})})

    async def _chat(self, req: Request) -> Response:
        if req.method == "POST":
            return await self._form(req)
        session = self._session(req)
        start, lang = req.query.get("start", "").strip(), negotiate(req.query.get("lang"))
        if start or lang:  # a deep link (a QR code): open it, then show the chat at its plain address
            if session is None and not self._address_ok(req):
                return self._too_fast(req, None)
            session = session or self._new_session()
            if start:
                event = Incoming(CHANNEL, session.user_id, command="start",
                                 args=deep_link_payload(start[:40], lang), language_hint=lang or self._hint(req))
            else:
                event = Incoming(CHANNEL, session.user_id, payload=f"lang:{lang}", language_hint=lang)
            await self.turn(session, event)
            return Response(303, "", headers={"Location": CHAT_PATH, "Set-Cookie": self._cookie(req, session),
                                              "Cache-Control": "no-store"})
        user = await self._user(session)
        t = self._translator(req, user)
        if user is None:  # someone new: the language picker, and nothing stored until they press something
            event = Incoming(CHANNEL, "~", language_hint=self._hint(req))
            nobody = User(0, CHANNEL, "~", None, None, None, 0.0, 0.0, True, True)
            picker = self.engine.language_picker(Turn(self.engine, event, nobody, t), first_contact=True)
            messages = [Stored(0, encode(m)) for m in picker]
            return self._page(chat_page(t, messages, after=0))
        assert self.store is not None
        messages = await self.store.after(user.id, 0, HISTORY)
        if not messages:  # their messages expired: where they are now
            assert session is not None
            await self.turn(session, Incoming(CHANNEL, session.user_id, command="start"))
            messages = await self.store.after(user.id, 0, HISTORY)
        return self._page(chat_page(t, messages, after=messages[-1].id if messages else 0))

    async def _form(self, req: Request) -> Response:
        """A form post (scripts off): run the turn, then redirect to the chat (post, redirect, get)."""
        if len(req.body) > MAX_FORM_BYTES:
            session = self._session(req)
            t = self._translator(req, await self._user(session))
            return self._page(chat_page(t, [], after=0, notice=t.gettext(TOO_LONG)), 413)
        fields = {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8", "replace")).items()}
        event_kw = {"payload": fields["p"]} if "p" in fields else {"text": fields.get("text", "")}
        session = self._session(req)
        if not self._address_ok(req):
            return self._too_fast(req, await self._user(session))
        session = session or self._new_session()
        gone, replies, _ = await self.turn(session, Incoming(CHANNEL, session.user_id, language_hint=self._hint(req),
                                                          **event_kw))
        if gone:
            return self._forgotten(req, replies)
        return Response(303, "", headers={"Location": f"{CHAT_PATH}#last", "Set-Cookie": self._cookie(req, session),
                                          "Cache-Control": "no-store"})

    async def _send(self, req: Request) -> Response:
        """The script's post: ``{"text": ...}`` or ``{"payload": ...}``, with the script's own ``id``."""
        if req.method != "POST":
            return Response(405, "use POST")
        session = self._session(req)
        if len(req.body) > MAX_FORM_BYTES:
            t = self._translator(req, await self._user(session))
            return _json({"error": t.gettext(TOO_LONG)}, 413)
        try:
            data = json.loads(req.body)
            if not isinstance(data, dict):
                raise ValueError
        except ValueError:  # never the chat's own script: a person still reads their language
            t = self._translator(req, await self._user(session))
            return _json({"error": t.gettext(BROKEN)}, 400)
        if not self._address_ok(req):
            t = self._translator(req, await self._user(session))
            return _json({"error": t.gettext(TOO_FAST)}, 429)
        session = session or self._new_session()
        client_id, tab = str(data.get("id", "")), str(data.get("tab", ""))
        headers = {"Set-Cookie": self._cookie(req, session), "Cache-Control": "no-store"}
        key = (session.user_id, client_id)
        if _CLIENT_ID.match(client_id):
            if key in self._seen:  # sent again after its answer was lost: answered already, with these
                return _answer('{"ok": true, "messages": ', await self._again(session, self._seen[key]), "}", headers)
            self._seen[key] = []
            while len(self._seen) > MAX_SEEN_CLIENT_IDS:
                self._seen.popitem(last=False)
        if isinstance(data.get("payload"), str):
            event = Incoming(CHANNEL, session.user_id, payload=data["payload"], language_hint=self._hint(req))
        else:
            event = Incoming(CHANNEL, session.user_id, text=str(data.get("text", "")), language_hint=self._hint(req))
        gone, replies, stored = await self.turn(session, event, tab=tab if _CLIENT_ID.match(tab) else None)
        if gone:
            return _json({"ok": True, "forgotten": [encode(m) for m in replies]},
                         headers={**headers, "Set-Cookie": self._cookie(req, None), "Clear-Site-Data": '"storage"'})
        if key in self._seen:
            self._seen[key] = [m.id for m in stored]
        if session.new and stored:  # a session made by this post had nothing before: the page has it all
            return _answer('{"ok": true, "messages": ', stored, f', "after": {stored[-1].id}}}', headers)
        return _answer('{"ok": true, "messages": ', stored, "}", headers)

    async def _again(self, session: Session, ids: list[int]) -> list[Stored]:
        user_id = await self._user_id(session.user_id)
        if not ids or user_id is None or self.store is None:
            return []
        return [m for m in await self.store.after(user_id, ids[0] - 1) if m.id in ids]

    async def _poll(self, req: Request) -> Response:
        """Messages after ``?after=<id>``; waits up to :data:`POLL_SECONDS` for one when there is none.

        ``?tab=<id>`` names the page that asks (the id its posts carry too): the replies in the
        answers to that page's own posts do not end its poll, it has them already.
        """
        after_text, tab = req.query.get("after", "0"), req.query.get("tab", "")
        after = int(after_text) if after_text.isdigit() and len(after_text) < 19 else 0
        session = self._session(req)
        user_id = await self._user_id(session.user_id) if session is not None else None
        if user_id is None or self.store is None:
            return _json({"messages": [], "session": False})
        waiter = _Waiter(tab if _CLIENT_ID.match(tab) else "")
        waiters = self._waiters.setdefault(user_id, set())
        waiters.add(waiter)
        if self._recheck is None or self._recheck.done():
            self._recheck = asyncio.create_task(self._recheck_loop())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + POLL_SECONDS
        messages: list[Stored] = []
        try:
            while not self._stopping:
                waiter.event.clear()  # before reading: a message stored meanwhile sets it again
                messages = await self.store.after(user_id, after)
                waiter.after = messages[-1].id if messages else after
                if any(m.id not in waiter.answered for m in messages):
                    break
                if loop.time() >= deadline:  # only what the page has: it need not ask for those again
                    return _json({"messages": [], "session": True, "after": waiter.after},
                                 headers={"Cache-Control": "no-store"})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiter.event.wait(), deadline - loop.time())
        finally:
            waiters.discard(waiter)
            if not waiters and self._waiters.get(user_id) is waiters:
                del self._waiters[user_id]
        return _answer('{"messages": ', messages, ', "session": true}', {"Cache-Control": "no-store"})

    async def _recheck_loop(self) -> None:
        """While polls wait: every :data:`RECHECK_SECONDS`, one query for what another process stored."""
        while self._waiters and not self._stopping and self.store is not None:
            await asyncio.sleep(RECHECK_SECONDS)
            try:
                latest = await self.store.latest(list(self._waiters))
            except Exception as exc:  # the database busy a moment: the next round looks again
                log.warning("web chat inbox check failed: %s", type(exc).__name__)
                continue
            for user_id, last in latest.items():
                for waiter in self._waiters.get(user_id, ()):
                    if last > waiter.after and last not in waiter.answered:
                        waiter.event.set()

    async def _file(self, req: Request) -> Response:
        """A message's file (an event's calendar file), to the session it was sent to only."""
        user = await self._user(self._session(req))
        number = req.query.get("m", "")
        stored = None
        if user is not None and self.store is not None and number.isdigit() and len(number) < 19:
            stored = await self.store.get(user.id, int(number))
        file = stored.data.get("file") if stored is not None else None
        if not file:
            return Response(404, "not found")
        name = re.sub(r"[^A-Za-z0-9._-]", "_", str(file.get("name", "file")))[:80] or "file"
        mime = str(file.get("mime", "application/octet-stream"))
        return Response(200, base64.b64decode(file.get("data", "")), mime,
                        {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})

    async def _forget(self, req: Request) -> Response:
        """``/forget``: asks first (GET); a post deletes the session, its messages and the cookie."""
        session = self._session(req)
        user = await self._user(session)
        t = self._translator(req, user)
        if req.method != "POST":
            return self._page(forget_page(t))
        if not self._address_ok(req):
            return self._too_fast(req, user)
        if user is not None and session is not None:
            self._ids.pop(session.user_id, None)
            async with self.engine.isolation.lock((CHANNEL, session.user_id)):
                await self.engine.store.forget(user.id)
            log.info("web chat session deleted on request (user=%s)", pseudonym(CHANNEL, session.user_id))
        return self._forgotten(req, [])

    def _forgotten(self, req: Request, replies: list[Outgoing]) -> Response:
        t = self.engine.catalogs.get(replies[-1].locale if replies else DEFAULT_LOCALE)
        if not replies:
            t = self._translator(req, None)
        html = forgotten_page(t, [Stored(0, encode(m)) for m in replies])
        return self._page(html, headers={"Set-Cookie": self._cookie(req, None), "Clear-Site-Data": '"storage"'})

    def _too_fast(self, req: Request, user: User | None) -> Response:
        t = self._translator(req, user)
        return self._page(chat_page(t, [], after=0, notice=t.gettext(TOO_FAST)), 429)

    async def _asset(self, req: Request) -> Response:
        name, mime = STATIC[req.path]
        return Response(200, self._static[req.path], mime, {"Cache-Control": "public, max-age=3600"})

    async def _widget(self, req: Request) -> Response:
        """The embeddable script, with the words of its button in every language."""
        labels = {code: {"open": t.gettext(TITLE), "close": t.gettext(CLOSE)}
                  for code in LOCALES for t in (self.engine.catalogs.get(code),)}
        script = self._static["widget"].replace(b"__LABELS__", json.dumps(labels, ensure_ascii=False).encode())
        return Response(200, script, "text/javascript; charset=utf-8",
                        {"Cache-Control": "public, max-age=3600", "Cross-Origin-Resource-Policy": "cross-origin"})

    # -- turns and the inbox -----------------------------------------------

    async def turn(self, session: Session, event: Incoming,
                   tab: str | None = None) -> tuple[bool, list[Outgoing], list[Stored]]:
        """Answer ``event`` and put the replies in the session's inbox, in order with its other turns
        and deliveries (the core's conversation holds the session's lock until they are stored).

        Returns ``(gone, replies, stored)``: ``gone`` is true when the turn deleted the session
        (``/forget`` confirmed in the chat), and then the replies could not be stored; ``stored``
        are the replies as stored. ``tab`` is the page that gets them in its answer (see :meth:`deliver`).
        """
        gone, stored = False, []

        async def store_replies(event: Incoming, replies: list[Outgoing]) -> None:
            nonlocal gone, stored
            if event.payload == "forget:yes":
                self._ids.pop(event.user_id, None)
            user_id = await self._user_id(event.user_id)
            if user_id is None:  # not stored: a newcomer's empty message, or "delete everything" confirmed
                gone = event.payload == "forget:yes" and bool(replies)
                return
            try:
                stored = await self.deliver(user_id, replies, tab=tab)
            except StoreIntegrityError:  # deleted meanwhile by another process (its id was remembered)
                self._ids.pop(event.user_id, None)
                user_id = await self._user_id(event.user_id)
                if user_id is not None:
                    stored = await self.deliver(user_id, replies, tab=tab)

        replies = await self.engine.handle(event, store_replies)
        return gone, replies, stored

    async def deliver(self, user_id: int, messages: list[Outgoing], *, tab: str | None = None) -> list[Stored]:
        """Store ``messages`` in the inbox of the user with database id ``user_id`` and wake their polls;
        them as stored.

        ``tab`` is the page whose post these answer: they go back in that answer, so that page's
        waiting poll is not woken for them (the session's other pages' polls are).
        """
        if not messages:
            return []
        if self.store is None:
            raise Blocked("the web chat is not running")
        stored = await self.store.add(user_id, messages)
        for waiter in self._waiters.get(user_id, ()):
            if tab and waiter.tab == tab:
                waiter.answered.update(m.id for m in stored)
            else:
                waiter.event.set()
        return stored


class _Waiter:
    """A waiting long poll: the page that asks (``tab``), the last id it has read (``after``), the
    ids that page got in the answers to its posts meanwhile (``answered``), and what wakes it."""

    __slots__ = ("after", "answered", "event", "tab")

    def __init__(self, tab: str) -> None:
        self.tab, self.after = tab, 0
        self.answered: set[int] = set()
        self.event = asyncio.Event()


def _public(m: Stored) -> str:
    """A stored message as the script gets it, as JSON text (a file as a link, not its bytes).

    Built from the text the inbox stored (encoded once, when it was stored), with the id put first.
    """
    if m.body and "file" not in m.data:
        return f'{{"id": {m.id}, {m.body[1:]}' if len(m.body) > 2 else f'{{"id": {m.id}}}'
    data: dict[str, Any] = {k: v for k, v in m.data.items() if k != "file"}
    if "file" in m.data:
        data["file"] = {"name": m.data["file"].get("name", ""), "url": f"{CHAT_PATH}/file?m={m.id}"}
    return json.dumps({"id": m.id, **data}, ensure_ascii=False)


def _answer(head: str, messages: list[Stored], tail: str, headers: dict[str, str]) -> Response:
    """A JSON answer with ``messages`` in it: ``head``, the list, ``tail`` (the list is not encoded again)."""
    return Response(200, head + "[" + ", ".join(_public(m) for m in messages) + "]" + tail,
                    "application/json; charset=utf-8", headers)


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False), "application/json; charset=utf-8", headers or {})


class InboxSender(Sender):
    """Messages to web chat sessions outside a turn, into their inbox: needs only the database.

    ``marhaba broadcast`` sends with it from its own process (see :func:`standalone_sender`); a
    waiting long poll of the serving process finds them within :data:`RECHECK_SECONDS`.
    """

    channel = CHANNEL

    def __init__(self, store: Store) -> None:
        self._store = store
        self._inbox = WebChatStore(store)

    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        """Store ``messages`` for the session; :class:`Blocked` when it was deleted."""
        user = await self._store.get_user(CHANNEL, user_id)
        if user is None:
            raise Blocked("the web chat session was deleted")
        await self._inbox.add(user.id, messages)


@contextlib.asynccontextmanager
async def standalone_sender(settings: Settings, engine: Engine) -> AsyncIterator[Sender]:
    """The sender of ``marhaba broadcast``: writes to the sessions' inboxes (the chat need not run here)."""
    yield InboxSender(engine.store)


class WebChatSender(Sender):
    """Messages to web chat sessions outside a turn (staff answers, broadcasts, reminders): into their
    inbox, in order with the session's turns, waking its waiting polls at once."""

    channel = CHANNEL

    def __init__(self, channel: WebChatChannel) -> None:
        self._channel = channel

    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        """Store ``messages`` for the session; :class:`Blocked` when it was deleted."""
        user = await self._channel.engine.store.get_user(CHANNEL, user_id)
        if user is None:
            raise Blocked("the web chat session was deleted")
        async with self._channel.engine.isolation.lock((CHANNEL, user_id)):  # after the turn in hand
            await self._channel.deliver(user.id, messages)
