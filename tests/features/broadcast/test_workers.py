"""Reminders with several ``marhaba run`` workers on one PostgreSQL database: sent once, taken over when the
worker sending them dies."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.features.broadcast import outbox_of
from bot.store.postgres import PostgresStore
from tests.channels.telegram.fake_botapi import FakeBotAPI
from tests.conftest import SAMPLE_CONTENT
from tests.features.broadcast.conftest import add_subscribers
from tests.workers import Worker, wait_until, worker_env

SUBSCRIBERS = [str(810_000 + i) for i in range(6)]
JOB_TAKEN = "lease job:reminders taken"


def content_with_an_event_soon(folder: Path) -> Path:
    """The sample content with one event two hours from now: its reminder is due at once."""
    content = folder / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    start = datetime.now(UTC) + timedelta(hours=2)
    (content / "events.yaml").write_text(f"""\
timezone: UTC
topics: [jobs]
events:
  - id: job-fair
    title: Job fair
    start: {start:%Y-%m-%d %H:%M}
    end: {start + timedelta(hours=1):%Y-%m-%d %H:%M}
    location: cc-old-town
    topics: [jobs]
""", encoding="utf-8")
    return content


async def subscribe(url: str) -> None:
    async with PostgresStore(url) as store:
        await add_subscribers(store, outbox_of(store), "telegram", SUBSCRIBERS, "jobs")  # type: ignore[arg-type]


async def another_reminder(url: str) -> None:
    """A reminder created while the worker running the reminders is dead: only a take-over sends it."""
    async with PostgresStore(url) as store:
        created = await outbox_of(store).create(kind="reminder", topics=["jobs"], texts={"*": "Second reminder"},
                                                purpose="reminder", event_id="job-fair", occurrence="second")
        assert created is not None


async def reminders_finished(url: str) -> bool:
    async with PostgresStore(url) as store:
        return not await outbox_of(store).unfinished("reminder")


def texts_to(api: FakeBotAPI, text: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for call in api.calls_of("sendMessage"):
        if isinstance(call.result, dict) and text in call.params.get("text", ""):
            counts[call.params["chat_id"]] = counts.get(call.params["chat_id"], 0) + 1
    return counts


def test_two_workers_send_a_due_reminder_once_and_the_other_takes_over_when_the_sender_dies(
        postgres_url: str, tmp_path: Path) -> None:
    asyncio.run(subscribe(postgres_url))
    api = FakeBotAPI().start()
    env = worker_env(api, postgres_url, MARHABA_CONTENT=str(content_with_an_event_soon(tmp_path)))
    workers = [Worker(name, env, tmp_path) for name in ("a", "b")]
    try:
        for worker in workers:
            worker.wait_for_log("channel telegram started")
        everyone = {int(c): 1 for c in SUBSCRIBERS}
        wait_until(lambda: texts_to(api, "Job fair") == everyone, "the reminder reaching every subscriber")
        # Marked sent too, so that no message is in flight when the worker is killed.
        wait_until(lambda: asyncio.run(reminders_finished(postgres_url)), "the reminder marked sent")
        (holder,) = [w for w in workers if JOB_TAKEN in w.log()]  # one worker runs the job, not both
        (other,) = [w for w in workers if w is not holder]

        holder.kill()
        asyncio.run(another_reminder(postgres_url))
        other.wait_for_log(JOB_TAKEN)  # its lease ran out: the other worker took the job over
        wait_until(lambda: texts_to(api, "Second reminder") == everyone, "the second reminder after the take-over")
        assert texts_to(api, "Job fair") == everyone  # the new holder did not send the first one again
        log = other.stop()
    finally:
        for worker in workers:
            worker.stop()
        api.stop()
    assert "Traceback" not in log and other.proc.returncode == 0, log
