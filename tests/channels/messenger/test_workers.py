"""Several ``marhaba run messenger`` workers on one PostgreSQL database, as behind a load balancer.

The same load as WhatsApp's (tests/channels/whatsapp/test_workers.py, harness tests/channels/_workers.py):
real subprocesses, the fake Graph API, signed webhooks, each message of a person to another worker than the
one before; every answer in order, once, in the language chosen and from the page shown on other workers.
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
from tests.channels.messenger.conftest import quick_reply_webhook, text_webhook
from tests.channels.messenger.fake_graph import FakeGraph
from tests.channels.messenger.test_run import post, run_env

USERS = 300
"""Fewer than WhatsApp's 500: each worker also looks up every new person's locale in the profile API."""


def psid(user: int) -> str:
    return f"71{user:014d}"


def message(person: str, text: str, mid: str) -> dict[str, Any]:
    return quick_reply_webhook(person, text, mid) if ":" in text else text_webhook(person, text, mid)


def platform(fake: FakeGraph) -> Platform:
    return Platform("messenger", lambda tmp_path: run_env(fake, tmp_path), post, psid, message,
                    lambda sent: sent["recipient"]["id"], lambda sent: sent["message"])


async def test_two_workers_on_one_database_answer_every_person_in_order_and_once(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    await two_workers_answer_everyone(platform(fake_graph), fake_graph, tmp_path, postgres_url, USERS)


async def test_three_workers_one_killed_in_the_middle_answer_every_acknowledged_message(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    await three_workers_one_killed(platform(fake_graph), fake_graph, tmp_path, postgres_url, USERS)


async def test_more_languages_pressed_on_another_worker_shows_the_second_page(
        fake_graph: FakeGraph, tmp_path: Path, postgres_url: str) -> None:
    def choices(sent: dict[str, Any]) -> list[str]:
        return [reply["payload"] for reply in sent["message"]["quick_replies"]]

    await more_pressed_on_another_worker(platform(fake_graph), fake_graph, tmp_path, postgres_url, choices, 13)
