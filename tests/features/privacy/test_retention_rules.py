"""Every table that holds message text or platform ids has a retention rule, and each rule deletes on time.

The clock is injected (``purge(..., now=...)``): each rule is run just before and just after its limit.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.app import FEATURES
from bot.channels.whatsapp._store import WhatsAppStore
from bot.features.broadcast._outbox import outbox_of
from bot.features.privacy import purge, rules_of
from bot.features.privacy._retention import DAY_SECONDS
from bot.features.questions import questions_of
from bot.settings import Settings
from bot.store import Inbox, SQLiteStore
from tests.conftest import PROJECT
from tests.store import data

RULES = rules_of(FEATURES)

PERSONAL_COLUMNS = {"channel_user_id", "message_id", "question", "question_key", "texts", "text", "body",
                    "pending", "wa_id", "chat_id"}
"""Column names that hold what someone wrote or a platform's id for them."""
PHONE = "905321234567"


def settings() -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": ""})


async def test_every_table_with_text_or_platform_ids_has_a_retention_rule(store: SQLiteStore) -> None:
    covered = {table.partition(".")[0] for rule in RULES.values() for table in rule.tables}
    uncovered = []
    for table in await data.tables(store):
        columns = set(await data.columns(store, table))
        if (columns & PERSONAL_COLUMNS or await data.refers_to_users(store, table)) and table not in covered:
            uncovered.append(table)
    assert uncovered == []


def test_marhaba_privacy_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["privacy"]) == 0
    out = capsys.readouterr().out
    for rule in RULES.values():
        assert rule.describe(settings()) in out
    assert "unsent questions: 1 day (fixed)" in out
    assert "whatsapp message ids: 7 days (fixed)" in out
    assert "inactive users: 365 days (MARHABA_RETENTION_DAYS)" in out


def test_the_readme_lists_every_rule() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    privacy = readme[readme.index("## Privacy"):]
    for rule in RULES.values():
        assert f"| {rule.name} |" in privacy, rule.name


Setup = Callable[[SQLiteStore, int, float], Awaitable[None]]
Count = str


async def _unanswered(store: SQLiteStore, user: int, at: float) -> None:
    await questions_of(store).record_unanswered(user, "where can I sleep tonight", "en", now=at)


async def _ticket(store: SQLiteStore, user: int, at: float) -> None:
    await questions_of(store).create_ticket(user, "en", "my landlord keeps my passport", status="open", now=at)


async def _offer(store: SQLiteStore, user: int, at: float) -> None:
    await store.set_pending(user, "q:offer:en:my landlord keeps my passport")


async def _inbound(store: SQLiteStore, user: int, at: float) -> None:
    assert await WhatsAppStore(store).claim_message("wamid.r1", user, at, now=at)


async def _status(store: SQLiteStore, user: int, at: float) -> None:
    await WhatsAppStore(store).record_sent("wamid.s1", PHONE, now=at)


async def _broadcast(store: SQLiteStore, user: int, at: float) -> None:
    outbox = outbox_of(store)
    await outbox.subscribe(user, "jobs")
    broadcast = await outbox.create(kind="staff", topics=["jobs"], texts={"en": "Job fair on Sunday"})
    await data.update(store, "outbox", {"state": "sent"})
    await data.update(store, "broadcasts", {"finished_at": at}, where={"id": broadcast})


async def _webhook_update(store: SQLiteStore, user: int, at: float) -> None:
    inbox = Inbox(store, "telegram")
    assert await inbox.accept("6101", '{"update_id": 6101}', now=at)
    await inbox.done("6101", now=at)


async def _page_message(store: SQLiteStore, user: int, at: float) -> None:
    from bot.features.feedback._store import PageFeedback
    await PageFeedback(store).shown("whatsapp", PHONE, [("wamid.p1", "health", "en")], now=at)


async def _nothing(store: SQLiteStore, user: int, at: float) -> None:
    return None


def counting(*tables: str, **where: object) -> Callable[[SQLiteStore], Awaitable[int]]:
    async def count(store: SQLiteStore) -> int:
        return sum([await data.count(store, table, where) for table in tables])
    return count


CASES: dict[str, tuple[Setup, Callable[[SQLiteStore], Awaitable[int]], float]] = {
    # rule: (what to store at time T, counting it, the rule's limit in days)
    "inactive users": (_nothing, counting("users"), 365),
    "handled webhook ids": (_webhook_update, counting("inbox"), 7),
    "unanswered questions": (_unanswered, counting("unanswered_questions"), 30),
    "tickets": (_ticket, counting("question_tickets"), 30),
    "unsent questions": (_offer, counting("users", pending=data.NOT_NULL), 1),
    "whatsapp message ids": (_inbound, counting("whatsapp_inbound"), 7),
    "whatsapp delivery statuses": (_status, counting("whatsapp_statuses"), 30),
    "pages of sent messages (for reactions)": (_page_message, counting("page_messages"), 3),
    "broadcasts": (_broadcast, counting("broadcasts", "outbox"), 30),
}


def test_every_rule_is_tested_here() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("name", CASES)
async def test_each_rule_deletes_just_after_its_limit_not_before(tmp_path: Path, name: str) -> None:
    setup, count, days = CASES[name]
    assert RULES[name].max_age_seconds(settings()) == days * DAY_SECONDS
    async with SQLiteStore(tmp_path / "r.db") as store:
        user = await store.get_or_create_user("whatsapp", PHONE)
        at = time.time()
        await data.update(store, "users", {"last_seen": at}, where={"id": user.id})
        await setup(store, user.id, at)
        before = await count(store)
        assert before >= 1
        done = await purge(store, settings(), now=at + days * DAY_SECONDS - 60, rules=RULES)
        assert done[name] == 0
        assert await count(store) == before
        done = await purge(store, settings(), now=at + days * DAY_SECONDS + 60, rules=RULES)
        assert done[name] >= 1
        assert await count(store) == 0
