"""Messages to Telegram users outside a turn: broadcasts, reminders, staff replies."""

from __future__ import annotations

from bot.channels.telegram._adapter import CHANNEL, Delivery
from bot.core import Blocked, Outgoing, Sender, Undeliverable
from bot.store import Store

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
        try:
            await self.delivery.send(chat_id, messages)
        except Blocked:
            await self.store.set_active(CHANNEL, user_id, False)
            raise
