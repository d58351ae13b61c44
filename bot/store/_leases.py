"""Named leases in the database: a right one process at a time holds (migration ``016_leases.sql``)."""

from __future__ import annotations

import time

from bot.store._sqlite import SQLiteStore


class Leases:
    """``await leases.acquire("send:telegram", token, 30)``: True while ``token`` holds that lease.

    Acquiring again with the same token renews it; another token gets it only once it ran out.
    """

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    async def acquire(self, name: str, token: str, seconds: float, now: float | None = None) -> bool:
        """Take or renew ``name`` for ``seconds``; False when another holder's lease is still running."""
        now = time.time() if now is None else now
        rows = await self.store.write_returning(
            "INSERT INTO leases (name, token, until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
            "SET token = excluded.token, until = excluded.until "
            "WHERE leases.token = excluded.token OR leases.until < ? RETURNING token",
            (name, token, now + seconds, now))
        return bool(rows)

    async def release(self, name: str, token: str, linger: float = 0.0, now: float | None = None) -> None:
        """Give ``name`` up (only if ``token`` holds it); no one else gets it for ``linger`` more seconds."""
        until = (time.time() if now is None else now) + linger
        await self.store.write(("UPDATE leases SET until = ? WHERE name = ? AND token = ?", (until, name, token)))
