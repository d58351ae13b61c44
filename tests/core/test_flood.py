"""Flood control: a flooding user gets one notice, then silence; others are served at once."""

from __future__ import annotations

import asyncio
from dataclasses import astuple

import pytest

from bot.content import ROOT_ID
from bot.core import Engine, FloodControl, FloodLimits, Incoming, Router, Turn, Verdict
from bot.core._engine import FLOOD_NOTICE
from bot.errors import ConfigError
from bot.settings import Settings
from tests.conftest import Chat


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_one_notice_then_silence_until_the_cooldown_ends() -> None:
    clock = Clock()
    flood = FloodControl(FloodLimits(rate_per_minute=60, burst=3, cooldown_seconds=30), clock)
    key = ("test", "u1")
    assert [flood.check(key) for _ in range(6)] == [Verdict.ALLOW] * 3 + [Verdict.NOTICE] + [Verdict.DROP] * 2
    clock.now += 29
    assert flood.check(key) is Verdict.DROP
    clock.now += 2
    assert [flood.check(key) for _ in range(3)] == [Verdict.ALLOW] * 3  # refilled during the cool-down
    assert flood.check(("test", "u2")) is Verdict.ALLOW  # buckets are per user


def test_a_steady_reader_is_never_limited() -> None:
    clock = Clock()
    flood = FloodControl(FloodLimits(rate_per_minute=30, burst=8, cooldown_seconds=60), clock)
    for _ in range(500):  # a press every two seconds for a quarter of an hour
        assert flood.check(("test", "reader")) is Verdict.ALLOW
        clock.now += 2


def test_limits_come_from_the_environment_and_bad_values_are_clear_errors() -> None:
    flood = Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_FLOOD_RATE": "12",
                               "MARHABA_FLOOD_BURST": "4", "MARHABA_FLOOD_COOLDOWN": "90"}).flood
    assert FloodLimits(*astuple(flood)) == FloodLimits(12, 4, 90)
    assert FloodLimits(*astuple(Settings.from_env({"MARHABA_ENV_FILE": ""}).flood)) == FloodLimits()
    for name, value in (("MARHABA_FLOOD_RATE", "fast"), ("MARHABA_FLOOD_BURST", "0"),
                        ("MARHABA_FLOOD_COOLDOWN", "-1"), ("MARHABA_FLOOD_RATE", "nan")):
        with pytest.raises(ConfigError, match=f"{name} must be a number of at least .*, not '{value}'"):
            Settings.from_env({"MARHABA_ENV_FILE": "", name: value})


async def test_300_message_flood_does_not_hold_up_another_user(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # The defaults `marhaba run` uses, on a clock that stands still: no token refills while the test runs.
    engine.flood = FloodControl(FloodLimits(), lambda: 1000.0)
    other = Chat(engine, user_id="other")
    await other("/start")
    await other.press("English")
    flooder = Chat(engine, user_id="flooder")
    await flooder("/start")
    await flooder.press("English")

    # The flooder's turns are held inside the turn until the gate opens: if another user's
    # turn had to wait for any of them, it could never finish.
    gate = asyncio.Event()
    read_user = engine.store.get_or_create_user

    async def held(channel: str, user_id: str):  # type: ignore[no-untyped-def]
        if user_id == "flooder":
            await gate.wait()
        return await read_user(channel, user_id)

    monkeypatch.setattr(engine.store, "get_or_create_user", held)
    flood = [asyncio.create_task(engine.handle(Incoming("test", "flooder", text=f"spam {i}")))
             for i in range(300)]
    await asyncio.sleep(0)  # every flood task has run up to the gate or been turned away
    reply = await asyncio.wait_for(engine.handle(Incoming("test", "other", payload="cmd:menu")), 60)
    assert reply and reply[0].node_id == ROOT_ID
    held_up = [task for task in flood if not task.done()]
    # The burst (the flooder's /start and tap took no typing token), plus the one notice reading its language;
    # the rest were turned away without a lock.
    assert 0 < len(held_up) <= FloodLimits().burst + 1
    gate.set()
    replies = await asyncio.gather(*flood)

    answered = [r for r in replies if r]
    notices = [r for r in answered if r[0].text == FLOOD_NOTICE]
    assert len(notices) == 1
    assert len(answered) <= FloodLimits().burst + 1  # a handful of answers, then the notice
    assert all(r == [] for r in replies[len(answered) + 5:])


async def test_flood_notice_is_in_the_users_language(engine: Engine) -> None:
    engine.flood = FloodControl(FloodLimits(rate_per_minute=1, burst=2, cooldown_seconds=60))
    chat = Chat(engine, user_id="fa-user")
    await chat("/start")
    await chat.press("فارسی")  # taps and /commands are counted apart from typing
    await chat("clinic")
    await chat("clinic")
    last = await chat("clinic?")
    assert last[0].locale == "fa" and last[0].rtl
    assert last[0].text == engine.catalogs.get("fa").gettext(FLOOD_NOTICE)
    assert last[0].keep_menu, "the notice is a new message, never an edit of the pressed menu"
    assert await chat("again") == []


async def test_a_fast_reader_tapping_menus_and_commands_once_a_second_is_never_silenced(engine: Engine) -> None:
    clock = Clock()
    engine.flood = FloodControl(FloodLimits(), clock)  # the defaults `marhaba run` uses
    chat = Chat(engine, user_id="reader")
    await chat("/start")
    await chat.payload("lang:en")
    for n in range(60):  # a minute of one tap or command a second (issue #17: 18 of these silenced a user)
        clock.now += 1
        out = await (chat.payload("n:health") if n % 2 else chat("/menu"))
        assert out and out[0].text != FLOOD_NOTICE


def test_taps_and_typing_have_separate_buckets() -> None:
    clock = Clock()
    flood = FloodControl(FloodLimits(rate_per_minute=60, burst=2, cooldown_seconds=30), clock)
    key = ("test", "u1")
    assert [flood.check(key, tap=True) for _ in range(6)] == [Verdict.ALLOW] * 6  # 3x the typing burst
    assert [flood.check(key) for _ in range(3)] == [Verdict.ALLOW] * 2 + [Verdict.NOTICE]
    assert flood.check(key, tap=True) is Verdict.DROP  # the cool-down silences both
    assert flood.essential(key) and flood.urgent(key) and not flood.urgent(key)


async def test_what_a_feature_marks_essential_is_answered_in_a_cooldown_and_nothing_else(engine: Engine) -> None:
    # The engine names no command: a feature's router says which of its commands and buttons get through.
    router = Router("exit")

    async def leave(turn: Turn) -> list:
        return [engine.text_reply(turn, "left", ())]

    router.add_command("leave", leave, "Leave", essential=True)
    router.add_command("stay", leave, "Stay")
    router.add_payload("bye", leave, essential=True)
    engine.router.include(router)
    engine.flood = FloodControl(FloodLimits(rate_per_minute=1, burst=2, cooldown_seconds=60), lambda: 1000.0)
    chat = Chat(engine, user_id="fast")
    await chat("/start")
    await chat.press("English")
    for i in range(4):  # the burst, the notice, then silence
        await chat(f"spam {i}")
    assert await engine.handle(Incoming("test", "fast", text="/stay")) == []
    assert await engine.handle(Incoming("test", "fast", payload="cmd:stay")) == []
    assert (await engine.handle(Incoming("test", "fast", text="/leave")))[0].text == "left"
    assert (await engine.handle(Incoming("test", "fast", payload="cmd:leave")))[0].text == "left"
    assert (await engine.handle(Incoming("test", "fast", payload="bye:now")))[0].text == "left"
    assert (await engine.handle(Incoming("test", "fast", text="/start")))  # navigation marks /start essential
