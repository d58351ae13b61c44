"""One small HTTP server for everything Marhaba serves: webhooks, the web chat and health checks.

Channels add routes (``/webhook/telegram``, ``/webhook/whatsapp``, ``/chat``); ``/healthz``
is always there. HTTP/1.1 on asyncio's own protocol API, with keep-alive: a route is one
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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import parse_qsl

from bot.logs import safe_traceback

log = logging.getLogger("marhaba.web")

MAX_BODY_BYTES = 1_000_000
"""Webhook bodies are small; anything larger is refused before it is read."""
MAX_HEAD_BYTES = 64 * 1024
"""The request line and headers together (tornado's and nginx's order of size); more is refused."""
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
    """One client connection: requests read in order, each answered before the next is read."""

    def __init__(self, server: WebServer) -> None:
        self.server = server
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.busy = False
        self.continued = False
        self.peer = ""
        self.since = asyncio.get_running_loop().time()
        """When the connection last went idle (no request in hand): :meth:`WebServer._sweep` closes it later."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) else ""
        self.server._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server._connections.discard(self)
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.busy:
            self._next()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _next(self) -> None:
        """Start the next request in the buffer once it is complete."""
        try:
            parsed = self._parse()
        except _BadRequest as bad:
            self._write(Response(bad.status, bad.args[0]), "GET", keep_alive=False)
            return
        if parsed is not None:
            self.busy = True
            request, keep_alive = parsed
            self.server._tasks.add(task := asyncio.ensure_future(self._answer(request, keep_alive)))
            task.add_done_callback(self.server._tasks.discard)

    def _parse(self) -> tuple[Request, bool] | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEAD_BYTES:
                raise _BadRequest(431, "request headers too large")
            return None
        if end > MAX_HEAD_BYTES:
            raise _BadRequest(431, "request headers too large")
        lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ")
        except ValueError:
            raise _BadRequest(400, "bad request") from None
        if not version.startswith("HTTP/1."):
            raise _BadRequest(505, "HTTP/1.x only")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise _BadRequest(400, "bad request")
            headers[name.lower()] = value.strip()
        body_start = end + 4
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, consumed = self._chunked(body_start)
            if body is None:
                self._continue(headers, version)
                return None
        else:
            length_text = headers.get("content-length", "0")
            if not length_text.isdigit():
                raise _BadRequest(400, "bad Content-Length")
            length = int(length_text)
            if length > MAX_BODY_BYTES:
                raise _BadRequest(413, "request body too large")
            if len(self.buffer) - body_start < length:
                self._continue(headers, version)
                return None
            body, consumed = bytes(self.buffer[body_start:body_start + length]), body_start + length
        del self.buffer[:consumed]
        self.continued = False
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
        path, _, query = target.partition("?")
        remote_ip, protocol = _client(headers, self.peer, "http")
        request = Request(method=method, path=path,
                          query=dict(parse_qsl(query, keep_blank_values=True)) if query else {},
                          headers=headers, body=body, remote_ip=remote_ip, protocol=protocol)
        return request, keep_alive

    def _continue(self, headers: dict[str, str], version: str) -> None:
        """The body is still to come: ask for it if the client waits to be asked (``Expect: 100-continue``)."""
        if (not self.continued and version == "HTTP/1.1" and headers.get("expect", "").lower() == "100-continue"
                and self.transport is not None):
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.continued = True

    def _chunked(self, start: int) -> tuple[bytes | None, int]:
        """A chunked body from the buffer, and where it ends; ``None`` while it is incomplete."""
        body, at = bytearray(), start
        while True:
            line_end = self.buffer.find(b"\r\n", at)
            if line_end < 0:
                return None, 0
            size_text = bytes(self.buffer[at:line_end]).split(b";")[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _BadRequest(400, "bad chunk") from None
            if len(body) + size > MAX_BODY_BYTES:
                raise _BadRequest(413, "request body too large")
            if size == 0:
                trailer_end = self.buffer.find(b"\r\n\r\n", line_end)
                if self.buffer[line_end:line_end + 4] == b"\r\n\r\n":
                    return bytes(body), line_end + 4
                if trailer_end < 0:
                    return None, 0
                return bytes(body), trailer_end + 4
            if len(self.buffer) < line_end + 2 + size + 2:
                return None, 0
            body += self.buffer[line_end + 2:line_end + 2 + size]
            at = line_end + 2 + size + 2

    async def _answer(self, request: Request, keep_alive: bool) -> None:
        try:
            response = await self.server.dispatch(request)
        finally:
            self.busy = False
        self._write(response, request.method, keep_alive)
        if keep_alive and self.transport is not None:
            self.since = asyncio.get_running_loop().time()
            if self.buffer:
                self._next()

    def _write(self, response: Response, method: str, keep_alive: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        body = response.body.encode() if isinstance(response.body, str) else response.body
        status = response.status
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}",
                f"Content-Type: {_clean(response.content_type)}", f"Content-Length: {len(body)}"]
        head += [f"{_clean(k)}: {_clean(v)}" for k, v in response.headers.items()]
        if not keep_alive:
            head.append("Connection: close")
        data = "\r\n".join(head).encode("latin-1", "replace") + b"\r\nDate: " + _http_date() + b"\r\n\r\n"
        self.transport.write(data if method == "HEAD" else data + body)
        if not keep_alive:
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
