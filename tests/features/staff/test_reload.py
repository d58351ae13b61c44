"""Live reload under a running engine: good edits go live, broken ones are refused."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.core import Engine
from bot.features.staff import Reloader
from tests.conftest import Chat
from tests.features.staff.conftest import STAFF, RecordingSender, reloader_of


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.fixture
async def watching(staff_engine: Engine) -> AsyncIterator[Reloader]:
    """The live-reload job running, polling fast."""
    reloader = reloader_of(staff_engine)
    assert isinstance(reloader, Reloader)
    reloader.poll_seconds = 0.05
    task = asyncio.create_task(reloader.run())
    yield reloader
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def chat_on(engine: Engine, user: str = "u1", lang: str = "en") -> Chat:
    chat = Chat(engine, user_id=user)
    await chat("/start")
    await chat.payload(f"lang:{lang}")
    return chat


async def test_a_good_edit_goes_live_without_a_restart(staff_engine: Engine, watching: Reloader,
                                                       project_copy: Path) -> None:
    chat = await chat_on(staff_engine)
    assert "Health" in chat.labels[0] or any("Health" in label for label in chat.labels)
    edit(project_copy / "content" / "health.yaml", "title: Health\n", "title: Health and doctors\n")

    async def shows_new_title() -> bool:
        await chat("/menu")
        return any("Health and doctors" in label for label in chat.labels)

    await eventually(shows_new_title)
    assert staff_engine.senders["test"].sent == []  # type: ignore[attr-defined]


async def test_a_broken_edit_is_refused_the_old_content_keeps_serving_and_staff_are_told(
        staff_engine: Engine, watching: Reloader, project_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "marhaba.reload")
    await staff_engine.store.get_or_create_user(*STAFF)
    chat = await chat_on(staff_engine)
    before = staff_engine.content
    edit(project_copy / "content" / "health.yaml", "title: Health\n", "title: Broken health\ntitel: Health\n")
    sender = staff_engine.senders["test"]
    assert isinstance(sender, RecordingSender)

    async def staff_told() -> bool:
        return bool(sender.sent)

    await eventually(staff_told)
    ((user_id, (message,)),) = sender.sent
    assert user_id == STAFF[1]
    assert "health.yaml:3:1: unknown key 'titel' in a node; did you mean 'title'?" in message.text
    assert "not reloaded" in message.text
    assert "health.yaml:3:1" in caplog.text
    assert staff_engine.content is before
    await chat("/menu")
    assert any(label.endswith("Health") for label in chat.labels)
    assert not any("Broken" in label for label in chat.labels)

    # Fixing the file goes live again.
    edit(project_copy / "content" / "health.yaml", "title: Broken health\ntitel: Health\n", "title: Health fixed\n")

    async def fixed() -> bool:
        await chat("/menu")
        return any("Health fixed" in label for label in chat.labels)

    await eventually(fixed)
    assert len(sender.sent) == 1


async def test_a_user_on_a_removed_node_lands_on_the_nearest_surviving_parent(
        staff_engine: Engine, project_copy: Path) -> None:
    chat = await chat_on(staff_engine)
    await chat.payload("n:health-clinic-riverside")
    assert chat.last[-1].node_id == "health-clinic-riverside"
    path = project_copy / "content" / "health.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  - id: health-clinics\n"), text.index("  - id: health-vaccinations\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = await reloader_of(staff_engine).reload()
    assert result.ok, result.problems
    assert "health-clinics" not in staff_engine.content
    await chat("something nobody understands")
    assert chat.last[-1].node_id == "health"
    await chat.payload("n:health-clinic-riverside")  # an old button
    assert chat.last[-1].node_id == "health"


async def test_an_edited_translation_is_compiled_and_served(staff_engine: Engine, watching: Reloader,
                                                            project_copy: Path) -> None:
    chat = await chat_on(staff_engine, lang="ar")
    assert any("الصحة" in label for label in chat.labels)
    po = project_copy / "locales" / "ar" / "LC_MESSAGES" / "content.po"
    edit(po, 'msgctxt "health.title"\nmsgid "Health"\nmsgstr "الصحة"',
         'msgctxt "health.title"\nmsgid "Health"\nmsgstr "الصحة والأطباء"')

    async def translated() -> bool:
        await chat("/menu")
        return any("الصحة والأطباء" in label for label in chat.labels)

    await eventually(translated)
    assert po.with_suffix(".mo").stat().st_mtime_ns >= po.stat().st_mtime_ns


async def test_a_translation_with_a_broken_placeholder_is_refused(staff_engine: Engine, project_copy: Path) -> None:
    po = project_copy / "locales" / "fr" / "LC_MESSAGES" / "ui.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Continue: {title}"')
    line = text[:start].count("\n") + 1
    msgstr_end = text.index("\n", text.index("msgstr", start))
    po.write_text(text[:start] + 'msgid "Continue: {title}"\nmsgstr "Continuer : {titre}"' + text[msgstr_end:],
                  encoding="utf-8")
    mo_before = po.with_suffix(".mo").read_bytes()
    catalogs = staff_engine.catalogs
    result = await reloader_of(staff_engine).reload()
    assert not result.ok
    (problem,) = result.problems
    assert problem.path.endswith("fr/LC_MESSAGES/ui.po") and problem.line == line
    assert "{title}" in problem.message and "{titre}" in problem.message
    assert staff_engine.catalogs is catalogs
    assert po.with_suffix(".mo").read_bytes() == mo_before


async def test_a_typed_word_equal_to_another_buttons_translation_is_refused(staff_engine: Engine,
                                                                          project_copy: Path) -> None:
    po = project_copy / "locales" / "so" / "LC_MESSAGES" / "ui.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Cancel"')
    line = text[:start].count("\n") + 1
    msgstr_end = text.index("\n", text.index("msgstr", start))
    po.write_text(text[:start] + 'msgid "Cancel"\nmsgstr "Jooji"' + text[msgstr_end:], encoding="utf-8")
    catalogs = staff_engine.catalogs
    result = await reloader_of(staff_engine).reload()
    assert not result.ok
    (problem,) = result.problems
    assert problem.path.endswith("so/LC_MESSAGES/ui.po") and problem.line == line and "jooji" in problem.message
    assert staff_engine.catalogs is catalogs
    assert staff_engine.keyword_command("jooji") == "unsubscribe"


async def test_reload_command_for_staff(staff_engine: Engine, project_copy: Path) -> None:
    boss = Chat(staff_engine, user_id=STAFF[1], channel=STAFF[0])
    await boss("/start")
    await boss.payload("lang:en")
    edit(project_copy / "content" / "health.yaml", "title: Health\n", "title: Health now\n")
    await boss("/reload")
    assert "Reloaded" in boss.text
    await boss("/menu")
    assert any("Health now" in label for label in boss.labels)
    edit(project_copy / "content" / "health.yaml", "title: Health now\n", "title: Health now\nbdy: x\n")
    await boss("/reload")
    assert "health.yaml:3:1: unknown key 'bdy'" in boss.text
    await boss("/menu")
    assert any("Health now" in label for label in boss.labels)
