"""Several ``marhaba run whatsapp`` workers on one PostgreSQL database, as behind a load balancer.

Real subprocesses, a real PostgreSQL (the session's throwaway server), the fake Graph API, signed
webhooks. Users each send a scripted conversation, and each message goes to another worker than the
one before (round-robin over all messages), right after the previous one was acknowledged, before it
is answered: whichever worker answers must answer in order, once, in the language the person chose
on another worker and from the page another worker showed. The harness: tests/channels/_workers.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.channels._workers import (
    Platform,
    more_pressed_on_another_worker,
    three_workers_one_killed,
    two_workers_answer_everyone,
)
from tests.channels.whatsapp.conftest import reply_webhook, text_webhook
from tests.channels.whatsapp.fake_graph import FakeGraph
from tests.channels.whatsapp.test_run import post, run_env

USERS = 500


def wa_id(user: int) -> str:
    return f"1555{user:07d}"  # a North American number: English is the hint, whatever the choice


def message(person: str, text: str, message_id: str) -> dict[str, Any]:
    if ":" in text:
        return reply_webhook(person, text, f"wamid.{message_id}")
    return text_webhook(person, text, f"wamid.{message_id}")


def platform(fake: FakeGraph) -> Platform:
    return Platform("whatsapp", lambda tmp_path: run_env(fake, tmp_path), post, wa_id, message,
                    lambda sent: sent["to"], lambda sent: {k: v for k, v in sent.items() if k not in ("id", "to")})


async def test_two_workers_on_one_database_answer_every_user_in_order_and_once(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    await two_workers_answer_everyone(platform(fake_graph), fake_graph, tmp_path, postgres_url, USERS)


async def test_three_workers_one_killed_in_the_middle_answer_every_acknowledged_message(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    await three_workers_one_killed(platform(fake_graph), fake_graph, tmp_path, postgres_url, USERS)


async def test_more_languages_pressed_on_another_worker_shows_the_second_page(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    def choices(sent: dict[str, Any]) -> list[str]:
        return [row["id"] for row in sent["interactive"]["action"]["sections"][0]["rows"]]

    await more_pressed_on_another_worker(platform(fake_graph), fake_graph, tmp_path, postgres_url, choices, 10)
