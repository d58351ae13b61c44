"""The Telegram channel: python-telegram-bot's Application, in polling or webhook mode."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Message, ReactionTypeEmoji, Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes, TypeHandler
from telegram.request import BaseRequest, HTTPXRequest

from bot.channels._inbox import InboxTurns
from bot.channels._rates import send_gate
from bot.channels._registry import channel_spec
from bot.channels.telegram._adapter import CHANNEL, Delivery, to_incoming
from bot.channels.telegram._commands import register_commands
from bot.channels.telegram._config import WEBHOOK_PATH, TelegramSettings
from bot.channels.telegram._sender import (
    SENDER_MAX_WAIT,
    CappedRequest,
    TelegramSender,
    initialize_checked,
)
from bot.core import Engine, Incoming, Isolation, Outgoing
from bot.errors import StoreError
from bot.logs import safe_traceback
from bot.settings import Settings
from bot.store import Leases
from bot.web import Request, Response, WebServer

log = logging.getLogger("marhaba.telegram")

ALLOWED_UPDATES = ["message", "callback_query", "message_reaction"]
"""The only update types the bot handles; Telegram does not send the others.

``message_reaction`` must be asked for explicitly (https://core.telegram.org/bots/api#update):
reactions to the bot's pages are counted as feedback, never answered."""

MAX_CONCURRENT_UPDATES = 64
"""Updates processed at once (different chats); one chat's updates always run in order."""

SHUTDOWN_POLL_SECONDS = 0.5
"""How long the last ``getUpdates`` (which confirms the fetched updates) may take when stopping."""

APP_CONNECTIONS = 256
"""HTTP connections of the bot's client (PTB's own default)."""
POLLING_LEASE = "poll:telegram"
"""The lease of the one process that long-polls Telegram: Telegram answers a second concurrent
``getUpdates`` of the same bot with 409 Conflict, and both would fetch the same updates."""

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
"""Telegram sends the webhook's secret_token in this header (https://core.telegram.org/bots/api#setwebhook)."""


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Process updates of different chats concurrently and each chat's updates in order.

    Each update holds its chat's lock of the engine's :class:`~bot.core.Isolation` from the
    start (answering a button's spinner included) to the last reply sent, the same lock the
    engine's turn takes, so a fast double tap can never leave an older menu on screen.
    """

    def __init__(self, max_concurrent_updates: int, isolation: Isolation) -> None:
        super().__init__(max_concurrent_updates)
        self.isolation = isolation

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self.isolation.lock((CHANNEL, str(chat.id))):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class PollingRequest(HTTPXRequest):
    """PTB's ``getUpdates`` connection, with a bounded, quiet last call when the bot stops.

    On stop, PTB cancels the pending long poll and then calls ``getUpdates``
    once more to confirm the updates it fetched. A server that still holds the
    cancelled poll makes that call wait for its read timeout (5 s) and PTB logs
    it as an error with a traceback. Once :attr:`stopping` is set, that call
    gets :data:`SHUTDOWN_POLL_SECONDS`; if the server does not answer in time,
    it counts as an empty answer and one warning line says what that means.
    """

    def __init__(self) -> None:
        super().__init__(connection_pool_size=1)  # PTB's own default for getUpdates
        self.stopping = False

    async def do_request(self, url: str, method: str, request_data: Any = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if not self.stopping:
            return await super().do_request(url, method, request_data, *args, **kwargs)
        try:
            async with asyncio.timeout(SHUTDOWN_POLL_SECONDS):
                return await super().do_request(url, method, request_data, *args, **kwargs)
        except (TimeoutError, NetworkError):
            log.warning("Telegram did not confirm the last updates while stopping; "
                        "a few may be delivered again after a restart")
            return 200, b'{"ok": true, "result": []}'


class TelegramChannel:
    """Serves the engine on Telegram; see the README section "Telegram".

    ``request`` replaces PTB's HTTP client (the benchmark answers the Bot API
    in-process); everything else comes from the environment.
    """

    name = CHANNEL

    def __init__(self, config: TelegramSettings, engine: Engine, web: WebServer,
                 request: BaseRequest | None = None) -> None:
        self.config = config
        self.engine = engine
        self.web = web
        builder = (
            Application.builder()
            .token(config.token)
            .base_url(config.base_url)
            .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES, engine.isolation))
        )
        self._polling: PollingRequest | None = None
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        else:
            builder = builder.request(CappedRequest(send_gate(engine, CHANNEL), connection_pool_size=APP_CONNECTIONS))
            if not config.webhook:
                self._polling = PollingRequest()
                builder = builder.get_updates_request(self._polling)
        if config.webhook:
            builder = builder.updater(None)
        self.application: Application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.delivery = Delivery(self.application.bot)
        self._poller: asyncio.Task[None] | None = None
        self._polling_started = asyncio.Event()
        self.turns: InboxTurns | None = None
        """Webhook updates, stored before they are acknowledged and answered from there, per chat in the order
        acknowledged, across workers (polling leaves them with Telegram)."""
        if config.webhook:
            self.turns = InboxTurns(engine, CHANNEL, self._stored_update)
            web.add_route(WEBHOOK_PATH, self._webhook)

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return TelegramSettings.configured(settings)

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, web: WebServer) -> TelegramChannel:
        return cls(TelegramSettings.from_settings(settings), engine, web)

    # -- life cycle ---------------------------------------------------------

    async def start(self) -> None:
        """Check the token, register the command menus and the sender, start receiving updates."""
        # httpx logs every request URL at INFO, and the URL carries the token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        app = self.application
        await initialize_checked(app)
        self.engine.channels.setdefault(CHANNEL, channel_spec(CHANNEL).profile)
        await register_commands(app.bot, self.engine)
        sender_delivery = Delivery(app.bot, max_wait=SENDER_MAX_WAIT)
        self.engine.senders[CHANNEL] = TelegramSender(sender_delivery, self.engine.store)
        await app.start()
        if self.turns is not None:
            await self.turns.start()  # what a stopped or killed worker acknowledged and did not answer
        if self.config.webhook:
            await app.bot.set_webhook(self.config.webhook_url, secret_token=self.config.webhook_secret,
                                      allowed_updates=ALLOWED_UPDATES)
            log.info("Telegram webhook set; receiving on %s", WEBHOOK_PATH)
        else:
            # Every process serves the sender and the webhook; one at a time long-polls (a lease).
            # start() returns once this process polls, or knows that another one does.
            leases = Leases(self.engine.store)
            self._polling_started.clear()
            waiting = asyncio.Event()
            self._poller = asyncio.create_task(
                leases.run_while_held(POLLING_LEASE, self._poll, self.config.lease_seconds, waiting))
            decided = [asyncio.create_task(e.wait()) for e in (self._polling_started, waiting)]
            await asyncio.wait([self._poller, *decided], return_when=asyncio.FIRST_COMPLETED)
            for task in decided:
                task.cancel()
            if self._poller.done():
                await self._poller  # polling could not start: say why, as before
            elif waiting.is_set():
                log.info("Telegram: another process long-polls; this one takes over if it stops")

    async def _poll(self) -> None:
        """Long-poll Telegram until cancelled (the lease was lost, or the channel stops)."""
        app = self.application
        assert app.updater is not None
        if self._polling is not None:
            self._polling.stopping = False
        await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        log.info("Telegram long polling started")
        self._polling_started.set()
        try:
            await asyncio.Event().wait()
        finally:
            await self._stop_polling()

    async def _stop_polling(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            if self._polling is not None:
                self._polling.stopping = True
            await app.updater.stop()

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, close the HTTP clients."""
        self.engine.senders.pop(CHANNEL, None)
        if self.turns is not None:
            await self.turns.stop()
        app = self.application
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        await self._stop_polling()
        if app.running:
            await app.stop()
        await app.shutdown()

    # -- updates ------------------------------------------------------------

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._handle(update)  # long polling: Telegram keeps what is not confirmed

    async def _stored_update(self, platform_id: str, payload: str) -> None:
        # A webhook update from the inbox, its chat's lock held (across workers) to the last reply.
        try:
            update = Update.de_json(json.loads(payload), self.application.bot)
        except Exception:  # nothing else can read it either: let it go
            return
        await self._handle(update)

    async def _handle(self, update: Update) -> None:
        if update.message_reaction is not None:
            await self._on_reaction(update)
            return
        query = update.callback_query
        if query is not None:
            # Answer first, once, without waiting out flood control: the client's spinner
            # stops whatever happens next. A query too old to answer is no reason to stop.
            with contextlib.suppress(TelegramError):
                await query.answer()
        event = to_incoming(update, self._is_staff_chat)
        if event is None:
            return
        pressed = query.message if query is not None and isinstance(query.message, Message) else None

        async def deliver(event: Incoming, messages: list[Outgoing]) -> None:
            replace = None if any(m.keep_menu for m in messages) else pressed
            shown = await self.delivery.send(int(event.user_id), messages, replace=replace)
            feedback = self.engine.reactions
            if feedback is not None:  # an edited menu may now show another page, or none
                await feedback.shown(CHANNEL, event.user_id, [
                    (str(mid), m.node_id, m.locale) for mid, m in shown if m.node_id or replace is not None])

        await self.engine.handle(event, deliver)

    async def _on_reaction(self, update: Update) -> None:
        """A reaction to one of the bot's messages: count it for the page it showed, answer nothing."""
        reaction = update.message_reaction
        feedback = self.engine.reactions
        if reaction is None or feedback is None or reaction.chat.type != "private":
            return
        emoji = next((r.emoji for r in reaction.new_reaction if isinstance(r, ReactionTypeEmoji)), "")
        await feedback.react(CHANNEL, str(reaction.chat.id), str(reaction.message_id), emoji)

    def _is_staff_chat(self, chat_id: str) -> bool:
        return self.engine.is_staff(CHANNEL, chat_id)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("Telegram update failed: %s", safe_traceback(error) if error else "unknown error")

    async def _webhook(self, request: Request) -> Response:
        if request.method != "POST":
            return Response(405, "method not allowed")
        given = request.header(SECRET_HEADER).encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.config.webhook_secret.encode()):
            log.warning("Telegram webhook call without the right secret token refused")
            return Response(403, "forbidden")
        if not self.application.running:
            return Response(503, "starting")
        try:
            update = Update.de_json(json.loads(request.body), self.application.bot)
        except Exception:  # anything malformed: refuse it, never crash
            return Response(400, "not a Telegram update")
        assert self.turns is not None
        chat = update.effective_chat
        try:
            # Stored before Telegram hears "ok": a crash from here on loses nothing; a redelivery is refused.
            await self.turns.accept(str(update.update_id), request.body.decode("utf-8", "replace"),
                                    str(chat.id) if chat is not None else f"update:{update.update_id}")
        except StoreError as exc:
            log.error("Telegram update not stored (%s); Telegram will deliver it again", type(exc).__name__)
            return Response(503, "try again")
        return Response(200, "ok")
