"""What the core and the features know of a channel: its limits and traits, never its platform.

Each channel's :class:`ChannelProfile` is part of its registry entry (``bot/channels/_registry.py``);
the application hands the profiles to the engine (:attr:`Engine.channels`), so that a feature
(broadcast pacing, the staff chat of handoff, ``/help``) reads them without knowing any channel.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelProfile:
    """A channel's limits and traits, each with its source in the registry entry that sets it."""

    name: str
    broadcast_rate: float = 30.0
    """Messages per second a broadcast may send on this channel (overridable per run)."""
    per_chat_interval: float = 1.0
    """Seconds between two broadcast messages to one chat."""
    rate_cap: float | None = None
    """Messages per second the platform takes from the bot across all its processes: every send of every
    process takes a token of one bucket in the database (``bot.store.RateCaps``); ``None``: no platform cap."""
    max_text_chars: int = 4096
    """The longest message the platform takes; longer ones are split."""
    max_buttons: int = 100
    """The most options one message can carry."""
    reply_window_seconds: float | None = None
    """Free-form messages only this long after the user's last message (WhatsApp's 24 hours); ``None``: always."""
    slash_commands: bool = True
    """False where commands are typed words (WhatsApp): ``/help`` then lists the words."""
    staff_chat: bool = False
    """True for the channel whose chat ids ``MARHABA_STAFF_CHAT`` names (the staff group's channel)."""


FALLBACK_PROFILE = ChannelProfile("unknown")
"""For a channel without a registry entry (the preview, tests): Telegram's limits, the stricter."""
