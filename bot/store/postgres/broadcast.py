"""Subscriptions, broadcasts and the outbox (migration ``004_broadcast.sql``).

Claims lock the rows they take with ``FOR UPDATE SKIP LOCKED``: senders in any number of processes
claiming at once each get rows of their own, and none waits on another's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable

import asyncpg

from bot.features.broadcast._repository import (
    LEASE_SECONDS,
    UNSUCCESSFUL_STATES,
    Broadcast,
    Counts,
    Row,
)
from bot.store.postgres._store import PostgresRepository

_BROADCAST_COLUMNS = ("id, kind, topics, channel, event_id, occurrence, texts, purpose, rate, ready, "
                      "created_at, finished_at")
_AUDIENCE = ("FROM subscriptions s JOIN users u ON u.id = s.user_id "
             "WHERE s.topic = ANY($1::text[]) AND u.active AND ($2::text IS NULL OR u.channel = $2)")
"""Active subscribers of the topics ``$1`` (of the channel ``$2``, or all channels when it is NULL)."""


def _broadcast(row: asyncpg.Record) -> Broadcast:
    return Broadcast(row[0], row[1], tuple(json.loads(row[2])), row[3], row[4], row[5], json.loads(row[6]),
                     row[7], row[8], row[9], row[10], row[11])


def _now(now: float | None) -> float:
    return time.time() if now is None else now


class PostgresBroadcasts(PostgresRepository):
    """:class:`~bot.features.broadcast._repository.BroadcastRepository` on PostgreSQL."""

    # -- subscriptions --------------------------------------------------------

    async def subscribe(self, user_id: int, topic: str) -> None:
        await self.store.user_fetch(user_id, "INSERT INTO subscriptions (user_id, topic, created_at) "
                                    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", user_id, topic, time.time())

    async def unsubscribe(self, user_id: int, topic: str | None = None) -> None:
        await self.store.fetch("DELETE FROM subscriptions WHERE user_id = $1 AND ($2::text IS NULL OR topic = $2)",
                               user_id, topic)

    async def subscriptions(self, user_id: int) -> set[str]:
        return {r[0] for r in await self.store.fetch("SELECT topic FROM subscriptions WHERE user_id = $1", user_id)}

    async def audience(self, topics: Iterable[str], channel: str | None = None) -> dict[tuple[str, str], int]:
        rows = await self.store.fetch(
            "SELECT channel, locale, COUNT(*) FROM (SELECT DISTINCT u.id, u.channel, "
            f"COALESCE(u.locale, 'en') AS locale {_AUDIENCE}) AS a GROUP BY channel, locale", list(topics), channel)
        return {(r[0], r[1]): r[2] for r in rows}

    # -- broadcasts -----------------------------------------------------------

    async def create(self, *, kind: str, topics: Iterable[str], texts: dict[str, str], channel: str | None = None,
                     rate: float | None = None, purpose: str = "broadcast", event_id: str | None = None,
                     occurrence: str | None = None) -> int | None:
        broadcast_id = await self.store.fetchval(
            "INSERT INTO broadcasts (kind, topics, channel, event_id, occurrence, texts, purpose, rate, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
            kind, json.dumps(list(topics)), channel, event_id, occurrence, json.dumps(texts, ensure_ascii=False),
            purpose, rate, time.time())
        if broadcast_id is None:
            return None
        await self.populate(broadcast_id)
        return int(broadcast_id)

    async def populate(self, broadcast_id: int) -> None:
        b = await self.get(broadcast_id)
        if b is None or b.ready:
            return
        async with self.store.transaction() as db:
            await db.execute(
                "INSERT INTO outbox (broadcast_id, user_id, channel, channel_user_id, locale, updated_at) "
                f"SELECT DISTINCT $3::bigint, u.id, u.channel, u.channel_user_id, COALESCE(u.locale, 'en'), "
                f"$4::double precision {_AUDIENCE} ORDER BY u.id ON CONFLICT DO NOTHING",
                list(b.topics), b.channel, broadcast_id, time.time())
            await db.execute("UPDATE broadcasts SET ready = TRUE WHERE id = $1", broadcast_id)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        rows = await self.store.fetch(f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE id = $1", broadcast_id)
        return _broadcast(rows[0]) if rows else None

    async def find_reminder(self, event_id: str, occurrence: str) -> Broadcast | None:
        rows = await self.store.fetch(f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE kind = 'reminder' "
                                      "AND event_id = $1 AND occurrence = $2", event_id, occurrence)
        return _broadcast(rows[0]) if rows else None

    async def unfinished(self, kind: str | None = None) -> list[Broadcast]:
        rows = await self.store.fetch(f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE finished_at IS NULL "
                                      "AND ($1::text IS NULL OR kind = $1) ORDER BY id", kind)
        return [_broadcast(r) for r in rows]

    async def recent(self, limit: int = 20) -> list[Broadcast]:
        rows = await self.store.fetch(f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts ORDER BY id DESC LIMIT $1", limit)
        return [_broadcast(r) for r in rows]

    async def finish_if_done(self, broadcast_id: int) -> bool:
        finished = await self.store.fetchval(
            "UPDATE broadcasts SET finished_at = COALESCE(finished_at, $1) WHERE id = $2 AND ready AND NOT EXISTS "
            "(SELECT 1 FROM outbox WHERE broadcast_id = $2 AND state IN ('pending', 'sending')) RETURNING id",
            time.time(), broadcast_id)
        return finished is not None

    # -- the outbox -----------------------------------------------------------

    async def claim(self, broadcast_id: int, channels: Iterable[str], limit: int, *, token: str,
                    lease_seconds: float = LEASE_SECONDS, now: float | None = None) -> list[Row]:
        now = _now(now)
        rows = await self.store.fetch(
            "WITH picked AS (SELECT id FROM outbox WHERE broadcast_id = $1 "
            "AND ((state = 'pending' AND not_before <= $2) OR (state = 'sending' AND lease_until < $2)) "
            "AND channel = ANY($3::text[]) ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) "
            "UPDATE outbox o SET state = 'sending', claim_token = $5, lease_until = $6, updated_at = $2, "
            "attempts = o.attempts + 1 FROM picked WHERE o.id = picked.id "
            "RETURNING o.id, o.broadcast_id, o.user_id, o.channel, o.channel_user_id, o.locale, o.attempts",
            broadcast_id, now, list(channels), limit, token, now + lease_seconds)
        return sorted((Row(*r) for r in rows), key=lambda r: r.id)

    async def renew(self, token: str, lease_seconds: float = LEASE_SECONDS, now: float | None = None) -> None:
        await self.store.fetch("UPDATE outbox SET lease_until = $1 WHERE state = 'sending' AND claim_token = $2",
                               _now(now) + lease_seconds, token)

    async def next_retry(self, broadcast_id: int, channels: Iterable[str], token: str | None = None) -> float | None:
        found = await self.store.fetchval(
            "SELECT MIN(CASE state WHEN 'pending' THEN not_before ELSE lease_until END) FROM outbox "
            "WHERE broadcast_id = $1 AND (state = 'pending' OR (state = 'sending' AND claim_token IS DISTINCT FROM $2)) "
            "AND channel = ANY($3::text[])", broadcast_id, token, list(channels))
        return None if found is None else float(found)

    async def mark(self, row_id: int, state: str, reason: str | None = None) -> None:
        await self.store.fetch("UPDATE outbox SET state = $1, reason = $2, claim_token = NULL, lease_until = 0, "
                               "updated_at = $3 WHERE id = $4", str(state), reason, time.time(), row_id)

    async def retry(self, row_id: int, not_before: float, reason: str) -> None:
        await self.store.fetch("UPDATE outbox SET state = 'pending', reason = $1, claim_token = NULL, "
                               "lease_until = 0, not_before = $2, updated_at = $3 WHERE id = $4",
                               reason, not_before, time.time(), row_id)

    async def release_expired_claims(self, now: float | None = None) -> int:
        rows = await self.store.fetch("UPDATE outbox SET state = 'pending', claim_token = NULL, lease_until = 0 "
                                      "WHERE state = 'sending' AND lease_until < $1 RETURNING id", _now(now))
        return len(rows)

    async def leased(self) -> int:
        return int(await self.store.fetchval(
            "SELECT COUNT(*) FROM outbox WHERE state = 'sending' AND lease_until >= $1", time.time()))

    async def counts(self, broadcast_id: int) -> Counts:
        counts = Counts()
        rows = await self.store.fetch("SELECT state, COALESCE(reason, ''), COUNT(*) FROM outbox "
                                      "WHERE broadcast_id = $1 GROUP BY state, reason", broadcast_id)
        for state, reason, n in rows:
            counts.states[state] = counts.states.get(state, 0) + n
            if state in UNSUCCESSFUL_STATES and reason:
                counts.reasons[(state, reason)] = counts.reasons.get((state, reason), 0) + n
        return counts

    async def purge(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.fetch("DELETE FROM broadcasts WHERE COALESCE(finished_at, created_at) < $1 "
                                      "RETURNING id", now - older_than_seconds)
        return len(rows)
