"""Events, topic subscriptions, reminders, and crash-safe broadcasts at each platform's rate limit.

* :data:`FEATURE` registers ``/events``, ``/subscribe``, ``/unsubscribe`` on an engine;
* :func:`load_events` reads and validates ``content/events.yaml``;
* :class:`BroadcastRepository` and :class:`Drainer` keep and send broadcasts;
* :func:`reminders_job` runs beside the channels in ``marhaba run``;
* :func:`register_cli` adds ``marhaba broadcast send|resume|list``.
"""

from bot.features.broadcast._cli import register_cli
from bot.features.broadcast._config import BroadcastSettings
from bot.features.broadcast._events import Event, Events, event_context, load_events
from bot.features.broadcast._feature import FEATURE, EventsFeature
from bot.features.broadcast._hijri import format_hijri, from_hijri, to_hijri
from bot.features.broadcast._ics import event_ics
from bot.features.broadcast._outbox import (
    Broadcast,
    BroadcastRepository,
    Counts,
    OutboxState,
    Row,
    outbox_of,
)
from bot.features.broadcast._reminders import Reminders, reminders_job
from bot.features.broadcast._sender import ChannelLimits, Drainer, Pacer, channel_limits, drain_all

__all__ = [
    "FEATURE",
    "Broadcast",
    "BroadcastRepository",
    "BroadcastSettings",
    "ChannelLimits",
    "channel_limits",
    "Counts",
    "OutboxState",
    "Drainer",
    "Event",
    "Events",
    "EventsFeature",
    "Pacer",
    "Reminders",
    "Row",
    "outbox_of",
    "drain_all",
    "event_context",
    "event_ics",
    "format_hijri",
    "from_hijri",
    "load_events",
    "register_cli",
    "reminders_job",
    "to_hijri",
]
