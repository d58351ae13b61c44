"""Event reminders while ``marhaba run`` runs: persisted, so a restart neither loses nor repeats one.

Every tick, each occurrence starting within the lead time gets one reminder
broadcast (unique per event and occurrence in the database), which is drained
like any broadcast. After a restart, occurrences whose reminder time passed
while the bot was down are reminded at once, if they have not started yet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from bot.core import Engine
from bot.features.broadcast._config import BroadcastSettings, utc_now
from bot.features.broadcast._events import Events, load_events
from bot.features.broadcast._outbox import outbox_of
from bot.features.broadcast._sender import Drainer, channel_limits, drain_all
from bot.features.broadcast._text import reminder_text
from bot.i18n import LOCALES
from bot.settings import Settings

log = logging.getLogger("marhaba.reminders")

REMINDER_TICK_SECONDS = 30.0
"""How often due reminders are looked for; a reminder is at most this late."""


class Reminders:
    """Creates and sends the reminders that are due."""

    def __init__(self, engine: Engine, events: Events, config: BroadcastSettings,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.events = events
        self.config = config
        self.now = now
        self.outbox = outbox_of(engine.store)
        self.drainer = Drainer(self.outbox, engine.store, engine.senders,
                               limits=channel_limits(engine.channels, config.rates), lease_seconds=config.lease_seconds)

    async def schedule(self) -> list[int]:
        """Create the reminder broadcasts that are due and do not exist yet; their ids."""
        created = []
        for when, event in self.events.starting_within(self.now(), self.config.reminder_lead):
            occurrence = when.isoformat()
            if await self.outbox.find_reminder(event.id, occurrence) is not None:
                continue
            texts = {code: reminder_text(event, when, self.engine.content, self.engine.catalogs.get(code),
                                         hijri=self.config.hijri) for code in LOCALES}
            broadcast_id = await self.outbox.create(kind="reminder", topics=event.topics, texts=texts,
                                                    purpose="reminder", event_id=event.id, occurrence=occurrence)
            if broadcast_id is not None:
                log.info("reminder %d created for event %s", broadcast_id, event.id)
                created.append(broadcast_id)
        return created

    async def run_once(self) -> None:
        """Schedule due reminders and send every unfinished one through the running channels."""
        await self.schedule()
        if self.engine.senders:
            await drain_all(self.drainer, self.outbox, kind="reminder")


async def reminders_job(engine: Engine, settings: Settings, events: Callable[[], Events] | None = None) -> None:
    """The ``marhaba run`` job: look for due reminders every :data:`REMINDER_TICK_SECONDS`.

    ``events()`` gives the events served now (they change on a live reload); without it they are read once.
    """
    reminders = Reminders(engine, events() if events else load_events(settings.content_dir, engine.content),
                          BroadcastSettings.from_settings(settings))
    while True:
        if events is not None:
            reminders.events = events()
        try:
            await reminders.run_once()
        except Exception:
            log.exception("sending reminders failed; trying again later")
        await asyncio.sleep(REMINDER_TICK_SECONDS)
