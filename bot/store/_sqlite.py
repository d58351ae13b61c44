"""The SQLite implementation of :class:`~bot.store.Store` on aiosqlite (WAL mode)."""

from __future__ import annotations

import re
import sqlite3
import time
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.errors import StoreError
from bot.store._base import Store, User

_USER_COLUMNS = "id, channel, channel_user_id, locale, current_node, pending, created_at, last_seen, active"
_MIGRATION_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """The numbered SQL migrations shipped in ``bot/store/migrations``, in order."""
    out = []
    for entry in resources.files("bot.store").joinpath("migrations").iterdir():
        m = _MIGRATION_RE.match(entry.name)
        if m:
            out.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out)


class SQLiteStore(Store):
    """Users and progress in one SQLite file. ``path`` may be ``:memory:`` for tests."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreError("the store is not open")
        return self._db

    async def open(self) -> None:
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder for the database {parent}: {exc.strerror}") from None
        try:
            self._db = await aiosqlite.connect(Path(self.path).expanduser() if self.path != ":memory:" else self.path,
                                               isolation_level=None)
            await self._db.execute("PRAGMA journal_mode=WAL")
            await self._db.execute("PRAGMA synchronous=NORMAL")
            await self._db.execute("PRAGMA foreign_keys=ON")
            await self._db.execute("PRAGMA busy_timeout=5000")
            await self._migrate()
        except sqlite3.DatabaseError as exc:
            await self.close()
            raise StoreError(f"cannot open the database {self.path}: {exc}") from None

    async def _migrate(self) -> None:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
        async with self.db.execute("SELECT version FROM schema_migrations") as cur:
            done = {row[0] for row in await cur.fetchall()}
        for version, name, sql in migrations():
            if version in done:
                continue
            # One transaction per migration: a crash leaves the schema at a known version.
            await self.db.executescript(
                f"BEGIN;\n{sql}\nINSERT INTO schema_migrations VALUES ({version}, '{name}', {time.time()});\nCOMMIT;"
            )

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()

    @staticmethod
    def _user(row: tuple, is_new: bool = False) -> User:
        return User(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], bool(row[8]), is_new)

    async def get_user(self, channel: str, channel_user_id: str) -> User | None:
        async with self.db.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE channel = ? AND channel_user_id = ?", (channel, channel_user_id)
        ) as cur:
            row = await cur.fetchone()
        return self._user(row) if row else None

    async def get_or_create_user(self, channel: str, channel_user_id: str) -> User:
        now = time.time()
        async with self.db.execute(
            "INSERT INTO users (channel, channel_user_id, created_at, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (channel, channel_user_id) DO UPDATE SET last_seen = excluded.last_seen, active = 1 "
            f"RETURNING {_USER_COLUMNS}",
            (channel, channel_user_id, now, now),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return self._user(row, is_new=row[6] == now)

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self.db.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))

    async def set_pending(self, user_id: int, pending: str | None) -> None:
        await self.db.execute("UPDATE users SET pending = ? WHERE id = ?", (pending, user_id))

    async def record_visit(self, user_id: int, node_id: str) -> None:
        now = time.time()
        # Two autocommitted statements: each is durable on its own, and a crash
        # between them at worst leaves a visit uncounted, never a broken row.
        await self.db.execute(
            "INSERT INTO visits (user_id, node_id, first_at, last_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, node_id) DO UPDATE SET last_at = excluded.last_at, count = count + 1",
            (user_id, node_id, now, now),
        )
        await self.db.execute("UPDATE users SET current_node = ?, pending = NULL WHERE id = ?", (node_id, user_id))

    async def set_step(self, user_id: int, node_id: str, done: bool) -> None:
        if done:
            await self.db.execute(
                "INSERT OR IGNORE INTO steps_done (user_id, node_id, done_at) VALUES (?, ?, ?)",
                (user_id, node_id, time.time()),
            )
        else:
            await self.db.execute("DELETE FROM steps_done WHERE user_id = ? AND node_id = ?", (user_id, node_id))

    async def steps_done(self, user_id: int) -> set[str]:
        async with self.db.execute("SELECT node_id FROM steps_done WHERE user_id = ?", (user_id,)) as cur:
            return {r[0] for r in await cur.fetchall()}

    async def visited(self, user_id: int) -> set[str]:
        async with self.db.execute("SELECT node_id FROM visits WHERE user_id = ?", (user_id,)) as cur:
            return {r[0] for r in await cur.fetchall()}

    async def set_active(self, channel: str, channel_user_id: str, active: bool) -> None:
        await self.db.execute(
            "UPDATE users SET active = ? WHERE channel = ? AND channel_user_id = ?", (int(active), channel, channel_user_id)
        )

    async def forget(self, user_id: int) -> None:
        # ON DELETE CASCADE removes the user's rows in every table that references users.
        await self.db.execute("DELETE FROM users WHERE id = ?", (user_id,))

    async def user_tables(self) -> list[str]:
        tables = []
        async with self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            names = [r[0] for r in await cur.fetchall()]
        for name in names:
            async with self.db.execute(f"PRAGMA foreign_key_list({name})") as cur:
                if any(r[2] == "users" for r in await cur.fetchall()):
                    tables.append(name)
        return ["users", *sorted(tables)]
