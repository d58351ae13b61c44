"""Several ``marhaba run whatsapp`` workers on one PostgreSQL database, as behind a load balancer.

Real subprocesses, a real PostgreSQL (the session's throwaway server), the fake Graph API, signed
webhooks. Users each send a scripted conversation, and each message goes to another worker than the
one before (round-robin over all messages), right after the previous one was acknowledged, before it
is answered: whichever worker answers must answer in order, once, in the language the person chose
on another worker and from the page another worker showed.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.i18n import LOCALES
from bot.store import Inbox
from bot.store.postgres import PostgresStore
from tests.channels.whatsapp.conftest import reply_webhook, text_webhook
from tests.channels.whatsapp.fake_graph import FakeGraph
from tests.channels.whatsapp.test_run import post, run_env, until_healthy
from tests.serving import Running, start_run

USERS = 500
LANGUAGES = ("en", "ar", "fr", "uk", "fa")
SCRIPT = ("lang:{language}", "n:health", "cmd:back")
"""The main menu in the language chosen, a page, and back to the menu (the language and the page read from
the database, written by other workers): three answers, one message each."""
IN_FLIGHT = 50
"""People writing at once (all workers together), each sending their next message as soon as the last one
was acknowledged."""
GRAPH_LATENCY = 0.05
"""Seconds the fake Graph API takes to answer a send: a turn is still sending when the person's next message
reaches another worker (the real API takes longer still)."""


def wa_id(user: int) -> str:
    return f"1555{user:07d}"  # a North American number: English is the hint, whatever the choice


def webhook(user: int, step: int, run: str) -> dict[str, Any]:
    message = SCRIPT[step].format(language=LANGUAGES[user % len(LANGUAGES)])
    message_id = f"wamid.{run}.{user}.{step}"
    if ":" in message:
        return reply_webhook(wa_id(user), message, message_id)
    return text_webhook(wa_id(user), message, message_id)


def shown(message: dict[str, Any]) -> str:
    """What the person sees of one sent message (without its id and recipient)."""
    return json.dumps({k: v for k, v in message.items() if k not in ("id", "to")}, sort_keys=True,
                      ensure_ascii=False)


class Workers:
    """N workers on one database, a client for each, and the load balancer's way to post a webhook."""

    def __init__(self, running: list[Running], clients: list[httpx.AsyncClient], fake: FakeGraph) -> None:
        self.running, self.clients, self.fake = running, clients, fake
        self.dead: set[int] = set()
        self.redelivered = 0

    async def deliver(self, body: dict[str, Any], worker: int) -> None:
        """Post until a live worker answers 200 (Meta delivers again what got no 200; the balancer skips the dead)."""
        for attempt in range(len(self.clients) * 20):
            index = (worker + attempt) % len(self.clients)
            if index in self.dead:
                continue
            try:
                response = await post(self.clients[index], body)
            except httpx.TransportError:  # killed meanwhile: delivered again, to another worker
                self.redelivered += 1
                continue
            assert response.status_code == 200, response.text
            return
        pytest.fail("no worker acknowledged a webhook")

    async def converse(self, run: str, *, kill_after: int | None = None) -> None:
        """Every user's script, each message to the next worker round-robin; with ``kill_after``, worker 0 is
        SIGKILLed once that many answers were sent (its posts then fail over to the others)."""
        slots = asyncio.Semaphore(IN_FLIGHT)
        counter = iter(range(USERS * len(SCRIPT)))

        async def user(number: int) -> None:
            async with slots:  # a person's messages back to back: the next one comes while the last is answered
                for step in range(len(SCRIPT)):
                    await self.deliver(webhook(number, step, run), next(counter) % len(self.clients))

        async def killer(after: int) -> None:
            await self.fake.until(lambda: len(self.fake.sent) >= after, timeout=120)
            self.dead.add(0)
            self.running[0].proc.send_signal(signal.SIGKILL)
            await self.running[0].proc.wait()

        await asyncio.gather(*(user(n) for n in range(USERS)), *([killer(kill_after)] if kill_after else []))

    async def stop(self) -> list[str]:
        """SIGTERM the live workers; each finishes the turns it has in hand before it exits. Their logs."""
        for client in self.clients:
            await client.aclose()
        for index, r in enumerate(self.running):
            if index not in self.dead and r.proc.returncode is None:
                r.proc.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(r.proc.wait(), 60) for r in self.running]
        logs = [await r.log() for r in self.running]
        assert [c for i, c in enumerate(codes) if i not in self.dead] == [0] * (len(codes) - len(self.dead)), logs
        return logs


@asynccontextmanager
async def workers_on(url: str, count: int, fake: FakeGraph, tmp_path: Path) -> AsyncIterator[Workers]:
    fake.latency = GRAPH_LATENCY
    env = {**run_env(fake, tmp_path), "MARHABA_DATABASE_URL": url, "MARHABA_SECRET_KEY": "k" * 32}
    running = list(await asyncio.gather(*(start_run(["whatsapp"], env, tmp_path) for _ in range(count))))
    clients = [httpx.AsyncClient(base_url=r.url, timeout=30, limits=httpx.Limits(max_connections=IN_FLIGHT))
               for r in running]
    workers = Workers(running, clients, fake)
    try:
        for client, r in zip(clients, running, strict=True):
            await until_healthy(client, r.proc)
        yield workers
    finally:
        for r in running:
            if r.proc.returncode is None:
                r.proc.kill()
                await r.proc.wait()
        for client in clients:
            await client.aclose()


async def unanswered(url: str) -> int:
    """Inbox rows not handled, across all workers."""
    async with PostgresStore(url) as store:
        return len(await Inbox(store, "whatsapp").waiting())


def check_conversations(fake: FakeGraph) -> int:
    """Every user got the script's answers in order, in their language; returns how many answers were repeated
    at once (a turn in flight in a killed worker, answered again by the one that took it over)."""
    by_user: dict[str, list[str]] = {wa_id(n): [] for n in range(USERS)}
    for message in fake.sent:
        by_user[message["to"]].append(shown(message))
    repeated = 0
    conversations: dict[str, Counter[tuple[str, ...]]] = {language: Counter() for language in LANGUAGES}
    for number in range(USERS):
        answers = by_user[wa_id(number)]
        collapsed = [a for i, a in enumerate(answers) if i == 0 or a != answers[i - 1]]
        repeated += len(answers) - len(collapsed)
        assert len(collapsed) == len(SCRIPT), f"user {number}: {len(answers)} answers: {answers}"
        conversations[LANGUAGES[number % len(LANGUAGES)]][tuple(collapsed)] += 1
    menus = set()
    for language, seen in conversations.items():
        # Every user of a language saw the very same conversation, whichever workers answered them.
        assert len(seen) == 1, f"{language}: {len(seen)} different conversations: {seen}"
        menu, page, back = next(iter(seen))
        assert '"n:health"' in menu and page != menu
        assert back == menu  # back from the page another worker showed: the main menu again
        menus.add(menu)
    assert len(menus) == len(LANGUAGES)  # each in the language chosen (read from the database, not a cache)
    return repeated


async def test_two_workers_on_one_database_answer_every_user_in_order_and_once(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    async with workers_on(postgres_url, 2, fake_graph, tmp_path) as workers:
        await workers.converse("two")
        await fake_graph.wait_for(USERS * len(SCRIPT), timeout=120)
        logs = await workers.stop()  # each worker finishes what it has in hand first
    assert await unanswered(postgres_url) == 0
    assert len(fake_graph.sent) == USERS * len(SCRIPT)  # none twice
    assert check_conversations(fake_graph) == 0
    assert fake_graph.rejected == []
    assert not any("Traceback" in log for log in logs)


async def test_three_workers_one_killed_in_the_middle_answer_every_acknowledged_message(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    total = USERS * len(SCRIPT)
    async with workers_on(postgres_url, 3, fake_graph, tmp_path) as workers:
        await workers.converse("three", kill_after=total // 3)
        # The killed worker's claims run out and its rows nobody took are swept: the others answer them.
        await fake_graph.wait_for(total, timeout=120)
        logs = await workers.stop()
    assert await unanswered(postgres_url) == 0
    repeated = check_conversations(fake_graph)  # none missing, each user's answers in order
    # Only turns in flight in the killed worker may have been answered twice: at most one per user lock it held.
    assert repeated <= 16, f"{repeated} answers repeated after the kill"
    assert len(fake_graph.sent) == total + repeated, (
        f"{len(fake_graph.sent)} answers for {total} messages: {repeated} repeated (in flight at the kill), "
        f"{workers.redelivered} webhooks delivered again after it")
    assert fake_graph.rejected == []
    assert not any("Traceback" in log for i, log in enumerate(logs) if i not in workers.dead)


async def test_more_languages_pressed_on_another_worker_shows_the_second_page(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    # The language picker's first page comes from worker 0; its "More languages" row goes to worker 1, which
    # never showed it: the page is named in the row's payload, so worker 1 builds the same list again.
    def rows(message: dict[str, Any]) -> list[str]:
        return [row["id"] for row in message["interactive"]["action"]["sections"][0]["rows"]]

    async with workers_on(postgres_url, 2, fake_graph, tmp_path) as workers:
        await workers.deliver(text_webhook(wa_id(7), "hello", "wamid.more.0"), 0)
        await fake_graph.wait_for(1)
        first = rows(fake_graph.sent[0])
        assert len(first) == 10 and first[-1] == "wa:p:~l1:1"
        await workers.deliver(reply_webhook(wa_id(7), first[-1], "wamid.more.1"), 1)
        await fake_graph.wait_for(2)
        second = rows(fake_graph.sent[1])
        await workers.stop()
    assert second[:-1] == [f"lang:{code}" for code in LOCALES if f"lang:{code}" not in first]
    assert second[-1] == "wa:p:~l1:0"  # back to the first page, on whichever worker
