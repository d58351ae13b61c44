"""Subscriptions, broadcasts and the outbox (migrations ``004_broadcast.sql``, ``015_outbox_leases.sql``)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from bot.features.broadcast._repository import LEASE_SECONDS, Broadcast, Counts, Row
from bot.store.sqlite._store import SQLiteRepository

_BROADCAST_COLUMNS = ("id, kind, topics, channel, event_id, occurrence, texts, purpose, rate, ready, "
                      "created_at, finished_at")


def _broadcast(row: tuple[Any, ...]) -> Broadcast:
    return Broadcast(row[0], row[1], tuple(json.loads(row[2])), row[3], row[4], row[5], json.loads(row[6]),
                     row[7], row[8], bool(row[9]), row[10], row[11])


def _audience_sql(select: str) -> str:
    return (f"SELECT {select} FROM subscriptions s JOIN users u ON u.id = s.user_id "
            "WHERE s.topic IN (SELECT value FROM json_each(?)) AND u.active = 1 AND (? IS NULL OR u.channel = ?)")


class SQLiteBroadcasts(SQLiteRepository):
    """:class:`~bot.features.broadcast._repository.BroadcastRepository` on SQLite; writes go through the group commit."""

    async def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await self.store.db.execute_fetchall(sql, params)]

    # -- subscriptions --------------------------------------------------------

    async def subscribe(self, user_id: int, topic: str) -> None:
        await self.store.write(("INSERT OR IGNORE INTO subscriptions (user_id, topic, created_at) VALUES (?, ?, ?)",
                                (user_id, topic, time.time())))

    async def unsubscribe(self, user_id: int, topic: str | None = None) -> None:
        """Remove one subscription, or all of them when ``topic`` is ``None``."""
        if topic is None:
            await self.store.write(("DELETE FROM subscriptions WHERE user_id = ?", (user_id,)))
        else:
            await self.store.write(("DELETE FROM subscriptions WHERE user_id = ? AND topic = ?", (user_id, topic)))

    async def subscriptions(self, user_id: int) -> set[str]:
        rows = await self._read("SELECT topic FROM subscriptions WHERE user_id = ?", (user_id,))
        return {r[0] for r in rows}

    async def audience(self, topics: Iterable[str], channel: str | None = None) -> dict[tuple[str, str], int]:
        """Active subscribers of any of ``topics``, counted per (channel, locale)."""
        sql = ("SELECT channel, locale, COUNT(*) FROM (" + _audience_sql(
            "DISTINCT u.id, u.channel, COALESCE(u.locale, 'en') AS locale") + ") GROUP BY channel, locale")
        topics_json = json.dumps(list(topics))
        rows = await self._read(sql, (topics_json, channel, channel))
        return {(r[0], r[1]): r[2] for r in rows}

    # -- broadcasts -----------------------------------------------------------

    async def create(self, *, kind: str, topics: Iterable[str], texts: dict[str, str], channel: str | None = None,
                     rate: float | None = None, purpose: str = "broadcast", event_id: str | None = None,
                     occurrence: str | None = None) -> int | None:
        """Record a broadcast and write its outbox rows; its id, or ``None`` for a reminder that exists already.

        The rows are written in a second transaction; a crash between the two
        leaves the broadcast not ``ready``, and :meth:`populate` finishes it.
        """
        rows = await self.store.write_returning(
            "INSERT INTO broadcasts (kind, topics, channel, event_id, occurrence, texts, purpose, rate, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (kind, json.dumps(list(topics)), channel, event_id, occurrence, json.dumps(texts, ensure_ascii=False),
             purpose, rate, time.time()))
        if not rows:
            return None
        broadcast_id = int(rows[0][0])
        await self.populate(broadcast_id)
        return broadcast_id

    async def populate(self, broadcast_id: int) -> None:
        """Write one outbox row per current subscriber, and mark the broadcast ready (one transaction)."""
        b = await self.get(broadcast_id)
        if b is None or b.ready:
            return
        now = time.time()
        insert = ("INSERT OR IGNORE INTO outbox (broadcast_id, user_id, channel, channel_user_id, locale, updated_at) "
                  + _audience_sql("DISTINCT ?, u.id, u.channel, u.channel_user_id, COALESCE(u.locale, 'en'), ?")
                  + " ORDER BY u.id")
        await self.store.write(
            (insert, (broadcast_id, now, json.dumps(list(b.topics)), b.channel, b.channel)),
            ("UPDATE broadcasts SET ready = 1 WHERE id = ?", (broadcast_id,)),
        )

    async def get(self, broadcast_id: int) -> Broadcast | None:
        rows = await self._read(f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(rows[0]) if rows else None

    async def find_reminder(self, event_id: str, occurrence: str) -> Broadcast | None:
        rows = await self._read(f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE kind = 'reminder' "
                                "AND event_id = ? AND occurrence = ?", (event_id, occurrence))
        return _broadcast(rows[0]) if rows else None

    async def unfinished(self, kind: str | None = None) -> list[Broadcast]:
        rows = await self._read(f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE finished_at IS NULL "
                                "AND (? IS NULL OR kind = ?) ORDER BY id", (kind, kind))
        return [_broadcast(r) for r in rows]

    async def recent(self, limit: int = 20) -> list[Broadcast]:
        rows = await self._read(f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,))
        return [_broadcast(r) for r in rows]

    async def finish_if_done(self, broadcast_id: int) -> bool:
        """Mark the broadcast finished when every row has an outcome; True if it is finished."""
        rows = await self.store.write_returning(
            "UPDATE broadcasts SET finished_at = COALESCE(finished_at, ?) WHERE id = ? AND ready = 1 AND NOT EXISTS "
            "(SELECT 1 FROM outbox WHERE broadcast_id = ? AND state IN ('pending', 'sending')) RETURNING id",
            (time.time(), broadcast_id, broadcast_id))
        return bool(rows)

    # -- the outbox -----------------------------------------------------------

    async def claim(self, broadcast_id: int, channels: Iterable[str], limit: int, *, token: str,
                    lease_seconds: float = LEASE_SECONDS, now: float | None = None) -> list[Row]:
        """Lease up to ``limit`` rows of ``channels`` that may be sent now, in outbox order, to ``token``.

        Rows are pending ones whose wait is over, and rows another sender leased whose lease ran
        out (that sender died or hung): a row is sent again only if its sender stopped mid-send.
        """
        now = time.time() if now is None else now
        rows = await self.store.write_returning(
            "UPDATE outbox SET state = 'sending', claim_token = ?, lease_until = ?, updated_at = ?, "
            "attempts = attempts + 1 "
            "WHERE id IN (SELECT id FROM outbox WHERE broadcast_id = ? "
            "AND ((state = 'pending' AND not_before <= ?) OR (state = 'sending' AND lease_until < ?)) "
            "AND channel IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?) "
            "RETURNING id, broadcast_id, user_id, channel, channel_user_id, locale, attempts",
            (token, now + lease_seconds, now, broadcast_id, now, now, json.dumps(list(channels)), limit))
        return sorted((Row(*r) for r in rows), key=lambda r: r.id)

    async def renew(self, token: str, lease_seconds: float = LEASE_SECONDS, now: float | None = None) -> None:
        """Extend every lease ``token`` holds (a live sender does this well before they run out)."""
        now = time.time() if now is None else now
        await self.store.write(("UPDATE outbox SET lease_until = ? WHERE state = 'sending' AND claim_token = ?",
                                (now + lease_seconds, token)))

    async def next_retry(self, broadcast_id: int, channels: Iterable[str], token: str | None = None) -> float | None:
        """When the next row of ``channels`` may be taken: the earliest wait of a pending row, or the
        earliest expiry of another sender's lease (``None``: nothing is left to send)."""
        rows = await self._read(
            "SELECT MIN(CASE state WHEN 'pending' THEN not_before ELSE lease_until END) FROM outbox "
            "WHERE broadcast_id = ? AND (state = 'pending' OR (state = 'sending' AND claim_token IS NOT ?)) "
            "AND channel IN (SELECT value FROM json_each(?))",
            (broadcast_id, token, json.dumps(list(channels))))
        return rows[0][0] if rows and rows[0][0] is not None else None

    async def mark(self, row_id: int, state: str, reason: str | None = None) -> None:
        """Record a row's outcome (``sent``, ``failed``, ``blocked`` or ``skipped``)."""
        await self.store.write(("UPDATE outbox SET state = ?, reason = ?, claim_token = NULL, lease_until = 0, "
                                "updated_at = ? WHERE id = ?", (state, reason, time.time(), row_id)))

    async def retry(self, row_id: int, not_before: float, reason: str) -> None:
        """Put a row back to ``pending``, not to be sent before ``not_before``."""
        await self.store.write(("UPDATE outbox SET state = 'pending', reason = ?, claim_token = NULL, "
                                "lease_until = 0, not_before = ?, updated_at = ? WHERE id = ?",
                                (reason, not_before, time.time(), row_id)))

    async def release_expired_claims(self, now: float | None = None) -> int:
        """Put rows whose lease ran out (their sender stopped) back to ``pending``; how many."""
        rows = await self.store.write_returning(
            "UPDATE outbox SET state = 'pending', claim_token = NULL, lease_until = 0 "
            "WHERE state = 'sending' AND lease_until < ? RETURNING id", (time.time() if now is None else now,))
        return len(rows)

    async def leased(self) -> int:
        """Rows some sender holds a live lease on (being sent right now, here or elsewhere)."""
        rows = await self._read("SELECT COUNT(*) FROM outbox WHERE state = 'sending' AND lease_until >= ?",
                                (time.time(),))
        return int(rows[0][0])

    async def counts(self, broadcast_id: int) -> Counts:
        counts = Counts()
        rows = await self._read("SELECT state, COALESCE(reason, ''), COUNT(*) FROM outbox WHERE broadcast_id = ? "
                                "GROUP BY state, reason", (broadcast_id,))
        for state, reason, n in rows:
            counts.states[state] = counts.states.get(state, 0) + n
            if state in ("failed", "blocked", "skipped") and reason:
                counts.reasons[(state, reason)] = counts.reasons.get((state, reason), 0) + n
        return counts

    async def purge(self, older_than_seconds: float, now: float) -> int:
        """Delete broadcasts finished (or, never finished, created) before ``now - older_than_seconds``, with
        their outbox rows (the recipients' platform ids); how many broadcasts went."""
        rows = await self.store.write_returning(
            "DELETE FROM broadcasts WHERE COALESCE(finished_at, created_at) < ? RETURNING id",
            (now - older_than_seconds,))
        return len(rows)
