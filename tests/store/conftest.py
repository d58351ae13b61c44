"""Fixtures of the store tests: one throwaway PostgreSQL server per session, one new database per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.store._postgres import PostgresServer, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; a clear failure (never a skip) when PostgreSQL is not installed."""
    try:
        with postgres_server() as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """The URL of a new, empty database of its own for this test."""
    return postgres.create_database()
