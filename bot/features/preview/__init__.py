"""``marhaba preview``: try the bot in a browser as each channel would show it.

A phone-sized chat simulator talks to the real engine (channel ``preview``)
through small JSON endpoints on the shared :class:`~bot.web.WebServer`. Each
reply carries the core message (shown as Telegram shows it) and its rendering
by every registered channel that offers one (``ChannelSpec.preview``: WhatsApp,
the web chat, Messenger), made by that channel's own code, so a long menu is
paged exactly as WhatsApp or Messenger shows it and a text is escaped exactly
as the web chat escapes it. A content map shows the tree with each node's
translation state per locale. Every asset ships in ``static/``: the page works offline.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import tempfile
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from importlib import resources
from pathlib import Path
from typing import Any

from bot.channels import PreviewRenderer, channel_specs
from bot.content import ROOT_ID, ContentTree
from bot.core import Engine, Feature, Incoming, Outgoing
from bot.features.preview._cli import register_cli
from bot.i18n import LOCALES
from bot.i18n._status import all_status
from bot.settings import Settings
from bot.web import Request, Response, WebServer

log = logging.getLogger("marhaba.preview")

CHANNEL = "preview"
MAX_REQUEST_BYTES = 16_000
"""A preview request is a short text or a payload; anything larger is refused."""
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}


def _static(name: str) -> bytes:
    return resources.files("bot.features.preview").joinpath("static", name).read_bytes()


def _json(data: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False), "application/json; charset=utf-8",
                    {"Cache-Control": "no-store"})


class Preview:
    """The preview's routes on ``web``, answering with ``engine``."""

    def __init__(self, engine: Engine, web: WebServer, locales_dir: Path) -> None:
        self.engine = engine
        self.locales_dir = locales_dir
        self.renderers: dict[str, tuple[str, PreviewRenderer]] = {
            spec.name: (spec.title or spec.name, spec.preview_renderer(engine))
            for spec in channel_specs() if spec.preview}
        """Each channel's own rendering of replies (its pages of long menus among them), by channel name."""
        for path in STATIC:
            web.add_route(path, self._asset)
        web.add_route("/api/info", self._info)
        web.add_route("/api/send", self._send)
        web.add_route("/api/map", self._map)

    async def _asset(self, req: Request) -> Response:
        name, content_type = STATIC[req.path]
        return Response(200, _static(name), content_type, {"Cache-Control": "no-store"})

    async def _info(self, req: Request) -> Response:
        return _json({"locales": [{"code": i.code, "name": i.native_name, "rtl": i.rtl} for i in LOCALES.values()],
                      "channels": [{"name": name, "title": title} for name, (title, _) in self.renderers.items()]})

    async def _send(self, req: Request) -> Response:
        if req.method != "POST" or len(req.body) > MAX_REQUEST_BYTES:
            return _json({"error": "POST a small JSON object"}, 400)
        try:
            data = json.loads(req.body)
            user = str(data["user"])[:64]
            text = data.get("text")
            payload = data.get("payload")
            if not user or not (isinstance(text, str) or isinstance(payload, str)):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return _json({"error": "expected {user, text} or {user, payload}"}, 400)
        rendered: list[dict[str, Any]] = []

        async def deliver(event: Incoming, replies: list[Outgoing]) -> None:
            # Inside the user's turn, as the channels render: "More" replies page the same way.
            key = (CHANNEL, event.user_id)
            by_channel = {name: renderer.render(key, replies) for name, (_, renderer) in self.renderers.items()}
            for i, m in enumerate(replies):
                rendered.append(self._message(m, {name: shown[i] for name, shown in by_channel.items()}))

        await self.engine.handle(Incoming(CHANNEL, user, text=text if isinstance(text, str) else None,
                                          payload=payload if isinstance(payload, str) else None), deliver)
        return _json({"messages": rendered})

    @staticmethod
    def _message(m: Outgoing, channels: dict[str, Any]) -> dict[str, Any]:
        place = None
        if m.location is not None:
            place = {"name": m.location.name, "address": m.location.address,
                     "lat": m.location.lat, "lon": m.location.lon}
        return {
            "title": m.title, "text": m.text, "locale": m.locale, "rtl": m.rtl, "node": m.node_id,
            "options": [{"label": o.label, "payload": o.payload} for o in m.options],
            "place": place,
            "file": ({"name": m.document.filename, "mime": m.document.mime,
                      "data": base64.b64encode(m.document.data).decode()} if m.document else None),
            "channels": channels,
        }

    async def _map(self, req: Request) -> Response:
        statuses = await asyncio.to_thread(all_status, self.locales_dir)
        content = self.engine.content
        return _json({"locales": [s.locale for s in statuses],
                      "tree": _tree(content, ROOT_ID, statuses)})


def _tree(content: ContentTree, node_id: str, statuses: list) -> dict[str, Any]:
    node = content.nodes[node_id]
    return {
        "id": node.id, "title": node.title,
        "status": {s.locale: s.node_state(node.id) for s in statuses},
        "children": [_tree(content, c, statuses) for c in node.children],
    }


async def serve_preview(settings: Settings, host: str, port: int,
                        open_engine: Callable[[Settings], AbstractAsyncContextManager[Engine]], *,
                        stop: asyncio.Event | None = None, temporary_db: bool = True) -> None:
    """Serve the preview until ``stop`` is set (or the process is interrupted); edits reload live.

    ``open_engine`` is the application's (``bot.cli`` passes :func:`bot.app.open_engine`: a feature does
    not import the application that installs it). With ``temporary_db`` the preview users live in a
    temporary database, removed at exit, so they never mix with the bot's real users.
    """
    from bot.features.staff import Reloader

    with contextlib.ExitStack() as stack:
        if temporary_db:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="marhaba-preview-")))
            settings = settings.on_sqlite(tmp / "preview.db")
        async with open_engine(settings) as engine:
            web = WebServer(host, port)
            Preview(engine, web, settings.locales_dir)
            await web.start()
            reloader = Reloader(engine, settings.content_dir, settings.locales_dir)
            reload_task = asyncio.create_task(reloader.run())
            print(f"Marhaba preview on {web.url}/ (Ctrl+C to stop)", flush=True)
            try:
                await (stop or asyncio.Event()).wait()
            finally:
                reload_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reload_task
                await web.stop()


FEATURE = Feature("preview", cli=register_cli, cli_order=25)
"""The staff preview: only a command (``marhaba preview``); it sets up nothing on the bot's engine."""
