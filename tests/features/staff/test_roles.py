"""Staff-only commands answer everyone else exactly as an unknown command would."""

from __future__ import annotations

import pytest

from bot.core import Engine
from tests.conftest import Chat
from tests.features.staff.conftest import STAFF


async def fresh(engine: Engine, user: str, channel: str = "test") -> Chat:
    chat = Chat(engine, user_id=user, channel=channel)
    await chat("/start")
    await chat.payload("lang:ar")
    return chat


@pytest.mark.parametrize("command", ["reload", "stats"])
async def test_staff_commands_look_unknown_to_everyone_else(staff_engine: Engine, command: str) -> None:
    user = await fresh(staff_engine, "someone")
    unknown = await user("/nosuchcommand")
    assert await user(f"/{command}") == unknown
    assert await user(f"/{command.upper()} now") == unknown
    stale = await user.payload("cmd:nosuchcommand")
    assert await user.payload(f"cmd:{command}") == stale
    # The same user id on another channel is not staff either.
    other = await fresh(staff_engine, STAFF[1], channel="telegram")
    assert await other(f"/{command}") == await other("/nosuchcommand")


async def test_staff_commands_work_for_staff_and_stay_out_of_help(staff_engine: Engine) -> None:
    boss = await fresh(staff_engine, STAFF[1], STAFF[0])
    unknown = await boss("/nosuchcommand")
    assert await boss("/stats") != unknown
    assert await boss.payload("cmd:reload") != unknown
    await boss("/help")
    assert "/reload" not in boss.text and "/stats" not in boss.text
