"""The Messenger channel: the webhook route, the turns, and the :class:`Sender` for messages outside a turn."""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from bot.channels._inbox import InboxTurns
from bot.channels._rates import send_gate
from bot.channels._registry import channel_spec
from bot.channels.messenger._client import BACKOFF_SECONDS, GraphClient
from bot.channels.messenger._config import MessengerConfig
from bot.channels.messenger._paging import Pager, labels
from bot.channels.messenger._profile import language_hint, messenger_profile
from bot.channels.messenger._render import PAYLOAD_PREFIX, render
from bot.channels.messenger._webhook import (
    CHANNEL,
    SIGNATURE_HEADER,
    Inbound,
    MalformedWebhook,
    parse_webhook,
    read_event,
    signature_ok,
    verify_challenge,
)
from bot.core import (
    REPLY_RETRY,
    DeliveryError,
    Engine,
    Incoming,
    Outgoing,
    OutsideWindow,
    RetryLater,
    RetryPolicy,
    Sender,
    Undeliverable,
    retrying,
)
from bot.errors import StoreError
from bot.settings import Settings
from bot.web import Request, Response, WebServer

log = logging.getLogger("marhaba.messenger")

WEBHOOK_PATH = "/webhook/messenger"
STANDARD_WINDOW_SECONDS = 24 * 3600
"""Free-form messages only within 24 hours of the person's last message ("standard messaging window",
https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours_window)."""
TAGS = {"reminder": "CONFIRMED_EVENT_UPDATE"}
"""Broadcast purposes that may go outside the window, with their message tag: ``CONFIRMED_EVENT_UPDATE``,
"reminders or updates for an event they have registered for"
(https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags)."""
TEMPLATE_TEXT = "text"
"""The value the broadcast hands to :meth:`MessengerSender.send_template`: the message's text."""
SENDER_RETRY = RetryPolicy(max_wait=5.0)
"""Messages outside a turn wait out a short "slow down" only; the broadcast then pauses the channel."""
STOP_GRACE_SECONDS = 10.0
"""On shutdown, turns in progress get this long to send their replies."""
MAX_HINTS = 10_000
"""Profile locales remembered (per person, in memory), so the profile API is asked once per newcomer."""


class MessengerChannel:
    """Serve ``/webhook/messenger`` for one Facebook Page and answer through the Send API."""

    name = CHANNEL

    def __init__(self, config: MessengerConfig, engine: Engine, web: WebServer, *,
                 client: GraphClient | None = None, backoff: float = BACKOFF_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.engine = engine
        self.web = web
        self.client = client or GraphClient(config.api_base_url, config.page_token)
        self.client.gate = send_gate(engine, CHANNEL)
        self.backoff = backoff
        self.clock = clock
        """Now, for the 24-hour window (tests move it)."""
        self.turns = InboxTurns(engine, CHANNEL, self._stored_turn, grace=STOP_GRACE_SECONDS)
        """Every event is committed to the inbox before the webhook is answered, and answered from there."""
        self.pager = Pager(engine)
        self.sender = MessengerSender(self)
        self._hints: OrderedDict[str, str | None] = OrderedDict()

    def __repr__(self) -> str:
        return f"MessengerChannel({self.config!r})"

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        """True when the environment has Messenger settings."""
        return MessengerConfig.configured(settings)

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, web: WebServer) -> MessengerChannel:
        """Build the channel; raises :class:`ConfigError` for missing or malformed settings."""
        return cls(MessengerConfig.from_settings(settings), engine, web)

    async def start(self) -> None:
        """Set the Messenger Profile, add the route and the sender, handle updates a crash left waiting."""
        self.pager.install()
        self.engine.channels.setdefault(CHANNEL, channel_spec(CHANNEL).profile)
        self.engine.senders[CHANNEL] = self.sender
        self.web.add_route(WEBHOOK_PATH, self._route)
        try:
            await self.client.set_profile(messenger_profile(self.engine))
        except DeliveryError as exc:  # the bot works without its menu: say so, go on
            log.warning("Messenger Profile (Get Started button, persistent menu) not set: %s", type(exc).__name__)
        await self.turns.start()  # what a stopped or killed worker acknowledged and did not answer

    async def stop(self) -> None:
        """Stop taking webhooks, let turns in progress finish (briefly), close the HTTP client."""
        self.web.routes.pop(WEBHOOK_PATH, None)
        await self.turns.stop()
        if self.engine.senders.get(CHANNEL) is self.sender:
            del self.engine.senders[CHANNEL]
        await self.client.aclose()

    async def wait_idle(self) -> None:
        """Wait until every event received so far has been handled (for tests and shutdown)."""
        await self.turns.wait_idle()

    # -- webhook ------------------------------------------------------------

    async def _route(self, req: Request) -> Response:
        if req.method == "GET":
            challenge = verify_challenge(req.query, self.config.verify_token)
            if challenge is None:
                log.warning("Messenger webhook verification refused")
                return Response(403, "forbidden")
            return Response(200, challenge)
        if req.method != "POST":
            return Response(405, "method not allowed", headers={"Allow": "GET, POST"})
        header = req.header(SIGNATURE_HEADER)
        if not header:
            log.warning("Messenger webhook without signature refused")
            return Response(401, "missing signature")
        if not signature_ok(req.body, header, self.config.app_secret):
            log.warning("Messenger webhook with a wrong signature refused")
            return Response(403, "bad signature")
        try:
            deliveries = parse_webhook(req.body)
        except MalformedWebhook as exc:
            log.warning("malformed Messenger webhook refused: %s", exc)
            return Response(400, "malformed webhook")
        for delivery in deliveries:
            try:
                # Stored before Meta hears "ok": a crash from here on loses nothing; a redelivery is answered once.
                fresh = await self.turns.accept(delivery.platform_id, json.dumps(delivery.raw, ensure_ascii=False),
                                                delivery.psid)
            except StoreError as exc:
                log.error("Messenger event not stored (%s); Meta will deliver it again", type(exc).__name__)
                return Response(503, "try again")
            if not fresh:
                log.info("redelivered Messenger event ignored")
        return Response(200, "EVENT_RECEIVED")

    async def _stored_turn(self, platform_id: str, payload: str) -> None:
        # One person's events are answered in the order acknowledged, replies included: the inbox's task
        # holds their lock (across workers) from before the turn to its last reply.
        try:
            raw = json.loads(payload)
        except ValueError:
            return
        event = read_event(raw) if isinstance(raw, dict) else None
        if event is not None:
            await self._turn(event)

    async def _turn(self, event: Inbound) -> None:
        feedback = self.engine.reactions
        if event.reaction is not None:  # feedback on a page, never answered
            if feedback is not None:
                await feedback.react(CHANNEL, event.psid, *event.reaction)
            return
        hint = await self._hint(event.psid)
        if event.start is not None:  # Get Started, or an m.me/<page>?ref=<deep link>
            incoming = Incoming(CHANNEL, event.psid, command="start", args=event.start, language_hint=hint)
        elif event.payload is not None:
            incoming = Incoming(CHANNEL, event.psid, payload=event.payload, language_hint=hint)
        elif event.text is not None:
            incoming = Incoming(CHANNEL, event.psid, text=event.text, language_hint=hint)
        else:
            incoming = Incoming(CHANNEL, event.psid, payload=f"{PAYLOAD_PREFIX}:unsupported", language_hint=hint)
        await self.engine.handle(incoming, self._deliver_turn)

    async def _hint(self, psid: str) -> str | None:
        """The profile's locale as a hint for the language picker, asked only while no language is chosen."""
        if psid in self._hints:
            return self._hints[psid]
        user = await self.engine.store.get_user(CHANNEL, psid)
        if user is not None and user.locale is not None:
            return None
        hint = language_hint(await self.client.profile_locale(psid))
        self._hints[psid] = hint
        while len(self._hints) > MAX_HINTS:
            self._hints.popitem(last=False)
        return hint

    async def _deliver_turn(self, event: Incoming, replies: list[Outgoing]) -> None:
        feedback = self.engine.reactions
        rendered = self.pager.render((CHANNEL, event.user_id), replies)
        for out, messages in zip(replies, rendered, strict=True):
            ids = await self.deliver(event.user_id, out, messages, messaging_type="RESPONSE", policy=REPLY_RETRY)
            if feedback is not None and out.node_id:
                await feedback.shown(CHANNEL, event.user_id, [(i, out.node_id, out.locale) for i in ids if i])

    async def deliver(self, psid: str, out: Outgoing, messages: list[dict[str, Any]] | None = None, *,
                      messaging_type: str, tag: str | None = None, policy: RetryPolicy = REPLY_RETRY) -> list[str]:
        """Send one core message (its file first); the message ids. Rate limits are waited out within ``policy``.

        ``messages`` are its Send API messages when already rendered (at a page of a long menu).
        """
        ids = []
        if out.document is not None:
            doc = out.document
            ids.append(await self._with_backoff(lambda delay: self.client.send_file(
                psid, doc.filename, doc.data, doc.mime, messaging_type, tag, backoff=delay), policy))
        for message in self.render(out) if messages is None else messages:
            ids.append(await self._with_backoff(lambda delay, m=message: self.client.send(  # type: ignore[misc]
                psid, m, messaging_type, tag, backoff=delay), policy))
        return ids

    async def _with_backoff(self, call: Callable[[float], Awaitable[str]], policy: RetryPolicy) -> str:
        """``call(delay)`` through :func:`bot.core.retrying`, the wait doubled after each "slow down"."""
        delay = self.backoff

        async def attempt() -> str:
            nonlocal delay
            try:
                return await call(delay)
            except RetryLater:
                delay *= 2
                raise

        return await retrying(attempt, policy, channel=CHANNEL)

    def render(self, out: Outgoing) -> list[dict[str, Any]]:
        """The Send API messages for ``out`` (a long menu at its first page), labels in its locale."""
        return render(out, labels(self.engine.catalogs.get(out.locale)))


class MessengerSender(Sender):
    """Messages to Messenger users outside a turn (broadcasts, reminders, staff answers).

    Free-form messages go only to people inside the 24-hour window (:meth:`in_window`); outside it,
    only purposes with a message tag (:data:`TAGS`: event reminders) are sent, through :meth:`send_template`.
    """

    channel = CHANNEL

    def __init__(self, channel: MessengerChannel) -> None:
        self._channel = channel

    async def in_window(self, psid: str) -> bool:
        """True when ``psid`` wrote within 24 hours, so a free-form message may be sent."""
        user = await self._channel.engine.store.get_user(CHANNEL, psid)
        return user is not None and self._channel.clock() - user.last_seen < STANDARD_WINDOW_SECONDS

    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        """Send ``messages``; raises :class:`OutsideWindow` when the person's 24-hour window is closed."""
        if not await self.in_window(user_id):
            raise OutsideWindow("the person has not written in 24 hours")
        for out in messages:
            await self._channel.deliver(user_id, out, messaging_type="UPDATE", policy=SENDER_RETRY)

    def has_template(self, purpose: str, locale: str | None) -> bool:
        """True when ``purpose`` may be sent outside the window (it has a message tag)."""
        return purpose in TAGS

    async def send_template(self, user_id: str, purpose: str, locale: str | None, values: dict[str, str]) -> str:
        """Send the text in ``values`` with ``purpose``'s message tag; :class:`Undeliverable` for a purpose without."""
        tag = TAGS.get(purpose)
        if tag is None:
            raise Undeliverable(f"no Messenger message tag for '{purpose}'")
        out = Outgoing(text=values.get(TEMPLATE_TEXT, ""), locale=locale or "en")
        ids = await self._channel.deliver(user_id, out, messaging_type="MESSAGE_TAG", tag=tag, policy=SENDER_RETRY)
        return ids[0] if ids else ""


@asynccontextmanager
async def standalone_sender(settings: Settings, engine: Engine) -> AsyncIterator[MessengerSender]:
    """A sender built from the settings without serving webhooks (for ``marhaba broadcast``)."""
    channel = MessengerChannel(MessengerConfig.from_settings(settings), engine, WebServer("127.0.0.1", 0))
    try:
        yield channel.sender
    finally:
        await channel.client.aclose()
