"""What the staff statistics read about users and their progress: aggregates only, behind :class:`StaffRepository`."""

from __future__ import annotations

from typing import Protocol

from bot.store import RepositoryKey


class StaffRepository(Protocol):
    async def users_by_locale(self) -> list[tuple[str, int]]:
        """(locale, users), ``""`` for users without one; most users first, then by locale."""

    async def users_by_channel(self) -> list[tuple[str, int]]:
        """(channel, users), most users first, then by channel."""

    async def active_since(self, *since: float) -> tuple[int, ...]:
        """For each time in ``since``, how many users were seen at or after it."""

    async def visits(self) -> list[tuple[str, int]]:
        """Every (node id, user id) of a page some user opened."""

    async def steps_done(self) -> dict[str, int]:
        """People who marked each step done, by step id."""


STAFF: RepositoryKey[StaffRepository] = RepositoryKey("staff")
