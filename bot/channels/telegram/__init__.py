"""The Telegram channel on python-telegram-bot. The only package that imports ``telegram``."""

from bot.channels.telegram._adapter import Delivery, callback_data, to_incoming
from bot.channels.telegram._channel import TelegramChannel
from bot.channels.telegram._commands import command_menus
from bot.channels.telegram._config import TelegramSettings
from bot.channels.telegram._sender import TelegramSender, TelegramUnavailable, standalone_sender

channel_class = TelegramChannel
"""What the channel registry runs (see :class:`bot.channels.ChannelSpec`)."""

__all__ = [
    "Delivery",
    "TelegramChannel",
    "TelegramSender",
    "TelegramSettings",
    "TelegramUnavailable",
    "callback_data",
    "channel_class",
    "command_menus",
    "standalone_sender",
    "to_incoming",
]
