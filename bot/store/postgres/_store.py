"""The PostgreSQL implementation of :class:`~bot.store.Store` (asyncpg, a connection pool).

Several worker processes may share one database, so nothing about a user is cached in the
process across turns: every turn reads the user afresh, and a change one worker makes is what the
next worker reads. Each write method runs in one transaction that is committed before it returns.

A user's turn (:meth:`PostgresStore.user_lock`) runs on one connection, held from the user's lock to
its release: its first statement takes the lock and reads the user's row, steps and visits in one
round trip (``marhaba_lock_and_read_user``); the turn's later reads of those steps and visits are
answered from what was read, kept only while the lock is held (no other worker changes them
meanwhile) and updated by the turn's own writes.
Each feature's repository protocol has its implementation in ``bot/store/postgres/<feature>.py``
(:data:`REPOSITORIES`), handed out by :meth:`PostgresStore.repository`.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar, Token
from typing import Any, TypeAlias
from urllib.parse import urlsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.errors import (
    MigrationError,
    StoreError,
    StoreIntegrityError,
    StoreUnavailable,
    UserChanged,
)
from bot.store._backend import Repositories, numbered_migrations
from bot.store._base import R, RepositoryKey, Store, User

Connection: TypeAlias = "PoolConnectionProxy[asyncpg.Record]"

_USER_COLUMNS = "id, channel, channel_user_id, locale, current_node, pending, created_at, last_seen, active"

REPOSITORIES = {
    "inbox": "bot.store.postgres._inbox:PostgresInbox",
    "leases": "bot.store.postgres._leases:PostgresLeases",
    "rates": "bot.store.postgres._rates:PostgresRates",
    "broadcast": "bot.store.postgres.broadcast:PostgresBroadcasts",
    "questions": "bot.store.postgres.questions:PostgresQuestions",
    "whatsapp": "bot.store.postgres.whatsapp:PostgresWhatsApp",
    "webchat": "bot.store.postgres.webchat:PostgresWebChat",
    "feedback": "bot.store.postgres.feedback:PostgresFeedback",
    "usage": "bot.store.postgres.usage:PostgresUsage",
    "safety": "bot.store.postgres.safety:PostgresSafety",
    "privacy": "bot.store.postgres.privacy:PostgresPrivacy",
    "staff": "bot.store.postgres.staff:PostgresStaff",
}
"""Repository key name -> ``module:class`` of its PostgreSQL implementation, imported on first use (the
implementations import the features' protocols, which import :mod:`bot.store`)."""

MIGRATION_LOCK = 0x6D61_7268_6162_61  # "marhaba": the advisory lock key of migrations
"""Held (``pg_advisory_xact_lock``) by the transaction that applies a migration: of any number of
processes starting at once on one database, one applies each migration and the others wait,
then find it applied."""


USER_LOCK_SPACE = 0x6D72_6875  # "mrhu": the first key of the advisory locks on users
"""``pg_advisory_lock(USER_LOCK_SPACE, hash of (channel, user))`` is one user's lock across workers
(:meth:`PostgresStore.user_lock`); two users whose hashes collide only wait for each other."""
USER_LOCK_CONNECTIONS = 16
"""Connections of a worker kept for users' turns (apart from the pool of other statements): each holds one
user's lock and runs that turn's statements; as many users' turns run at once in one worker, more wait
their turn in the process."""


class _Turn:
    """One user's turn in progress in one task: the connection that holds (or will hold) their lock and runs
    the turn's statements, and that user's steps and visits as read with their row under the lock."""

    __slots__ = ("db", "key", "locked", "lock_key", "pool", "steps", "task", "user_id", "visited")

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], db: Connection, key: tuple[str, str]) -> None:
        self.pool, self.db, self.key = pool, db, key
        self.task = asyncio.current_task()
        self.lock_key = user_lock_key(*key)
        self.locked = False
        self.user_id: int | None = None
        self.steps: set[str] = set()
        self.visited: set[str] = set()

    def known(self, user_id: int) -> bool:
        """Whether this turn holds the steps and visits of ``user_id``."""
        return self.locked and self.user_id == user_id

    async def lock(self) -> None:
        """Take the user's lock, if not yet held, with a statement of its own."""
        if not self.locked:
            await _locking(self.db, f"SELECT pg_advisory_lock({USER_LOCK_SPACE}, {self.lock_key})")
            self.locked = True

    async def lock_and_read(self) -> User | None:
        """Take the user's lock and read their row, steps and visits, in one round trip."""
        try:
            rows = await self.db.fetch(
                "SELECT (t.u).id, (t.u).channel, (t.u).channel_user_id, (t.u).locale, (t.u).current_node, "
                "(t.u).pending, (t.u).created_at, (t.u).last_seen, (t.u).active, t.steps, t.visited "
                "FROM marhaba_lock_and_read_user($1, $2, $3, $4) t", USER_LOCK_SPACE, self.lock_key, *self.key)
        except BaseException:
            _lost(self.db)
            raise
        self.locked = True
        if not rows:
            return None
        self.remember(rows[0][0], rows[0][9], rows[0][10])
        return PostgresStore._user(rows[0])

    def remember(self, user_id: int, steps: list[str], visited: list[str]) -> None:
        self.user_id, self.steps, self.visited = user_id, set(steps), set(visited)


_TURN: ContextVar[_Turn | None] = ContextVar("marhaba_postgres_turn", default=None)
"""The turn the current task runs (:meth:`PostgresStore.user_lock`). A task started inside the turn
inherits the variable but not the connection (one connection runs one statement at a time): see
:func:`_current_turn`."""


def _current_turn(store: PostgresStore) -> _Turn | None:
    """The turn this task runs on ``store``, if any (not the turn of the task that started this one, nor one
    on another store)."""
    turn = _TURN.get()
    if turn is None or turn.task is not asyncio.current_task() or turn.pool is not store._lock_pool:
        return None
    return turn


class _UserLock:
    """``async with store.user_lock(channel, user)``: a connection of the lock pool for the turn, the
    user's lock taken by the turn's first statement and released on leaving (a plain object, not a
    generator: it is entered on every turn)."""

    __slots__ = ("key", "pool", "token", "turn")

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], key: tuple[str, str]) -> None:
        self.pool, self.key = pool, key
        self.turn: _Turn | None = None
        self.token: Token[_Turn | None] | None = None

    async def __aenter__(self) -> None:
        try:
            db = await self.pool.acquire()
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise _store_error(exc) from None
        self.turn = _Turn(self.pool, db, self.key)
        self.token = _TURN.set(self.turn)

    async def __aexit__(self, *exc: object) -> None:
        turn, token = self.turn, self.token
        assert turn is not None and token is not None
        self.turn = self.token = None
        _TURN.reset(token)
        try:
            if turn.locked and not turn.db.is_closed():
                await _locking(turn.db, f"SELECT pg_advisory_unlock({USER_LOCK_SPACE}, {turn.lock_key})")
        finally:
            await self.pool.release(turn.db)


def user_lock_key(channel: str, channel_user_id: str) -> int:
    """The second key of a user's advisory lock: 32 bits of a hash of (channel, user id), signed."""
    digest = hashlib.blake2b(f"{channel}\0{channel_user_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def migrations() -> list[tuple[int, str, str]]:
    """The numbered PostgreSQL migrations shipped in ``bot/store/postgres/migrations``, in order."""
    return numbered_migrations("bot.store.postgres")


def describe(url: str) -> str:
    """``host:port/database`` of a URL, for messages: never its user name or password."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the database of MARHABA_DATABASE_URL"
    return f"{host}{port}{parts.path or '/'}"


class PostgresStore(Store):
    """Users and progress in a PostgreSQL database (``url`` as ``postgresql://user@host:port/db``)."""

    def __init__(self, url: str, min_connections: int = 1, max_connections: int = 10) -> None:
        self.url = url
        self.min_connections = min_connections
        self.max_connections = max_connections
        self._pool: asyncpg.Pool[asyncpg.Record] | None = None
        self._lock_pool: asyncpg.Pool[asyncpg.Record] | None = None
        self._repositories = Repositories(self, "PostgreSQL", REPOSITORIES)

    def repository(self, key: RepositoryKey[R]) -> R:
        return self._repositories.get(key)

    def describe(self) -> str:
        return f"PostgreSQL {describe(self.url)}"

    @property
    def pool(self) -> asyncpg.Pool[asyncpg.Record]:
        if self._pool is None:
            raise StoreUnavailable("the store is not open")
        return self._pool

    async def open(self) -> None:
        await self.connect()
        try:
            self.migrations_applied = tuple(await self.migrate())
        except BaseException:
            await self.close()
            raise

    async def connect(self) -> None:
        """Open the pool without migrating (``marhaba db migrate`` reports what :meth:`migrate` applies)."""
        try:
            self._pool = await asyncpg.create_pool(self.url, min_size=self.min_connections,
                                                   max_size=self.max_connections, reset=_no_session_state)
            self._lock_pool = await asyncpg.create_pool(self.url, min_size=0, max_size=USER_LOCK_CONNECTIONS,
                                                        reset=_no_session_state)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StoreUnavailable(f"cannot connect to PostgreSQL at {describe(self.url)}: {_reason(exc)}") from None
        except ValueError as exc:  # a malformed URL
            raise StoreUnavailable(f"MARHABA_DATABASE_URL is not a valid PostgreSQL URL: {exc}") from None

    async def close(self) -> None:
        if self._lock_pool is not None:
            locks, self._lock_pool = self._lock_pool, None
            await locks.close()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    def user_lock(self, channel: str, channel_user_id: str) -> _UserLock:
        """Hold one user's session advisory lock on a connection of its own while the body runs; the body's
        statements (this task's :meth:`fetch` and :meth:`transaction`) run on that connection.

        Every worker on the database takes it around the user's turns, so they run one at a time. It is
        taken by the body's first statement, before that statement runs (together with it when that is
        the read of this user: one round trip), and released on leaving. The lock lives with the
        connection: a worker killed while holding it loses its connection and so the lock, at once. The
        connection comes from a pool of its own (:data:`USER_LOCK_CONNECTIONS`), so a turn never waits
        for a connection that a waiter for a lock holds, and the store's other work (inbox claims of other
        tasks, broadcasts, leases) never waits for turns, which hold theirs while replies are sent.
        """
        if self._lock_pool is None:
            raise StoreUnavailable("the store is not open")
        return _UserLock(self._lock_pool, (channel, channel_user_id))

    async def _turn_connection(self) -> Connection | None:
        """The connection of the turn this task runs, its user's lock taken (``None`` outside turns)."""
        turn = _current_turn(self)
        if turn is None:
            return None
        await turn.lock()
        return turn.db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A connection in a transaction, committed on leaving (the turn's, in a user's turn, else a pooled
        one); database errors as :class:`StoreError`."""
        try:
            held = await self._turn_connection()
            if held is not None:
                async with held.transaction():
                    yield held
            else:
                async with self.pool.acquire() as db, db.transaction():
                    yield db
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _store_error(exc) from None

    async def migrate(self) -> list[str]:
        """Apply the pending migrations, each in one transaction under the migration lock; their names."""
        applied = []
        for version, name, sql in migrations():
            try:
                async with self.pool.acquire() as db, db.transaction():
                    await db.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                    # Created under the lock: two processes creating it at once would collide.
                    await db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                                     "name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)")
                    if await db.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", version):
                        continue
                    await db.execute(sql)
                    await db.execute("INSERT INTO schema_migrations VALUES ($1, $2, $3)", version, name, time.time())
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                raise MigrationError(f"migration {name} failed: {_reason(exc)}; nothing of it was applied") from None
            applied.append(name)
        return applied

    async def schema_version(self) -> int:
        """The highest migration applied (0 on an empty database)."""
        async with self.transaction() as db:
            exists = await db.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
            return int(await db.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) if exists else 0

    async def fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        """One statement, on its own (one round trip, its own transaction); database errors as StoreError."""
        try:
            held = await self._turn_connection()
            return await (held or self.pool).fetch(sql, *args)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _store_error(exc) from None

    async def fetchval(self, sql: str, *args: object) -> Any:
        """The first column of the first row of one statement (``None`` without rows)."""
        rows = await self.fetch(sql, *args)
        return rows[0][0] if rows else None

    async def user_fetch(self, user_id: int, sql: str, *args: object) -> list[asyncpg.Record]:
        """:meth:`fetch` of a write about ``user_id``: a refused reference means they were deleted meanwhile
        (/forget, the retention purge, on this worker or another): :class:`UserChanged`, so the turn runs again."""
        try:
            return await self.fetch(sql, *args)
        except StoreIntegrityError as exc:
            raise UserChanged(f"user {user_id} changed during the turn: {exc}") from None

    @staticmethod
    def _user(row: asyncpg.Record, is_new: bool = False) -> User:
        return User(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], is_new)

    async def get_user(self, channel: str, channel_user_id: str) -> User | None:
        turn = _current_turn(self)
        if turn is not None and turn.key == (channel, channel_user_id):
            return await self._turn_user(turn)
        rows = await self.fetch(f"SELECT {_USER_COLUMNS} FROM users WHERE channel = $1 AND channel_user_id = $2",
                                 channel, channel_user_id)
        return self._user(rows[0]) if rows else None

    TOUCH_SECONDS = 60.0
    """``last_seen`` is written at most this often per user (as on SQLite): it feeds day-scale statistics
    and the retention purge, and writing it on every turn would add a commit to every turn."""

    async def get_or_create_user(self, channel: str, channel_user_id: str) -> User:
        now = time.time()
        known = await self.get_user(channel, channel_user_id)  # read fresh: another worker may have changed them
        if known is not None and known.active and now - known.last_seen < self.TOUCH_SECONDS:
            return known
        turn = _current_turn(self)
        # One statement reads the user, creating them on first contact, and marks them seen and active;
        # xmax is 0 only in a row version this statement inserted (not updated).
        rows = await self.fetch(
            "INSERT INTO users (channel, channel_user_id, created_at, last_seen) VALUES ($1, $2, $3, $3) "
            "ON CONFLICT (channel, channel_user_id) DO UPDATE SET last_seen = EXCLUDED.last_seen, active = TRUE "
            f"RETURNING {_USER_COLUMNS}, (xmax = 0) AS inserted",
            channel, channel_user_id, now)
        user = self._user(rows[0], is_new=bool(rows[0]["inserted"]))
        if turn is not None and turn.key == (channel, channel_user_id) and known is None:
            if user.is_new:
                turn.remember(user.id, [], [])  # a new row: no steps or visits
            else:
                turn.user_id = None  # made meanwhile outside the turn: their steps and visits are read when asked
        return user

    async def _turn_user(self, turn: _Turn) -> User | None:
        """The user of the turn, read fresh, with their steps and visits (kept in ``turn``); the first read
        of the turn takes the user's lock in the same round trip."""
        try:
            if not turn.locked:
                return await turn.lock_and_read()
            rows = await turn.db.fetch(
                f"SELECT {_USER_COLUMNS}, ARRAY(SELECT node_id FROM steps_done WHERE user_id = users.id), "
                "ARRAY(SELECT node_id FROM visits WHERE user_id = users.id) "
                "FROM users WHERE channel = $1 AND channel_user_id = $2", *turn.key)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _store_error(exc) from None
        if not rows:
            turn.user_id = None
            return None
        turn.remember(rows[0][0], rows[0][9], rows[0][10])
        return self._user(rows[0])

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self.user_fetch(user_id, "UPDATE users SET locale = $1 WHERE id = $2", locale, user_id)

    async def set_pending(self, user_id: int, pending: str | None) -> None:
        await self.user_fetch(user_id, "UPDATE users SET pending = $1 WHERE id = $2", pending, user_id)

    async def record_visit(self, user_id: int, node_id: str) -> None:
        # Both writes in one statement (so one transaction and one round trip); the update waits on the
        # insert, so a forgotten user's visit fails on its foreign key instead of touching nothing.
        await self.user_fetch(
            user_id,
            "WITH visit AS (INSERT INTO visits (user_id, node_id, first_at, last_at) VALUES ($1, $2, $3, $3) "
            "ON CONFLICT (user_id, node_id) DO UPDATE SET last_at = EXCLUDED.last_at, count = visits.count + 1 "
            "RETURNING user_id) "
            "UPDATE users SET current_node = $2, pending = NULL, last_seen = $3, active = TRUE "
            "WHERE id = (SELECT user_id FROM visit)", user_id, node_id, time.time())
        turn = _current_turn(self)
        if turn is not None and turn.known(user_id):
            turn.visited.add(node_id)

    async def set_step(self, user_id: int, node_id: str, done: bool) -> None:
        if done:
            await self.user_fetch(user_id, "INSERT INTO steps_done (user_id, node_id, done_at) VALUES ($1, $2, $3) "
                              "ON CONFLICT (user_id, node_id) DO NOTHING", user_id, node_id, time.time())
        else:
            await self.fetch("DELETE FROM steps_done WHERE user_id = $1 AND node_id = $2", user_id, node_id)
        turn = _current_turn(self)
        if turn is not None and turn.known(user_id):
            (turn.steps.add if done else turn.steps.discard)(node_id)

    async def steps_done(self, user_id: int) -> set[str]:
        turn = _current_turn(self)
        if turn is not None and turn.known(user_id):
            return set(turn.steps)
        return {r[0] for r in await self.fetch("SELECT node_id FROM steps_done WHERE user_id = $1", user_id)}

    async def visited(self, user_id: int) -> set[str]:
        turn = _current_turn(self)
        if turn is not None and turn.known(user_id):
            return set(turn.visited)
        return {r[0] for r in await self.fetch("SELECT node_id FROM visits WHERE user_id = $1", user_id)}

    async def set_active(self, channel: str, channel_user_id: str, active: bool) -> None:
        await self.fetch("UPDATE users SET active = $1 WHERE channel = $2 AND channel_user_id = $3",
                          active, channel, channel_user_id)

    async def forget(self, user_id: int) -> None:
        # ON DELETE CASCADE removes the user's rows in every table that references users, in this
        # one transaction: a crash leaves either all of them or none.
        async with self.transaction() as db:
            await db.execute("DELETE FROM users WHERE id = $1", user_id)
        turn = _current_turn(self)
        if turn is not None and turn.user_id == user_id:
            turn.user_id = None

    async def user_tables(self) -> list[str]:
        async with self.transaction() as db:
            rows = await db.fetch(
                "SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass")
        return ["users", *sorted(r[0] for r in rows)]


async def _no_session_state(_connection: asyncpg.Connection[asyncpg.Record]) -> None:
    """What a connection back in the pool needs beyond asyncpg's own rollback of an open transaction:
    nothing, as the store keeps no session state (no LISTEN, cursors or SET; a user's session advisory lock
    is released before its connection goes back, or the connection is closed).
    The default would send a reset query (``RESET ALL`` ...) on every release: a round trip per statement."""


async def _locking(db: Connection, sql: str) -> None:
    """Take or give back a user's lock on ``db`` (``sql`` without parameters: one simple query, nothing to
    parse or bind)."""
    try:
        await db.execute(sql)
    except BaseException as exc:
        _lost(db)
        if isinstance(exc, asyncpg.PostgresError | asyncpg.InterfaceError | OSError):
            raise _store_error(exc) from None
        raise


def _lost(db: Connection) -> None:
    """A statement that takes or gives back a user's lock failed or was cancelled: whether the server holds
    the lock is unknown, so the connection is closed (and any lock with it) rather than going back to the pool."""
    db.terminate()


class PostgresRepository:
    """Base of the PostgreSQL repositories: statements through :attr:`store` (:meth:`PostgresStore.fetch`,
    :meth:`PostgresStore.transaction`)."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store


def _store_error(exc: BaseException) -> StoreError:
    """A failed statement as the store's error: a refused constraint, or a database that cannot be reached."""
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return StoreIntegrityError(f"write refused: {_reason(exc)}")
    return StoreUnavailable(f"database error: {_reason(exc)}")


def _reason(exc: BaseException) -> str:
    """The database's own words (never the URL, which may hold a password)."""
    return str(exc).strip() or type(exc).__name__
