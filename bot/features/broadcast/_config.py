"""The broadcast feature's settings and clock, apart so that its modules share them without a cycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.settings import DEFAULT_OUTBOX_LEASE_SECONDS, DEFAULT_REMINDER_LEAD_MINUTES, Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class BroadcastSettings:
    """The feature's settings: ``MARHABA_HIJRI`` (1 shows Hijri dates), ``MARHABA_REMINDER_LEAD_MINUTES``,
    and the rates reminders are sent at (``MARHABA_TELEGRAM_RATE``, ``MARHABA_WHATSAPP_RATE``, as broadcasts)."""

    hijri: bool = False
    reminder_lead: timedelta = timedelta(minutes=DEFAULT_REMINDER_LEAD_MINUTES)
    rates: Mapping[str, float] = field(default_factory=dict)
    lease_seconds: float = DEFAULT_OUTBOX_LEASE_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> BroadcastSettings:
        section = settings.broadcast
        return cls(hijri=section.hijri, reminder_lead=timedelta(minutes=section.reminder_lead_minutes),
                   rates=section.rates, lease_seconds=section.outbox_lease_seconds)
