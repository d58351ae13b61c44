"""SIGKILL under load: the database stays sound and every turn a user saw answered is stored."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.content import ROOT_ID, load_content
from tests.channels.whatsapp.conftest import reply_webhook
from tests.channels.whatsapp.fake_graph import FakeGraph
from tests.conftest import SAMPLE_CONTENT
from tests.hardening.conftest import integrity, marhaba_whatsapp, post_signed
from tests.store import data

TREE = load_content(SAMPLE_CONTENT).tree
USERS = 40
ROUNDS = 6  # within the default flood burst, so every message is a turn
KILL_AFTER = 90  # acknowledged turns before the kill; about 150 more are in flight or queued


def plan(user: int) -> list[tuple[str, str]]:
    """(payload, node the turn shows) for each message of one user: the language, then topics."""
    topics = [t.id for t in TREE.topics]
    return [("lang:en", ROOT_ID)] + [(f"n:{topics[(user + r) % len(topics)]}", topics[(user + r) % len(topics)])
                                     for r in range(ROUNDS - 1)]


async def test_sigkill_under_load_keeps_every_acknowledged_turn(fake_graph: FakeGraph, tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    wa_ids = [f"90532{user:07d}" for user in range(USERS)]
    async with marhaba_whatsapp(fake_graph, db) as (client, proc):
        async def send_all() -> None:
            for r in range(ROUNDS):
                await asyncio.gather(*(post_signed(client, reply_webhook(wa_id, plan(u)[r][0], f"wamid.c{u}.{r}"))
                                       for u, wa_id in enumerate(wa_ids)), return_exceptions=True)

        sending = asyncio.create_task(send_all())
        await fake_graph.wait_for(KILL_AFTER, timeout=60)
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        await asyncio.gather(sending, return_exceptions=True)
        assert proc.returncode == -signal.SIGKILL

    acknowledged = {wa_id: [m for m in fake_graph.to(wa_id) if m.get("type") == "interactive"] for wa_id in wa_ids}
    total = sum(len(v) for v in acknowledged.values())
    assert KILL_AFTER <= total < USERS * ROUNDS, "the kill came while turns were in flight"

    assert integrity(db) == []
    for u, wa_id in enumerate(wa_ids):
        seen = len(acknowledged[wa_id])  # one menu per turn, in the order the user sent them
        assert seen <= ROUNDS
        if seen == 0:
            continue
        rows = data.file_rows(db, "users", "id, locale, current_node",
                              where={"channel": "whatsapp", "channel_user_id": wa_id})
        assert rows, f"user {u} was answered but is not stored"
        [(user_id, locale, current)] = rows
        assert locale == "en"
        visits = {r[0] for r in data.file_rows(db, "visits", "node_id", where={"user_id": user_id})}
        shown = [node for _, node in plan(u)]
        assert set(shown[:seen]) <= visits, f"user {u}: an acknowledged visit was lost"
        assert current in shown[seen - 1:], f"user {u}: current node went back in time"
