"""Live reload of a broken catalog: refused with file:line, staff are told, the bot keeps the last good one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core import Engine
from bot.i18n import Catalogs
from tests.conftest import Chat
from tests.features.staff.conftest import STAFF, RecordingSender, reloader_of
from tests.i18n.test_broken_catalogs import broken


@pytest.mark.parametrize("name", ["plural header", "syntax error", "wrong charset", "stray closing brace",
                                  "positional placeholder", "far too long"])
async def test_live_reload_refuses_tells_staff_and_keeps_serving(staff_engine: Engine, project_copy: Path,
                                                                 name: str, caplog: pytest.LogCaptureFixture) -> None:
    boss = Chat(staff_engine, user_id=STAFF[1], channel=STAFF[0])
    await boss("/start")
    await boss.payload("lang:en")
    newcomer = Chat(staff_engine, user_id="amina")
    await newcomer("/start")
    await newcomer.payload("lang:tr")
    before = newcomer.text
    po = project_copy / "locales" / "tr" / "LC_MESSAGES" / "ui.po"
    mo_before = po.with_suffix(".mo").read_bytes()
    catalogs = staff_engine.catalogs
    line, says = broken(po, name)
    reloader = reloader_of(staff_engine)
    with caplog.at_level(logging.WARNING, logger="marhaba.reload"):
        result = await reloader.check()  # type: ignore[attr-defined]
    assert result is not None and not result.ok
    (problem,) = result.problems
    assert problem.path.endswith("tr/LC_MESSAGES/ui.po") and problem.line == line and says in problem.message
    # One line in the log, with file:line; no traceback.
    assert [r.getMessage() for r in caplog.records] == [f"reload refused: {problem}"]
    assert f"ui.po:{line}:1: " in caplog.records[0].getMessage() and caplog.records[0].exc_info is None
    sender = staff_engine.senders["test"]
    assert isinstance(sender, RecordingSender)
    told = [m.text for user, messages in sender.sent if user == STAFF[1] for m in messages]
    assert any(f"ui.po:{line}:1" in text for text in told)
    assert staff_engine.catalogs is catalogs
    assert po.with_suffix(".mo").read_bytes() == mo_before
    await newcomer("/start")
    assert newcomer.text == before, "the running bot keeps the last good catalog"
    Catalogs(project_copy / "locales").get("tr")  # and so does the next start
