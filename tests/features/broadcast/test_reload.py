"""Events reload live with the content: an edit is served at once, a broken events.yaml is refused."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core import Engine
from bot.features import broadcast
from bot.features.broadcast import EventsFeature
from bot.settings import Settings
from tests.conftest import Chat
from tests.features.staff.conftest import reloader_of
from tests.features.staff.test_reload import edit

OLD_TITLE = "Beginner language class (A1), evenings"
NEW_TITLE = "Beginner language class (A1), Monday and Wednesday evenings"


def events_feature(engine: Engine, project: Path) -> EventsFeature:
    feature = engine.add_feature(broadcast.FEATURE, Settings.from_env(
        {"MARHABA_ENV_FILE": ""}, content_dir=project / "content", locales_dir=project / "locales"))
    assert isinstance(feature, EventsFeature)
    return feature


async def test_an_edited_event_is_served_after_a_reload(staff_engine: Engine, project_copy: Path) -> None:
    events_feature(staff_engine, project_copy)
    chat = Chat(staff_engine)
    await chat.payload("lang:en")
    assert OLD_TITLE in (await chat.payload("ev:language-a1-evening"))[0].text

    edit(project_copy / "content" / "events.yaml", f"title: {OLD_TITLE}", f"title: {NEW_TITLE}")
    result = await reloader_of(staff_engine).reload()

    assert result.ok, result.problems
    assert NEW_TITLE in (await chat.payload("ev:language-a1-evening"))[0].text


async def test_a_broken_events_file_is_refused_with_file_and_line_and_the_old_events_stay(
        staff_engine: Engine, project_copy: Path) -> None:
    feature = events_feature(staff_engine, project_copy)
    before = feature.events
    path = project_copy / "content" / "events.yaml"
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "start: 2026-09-07 18:00" in text)
    edit(path, "start: 2026-09-07 18:00", "start: next monday")

    result = await reloader_of(staff_engine).reload()

    assert not result.ok
    assert any(re.search(rf"events\.yaml:{line}(:\d+)?:", str(p)) for p in result.problems), result.problems
    assert feature.events is before
    chat = Chat(staff_engine)
    await chat.payload("lang:en")
    assert OLD_TITLE in (await chat.payload("ev:language-a1-evening"))[0].text
