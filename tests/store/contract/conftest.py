"""The repository contract suite runs once per store implementation in :data:`BACKENDS`.

A new backend adds its name here and a branch in :func:`open_backend`; passing this suite unchanged is
what proves it (issue #18, rule 8).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.sqlite import SQLiteStore

BACKENDS = ["sqlite"]


@asynccontextmanager
async def open_backend(backend: str, tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, empty, migrated store of ``backend``; closed on exit."""
    if backend == "sqlite":
        store: Store = SQLiteStore(tmp_path / "contract.db")
    else:
        raise AssertionError(f"unknown backend {backend!r}: add it to open_backend")
    async with store:
        yield store


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with open_backend(request.param, tmp_path) as opened:
        yield opened
