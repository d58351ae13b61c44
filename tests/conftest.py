"""Shared fixtures: the sample content, a real SQLite file, an engine on both, a throwaway PostgreSQL server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from bot.channels import channel_profiles
from bot.content import ContentTree, load_content
from bot.core import Engine, Feature, Incoming, Outgoing
from bot.features import navigation
from bot.i18n import Catalogs
from bot.store import SQLiteStore
from tests.store._postgres import PostgresServer, postgres_server

settings.register_profile(
    "ci",
    derandomize=True,  # the same examples on every run and machine: a failure reproduces
    max_examples=200,
    deadline=None,  # shared CI machines are noisy; speed is measured by bench/, not here
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("ci")

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_CONTENT = PROJECT / "content"


@pytest.fixture(scope="session")
def sample_tree() -> ContentTree:
    return load_content(SAMPLE_CONTENT).tree


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs(PROJECT / "locales")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's throwaway PostgreSQL server (started on first use); a clear failure (never a skip) when PostgreSQL is not installed."""
    try:
        with postgres_server() as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """The URL of a new, empty database of its own for this test."""
    return postgres.create_database()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "marhaba.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[SQLiteStore]:
    async with SQLiteStore(db_path) as s:
        yield s  # type: ignore[misc]


def make_engine(*args: Any, features: Sequence[Feature] = (navigation.FEATURE,), **kwargs: Any) -> Engine:
    """An engine with the navigation feature (the built-in commands and buttons) and ``features``,
    knowing the registered channels' profiles as the application's engine does."""
    kwargs.setdefault("channels", channel_profiles())
    return Engine(*args, features=features, **kwargs)


@pytest.fixture
async def engine(sample_tree: ContentTree, catalogs: Catalogs, store: SQLiteStore) -> Engine:
    return make_engine(content=sample_tree, catalogs=catalogs, store=store)


class Chat:
    """A scripted user of the engine: ``await chat("/start")``, ``await chat.press(1)``."""

    def __init__(self, engine: Engine, user_id: str = "u1", channel: str = "test", hint: str | None = None) -> None:
        self.engine, self.user_id, self.channel, self.hint = engine, user_id, channel, hint
        self.last: list[Outgoing] = []

    async def __call__(self, text: str) -> list[Outgoing]:
        return await self._send(Incoming(self.channel, self.user_id, text=text, language_hint=self.hint))

    async def payload(self, payload: str) -> list[Outgoing]:
        return await self._send(Incoming(self.channel, self.user_id, payload=payload, language_hint=self.hint))

    async def press(self, label_or_index: str | int) -> list[Outgoing]:
        """Press an option of the last reply by 1-based index or by (part of) its label."""
        options = [o for m in self.last for o in m.options]
        if isinstance(label_or_index, int):
            return await self.payload(options[label_or_index - 1].payload)
        for o in options:
            if label_or_index in o.label:
                return await self.payload(o.payload)
        raise AssertionError(f"no option {label_or_index!r} in {[o.label for o in options]}")

    async def _send(self, event: Incoming) -> list[Outgoing]:
        self.last = await self.engine.handle(event)
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(m.full_text for m in self.last)

    @property
    def labels(self) -> list[str]:
        return [o.label for m in self.last for o in m.options]


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)
