"""One small HTTP server for everything Marhaba serves: webhooks and health checks.

Channels add routes (``/webhook/telegram``, ``/webhook/whatsapp``); ``/healthz``
is always there. Built on tornado, which python-telegram-bot's webhook extra
already brings, so it adds no dependency.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.logs import safe_traceback

log = logging.getLogger("marhaba.web")

MAX_BODY_BYTES = 1_000_000
"""Webhook bodies are small; anything larger is refused before it is read."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class Response:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Request], Awaitable[Response]]


class _Dispatch(tornado.web.RequestHandler):
    def initialize(self, server: WebServer) -> None:
        self.server = server

    async def _handle(self) -> None:
        route = self.server.routes.get(self.request.path)
        if route is None:
            self.set_status(404)
            self.finish("not found")
            return
        req = Request(
            method=self.request.method or "GET",
            path=self.request.path,
            query={k: v[-1].decode("utf-8", "replace") for k, v in self.request.query_arguments.items()},
            headers={k.lower(): v for k, v in self.request.headers.items()},
            body=self.request.body or b"",
        )
        try:
            resp = await route(req)
        except Exception as exc:
            log.error("request handler failed (path=%s): %s", req.path, safe_traceback(exc))
            resp = Response(500, "internal error")
        self.set_status(resp.status)
        self.set_header("Content-Type", resp.content_type)
        for k, v in resp.headers.items():
            self.set_header(k, v)
        self.finish(resp.body)

    get = post = put = delete = head = _handle

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.finish(f"{status_code}")  # never a traceback page

    def log_exception(self, *args: object) -> None:  # pragma: no cover - tornado internals
        log.warning("HTTP error (path=%s)", self.request.path)


class WebServer:
    """Serve the registered routes on ``host:port``; ``port=0`` picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        self.host = host
        self.port = port
        self.routes: dict[str, Route] = {"/healthz": self._health}
        self.health_checks: dict[str, Callable[[], bool]] = {}
        self._server: tornado.httpserver.HTTPServer | None = None

    def add_route(self, path: str, route: Route) -> None:
        self.routes[path] = route

    async def _health(self, req: Request) -> Response:
        failing = [name for name, check in self.health_checks.items() if not check()]
        if failing:
            return Response(503, "unhealthy: " + ", ".join(failing))
        return Response(200, "ok")

    async def start(self) -> None:
        app = tornado.web.Application([(r".*", _Dispatch, {"server": self})], log_function=lambda h: None)
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY_BYTES, xheaders=True)
        sockets = tornado.netutil.bind_sockets(self.port, self.host)
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        log.info("serving on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
