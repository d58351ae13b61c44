"""Reminders of a recurring event: due at the right local time across DST, persisted across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.channels import channel_profiles
from bot.content import ContentTree
from bot.core import Engine, Outgoing, Sender
from bot.features.broadcast import (
    BroadcastSettings,
    ChannelLimits,
    Pacer,
    Reminders,
    load_events,
    outbox_of,
)
from bot.features.broadcast._cli import _limits as broadcast_limits
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.conftest import make_engine
from tests.features.broadcast.conftest import add_subscribers

EVENTS = """\
timezone: Europe/Paris
topics: [language-classes]
events:
  - id: sunday-class
    title: Sunday language class
    start: 2026-10-11 10:00
    end: 2026-10-11 12:00
    recurrence: FREQ=WEEKLY;BYDAY=SU
    location: cc-old-town
    topics: [language-classes]
"""


class RecordingSender(Sender):
    """Stands in for a channel: records what it was asked to send."""

    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        self.sent.extend((user_id, m.text) for m in messages)


async def test_recurring_reminders_follow_local_time_across_dst_and_restarts(
        tmp_path: Path, sample_tree: ContentTree, catalogs: Catalogs) -> None:
    (tmp_path / "events.yaml").write_text(EVENTS, encoding="utf-8")
    events = load_events(tmp_path, sample_tree)
    db = tmp_path / "r.db"
    sender = RecordingSender()
    config = BroadcastSettings(reminder_lead=timedelta(minutes=60))
    clock = [datetime(2026, 10, 18, 7, 30, tzinfo=UTC)]  # 09:30 in Paris (CEST, UTC+2)

    async def tick(*, drain: bool = True) -> None:
        async with SQLiteStore(db) as store:  # every tick is a fresh start of the bot
            engine = make_engine(content=sample_tree, catalogs=catalogs, store=store, senders={"telegram": sender})
            reminders = Reminders(engine, events, config, now=lambda: clock[0])
            if drain:
                await reminders.run_once()
            else:
                await reminders.schedule()

    async with SQLiteStore(db) as store:
        outbox = outbox_of(store)
        await add_subscribers(store, outbox, "telegram", ["501"], "language-classes", "fr")
        await add_subscribers(store, outbox, "telegram", ["502"], "language-classes", "ar")
        await add_subscribers(store, outbox, "telegram", ["503"], "jobs", "fr")

    await tick()
    assert sorted(u for u, _ in sender.sent) == ["501", "502"]
    french = dict(sender.sent)["501"]
    assert "dimanche 18 octobre 2026" in french and "10:00" in french
    assert "Old Town" in french

    clock[0] += timedelta(minutes=15)
    await tick()  # restarted: the same reminder is not sent again
    assert len(sender.sent) == 2

    # After the clocks go back (25 October), 10:00 in Paris is 09:00 UTC: not due at 07:59 UTC.
    clock[0] = datetime(2026, 10, 25, 7, 59, tzinfo=UTC)
    await tick()
    assert len(sender.sent) == 2
    clock[0] = datetime(2026, 10, 25, 8, 1, tzinfo=UTC)
    await tick(drain=False)  # created, then the bot stops before sending it
    assert len(sender.sent) == 2
    clock[0] = datetime(2026, 10, 25, 8, 50, tzinfo=UTC)
    await tick()  # after the restart it is sent, once
    assert len(sender.sent) == 4
    assert "dimanche 25 octobre 2026" in sender.sent[-1][1] + sender.sent[-2][1]
    await tick()
    assert len(sender.sent) == 4

    clock[0] = datetime(2026, 10, 25, 9, 30, tzinfo=UTC)  # the class has started: nothing more
    await tick()
    assert len(sender.sent) == 4
    async with SQLiteStore(db) as store:
        rows = [(b.event_id, b.occurrence) for b in reversed(await outbox_of(store).recent())]
    assert rows == [("sunday-class", "2026-10-18T10:00:00+02:00"), ("sunday-class", "2026-10-25T10:00:00+01:00")]


async def test_reminders_are_paced_like_broadcasts_by_the_rate_settings(
        tmp_path: Path, sample_tree: ContentTree, catalogs: Catalogs) -> None:
    (tmp_path / "events.yaml").write_text(EVENTS, encoding="utf-8")
    settings = Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_TELEGRAM_RATE": "2", "MARHABA_WHATSAPP_RATE": "7",
                                  "MARHABA_OUTBOX_LEASE_SECONDS": "45"})
    async with SQLiteStore(tmp_path / "r.db") as store:
        engine = Engine(content=sample_tree, catalogs=catalogs, store=store, senders={"telegram": RecordingSender()},
                        channels=channel_profiles())
        reminders = Reminders(engine, load_events(tmp_path, sample_tree), BroadcastSettings.from_settings(settings))
        drainer = reminders.drainer
        # the limits `marhaba broadcast send` uses (MARHABA_TELEGRAM_RATE was ignored by reminders: #18 point 5)
        assert {c: drainer.channel_limits(c) for c in ("telegram", "whatsapp")} == broadcast_limits(settings, None)
        assert drainer.channel_limits("telegram") == ChannelLimits(2.0, 1.0)
        assert drainer.channel_limits("whatsapp") == ChannelLimits(7.0, 0.0)
        assert drainer.pacer("telegram").interval == Pacer(2.0).interval
        assert drainer.lease_seconds == 45
