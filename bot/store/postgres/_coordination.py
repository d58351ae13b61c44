"""Named leases and the durable inbox in PostgreSQL (migrations ``002_leases.sql``, ``003_inbox.sql``).

The same interface as the SQLite ones (:class:`bot.store.Leases`, :class:`bot.store.Inbox`); the
contract suite (tests/store/contract/) runs the same tests on both.
"""

from __future__ import annotations

import time

from bot.store.postgres._store import PostgresStore


def _now(now: float | None) -> float:
    return time.time() if now is None else now


class PostgresLeases:
    """``await leases.acquire("poll:telegram", token, 30)``: True while ``token`` holds that lease.

    Acquiring again with the same token renews it; another token gets it only once it ran out.
    One statement decides (``INSERT ... ON CONFLICT DO UPDATE ... WHERE``, which locks the row),
    so of any number of processes asking at once exactly one holds a free lease.
    """

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def acquire(self, name: str, token: str, seconds: float, now: float | None = None) -> bool:
        """Take or renew ``name`` for ``seconds``; False when another holder's lease is still running."""
        now = _now(now)
        async with self.store.transaction() as db:
            holder = await db.fetchval(
                "INSERT INTO leases (name, token, until) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE "
                "SET token = EXCLUDED.token, until = EXCLUDED.until "
                "WHERE leases.token = EXCLUDED.token OR leases.until < $4 RETURNING token",
                name, token, now + seconds, now)
        return holder is not None

    async def release(self, name: str, token: str, linger: float = 0.0, now: float | None = None) -> None:
        """Give ``name`` up (only if ``token`` holds it); no one else gets it for ``linger`` more seconds."""
        async with self.store.transaction() as db:
            await db.execute("UPDATE leases SET until = $1 WHERE name = $2 AND token = $3",
                             _now(now) + linger, name, token)


class PostgresInbox:
    """Updates of one ``channel``, deduplicated by the platform's own id."""

    def __init__(self, store: PostgresStore, channel: str) -> None:
        self.store = store
        self.channel = channel

    async def accept(self, platform_id: str, payload: str, now: float | None = None) -> bool:
        """Store a new update (committed when this returns); False for one already received."""
        async with self.store.transaction() as db:
            row = await db.fetchval(
                "INSERT INTO inbox (channel, platform_id, payload, received_at) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (channel, platform_id) DO NOTHING RETURNING platform_id",
                self.channel, platform_id, payload, _now(now))
        return row is not None

    async def done(self, platform_id: str, now: float | None = None) -> None:
        """The update's turn has run: forget its content, keep its id against redelivery."""
        async with self.store.transaction() as db:
            await db.execute("UPDATE inbox SET payload = NULL, done_at = $1 WHERE channel = $2 AND platform_id = $3",
                             _now(now), self.channel, platform_id)

    async def waiting(self) -> list[tuple[str, str]]:
        """(platform id, payload) of updates received but not handled (a crash), oldest first."""
        async with self.store.transaction() as db:
            rows = await db.fetch("SELECT platform_id, payload FROM inbox WHERE channel = $1 AND done_at IS NULL "
                                  "ORDER BY received_at", self.channel)
        return [(str(r[0]), str(r[1])) for r in rows]


async def purge_postgres_inbox(store: PostgresStore, older_than_seconds: float, now: float | None = None) -> int:
    """Delete the ids of updates handled before the limit (for the retention job); how many."""
    async with store.transaction() as db:
        rows = await db.fetch("DELETE FROM inbox WHERE done_at < $1 RETURNING platform_id",
                              _now(now) - older_than_seconds)
    return len(rows)
