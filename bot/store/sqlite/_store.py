"""The SQLite implementation of :class:`~bot.store.Store` (WAL mode): reads on aiosqlite, writes group-committed."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.errors import (
    MigrationError,
    StoreError,
    StoreIntegrityError,
    StoreUnavailable,
    UserChanged,
)
from bot.store._backend import Repositories, numbered_migrations
from bot.store._base import R, RepositoryKey, Store, User

log = logging.getLogger("marhaba.store")

_USER_COLUMNS = "id, channel, channel_user_id, locale, current_node, pending, created_at, last_seen, active"

REPOSITORIES = {
    "inbox": "bot.store.sqlite._inbox:SQLiteInbox",
    "leases": "bot.store.sqlite._leases:SQLiteLeases",
    "rates": "bot.store.sqlite._rates:SQLiteRates",
    "broadcast": "bot.store.sqlite.broadcast:SQLiteBroadcasts",
    "questions": "bot.store.sqlite.questions:SQLiteQuestions",
    "feedback": "bot.store.sqlite.feedback:SQLiteFeedback",
    "usage": "bot.store.sqlite.usage:SQLiteUsage",
    "safety": "bot.store.sqlite.safety:SQLiteSafety",
    "whatsapp": "bot.store.sqlite.whatsapp:SQLiteWhatsApp",
    "webchat": "bot.store.sqlite.webchat:SQLiteWebChat",
    "privacy": "bot.store.sqlite.privacy:SQLitePrivacy",
    "staff": "bot.store.sqlite.staff:SQLiteStaff",
}
"""Repository key name -> ``module:class`` of its SQLite implementation, imported on first use (the
implementations import the features' protocols, which import this package)."""


def migrations() -> list[tuple[int, str, str]]:
    """The numbered SQL migrations shipped in ``bot/store/sqlite/migrations``, in order."""
    return numbered_migrations("bot.store.sqlite")


Statement = tuple[str, tuple[object, ...]]
T = TypeVar("T")


class GroupCommitter:
    """Commits the writes of many concurrent turns in one transaction.

    Every write of the store goes through here, on a connection and a thread
    of its own, so writers never wait on each other's locks. Each caller
    awaits until its writes are committed, so a turn is on disk before the
    user sees the answer; under load, one commit serves many turns (group
    commit), which is what lets one SQLite file keep up with thousands of
    turns a second. A whole commit (BEGIN, the statements, COMMIT) is one
    call on the writer thread: the event loop is woken once per commit, not
    once per statement, so turns wait less for it.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection],
                 after_commit: Callable[[], None] = lambda: None) -> None:
        self._connect = connect
        self._after_commit = after_commit
        self._db: sqlite3.Connection | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._queue: list[_Write] = []
        self._flushing: asyncio.Task[None] | None = None
        self._open = False

    async def open(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="marhaba-writer")
        self._db = await self._call(self._connect)
        self._open = True

    async def close(self) -> None:
        self._open = False  # from now on writes fail at once; the ones queued are committed
        if self._flushing is not None:
            await asyncio.gather(self._flushing, return_exceptions=True)
        if self._db is not None:
            db, self._db = self._db, None
            await self._call(db.close)
        if self._thread is not None:
            thread, self._thread = self._thread, None
            thread.shutdown(wait=True)

    def _call(self, fn: Callable[..., T], *args: object) -> asyncio.Future[T]:
        assert self._thread is not None
        return asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    async def checkpoint_truncate(self) -> bool:
        """Copy the whole WAL into the database and truncate it to zero bytes, between two commits.

        ``False`` when a reader kept part of it (after the busy timeout); the next checkpoint copies it.
        """
        if not self._open or self._db is None:
            raise StoreUnavailable("the store is not open")
        db = self._db
        # On the writer thread, so it runs between two commits; the caller's own commit is done already.
        busy, _log, _done = await self._call(lambda: db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
        return not busy

    def submit(self, statements: list[Statement], *, returning: bool = False) -> asyncio.Future[list[tuple[Any, ...]]]:
        """Queue ``statements`` to run atomically; the future resolves once they are committed.

        With ``returning``, the future's result is the rows of the last statement.
        """
        future: asyncio.Future[list[tuple[Any, ...]]] = asyncio.get_running_loop().create_future()
        if not self._open:
            future.set_exception(StoreUnavailable("the store is not open"))
            return future
        key = tuple(sql for sql, _ in statements) + (("\x00returning",) if returning else ())
        self._queue.append(_Write(key, statements, future, returning))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_loop())
        return future

    async def _flush_loop(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                await self._flush(batch)
            except BaseException as exc:
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)
                raise

    async def _flush(self, batch: list[_Write]) -> None:
        try:
            results = await self._call(self._commit, batch)
        except sqlite3.Error:
            # One bad write (a row deleted meanwhile by another process) must not fail the others.
            for item in batch:
                try:
                    self._resolve([item], await self._call(self._commit, [item]))
                except sqlite3.Error as exc:
                    if not item.future.done():
                        item.future.set_exception(_write_error(exc))
            return
        self._resolve(batch, results)

    def _resolve(self, batch: list[_Write], results: dict[int, list[tuple[Any, ...]]]) -> None:
        self._after_commit()
        for item in batch:
            if not item.future.done():
                item.future.set_result(results.get(id(item), []))

    def _commit(self, batch: list[_Write]) -> dict[int, list[tuple[Any, ...]]]:
        """One transaction for ``batch``, run on the writer thread; the rows of ``returning`` writes by id."""
        db = self._db
        assert db is not None
        groups: dict[tuple[str, ...], list[_Write]] = {}
        results: dict[int, list[tuple[Any, ...]]] = {}
        for item in batch:
            groups.setdefault(item.key, []).append(item)
        db.execute("BEGIN IMMEDIATE")
        try:
            for key, items in groups.items():
                if items[0].returning:
                    for item in items:
                        for sql, params in item.statements:
                            results[id(item)] = db.execute(sql, params).fetchall()
                    continue
                for index, sql in enumerate(key):
                    db.executemany(sql, [item.statements[index][1] for item in items])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return results


class SQLiteRepository:
    """Base of the SQLite repositories: reads on :attr:`SQLiteStore.db`, writes through its group commit."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store


def _changed(user: User, **changes: object) -> User:
    """``dataclasses.replace`` for the user cache without its per-call introspection (most turns run it)."""
    new = object.__new__(User)
    new.__dict__.update(user.__dict__, **changes)
    return new


def _consume(future: asyncio.Future[list[tuple[Any, ...]]]) -> None:
    # A fire-and-forget write (last_seen) that failed is not worth a warning per turn.
    if not future.cancelled():
        future.exception()


@dataclass
class _Write:
    key: tuple[str, ...]
    statements: list[Statement]
    future: asyncio.Future[list[tuple[Any, ...]]]
    returning: bool


class SQLiteStore(Store):
    """Users and progress in one SQLite file. ``path`` may be ``:memory:`` only for a store without writes."""

    single_process = True

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = str(path)
        self.clock = clock
        """Monotonic seconds, for the user cache's expiry (tests inject one)."""
        self._db: aiosqlite.Connection | None = None
        self._writer = GroupCommitter(self._connect_writer, self._after_commit)
        self._commits = 0
        self._checkpoint: asyncio.Task[None] | None = None
        self._checkpointer: aiosqlite.Connection | None = None
        self._users: OrderedDict[tuple[str, str], tuple[User, float]] = OrderedDict()
        self._user_keys: dict[int, tuple[str, str]] = {}
        self.forgets = 0
        """How many people :meth:`forget` deleted through this store (see :meth:`truncate_wal`)."""
        self._known: dict[tuple[str, int], frozenset[str]] = {}
        """Done steps and visited pages of cached users, by ("steps" | "visited", user id):
        read once, then kept up to date by this store's own writes."""
        self._repositories = Repositories(self, "SQLite", REPOSITORIES)

    def repository(self, key: RepositoryKey[R]) -> R:
        return self._repositories.get(key)

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreUnavailable("the store is not open")
        return self._db

    async def open(self) -> None:
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable(f"cannot create the folder for the database {parent}: {exc.strerror}") from None
        try:
            self._db = await self._connect()
            await self._migrate()
            await self._writer.open()
        except StoreError:
            await self.close()
            raise
        except sqlite3.DatabaseError as exc:
            await self.close()
            raise StoreUnavailable(f"cannot open the database {self.path}: {exc}") from None

    _PRAGMAS = (
        # First: a process that opens a new database while another creates it waits for the
        # lock (switching to WAL needs it too) instead of failing with "database is locked".
        "PRAGMA busy_timeout=10000",
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",  # in WAL mode: durable across process crashes
        "PRAGMA foreign_keys=ON",
        # Deleted rows are overwritten with zeros, not left in free space for anyone holding the file to
        # read: /forget and the retention purge must really remove what people wrote.
        "PRAGMA secure_delete=ON",
        # Checkpoints run in the background on a connection of their own (see _after_commit),
        # never inside a commit: an automatic checkpoint there stalls every waiting turn.
        "PRAGMA wal_autocheckpoint=0",
    )

    def _location(self) -> str | Path:
        return Path(self.path).expanduser() if self.path != ":memory:" else self.path

    async def _connect(self) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self._location(), isolation_level=None)
        try:
            for pragma in self._PRAGMAS:
                await db.execute(pragma)
        except BaseException:
            # Not a database: close the connection, or its thread keeps the process alive at exit.
            await db.close()
            raise
        return db

    def _connect_writer(self) -> sqlite3.Connection:
        """The writer's plain connection, made and used only on the writer thread."""
        db = sqlite3.connect(self._location(), isolation_level=None, check_same_thread=False)
        try:
            for pragma in self._PRAGMAS:
                db.execute(pragma)
        except BaseException:
            db.close()
            raise
        return db

    async def write(self, *statements: Statement) -> None:
        """Run write statements atomically, group-committed with other turns' writes.

        Every write goes through here (not through :attr:`db`, which is for reads),
        so that writers never contend for SQLite's lock.
        """
        await self._writer.submit(list(statements))

    async def _user_write(self, user_id: int, *statements: Statement) -> None:
        try:
            await self.write(*statements)
        except StoreIntegrityError as exc:
            # The user was deleted meanwhile by another process (a retention purge, /forget):
            # forget the cached row so the turn, run again, reads the truth.
            self._uncache(user_id)
            raise UserChanged(f"user {user_id} changed during the turn: {exc}") from None

    async def write_returning(self, sql: str, params: tuple[object, ...],
                              before: tuple[Statement, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one write statement with ``RETURNING`` and give back its rows, once committed.

        ``before`` runs first, in the same transaction.
        """
        return await self._writer.submit([*before, (sql, params)], returning=True)

    async def _migrate(self) -> None:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
        async with self.db.execute("SELECT version FROM schema_migrations") as cur:
            done = {row[0] for row in await cur.fetchall()}
        pending = [m for m in migrations() if m[0] not in done]
        self.migrations_applied = ()
        if not pending:
            return
        # Foreign keys off while migrating, so that a table can be rebuilt without its
        # DROP cascading to every row that references it; each migration checks them
        # before it commits (https://www.sqlite.org/lang_altertable.html#otheralter).
        await self.db.execute("PRAGMA foreign_keys=OFF")
        try:
            for version, name, sql in pending:
                if await self._apply(version, name, sql):
                    self.migrations_applied += (name,)
        finally:
            await self.db.execute("PRAGMA foreign_keys=ON")

    async def _apply(self, version: int, name: str, sql: str) -> bool:
        """One migration in one ``BEGIN IMMEDIATE`` transaction: a crash leaves the schema at a known
        version, and of several processes starting at once on one file, exactly one applies it.
        False when another process had applied it."""
        try:
            # The version row is written first, under the write lock: a process that lost the race
            # finds it there (a UNIQUE failure) and skips the migration its rival applied.
            await self.db.executescript(
                f"BEGIN IMMEDIATE;\nINSERT INTO schema_migrations VALUES ({version}, '{name}', {time.time()});\n{sql}"
            )
        except sqlite3.IntegrityError as exc:
            await self._rollback()
            if "schema_migrations" in str(exc):
                return False
            raise MigrationError(f"migration {name} failed: {exc}; nothing was changed") from None
        except sqlite3.Error as exc:
            await self._rollback()
            raise MigrationError(f"migration {name} failed: {exc}; nothing was changed") from None
        broken = list(await self.db.execute_fetchall("PRAGMA foreign_key_check"))
        if broken:
            await self._rollback()
            raise MigrationError(f"migration {name} would break {len(broken)} references; nothing was changed")
        await self.db.execute("COMMIT")
        return True

    async def schema_version(self) -> int:
        rows = await self.db.execute_fetchall("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(next(iter(rows))[0])

    def describe(self) -> str:
        return f"SQLite {self.path}"

    async def _rollback(self) -> None:
        if self.db.in_transaction:
            await self.db.execute("ROLLBACK")

    CHECKPOINT_EVERY = 200
    """Commits between two background WAL checkpoints."""

    def _after_commit(self) -> None:
        self._commits += 1
        if self._commits >= self.CHECKPOINT_EVERY and (self._checkpoint is None or self._checkpoint.done()):
            self._commits = 0
            self._checkpoint = asyncio.create_task(self._run_checkpoint("PASSIVE"))

    async def _run_checkpoint(self, mode: str) -> None:
        # On a connection of its own, so reads never queue behind it; PASSIVE copies what it
        # can without blocking the writer, and a busy database just waits for the next one.
        with contextlib.suppress(sqlite3.Error, ValueError):
            if self._checkpointer is None:
                self._checkpointer = await self._connect()
            await self._checkpointer.execute(f"PRAGMA wal_checkpoint({mode})")

    async def close(self) -> None:
        await self._writer.close()
        if self._checkpoint is not None:
            await asyncio.gather(self._checkpoint, return_exceptions=True)
        if self._db is not None:
            await self._run_checkpoint("TRUNCATE")
        if self._checkpointer is not None:
            checkpointer, self._checkpointer = self._checkpointer, None
            await checkpointer.close()
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()

    @staticmethod
    def _user(row: tuple[Any, ...], is_new: bool = False) -> User:
        return User(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], bool(row[8]), is_new)

    async def get_user(self, channel: str, channel_user_id: str) -> User | None:
        rows = await self.db.execute_fetchall(
            f"SELECT {_USER_COLUMNS} FROM users WHERE channel = ? AND channel_user_id = ?", (channel, channel_user_id)
        )
        return next((self._user(tuple(row)) for row in rows), None)

    USER_CACHE_SIZE = 20_000
    USER_CACHE_SECONDS = 30.0
    """Users are cached briefly: this process writes them, and another process (a purge, a
    broadcast) changes them rarely; a cached user is re-read at most this long after it was read."""

    TOUCH_SECONDS = 60.0
    """``last_seen`` is written at most this often per user: it feeds day-scale statistics and the
    retention purge, and writing it on every turn would add a statement to every commit."""

    def _cache(self, user: User, read_at: float) -> User:
        key = (user.channel, user.channel_user_id)
        before = self._users.get(key)
        if before is not None and before[0].id != user.id:  # deleted and created again meanwhile
            self._uncache(before[0].id)
        self._users[key] = (user, read_at)
        self._users.move_to_end(key)
        self._user_keys[user.id] = key
        while len(self._users) > self.USER_CACHE_SIZE:
            _, (old, _) = self._users.popitem(last=False)
            self._user_keys.pop(old.id, None)
            self._forget_known(old.id)
        return user

    def _update_cached(self, user_id: int, **changes: object) -> None:
        key = self._user_keys.get(user_id)
        entry = self._users.get(key) if key is not None else None
        if key is not None and entry is not None:
            self._users[key] = (_changed(entry[0], **changes), entry[1])

    def _uncache(self, user_id: int) -> None:
        self._forget_known(user_id)
        key = self._user_keys.pop(user_id, None)
        if key:
            self._users.pop(key, None)

    async def get_or_create_user(self, channel: str, channel_user_id: str) -> User:
        now = time.time()
        cached = self._users.get((channel, channel_user_id))
        if cached is not None and self.clock() - cached[1] < self.USER_CACHE_SECONDS:
            user, read_at = cached
            touch: list[Statement] = [("UPDATE users SET last_seen = ?, active = 1 WHERE id = ?", (now, user.id))]
            if not user.active:
                # A user who blocked us wrote again: they must be messageable from now on.
                await self._writer.submit(touch)
                user = _changed(user, active=True, last_seen=now)
            elif now - user.last_seen >= self.TOUCH_SECONDS:
                # Only last_seen changes: committed with other turns' writes, not waited for.
                self._writer.submit(touch).add_done_callback(_consume)
                user = _changed(user, last_seen=now)
            return self._cache(user, read_at)
        # Not cached: one statement reads the user, creating them on first contact, and marks
        # them seen and active (a user who blocked us and writes again is messageable again).
        rows = await self.write_returning(
            "INSERT INTO users (channel, channel_user_id, created_at, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (channel, channel_user_id) DO UPDATE SET last_seen = excluded.last_seen, active = 1 "
            f"RETURNING {_USER_COLUMNS}",
            (channel, channel_user_id, now, now),
        )
        user = self._user(rows[0])
        self._forget_known(user.id)  # read again with the user
        self._cache(user, self.clock())
        if user.created_at != now:
            return user
        self._known[("steps", user.id)] = self._known[("visited", user.id)] = frozenset()
        return _changed(user, is_new=True)

    def _forget_known(self, user_id: int) -> None:
        self._known.pop(("steps", user_id), None)
        self._known.pop(("visited", user_id), None)

    def _update_known(self, kind: str, user_id: int, item: str, present: bool) -> None:
        known = self._known.get((kind, user_id))
        if known is not None and (item in known) != present:
            self._known[(kind, user_id)] = known | {item} if present else known - {item}

    async def _read_known(self, kind: str, user_id: int, sql: str) -> set[str]:
        known = self._known.get((kind, user_id))
        if known is None:
            known = frozenset(r[0] for r in await self.db.execute_fetchall(sql, (user_id,)))
            if user_id in self._user_keys:  # kept only as long as the user is
                self._known[(kind, user_id)] = known
        return set(known)

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self._user_write(user_id, ("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id)))
        self._update_cached(user_id, locale=locale)

    async def set_pending(self, user_id: int, pending: str | None) -> None:
        await self._user_write(user_id, ("UPDATE users SET pending = ? WHERE id = ?", (pending, user_id)))
        self._update_cached(user_id, pending=pending)

    async def record_visit(self, user_id: int, node_id: str) -> None:
        now = time.time()
        await self._user_write(
            user_id,
            ("INSERT INTO visits (user_id, node_id, first_at, last_at) VALUES (?, ?, ?, ?) "
             "ON CONFLICT (user_id, node_id) DO UPDATE SET last_at = excluded.last_at, count = count + 1",
             (user_id, node_id, now, now)),
            # Seen and messageable, in the statement the visit writes anyway: another process (a
            # broadcast that met a block) may have marked the user inactive since we cached them.
            ("UPDATE users SET current_node = ?, pending = NULL, last_seen = ?, active = 1 WHERE id = ?",
             (node_id, now, user_id)),
        )
        self._update_cached(user_id, current_node=node_id, pending=None, last_seen=now, active=True)
        self._update_known("visited", user_id, node_id, True)

    async def set_step(self, user_id: int, node_id: str, done: bool) -> None:
        if done:
            await self._user_write(user_id, ("INSERT OR IGNORE INTO steps_done (user_id, node_id, done_at) VALUES (?, ?, ?)",
                              (user_id, node_id, time.time())))
        else:
            await self.write(("DELETE FROM steps_done WHERE user_id = ? AND node_id = ?", (user_id, node_id)))
        self._update_known("steps", user_id, node_id, done)

    async def steps_done(self, user_id: int) -> set[str]:
        return await self._read_known("steps", user_id, "SELECT node_id FROM steps_done WHERE user_id = ?")

    async def visited(self, user_id: int) -> set[str]:
        return await self._read_known("visited", user_id, "SELECT node_id FROM visits WHERE user_id = ?")

    async def set_active(self, channel: str, channel_user_id: str, active: bool) -> None:
        await self.write(("UPDATE users SET active = ? WHERE channel = ? AND channel_user_id = ?",
                          (int(active), channel, channel_user_id)))
        cached = self._users.get((channel, channel_user_id))
        if cached is not None:
            self._uncache(cached[0].id)

    async def forget(self, user_id: int) -> None:
        # ON DELETE CASCADE removes the user's rows in every table that references users; secure_delete
        # zeroes them in the pages, and the checkpoint removes the older copies of those pages from the WAL.
        self._uncache(user_id)
        try:
            await self.write(("DELETE FROM users WHERE id = ?", (user_id,)))
        finally:
            self._uncache(user_id)
        self.forgets += 1
        await self.truncate_wal()

    async def truncate_wal(self) -> None:
        """Copy the WAL into the database and truncate it, so no older copy of a deleted row stays in it.

        Run after every :meth:`forget`; a writer that later deletes a copy of the forgotten person's words
        that the forget could not reach (the inbox's copy of the /forget message itself, see
        :attr:`forgets`) runs it again.
        """
        if self.path != ":memory:" and not await self._writer.checkpoint_truncate():
            log.warning("after a deletion the WAL could not be checkpointed at once (a long read); "
                        "the next checkpoint removes the old pages")

    async def user_tables(self) -> list[str]:
        tables = []
        async with self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            names = [r[0] for r in await cur.fetchall()]
        for name in names:
            async with self.db.execute(f"PRAGMA foreign_key_list({name})") as cur:
                if any(r[2] == "users" for r in await cur.fetchall()):
                    tables.append(name)
        return ["users", *sorted(tables)]


@contextlib.contextmanager
def serving_lock(db_path: str | Path) -> Iterator[None]:
    """Hold ``<db>.lock`` while ``marhaba run`` serves this database: a second one is refused at once.

    Two servers on one SQLite file would each keep their own user cache, poll Telegram twice and
    run every job twice. The lock is an ``flock``, so the kernel releases it however the process
    ends (even on SIGKILL): a stale lock file never blocks a restart.
    """
    path = Path(f"{Path(db_path).expanduser()}.lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 - held open for the life of the server
    except OSError as exc:
        raise StoreUnavailable(f"cannot create {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreUnavailable(f"another `marhaba run` is already serving {db_path}; stop it first "
                             "(one process per SQLite database; several workers need PostgreSQL)") from None
        yield
    finally:
        handle.close()


def _write_error(exc: sqlite3.Error) -> StoreError:
    """A failed write as the store's error: a refused constraint, or a database that cannot be written."""
    if isinstance(exc, sqlite3.IntegrityError):
        return StoreIntegrityError(f"write refused: {exc}")
    return StoreUnavailable(f"write failed: {exc}")
