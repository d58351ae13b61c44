"""Sending to a user outside a turn (broadcasts, reminders, staff replies).

Each channel provides a :class:`Sender`; the core and its features see only
this interface and the typed delivery errors below.
"""

from __future__ import annotations

import abc

from bot.core._events import Outgoing
from bot.errors import DeliveryError

__all__ = ["Blocked", "DeliveryError", "OutsideWindow", "RetryLater", "Sender", "Undeliverable"]


class RetryLater(DeliveryError):
    """The platform asked us to slow down (Telegram 429, WhatsApp 130429)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:g} s")
        self.retry_after = retry_after


class Blocked(DeliveryError):
    """The user blocked the bot or deleted their account: do not message them again."""


class Undeliverable(DeliveryError):
    """This message cannot reach this user now (WhatsApp 131026, a bad chat id); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OutsideWindow(DeliveryError):
    """WhatsApp: the user has not written in 24 hours; only a template message may be sent."""


class Sender(abc.ABC):
    """Sends core messages to one channel's users."""

    channel: str

    @abc.abstractmethod
    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        """Send ``messages`` to ``user_id`` in order; raise a :class:`DeliveryError` on failure."""
