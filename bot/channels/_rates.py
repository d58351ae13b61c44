"""Every channel's sends within its platform's cap, counted across all processes on the database.

A channel's client awaits :func:`send_gate`'s gate before each message it sends to the platform: a reply,
a broadcast row, a reminder alike (the broadcast sender marks its sends as bulk, so replies go first).
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable

from bot.channels._registry import channel_spec
from bot.core import Engine
from bot.store import Bucket, RateCaps, Store

Gate = Callable[[], Awaitable[None]]
"""Awaited before one message goes to the platform; returns when this process may send it."""

_caps: weakref.WeakKeyDictionary[Store, RateCaps] = weakref.WeakKeyDictionary()


def rate_caps(store: Store) -> RateCaps:
    """This process's one :class:`RateCaps` on ``store`` (its batches are shared by all its channels' sends)."""
    caps = _caps.get(store)
    if caps is None:
        caps = _caps[store] = RateCaps(store)
    return caps


def send_gate(engine: Engine, channel: str) -> Gate | None:
    """The gate of ``channel``'s platform cap (``ChannelProfile.rate_cap``); ``None`` when it has none.

    An operator's rate above it (``MARHABA_TELEGRAM_RATE=200``: the platform allows this bot more, as
    Telegram's paid broadcasts do) raises the cap to that rate.
    """
    cap = channel_spec(channel).profile.rate_cap
    if cap is None:
        return None
    settings = engine.settings
    if settings is not None:
        cap = max(cap, settings.broadcast.rates.get(channel, 0.0))
    caps, bucket = rate_caps(engine.store), Bucket(channel, cap)
    return lambda: caps.take(bucket)
