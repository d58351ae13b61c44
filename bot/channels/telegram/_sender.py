"""Messages to Telegram users outside a turn: broadcasts, reminders, staff replies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.channels._rates import Gate, send_gate
from bot.channels.telegram._adapter import CHANNEL, Delivery
from bot.channels.telegram._config import TelegramSettings
from bot.core import Blocked, Engine, Outgoing, Sender, Undeliverable
from bot.errors import ConfigError, MarhabaError
from bot.settings import Settings
from bot.store import Store


class TelegramUnavailable(MarhabaError):
    """The Bot API cannot be reached at start-up."""


async def initialize_checked(target: Bot | Application) -> None:
    """Initialize a PTB bot or application; a rejected token or an unreachable API is a one-line error."""
    try:
        await target.initialize()
    except InvalidToken:
        raise ConfigError("Telegram rejected TELEGRAM_TOKEN: check the token @BotFather gave you") from None
    except TelegramError as exc:
        raise TelegramUnavailable(f"cannot reach the Telegram Bot API ({type(exc).__name__}); "
                                  "check the network and TELEGRAM_API_BASE_URL") from None

STANDALONE_CONNECTIONS = 16
"""HTTP connections of a standalone sender: hundreds of messages a second need only a few at a time, and
httpcore's pool does work per request in proportion to its size."""

CAPPED_PREFIXES = ("send", "copyMessage", "forwardMessage", "editMessage")
"""Bot API methods that count against the bot's cap of 30 messages a second (the registry's ``rate_cap``):
every message sent, copied, forwarded or edited; not ``getUpdates``, ``answerCallbackQuery`` or set-up calls."""


class CappedRequest(HTTPXRequest):
    """PTB's HTTP client, each message call first passing ``gate``: the bot's cap across all processes."""

    def __init__(self, gate: Gate | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate

    async def do_request(self, url: str, method: str, request_data: Any = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self.gate is not None and url.rsplit("/", 1)[-1].startswith(CAPPED_PREFIXES):
            await self.gate()
        return await super().do_request(url, method, request_data, *args, **kwargs)


SENDER_MAX_WAIT = 5.0
"""Flood-control waits up to this are absorbed here; longer ones go back to the caller as RetryLater."""


class TelegramSender(Sender):
    """Implements :class:`bot.core.Sender` for Telegram.

    A user who blocked the bot is not messaged: they are marked inactive on
    the first 403, and later sends raise :class:`Blocked` without calling
    Telegram, until the user writes again.
    """

    channel = CHANNEL

    def __init__(self, delivery: Delivery, store: Store) -> None:
        self.delivery = delivery
        self.store = store

    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        try:
            chat_id = int(user_id)
        except ValueError:
            raise Undeliverable("not a Telegram chat id") from None
        user = await self.store.get_user(CHANNEL, user_id)
        if user is not None and not user.active:
            raise Blocked("the user blocked the bot")
        await self.delivery.send(chat_id, messages)  # Blocked: the caller marks the user (bot.core.mark_blocked)


@asynccontextmanager
async def standalone_sender(settings: Settings, engine: Engine) -> AsyncIterator[TelegramSender]:
    """A sender built from the settings without running the bot (for ``marhaba broadcast``).

    Flood control is not waited out here (``max_wait=0``): the broadcast drainer
    pauses the whole channel and puts the message back.
    """
    config = TelegramSettings.from_settings(settings)
    request = CappedRequest(send_gate(engine, CHANNEL), connection_pool_size=STANDALONE_CONNECTIONS)
    bot = Bot(config.token, base_url=config.base_url, request=request)
    await initialize_checked(bot)
    try:
        yield TelegramSender(Delivery(bot, max_wait=0.0), engine.store)
    finally:
        await bot.shutdown()
