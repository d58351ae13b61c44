"""Events, topic subscriptions, reminders, and crash-safe broadcasts at each platform's rate limit.

* :func:`install` registers ``/events``, ``/subscribe``, ``/unsubscribe`` on an engine;
* :func:`load_events` reads and validates ``content/events.yaml``;
* :class:`OutboxStore` and :class:`Drainer` keep and send broadcasts;
* :func:`reminders_job` runs beside the channels in ``marhaba run``;
* :func:`register_cli` adds ``marhaba broadcast send|resume|list``.
"""

from bot.features.broadcast._cli import register_cli
from bot.features.broadcast._events import Event, Events, event_context, load_events
from bot.features.broadcast._feature import BroadcastSettings, EventsFeature, install
from bot.features.broadcast._hijri import format_hijri, from_hijri, to_hijri
from bot.features.broadcast._ics import event_ics
from bot.features.broadcast._outbox import Broadcast, Counts, OutboxState, OutboxStore, Row
from bot.features.broadcast._reminders import Reminders, reminders_job
from bot.features.broadcast._sender import DEFAULT_LIMITS, ChannelLimits, Drainer, Pacer, drain_all

__all__ = [
    "DEFAULT_LIMITS",
    "Broadcast",
    "BroadcastSettings",
    "ChannelLimits",
    "Counts",
    "Drainer",
    "Event",
    "Events",
    "EventsFeature",
    "OutboxState",
    "OutboxStore",
    "Pacer",
    "Reminders",
    "Row",
    "drain_all",
    "event_context",
    "event_ics",
    "format_hijri",
    "from_hijri",
    "install",
    "load_events",
    "register_cli",
    "reminders_job",
    "to_hijri",
]
