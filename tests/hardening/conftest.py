"""Hostile-input suites: strategies shared by the engine, channel and terminal tests, and platform fakes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from hypothesis import strategies as st

from bot.channels.whatsapp import signature
from bot.content import ContentTree
from bot.i18n import LOCALES
from tests.channels.telegram.conftest import fake_api, telegram  # noqa: F401
from tests.channels.whatsapp.conftest import APP_SECRET, VERIFY_TOKEN, fake_graph, wa  # noqa: F401
from tests.channels.whatsapp.fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph
from tests.serving import start_run
from tests.store import data

HOSTILE_CHARS = (
    "\x00\x01\x07\x08\x0b\x1b\x7f\x85\u200b\u200c\u200d\u2060\ufeff"  # controls and zero-width
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"  # bidi overrides and isolates
    "\ud800\udfff"  # unpaired surrogates
    "/:\\ \n\t<>&\"'`*_~[]()#|"  # command, payload, HTML and Markdown syntax
    "aZ09ابپ۱۲٣ğşçé中😀\U0001f3f3\ufe0f\u200d\U0001f308"
)
BIG = 100_000

hostile_text = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, exclude_categories=())),  # every code point, surrogates included
    st.text(st.sampled_from(HOSTILE_CHARS), max_size=80),
    st.sampled_from(["", " ", "\n", "/", "/start " + "\u202e" * 5000, "ب" * 5000]),
)
"""Hostile text a platform can carry (WhatsApp and Telegram messages are at most 4096 characters)."""

huge_text = st.sampled_from(["a" * BIG, "ب" * BIG, "\u202e" * BIG, "/" + "x" * BIG, "😀" * (BIG // 2),
                             "\x00" * BIG, "1" * BIG, "\ud800" * BIG])
"""100 kB messages: a terminal line or a forged request can be this long."""

COMMANDS = ("start", "menu", "back", "language", "progress", "help", "forget", "admin", "", "START", "start@bot")
PREFIXES = ("n", "lang", "step", "undo", "cmd", "forget", "p", "wa", "", "unknown", "n:n", "\u202e")


def payloads(tree: ContentTree) -> st.SearchStrategy[str]:
    """Button payloads: real ones, forged ones with real prefixes, and random bytes."""
    ids = sorted(n.id for n in tree)
    return st.one_of(
        st.builds(lambda p, rest: f"{p}:{rest}", st.sampled_from(PREFIXES),
                  st.one_of(st.sampled_from(ids + list(LOCALES) + list(COMMANDS) + ["yes", "no"]), hostile_text)),
        hostile_text,
    )


def integrity(db_path: Path) -> list[str]:
    """The integrity check and foreign keys, from a separate connection: ``[]`` when the file is sound."""
    return data.file_problems(db_path)


def _sane_pending(pending: object) -> bool:
    """A pending state the engine or the questions feature writes (an open "Ask a person" offer holds text)."""
    if pending in (None, "forget", "q:ask"):
        return True
    text = str(pending)
    return (text.startswith("q:offer:") and text.split(":")[2] in LOCALES) or (
        text.startswith("q:sent:") and text.removeprefix("q:sent:").isdigit())


def sane_users(db_path: Path, tree: ContentTree) -> list[tuple]:
    """User rows whose stored state the engine could not have written: ``[]`` when all are sane."""
    bad = []
    for row in data.file_rows(db_path, "users", "id, channel, channel_user_id, locale, current_node, pending"):
        _, channel, user_id, locale, node, pending = row
        if (not channel or not isinstance(user_id, str) or (locale is not None and locale not in LOCALES)
                or (node is not None and node not in tree) or not _sane_pending(pending)):
            bad.append(row)
    return bad


@contextlib.asynccontextmanager
async def marhaba_whatsapp(fake: FakeGraph, db_path: Path, **env: str) -> AsyncIterator[
        tuple[httpx.AsyncClient, asyncio.subprocess.Process]]:
    """``marhaba run whatsapp`` as a real process against the fake Graph API, with an HTTP client for webhooks."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "TELEGRAM_", "MARHABA_"))}
    clean.update({
        "MARHABA_HOST": "127.0.0.1", "MARHABA_DB": str(db_path), "MARHABA_ENV_FILE": "",
        "WHATSAPP_TOKEN": TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "WHATSAPP_API_BASE_URL": fake.url, **env,
    })
    running = await start_run(["whatsapp"], clean, db_path.parent, stdout=asyncio.subprocess.DEVNULL)
    proc = running.proc
    client = httpx.AsyncClient(base_url=running.url, timeout=30)
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/healthz")).status_code == 200:
                    break
            assert proc.returncode is None, await running.log()
            await asyncio.sleep(0.05)
        yield client, proc
    finally:
        await client.aclose()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def post_signed(client: httpx.AsyncClient, body: Any) -> httpx.Response:
    """POST a webhook body signed with the test app secret."""
    raw = json.dumps(body).encode()
    return await client.post("/webhook/whatsapp", content=raw, headers={"X-Hub-Signature-256": signature(raw, APP_SECRET)})
