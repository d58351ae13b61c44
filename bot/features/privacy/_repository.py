"""What the privacy feature reads and deletes in the store, behind :class:`PrivacyRepository`."""

from __future__ import annotations

from typing import Protocol

from bot.store import RepositoryKey


class PrivacyRepository(Protocol):
    async def setting(self, name: str) -> str:
        """The value of the database setting ``name`` ("" when there is none)."""

    async def delete_setting(self, name: str) -> None:
        """Delete the database setting ``name``."""

    async def has_table(self, name: str) -> bool:
        """True when the database has table ``name`` (a feature's migration may not be installed)."""

    async def purge_inactive_users(self, older_than_seconds: float, now: float) -> int:
        """Delete users silent since ``now - older_than_seconds`` with every row about them (one transaction);
        their tickets sent to staff are recorded as closed ``expired``. How many users went."""


PRIVACY: RepositoryKey[PrivacyRepository] = RepositoryKey("privacy")
