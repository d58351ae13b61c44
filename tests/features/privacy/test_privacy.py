"""Privacy: logs hold no message text, names or phone numbers; /forget leaves no row; pseudonyms are keyed."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import pytest

from bot.channels import quiet_loggers
from bot.channels.whatsapp import WhatsAppSender
from bot.core import Engine, Incoming, Turn
from bot.features.privacy import install_key
from bot.logs import protect_logging, pseudonym, safe_traceback
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.channels.telegram.conftest import Harness
from tests.channels.whatsapp.conftest import (
    APP_SECRET,
    VERIFY_TOKEN,
    WhatsAppHarness,
    reply_webhook,
    text_webhook,
)
from tests.channels.whatsapp.fake_graph import TOKEN, FakeGraph
from tests.hardening.conftest import marhaba_whatsapp, post_signed
from tests.store import data

PHONE = "905321234567"
NAME = "Zeynep Kaya"
SECRET_TEXT = "my address is Lindenstrasse 17, flat 4, asylum case 2024-XK-77"


def rows_about(db_path: Path, values: set[object]) -> dict[str, list[tuple]]:
    """Every row, in every table of the database, holding one of ``values`` in any column."""
    found: dict[str, list[tuple]] = {}
    for table, (_columns, rows) in data.file_dump(db_path).items():
        for row in rows:
            if any(cell in values or (isinstance(cell, str) and any(
                    isinstance(v, str) and v in cell for v in values)) for cell in row):
                found.setdefault(table, []).append(row)
    return found


def user_refs(db_path: Path, user_id: int) -> dict[str, int]:
    """Rows per table whose column referencing ``users(id)`` is ``user_id``."""
    return data.file_user_rows(db_path, user_id)


async def test_whatsapp_session_logs_no_phone_number_name_or_text_and_forget_leaves_no_row(
        wa: WhatsAppHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    protect_logging(quiet_loggers())  # as `marhaba run` does
    first = text_webhook(PHONE, SECRET_TEXT, "wamid.p1")
    first["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = NAME
    await wa.post(first)
    await wa.post(reply_webhook(PHONE, "lang:tr", "wamid.p2"))
    await wa.post(reply_webhook(PHONE, "n:health", "wamid.p3"))
    steps = [n for n in wa.tree if n.step]
    await wa.post(reply_webhook(PHONE, f"step:{steps[0].id}", "wamid.p4"))
    await wa.post(text_webhook(PHONE, SECRET_TEXT, "wamid.p5"))
    sender = wa.engine.senders["whatsapp"]
    assert isinstance(sender, WhatsAppSender)
    await sender.send_tracked(PHONE, [wa.engine.text_reply(await _turn(wa.engine), "news")])
    user = await wa.store.get_user("whatsapp", PHONE)
    assert user is not None
    before = user_refs(wa.db_path, user.id)
    assert before["visits"] and before["steps_done"] and before["whatsapp_inbound"] and before["whatsapp_statuses"]

    await wa.post(text_webhook(PHONE, "/forget", "wamid.p6"))
    await wa.post(reply_webhook(PHONE, "forget:yes", "wamid.p7"))

    assert wa.fake.to(PHONE)[-1]["text"]["body"].startswith(
        wa.catalogs.get("tr").gettext("Everything stored about you has been deleted. "
                                      "Send /start if you want to begin again."))
    assert sum(user_refs(wa.db_path, user.id).values()) == 0
    assert rows_about(wa.db_path, {PHONE, NAME, SECRET_TEXT}) == {}
    for value in (PHONE, NAME, SECRET_TEXT, "Lindenstrasse"):
        assert value not in caplog.text
    assert pseudonym("whatsapp", PHONE) in caplog.text  # the deletion is logged, under a pseudonym


async def _turn(engine: Engine) -> Turn:
    user = await engine.store.get_user("whatsapp", PHONE)
    assert user is not None
    return Turn(engine, Incoming("whatsapp", PHONE), user, engine.catalogs.get("tr"))


async def test_telegram_session_logs_no_text_or_name_and_forget_leaves_no_row(
        telegram: Harness, engine: Engine, db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    protect_logging(quiet_loggers())  # as `marhaba run` does
    user = telegram.user(55501234, "tr")
    await user.send("/start")
    await user.press("English")
    await user.send(SECRET_TEXT)
    await user.press("Health")
    stored = await engine.store.get_user("telegram", "55501234")
    assert stored is not None and user_refs(db_path, stored.id)["visits"]
    await user.send("/forget")
    await user.press("Yes")
    assert "deleted" in user.texts[-1]
    assert sum(user_refs(db_path, stored.id).values()) == 0
    assert rows_about(db_path, {"55501234", SECRET_TEXT}) == {}
    for value in ("55501234", SECRET_TEXT, "Lindenstrasse"):
        assert value not in caplog.text


async def test_a_failing_turn_is_logged_without_the_message_or_the_user_id(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(turn: Turn) -> list:
        raise KeyError(turn.args)  # an exception whose message quotes the user

    engine.add_text_handler(broken)
    await engine.handle(Incoming("test", PHONE, payload="lang:en"))
    with caplog.at_level(logging.INFO):
        replies = await engine.handle(Incoming("test", PHONE, text=SECRET_TEXT))
    assert "Sorry, something went wrong" in replies[0].text
    assert "turn failed" in caplog.text and "KeyError" in caplog.text and "broken" in caplog.text
    assert SECRET_TEXT not in caplog.text and "Lindenstrasse" not in caplog.text and PHONE not in caplog.text
    assert pseudonym("test", PHONE) in caplog.text


def test_safe_traceback_names_the_place_but_not_the_message() -> None:
    try:
        raise ValueError(SECRET_TEXT)
    except ValueError as exc:
        text = safe_traceback(exc)
    assert "ValueError" in text and "test_safe_traceback" in text and SECRET_TEXT not in text


async def test_pseudonyms_are_keyed_stable_and_do_not_contain_the_id(tmp_path: Path) -> None:
    env = {"MARHABA_ENV_FILE": ""}
    async with SQLiteStore(tmp_path / "a.db") as store:
        await install_key(store, Settings.from_env(env))  # type: ignore[arg-type]
        first = pseudonym("whatsapp", PHONE)
    async with SQLiteStore(tmp_path / "a.db") as store:
        await install_key(store, Settings.from_env(env))  # type: ignore[arg-type]
        assert pseudonym("whatsapp", PHONE) == first  # the generated key is kept (in a.db.key)
        assert pseudonym("telegram", PHONE) != first
    async with SQLiteStore(tmp_path / "b.db") as store:
        await install_key(store, Settings.from_env(env))  # type: ignore[arg-type]
        assert pseudonym("whatsapp", PHONE) != first  # another database, another key
        await install_key(store, Settings.from_env({**env, "MARHABA_SECRET_KEY": "k" * 32}))  # type: ignore[arg-type]
        keyed = pseudonym("whatsapp", PHONE)
    async with SQLiteStore(tmp_path / "a.db") as store:
        await install_key(store, Settings.from_env({**env, "MARHABA_SECRET_KEY": "k" * 32}))  # type: ignore[arg-type]
        assert pseudonym("whatsapp", PHONE) == keyed  # the configured key wins everywhere
    assert PHONE not in first and first.startswith("u-") and len(first) == 18


async def test_marhaba_run_at_debug_level_logs_no_phone_number_name_text_or_secret(
        fake_graph: FakeGraph, tmp_path: Path) -> None:
    first = text_webhook(PHONE, SECRET_TEXT, "wamid.s1")
    first["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = NAME
    async with marhaba_whatsapp(fake_graph, tmp_path / "run.db", MARHABA_LOG_LEVEL="DEBUG") as (client, proc):
        for body in (first, reply_webhook(PHONE, "lang:tr", "wamid.s2"), text_webhook(PHONE, SECRET_TEXT, "wamid.s3"),
                     text_webhook(PHONE, "/forget", "wamid.s4")):
            before = len(fake_graph.sent)  # counted before posting: the reply may come before the 200
            assert (await post_signed(client, body)).status_code == 200
            await fake_graph.wait_for(before + 1)
        await post_signed(client, reply_webhook(PHONE, "forget:yes", "wamid.s5"))
        await fake_graph.wait_for(5)
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
        assert proc.stderr is not None
        log = (await proc.stderr.read()).decode()
    assert "user data deleted on request (channel=whatsapp user=u-" in log
    assert "Traceback" not in log
    for value in (PHONE, NAME, SECRET_TEXT, "Lindenstrasse", TOKEN, APP_SECRET, VERIFY_TOKEN):
        assert value not in log, value
