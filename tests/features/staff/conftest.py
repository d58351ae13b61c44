"""Fixtures: a writable copy of the content and catalogs, and an engine with staff tools on it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content import load_content
from bot.core import Engine, Outgoing, Sender
from bot.features import staff
from bot.features.staff import Reloader, StaffTools
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.conftest import PROJECT, make_engine

STAFF = ("test", "boss")


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """``content/`` and ``locales/`` copied, so tests edit them freely."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT / "content", root / "content")
    shutil.copytree(PROJECT / "locales", root / "locales")
    return root


class RecordingSender(Sender):
    """A channel's sender that keeps what it was asked to send."""

    channel = "test"

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Outgoing]]] = []

    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        self.sent.append((user_id, messages))


@pytest.fixture
async def staff_engine(project_copy: Path, store: SQLiteStore) -> AsyncIterator[Engine]:
    settings = Settings.from_env({"MARHABA_ENV_FILE": ""}, content_dir=project_copy / "content",
                                 locales_dir=project_copy / "locales")
    engine = make_engine(content=load_content(settings.content_dir).tree, catalogs=Catalogs(settings.locales_dir),
                         store=store, staff=frozenset({STAFF}))
    engine.add_feature(staff.FEATURE, settings)
    engine.senders["test"] = RecordingSender()
    yield engine


def reloader_of(engine: Engine) -> Reloader:
    """The reloader of the staff tools set up on ``engine`` (what ``/reload`` and the live-reload job use)."""
    tools = engine.commands["reload"].handler.__self__  # type: ignore[attr-defined]
    assert isinstance(tools, StaffTools)
    return tools.reloader
