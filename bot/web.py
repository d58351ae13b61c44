"""One small HTTP server for everything Marhaba serves: webhooks, the web chat and health checks.

Channels add routes (``/webhook/telegram``, ``/webhook/whatsapp``, ``/chat``); ``/healthz``
is always there. HTTP/1.1 on asyncio's own protocol API, parsed by llhttp through ``httptools``
(never by hand: request smuggling hides in parsing), with keep-alive: a route is one
async function from a :class:`Request` to a :class:`Response`, and the server does no more
per request than parse it, call the route and write the answer (a web chat turn is one
request, so this work is a large part of its cost; tornado's request handlers, used before,
cost several times a turn of the engine). Behind a reverse proxy, ``X-Real-IP``,
``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed, as the deployment guide says.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import parse_qsl

import httptools

from bot.logs import safe_traceback

log = logging.getLogger("marhaba.web")

MAX_BODY_BYTES = 1_000_000
"""Webhook bodies are small; anything larger is refused before it is read."""
MAX_HEAD_BYTES = 64 * 1024
"""The request line and headers together (tornado's and nginx's order of size); more is refused."""
MAX_PIPELINED = 16
"""Requests read ahead on one connection while an earlier one is answered; then reading waits."""
IDLE_SECONDS = 75.0
"""A connection without a request in hand is closed after this long (a half-sent request counts as idle)."""
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE"})


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    remote_ip: str = ""
    """The client's address (``X-Real-IP``/``X-Forwarded-For`` behind a proxy), for per-address limits."""
    protocol: str = "http"
    """``http`` or ``https`` (``X-Forwarded-Proto`` behind a proxy), for cookies marked ``Secure``."""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class Response:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    fixed: bytes = b""
    """Header lines every answer of a route carries, encoded once (see :func:`header_lines`)."""


def header_lines(headers: dict[str, str]) -> bytes:
    """``headers`` as the lines of an HTTP head (each ending in CRLF), for :attr:`Response.fixed`:
    built once for headers that do not change from one answer to the next."""
    return "".join(f"{_clean(k)}: {_clean(v)}\r\n" for k, v in headers.items()).encode("latin-1", "replace")


Route = Callable[[Request], Awaitable[Response]]


class _BadRequest(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status


_REASONS = {s.value: s.phrase for s in HTTPStatus}
_date: tuple[int, bytes] = (0, b"")


def _http_date() -> bytes:
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, formatdate(now, usegmt=True).encode())
    return _date[1]


def _clean(value: str) -> str:
    # A header value never carries a line break (no header injection, whatever a route puts in it).
    return value.replace("\r", " ").replace("\n", " ")


def _client(headers: dict[str, str], peer: str, scheme: str) -> tuple[str, str]:
    """The client's address and scheme, as a reverse proxy in front of us reports them."""
    ip = headers.get("x-real-ip") or headers.get("x-forwarded-for", "").split(",")[-1].strip()
    if ip:
        with contextlib.suppress(ValueError):
            peer = str(ipaddress.ip_address(ip))
    proto = (headers.get("x-scheme") or headers.get("x-forwarded-proto", "")).split(",")[-1].strip().lower()
    return peer, proto if proto in ("http", "https") else scheme


class _Connection(asyncio.Protocol):
    """One client connection: requests read in order, each answered before the next is started.

    The bytes are parsed by llhttp (through ``httptools``), which refuses what request smuggling is
    made of: ``Content-Length`` beside ``Transfer-Encoding``, two ``Content-Length``, folded or
    malformed header lines, bad chunk sizes. Its callbacks (``on_url`` ... ``on_message_complete``)
    gather each request; complete requests wait in :attr:`queue` while an earlier one is answered.
    """

    def __init__(self, server: WebServer) -> None:
        self.server = server
        self.parser = httptools.HttpRequestParser(self)
        self.queue: deque[tuple[Request | Response, bool]] = deque()
        """Requests parsed, with their keep-alive; a :class:`Response` is a refusal, the connection's last answer."""
        self.transport: asyncio.Transport | None = None
        self.busy = False
        self.failed = False
        """Nothing more is read: the request stream is broken (or upgraded, which we do not serve)."""
        self.paused = False
        self.peer = ""
        self.since = asyncio.get_running_loop().time()
        """When the connection last went idle (no request in hand): :meth:`WebServer._sweep` closes it later."""
        self.refusal: tuple[int, str] | None = None
        # The request being parsed.
        self.in_head = True
        self.head_seen = 0
        self.head_size = 0
        self.url = b""
        self.headers: dict[str, str] = {}
        self.body = bytearray()
        self.expect = False
        self.continued = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) else ""
        self.server._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server._connections.discard(self)
        self.transport = None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self.failed:
            return
        if self.in_head:
            # A head llhttp has not finished yet (a header value it still gathers) is counted here.
            self.head_seen += len(data)
        try:
            self.parser.feed_data(data)
            if self.in_head and self.head_seen > MAX_HEAD_BYTES:
                self._fail(431, "request headers too large")
        except httptools.HttpParserUpgrade:
            # llhttp stops at an upgrade (WebSocket, h2c, CONNECT): answer the request as plain HTTP, then close.
            self.failed = True
            if self.queue and isinstance(self.queue[-1][0], Request):
                self.queue[-1] = (self.queue[-1][0], False)
        except httptools.HttpParserError:
            self._fail(*(self.refusal or (400, "bad request")))
        self._next()

    def _refuse(self, status: int, text: str) -> None:
        """Stop parsing from inside a callback: llhttp reports it as an error, answered ``status``."""
        self.refusal = (status, text)
        raise _BadRequest(status, text)

    def _fail(self, status: int, text: str) -> None:
        self.failed = True
        self.queue.append((Response(status, text), False))

    # llhttp's callbacks, in the order it calls them for each request.

    def on_message_begin(self) -> None:
        self.head_size = 0
        self.url = b""
        self.headers = {}
        self.body = bytearray()

    def on_url(self, url: bytes) -> None:
        self.url += url
        self.head_size += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self.in_head:
            return  # a trailer after a chunked body: never believed (it could name the client's address)
        self.head_size += len(name) + len(value) + 4
        if self.head_size > MAX_HEAD_BYTES:
            self._refuse(431, "request headers too large")
        key, text = name.decode("latin-1").lower(), value.decode("latin-1").strip()
        if key in self.headers:  # a header repeated is one list (RFC 9110, 5.3); cookies join with "; "
            text = self.headers[key] + ("; " if key == "cookie" else ", ") + text
        self.headers[key] = text

    def on_headers_complete(self) -> None:
        self.in_head = False
        self.head_seen = 0
        version = self.parser.get_http_version()
        if version not in ("1.0", "1.1"):
            self._refuse(505, "HTTP/1.x only")
        length = self.headers.get("content-length", "")  # llhttp let only digits through, and only one
        if length and int(length) > MAX_BODY_BYTES:
            self._refuse(413, "request body too large")
        if self.parser.should_upgrade() and (length not in ("", "0") or "transfer-encoding" in self.headers):
            # llhttp would skip such a body and read it as the next request: refuse the whole thing.
            self._refuse(400, "upgrade with a body")
        self.expect = version == "1.1" and self.headers.get("expect", "").lower() == "100-continue"

    def on_body(self, body: bytes) -> None:
        if len(self.body) + len(body) > MAX_BODY_BYTES:
            self._refuse(413, "request body too large")
        self.body += body

    def on_message_complete(self) -> None:
        self.in_head = True
        self.expect = self.continued = False
        url = httptools.parse_url(self.url)
        headers = self.headers
        remote_ip, protocol = _client(headers, self.peer, "http")
        query = url.query.decode("latin-1") if url.query else ""
        request = Request(method=self.parser.get_method().decode("ascii"), path=url.path.decode("latin-1"),
                          query=dict(parse_qsl(query, keep_blank_values=True)) if query else {},
                          headers=headers, body=bytes(self.body), remote_ip=remote_ip, protocol=protocol)
        self.queue.append((request, self.parser.should_keep_alive()))
        if len(self.queue) >= MAX_PIPELINED and self.transport is not None and not self.paused:
            self.paused = True  # a client far ahead of our answers waits: no unbounded queue
            self.transport.pause_reading()

    def _next(self) -> None:
        """Start answering the next request parsed, if none is being answered."""
        if self.busy or self.transport is None:
            return
        if not self.queue:
            if self.paused:
                self.paused = False
                self.transport.resume_reading()
            if self.expect and not self.continued:
                # The body is still to come and the client waits to be asked (``Expect: 100-continue``).
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                self.continued = True
            return
        item, keep_alive = self.queue.popleft()
        if isinstance(item, Response):
            self._write(item, "GET", keep_alive=False)
            return
        self.busy = True
        self.server._tasks.add(task := asyncio.ensure_future(self._answer(item, keep_alive)))
        task.add_done_callback(self.server._tasks.discard)

    async def _answer(self, request: Request, keep_alive: bool) -> None:
        try:
            response = await self.server.dispatch(request)
        finally:
            self.busy = False
        self._write(response, request.method, keep_alive)
        if keep_alive and self.transport is not None:
            self.since = asyncio.get_running_loop().time()
            self._next()

    def _write(self, response: Response, method: str, keep_alive: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        body = response.body.encode() if isinstance(response.body, str) else response.body
        status = response.status
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}",
                f"Content-Type: {response.content_type}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in response.headers.items()]
        if not keep_alive:
            head.append("Connection: close")
        text = "\r\n".join(head)
        if text.count("\n") != len(head) - 1 or text.count("\r") != len(head) - 1:  # a line break in a value
            text = "\r\n".join([head[0], *(_clean(line) for line in head[1:])])
        data = b"".join((text.encode("latin-1", "replace"), b"\r\n", response.fixed, b"Date: ", _http_date(),
                         b"\r\n\r\n"))
        self.transport.write(data if method == "HEAD" else data + body)
        if not keep_alive:
            self.queue.clear()
            self.failed = True
            self.transport.close()


class WebServer:
    """Serve the registered routes on ``host:port``; ``port=0`` picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        self.host = host
        self.port = port
        self.routes: dict[str, Route] = {"/healthz": self._health}
        self.health_checks: dict[str, Callable[[], bool]] = {}
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._tasks: set[asyncio.Future[None]] = set()
        self._sweeping: asyncio.TimerHandle | None = None

    def add_route(self, path: str, route: Route) -> None:
        self.routes[path] = route

    async def dispatch(self, req: Request) -> Response:
        """The route's answer to ``req``: 404 for an unknown path, 500 (logged, no traceback sent) when it fails."""
        route = self.routes.get(req.path)
        if route is None:
            return Response(404, "not found")
        if req.method not in METHODS:
            return Response(405, "method not allowed")
        try:
            return await route(req)
        except Exception as exc:
            log.error("request handler failed (path=%s): %s", req.path, safe_traceback(exc))
            return Response(500, "internal error")

    async def _health(self, req: Request) -> Response:
        failing = [name for name, check in self.health_checks.items() if not check()]
        if failing:
            return Response(503, "unhealthy: " + ", ".join(failing))
        return Response(200, "ok")

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self), self.host or None, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._sweep()
        log.info("serving on %s:%s", self.host, self.port)

    def _sweep(self) -> None:
        """Close the connections idle for :data:`IDLE_SECONDS`; again in a while (one timer, not one a request)."""
        now = asyncio.get_running_loop().time()
        for connection in list(self._connections):
            if not connection.busy and now - connection.since >= IDLE_SECONDS:
                connection.close()
        self._sweeping = asyncio.get_running_loop().call_later(IDLE_SECONDS / 5, self._sweep)

    async def stop(self) -> None:
        if self._sweeping is not None:
            self._sweeping.cancel()
            self._sweeping = None
        if self._server is not None:
            server, self._server = self._server, None
            server.close()
            for connection in list(self._connections):
                connection.close()
            await server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
