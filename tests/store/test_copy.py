"""``marhaba db copy --from sqlite:///path --to postgresql://…``: a real SQLite deployment moved into the test
PostgreSQL without losing a row, verified by counts, and read back through the repositories."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from bot.channels.webchat._repository import WEBCHAT
from bot.channels.whatsapp._repository import WHATSAPP
from bot.features.broadcast._repository import BROADCASTS, OutboxState
from bot.features.feedback._repository import FEEDBACK
from bot.features.questions._repository import QUESTIONS
from bot.features.safety._repository import SAFETY
from bot.features.usage._repository import USAGE
from bot.store import INBOX, LEASES, RATE_CAPS
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SQLiteStore
from tests.store import data
from tests.store.test_postgres import marhaba


async def a_deployment(path: Path) -> dict[str, int]:
    """A SQLite file with rows in every table, someone forgotten, and its row counts."""
    now = time.time()
    async with SQLiteStore(path) as store:
        broadcasts, questions = store.repository(BROADCASTS), store.repository(QUESTIONS)
        people = [await store.get_or_create_user(channel, f"{channel}-{i}")
                  for i in range(30) for channel in ("telegram", "whatsapp")]
        for user in people:
            await store.set_locale(user.id, "ar" if user.id % 2 else "uk")
            await store.record_visit(user.id, "health")
            await store.set_step(user.id, "register", True)
            await broadcasts.subscribe(user.id, "events")
            await questions.record_unanswered(user.id, f"where is office {user.id % 5}", "ar", now=now)
        await store.set_active("telegram", "telegram-3", False)
        wa = store.repository(WHATSAPP)
        await wa.claim_message("wamid.1", people[1].id, now, now)
        await wa.record_sent("whatsapp", "wamid.out", people[1].channel_user_id, now)
        broadcast = await broadcasts.create(kind="staff", topics=["events"], texts={"ar": "مرحبا", "uk": "Привіт"})
        assert broadcast is not None
        rows = await broadcasts.claim(broadcast, ["telegram"], 5, token="t")
        await broadcasts.mark(rows[0].id, OutboxState.SENT)
        ticket = await questions.create_ticket(people[0].id, "ar", "my own words", status="open")
        await questions.create_ticket(people[2].id, "uk", "another", status="open")
        await store.forget(people[0].id)  # its ticket closes as forgotten; its id is never given out again
        assert await questions.closed_reason(ticket) == "forgotten"
        await questions.create_ticket(people[-1].id, "uk", "the last one", status="open")
        await store.forget(people[-1].id)  # the highest user id and ticket number: gone, and never reused
        feedback = store.repository(FEEDBACK)
        await feedback.shown([("k1", "health", "ar")], now)
        await feedback.react("k1", await feedback.page("k1", now - 1), 1)  # type: ignore[arg-type]
        await store.repository(USAGE).record_question("2026-11-30", "ar", True)
        await store.repository(USAGE).record_handoff("health")
        await data.insert(store, "settings", {"name": "pseudonym_key", "value": "an older version's key"})
        await store.repository(SAFETY).count("self-harm", "ar")
        await store.repository(INBOX).accept("telegram", "77", "{}", now)
        await store.repository(LEASES).acquire("send:telegram", "t", now + 30, now)
        await store.repository(RATE_CAPS).take("telegram", 1, 26.1, 3.0, 0.0, now)
        await store.repository(WEBCHAT).add(people[2].id, [json.dumps({"text": "a reply kept for the chat page"})], now)
    counts = {}
    for table in data.file_dump(path):
        if table not in ("schema_migrations", "sqlite_sequence"):
            counts[table] = data.file_count(path, table)
    return counts


def test_a_sqlite_deployment_is_copied_into_postgresql_row_for_row(tmp_path: Path, postgres_url: str) -> None:
    path = tmp_path / "marhaba.db"
    counts = asyncio.run(a_deployment(path))
    assert counts["users"] == 58 and counts["closed_tickets"] == 2, counts
    assert all(counts.values()), f"every table holds rows: {counts}"
    states: dict[str, int] = {}
    for (state,) in data.file_rows(path, "outbox", "state"):
        states[state] = states.get(state, 0) + 1

    result = marhaba("db", "copy", "--from", f"sqlite://{path}", "--to", postgres_url)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert {line.split(":")[0]: int(line.split()[1]) for line in lines[:-1]} == counts
    assert lines[-1].startswith(f"copied {sum(counts.values())} rows of {len(counts)} tables from SQLite {path}")
    assert lines[-1].endswith("every table's count matches.")

    async def read_back() -> None:
        async with PostgresStore(postgres_url) as store:
            user = await store.get_user("whatsapp", "whatsapp-0")
            assert user is not None and user.locale in ("ar", "uk") and user.current_node == "health"
            assert await store.steps_done(user.id) == {"register"} and await store.visited(user.id) == {"health"}
            blocked = await store.get_user("telegram", "telegram-3")
            assert blocked is not None and blocked.active is False
            broadcasts = store.repository(BROADCASTS)
            (copied,) = await broadcasts.recent()
            assert copied.texts == {"ar": "مرحبا", "uk": "Привіт"} and copied.ready
            assert (await broadcasts.counts(copied.id)).states == states and states.get("sending")
            assert await store.repository(QUESTIONS).closed_reason(1) == "forgotten"
            assert [u.count for u in await store.repository(QUESTIONS).unanswered()] == [12, 12, 12, 11, 11]
            assert await store.repository(SAFETY).counts() == {"self-harm": {"ar": 1}}
            assert [(p.node_id, p.positive) for p in await store.repository(FEEDBACK).scores()] == [("health", 1)]
            newcomer = await store.get_or_create_user("telegram", "someone new")
            assert newcomer.id > 60, "ids continue after the highest the SQLite file ever gave out"
            assert await store.repository(QUESTIONS).create_ticket(newcomer.id, "ar", "q") > 3

    asyncio.run(read_back())


def test_a_copy_into_a_database_that_holds_rows_is_refused_and_changes_nothing(
        tmp_path: Path, postgres_url: str) -> None:
    path = tmp_path / "marhaba.db"
    asyncio.run(a_deployment(path))
    assert marhaba("db", "copy", "--from", str(path), "--to", postgres_url).returncode == 0
    again = marhaba("db", "copy", "--from", str(path), "--to", postgres_url)
    assert again.returncode != 0 and again.stdout == ""
    assert again.stderr.startswith("marhaba: PostgreSQL 127.0.0.1:") and "is not empty" in again.stderr

    async def users() -> int:
        async with PostgresStore(postgres_url) as store:
            return int(await store.fetchval("SELECT COUNT(*) FROM users"))

    assert asyncio.run(users()) == 58


def test_a_wrong_source_or_target_is_one_clear_line(tmp_path: Path, postgres_url: str) -> None:
    missing = marhaba("db", "copy", "--from", f"sqlite://{tmp_path}/none.db", "--to", postgres_url)
    assert missing.returncode == 2 and missing.stderr.startswith("marhaba: --from must be an existing SQLite file")
    path = tmp_path / "marhaba.db"
    asyncio.run(a_deployment(path))
    wrong = marhaba("db", "copy", "--from", str(path), "--to", str(tmp_path / "other.db"))
    assert wrong.returncode == 2 and wrong.stderr.startswith("marhaba: --to must be a PostgreSQL URL")
