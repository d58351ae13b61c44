"""Several real ``marhaba run`` workers on one PostgreSQL database, behind the test's round-robin balancer.

Shared by the multi-worker tests of the webhook channels (WhatsApp, Messenger): each gives a
:class:`Platform` (how to start a worker on its fake API, post a webhook, build a user's message and
read what was sent), and the harness runs users' scripted conversations across the workers, each
message to another worker than the one before, right after the previous one was acknowledged.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.i18n import LOCALES
from bot.store import Inbox
from bot.store.postgres import PostgresStore
from tests.serving import Running, start_run

LANGUAGES = ("en", "ar", "fr", "uk", "fa")
SCRIPT = ("lang:{language}", "n:health", "cmd:back")
"""The main menu in the language chosen, a page, and back to the menu (the language and the page read from
the database, written by other workers): three answers, one message each."""
IN_FLIGHT = 50
"""People writing at once (all workers together), each sending their next message as soon as the last one
was acknowledged."""
API_LATENCY = 0.05
"""Seconds the fake platform API takes to answer a send: a turn is still sending when the person's next
message reaches another worker (the real APIs take longer still)."""


@dataclass(frozen=True)
class Platform:
    """What the harness needs of one channel and its fake API."""

    channel: str
    """The channel's name: ``marhaba run <channel>`` and its inbox rows."""
    env: Callable[[Path], dict[str, str]]
    """The environment of one worker against the fake API (its database URL is added)."""
    post: Callable[[httpx.AsyncClient, dict[str, Any]], Awaitable[httpx.Response]]
    """Posts one signed webhook to a worker."""
    person: Callable[[int], str]
    """User number -> the platform's id of that person."""
    message: Callable[[str, str, str], dict[str, Any]]
    """(person, script step's text or payload, platform message id) -> the webhook."""
    recipient: Callable[[dict[str, Any]], str]
    """Who one message the fake API accepted was sent to."""
    shown: Callable[[dict[str, Any]], dict[str, Any]]
    """What the person sees of one accepted message (without its ids and recipient)."""


class Workers:
    """N workers on one database, a client for each, and the load balancer's way to post a webhook."""

    def __init__(self, platform: Platform, running: list[Running], clients: list[httpx.AsyncClient],
                 fake: Any) -> None:
        self.platform, self.running, self.clients, self.fake = platform, running, clients, fake
        self.dead: set[int] = set()
        self.redelivered = 0

    async def deliver(self, body: dict[str, Any], worker: int) -> None:
        """Post until a live worker answers 200 (the platform delivers again what got no 200; the balancer
        skips the dead)."""
        for attempt in range(len(self.clients) * 20):
            index = (worker + attempt) % len(self.clients)
            if index in self.dead:
                continue
            try:
                response = await self.platform.post(self.clients[index], body)
            except httpx.TransportError:  # killed meanwhile: delivered again, to another worker
                self.redelivered += 1
                continue
            assert response.status_code == 200, response.text
            return
        pytest.fail("no worker acknowledged a webhook")

    async def converse(self, run: str, users: int, *, kill_after: int | None = None) -> None:
        """Every user's script, each message to the next worker round-robin; with ``kill_after``, worker 0 is
        SIGKILLed once that many answers were sent (its posts then fail over to the others)."""
        slots = asyncio.Semaphore(IN_FLIGHT)
        counter = iter(range(users * len(SCRIPT)))

        async def user(number: int) -> None:
            async with slots:  # a person's messages back to back: the next one comes while the last is answered
                for step in range(len(SCRIPT)):
                    text = SCRIPT[step].format(language=LANGUAGES[number % len(LANGUAGES)])
                    body = self.platform.message(self.platform.person(number), text, f"m.{run}.{number}.{step}")
                    await self.deliver(body, next(counter) % len(self.clients))

        async def killer(after: int) -> None:
            await self.fake.until(lambda: len(self.fake.sent) >= after, timeout=120)
            self.dead.add(0)
            self.running[0].proc.send_signal(signal.SIGKILL)
            await self.running[0].proc.wait()

        await asyncio.gather(*(user(n) for n in range(users)), *([killer(kill_after)] if kill_after else []))

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

    async def unanswered(self, url: str) -> int:
        """Inbox rows not handled, across all workers."""
        async with PostgresStore(url) as store:
            return len(await Inbox(store, self.platform.channel).waiting())


async def until_healthy(client: httpx.AsyncClient, proc: asyncio.subprocess.Process) -> None:
    """Wait until the server answers /healthz (it polls while the process starts; fails if it exits)."""
    for _ in range(600):
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.returncode is None, (await proc.stderr.read()).decode()
        await asyncio.sleep(0.05)
    pytest.fail("marhaba run did not start")


@asynccontextmanager
async def workers_on(platform: Platform, url: str, count: int, fake: Any, tmp_path: Path) -> AsyncIterator[Workers]:
    """``count`` workers of ``platform`` on the PostgreSQL database ``url``, the fake API answering slowly."""
    fake.latency = API_LATENCY
    env = {**platform.env(tmp_path), "MARHABA_DATABASE_URL": url, "MARHABA_SECRET_KEY": "k" * 32}
    running = list(await asyncio.gather(*(start_run([platform.channel], env, tmp_path) for _ in range(count))))
    clients = [httpx.AsyncClient(base_url=r.url, timeout=30, limits=httpx.Limits(max_connections=IN_FLIGHT))
               for r in running]
    workers = Workers(platform, running, clients, fake)
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


def check_conversations(platform: Platform, sent: list[dict[str, Any]], users: int) -> int:
    """Every user got the script's answers in order, in their language; returns how many answers were repeated
    at once (a turn in flight in a killed worker, answered again by the one that took it over)."""
    by_user: dict[str, list[str]] = {platform.person(n): [] for n in range(users)}
    for message in sent:
        by_user[platform.recipient(message)].append(
            json.dumps(platform.shown(message), sort_keys=True, ensure_ascii=False))
    repeated = 0
    conversations: dict[str, Counter[tuple[str, ...]]] = {language: Counter() for language in LANGUAGES}
    for number in range(users):
        answers = by_user[platform.person(number)]
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


async def two_workers_answer_everyone(platform: Platform, fake: Any, tmp_path: Path, url: str, users: int) -> None:
    """Two workers, ``users`` people each with the script: every answer in order, once, none missing."""
    async with workers_on(platform, url, 2, fake, tmp_path) as workers:
        await workers.converse("two", users)
        await fake.wait_for(users * len(SCRIPT), timeout=120)
        logs = await workers.stop()  # each worker finishes what it has in hand first
    assert await workers.unanswered(url) == 0
    assert len(fake.sent) == users * len(SCRIPT)  # none twice
    assert check_conversations(platform, fake.sent, users) == 0
    assert fake.rejected == []
    assert not any("Traceback" in log for log in logs)


async def three_workers_one_killed(platform: Platform, fake: Any, tmp_path: Path, url: str, users: int) -> None:
    """Three workers, worker 0 SIGKILLed after a third of the answers: every acknowledged message answered,
    repeated only for the turns in flight in the killed worker (counted)."""
    total = users * len(SCRIPT)
    async with workers_on(platform, url, 3, fake, tmp_path) as workers:
        await workers.converse("three", users, kill_after=total // 3)
        # The killed worker's claims run out and its rows nobody took are swept: the others answer them.
        await fake.wait_for(total, timeout=120)
        logs = await workers.stop()
    assert await workers.unanswered(url) == 0
    repeated = check_conversations(platform, fake.sent, users)  # none missing, each user's answers in order
    # Only turns in flight in the killed worker may have been answered twice: at most one per user lock it held.
    assert repeated <= 16, f"{repeated} answers repeated after the kill"
    assert len(fake.sent) == total + repeated, (
        f"{len(fake.sent)} answers for {total} messages: {repeated} repeated (in flight at the kill), "
        f"{workers.redelivered} webhooks delivered again after it")
    assert fake.rejected == []
    assert not any("Traceback" in log for i, log in enumerate(logs) if i not in workers.dead)


async def more_pressed_on_another_worker(platform: Platform, fake: Any, tmp_path: Path, url: str,
                                         choices: Callable[[dict[str, Any]], list[str]], rows: int) -> None:
    """The language picker's first page shown by worker 0 and its "More languages" pressed on worker 1, which
    never showed it: the page is named in the payload, so worker 1 builds the same list and shows page 2."""
    person = platform.person(7)
    async with workers_on(platform, url, 2, fake, tmp_path) as workers:
        await workers.deliver(platform.message(person, "hello", "m.more.0"), 0)
        await fake.wait_for(1)
        first = choices(fake.sent[0])
        more = first[-1]
        assert len(first) == rows and more.endswith(":p:~l1:1")
        await workers.deliver(platform.message(person, more, "m.more.1"), 1)
        await fake.wait_for(2)
        second = choices(fake.sent[1])
        await workers.stop()
    assert second[:-1] == [f"lang:{code}" for code in LOCALES if f"lang:{code}" not in first]
    assert second[-1] == more.replace(":1", ":0")  # the last page leads back to the first, on any worker
