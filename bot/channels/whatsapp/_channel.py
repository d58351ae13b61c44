"""The WhatsApp channel: the webhook routes, the turn loop, and the :class:`Sender` for broadcasts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.channels._inbox import InboxTurns
from bot.channels._rates import send_gate
from bot.channels._registry import channel_spec
from bot.channels.whatsapp._client import CloudApiClient
from bot.channels.whatsapp._config import WhatsAppConfig
from bot.channels.whatsapp._paging import Pager, labels
from bot.channels.whatsapp._render import PAYLOAD_PREFIX, render
from bot.channels.whatsapp._store import DeliveryStatus, WhatsAppStore
from bot.channels.whatsapp._webhook import (
    CHANNEL,
    SIGNATURE_HEADER,
    InboundMessage,
    MalformedWebhook,
    WebhookBatch,
    parse_message,
    parse_webhook,
    signature_ok,
    verify_challenge,
)
from bot.core import (
    Engine,
    Incoming,
    Outgoing,
    OutsideWindow,
    Sender,
    Undeliverable,
)
from bot.errors import StoreError
from bot.logs import safe_traceback
from bot.settings import Settings
from bot.web import Request, Response, WebServer

log = logging.getLogger("marhaba.whatsapp")

WEBHOOK_PATH = "/webhook/whatsapp"
PRUNE_INTERVAL_SECONDS = 3600
"""How often old inbound ids and statuses are deleted."""
STOP_GRACE_SECONDS = 10.0
"""On shutdown, turns in progress get this long to send their replies."""
MAX_TEMPLATE_PARAM_CHARS = 1024
"""A template body parameter is kept short; the Cloud API refuses newlines, tabs and runs of spaces in it."""

_SPACES = re.compile(r"\s+")


class WhatsAppChannel:
    """Serve ``/webhook/whatsapp`` for one business phone number and answer through the Cloud API."""

    name = CHANNEL

    def __init__(self, config: WhatsAppConfig, engine: Engine, web: WebServer, *,
                 client: CloudApiClient | None = None) -> None:
        self.config = config
        self.engine = engine
        self.web = web
        self.client = client or CloudApiClient(config.api_base_url, config.phone_number_id, config.token)
        self.client.gate = send_gate(engine, CHANNEL)
        self.store: WhatsAppStore | None = None
        self.sender = WhatsAppSender(self)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.pager = Pager(engine)
        self.turns = InboxTurns(engine, CHANNEL, self._stored_turn, grace=STOP_GRACE_SECONDS)
        """Every message is committed to the inbox before the webhook is answered, and answered from there."""
        self._pruner: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"WhatsAppChannel({self.config!r})"

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        """True when the environment has WhatsApp settings."""
        return WhatsAppConfig.configured(settings)

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, web: WebServer) -> WhatsAppChannel:
        """Build the channel; raises :class:`ConfigError` for missing or malformed settings."""
        return cls(WhatsAppConfig.from_settings(settings), engine, web)

    async def start(self) -> None:
        """Open the tables, add the routes, and register the sender and the page payloads."""
        self.store = WhatsAppStore(self.engine.store, CHANNEL)
        await self.store.prune()
        self.pager.install()
        self.engine.channels.setdefault(CHANNEL, channel_spec(CHANNEL).profile)  # slash commands, limits
        self.engine.senders[CHANNEL] = self.sender
        await self.turns.start()  # what a stopped or killed worker acknowledged and did not answer
        self.web.add_route(WEBHOOK_PATH, self._route)
        self._pruner = asyncio.create_task(self._prune_forever())

    async def stop(self) -> None:
        """Stop taking webhooks, let turns in progress finish (briefly), close the HTTP client."""
        self.web.routes.pop(WEBHOOK_PATH, None)
        if self._pruner is not None:
            self._pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pruner
        await self.turns.stop()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=STOP_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self.engine.senders.get(CHANNEL) is self.sender:
            del self.engine.senders[CHANNEL]
        await self.client.aclose()

    async def wait_idle(self) -> None:
        """Wait until every webhook received so far has been processed (for tests and shutdown)."""
        while self._tasks or self.turns.running:
            await asyncio.gather(*set(self._tasks), return_exceptions=True)
            await self.turns.wait_idle()

    # -- webhook ------------------------------------------------------------

    async def _route(self, req: Request) -> Response:
        if req.method == "GET":
            challenge = verify_challenge(req.query, self.config.verify_token)
            if challenge is None:
                log.warning("webhook verification refused")
                return Response(403, "forbidden")
            return Response(200, challenge)
        if req.method != "POST":
            return Response(405, "method not allowed", headers={"Allow": "GET, POST"})
        header = req.header(SIGNATURE_HEADER)
        if not header:
            log.warning("webhook without signature refused")
            return Response(401, "missing signature")
        if not signature_ok(req.body, header, self.config.app_secret):
            log.warning("webhook with a wrong signature refused")
            return Response(403, "bad signature")
        try:
            batch = parse_webhook(req.body)
        except MalformedWebhook as exc:
            log.warning("malformed webhook refused: %s", exc)
            return Response(400, "malformed webhook")
        for message in batch.messages:
            try:
                # Committed before Meta hears "ok": a crash from here on loses nothing; a redelivery is refused.
                fresh = await self.turns.accept(message.message_id, message.raw, message.wa_id)
            except StoreError as exc:
                log.error("WhatsApp message not stored (%s); Meta will deliver it again", type(exc).__name__)
                return Response(503, "try again")
            if not fresh:
                log.info("redelivered webhook message ignored")
        self._spawn(self._statuses(batch))
        return Response(200, "ok")

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _stored_turn(self, platform_id: str, payload: str) -> None:
        # One user's messages are answered in the order acknowledged, replies included: the inbox's task
        # holds the user's lock (across workers) from before the turn to its last reply.
        message = parse_message(payload)
        if message is not None:
            await self._turn(message)

    async def _turn(self, message: InboundMessage) -> None:
        assert self.store is not None
        if message.reaction is not None:  # feedback on a page, never answered (a redelivery counts once)
            feedback = self.engine.reactions
            if feedback is not None and message.reaction.message_id:
                await feedback.react(CHANNEL, message.wa_id, message.reaction.message_id, message.reaction.emoji)
            return
        user = await self.engine.store.get_or_create_user(CHANNEL, message.wa_id)
        # Its time opens the 24-hour window. Redeliveries were refused by the inbox already; a message seen
        # here before was taken over from a worker that died in its turn, and is answered.
        await self.store.claim_message(message.message_id, user.id, message.sent_at)
        event = message.event or Incoming(CHANNEL, message.wa_id, payload=f"{PAYLOAD_PREFIX}:unsupported")
        await self.engine.handle(event, self._deliver_turn)

    async def _deliver_turn(self, event: Incoming, replies: list[Outgoing]) -> None:
        feedback = self.engine.reactions
        rendered = self.pager.render((CHANNEL, event.user_id), replies)
        for out, objects in zip(replies, rendered, strict=True):
            ids = await self.deliver(event.user_id, out, objects)
            if feedback is not None and out.node_id:
                await feedback.shown(CHANNEL, event.user_id, [(i, out.node_id, out.locale) for i in ids if i])

    async def _statuses(self, batch: WebhookBatch) -> None:
        assert self.store is not None
        for status in batch.statuses:
            await self.store.record_status(status.message_id, status.status, status.error_code)

    async def _prune_forever(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_INTERVAL_SECONDS)
            try:
                if self.store is not None:
                    await self.store.prune()
            except Exception as exc:
                log.error("pruning WhatsApp ids failed: %s", safe_traceback(exc))

    async def deliver(self, wa_id: str, out: Outgoing, objects: list[dict[str, Any]] | None = None) -> list[str]:
        """Send one core message (its file first, uploaded to the media endpoint); the message ids.

        ``objects`` are its Cloud API messages when already rendered (at a page of a long list).
        """
        ids = []
        if out.document is not None:
            doc = out.document
            media_id = await self.client.upload(doc.data, doc.filename, doc.mime)
            ids.append(await self.client.send(wa_id, {"type": "document",
                                                      "document": {"id": media_id, "filename": doc.filename}}))
        for obj in self.render(out) if objects is None else objects:
            ids.append(await self.client.send(wa_id, obj))
        return ids

    # -- rendering and the channel's own payloads ---------------------------

    def render(self, out: Outgoing) -> list[dict[str, Any]]:
        """The Cloud API message objects for ``out`` (a long list at its first page), labels in its locale."""
        return render(out, labels(self.engine.catalogs.get(out.locale)))


class WhatsAppSender(Sender):
    """Messages to WhatsApp users outside a turn (broadcasts, reminders, staff replies).

    Free-form messages go only to users inside the 24-hour window
    (:meth:`in_window`); others get an approved template (:meth:`send_template`).
    Each sent message's id is recorded, so status webhooks can be looked up with :meth:`status`.
    """

    channel = CHANNEL

    def __init__(self, channel: WhatsAppChannel) -> None:
        self._channel = channel

    def _store(self) -> WhatsAppStore:
        if self._channel.store is None:
            raise Undeliverable("the WhatsApp channel is not running")
        return self._channel.store

    async def in_window(self, user_id: str) -> bool:
        """True when ``user_id`` wrote within 24 hours, so free-form messages may be sent."""
        return await self._store().in_window(user_id)

    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        """Send ``messages``; raises :class:`OutsideWindow` when the user's 24-hour window is closed."""
        await self.send_tracked(user_id, messages)

    async def send_tracked(self, user_id: str, messages: list[Outgoing]) -> list[str]:
        """Like :meth:`send`, returning the Cloud API message ids (their statuses are recorded)."""
        store = self._store()
        if not await store.in_window(user_id):
            raise OutsideWindow("the user has not written in 24 hours; send a template")
        ids = []
        for out in messages:
            for message_id in await self._channel.deliver(user_id, out):
                if message_id:
                    await store.record_sent(message_id, user_id)
                    ids.append(message_id)
        return ids

    def has_template(self, purpose: str, locale: str | None) -> bool:
        """True when an approved template is configured for ``purpose`` in ``locale`` (or its fallbacks)."""
        return self._channel.config.templates.get(purpose, locale) is not None

    async def send_template(self, user_id: str, purpose: str, locale: str | None, values: dict[str, str]) -> str:
        """Send the approved template configured for ``purpose`` and ``locale``; return its message id.

        ``values`` fill the template's body parameters by name. Raises
        :class:`Undeliverable` when no template is configured (the caller records the skip).
        """
        template = self._channel.config.templates.get(purpose, locale)
        if template is None:
            raise Undeliverable(f"no WhatsApp template configured for '{purpose}' (WHATSAPP_TEMPLATES)")
        params = [{"type": "text", "text": _template_param(values.get(name, ""))} for name in template.parameters]
        body: dict[str, Any] = {"name": template.name, "language": {"code": template.language}}
        if params:
            body["components"] = [{"type": "body", "parameters": params}]
        message_id = await self._channel.client.send(user_id, {"type": "template", "template": body})
        if message_id:
            await self._store().record_sent(message_id, user_id)
        return message_id

    async def status(self, message_id: str) -> DeliveryStatus | None:
        """The last status webhook for a message this sender sent (``accepted`` until one arrives)."""
        return await self._store().status(message_id)


def _template_param(value: str) -> str:
    value = _SPACES.sub(" ", value).strip() or "-"
    return value[:MAX_TEMPLATE_PARAM_CHARS]




@asynccontextmanager
async def standalone_sender(settings: Settings, engine: Engine) -> AsyncIterator[WhatsAppSender]:
    """A sender built from the settings without serving webhooks (for ``marhaba broadcast``)."""
    channel = WhatsAppChannel(WhatsAppConfig.from_settings(settings), engine, WebServer("127.0.0.1", 0))
    channel.store = WhatsAppStore(engine.store, CHANNEL)
    try:
        yield channel.sender
    finally:
        await channel.client.aclose()
