"""The storage interface the engine talks to. It never sees SQL."""

from __future__ import annotations

import abc
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Generic, Self, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class RepositoryKey(Generic[R]):
    """Names one repository protocol, typed: ``store.repository(BROADCASTS)`` is a ``BroadcastRepository``.

    Each feature declares its key beside its protocol (``bot/features/<name>/_repository.py``); every
    store implementation provides an implementation for every key (the contract suite checks it).
    """

    name: str


@dataclass(frozen=True)
class User:
    """What is stored about one user of one channel (a person on two channels is two users)."""

    id: int
    channel: str
    channel_user_id: str
    locale: str | None
    current_node: str | None
    pending: str | None
    created_at: float
    last_seen: float
    active: bool
    is_new: bool = False


class Store(abc.ABC):
    """Async repository of users and their progress.

    Each write method commits before it returns: a turn acknowledged to a user
    is on disk. Implementations must be safe to call from many tasks at once.
    """

    path: str = ":memory:"
    """The database file (SQLite), beside which the pseudonym key file is kept by default; ``":memory:"``
    for a store without one (then the key must come from ``MARHABA_SECRET_KEY`` or its ``_FILE``)."""

    single_process: bool = False
    """True when one serving process is the database's main user (SQLite): a channel may then keep
    per-user state in memory, read again after a short while; never on a database many processes
    serve from (PostgreSQL)."""

    migrations_applied: tuple[str, ...] = ()
    """The migrations (file names) the last :meth:`open` applied itself; those another process applied
    meanwhile are not among them (``marhaba db migrate`` reports them)."""

    @abc.abstractmethod
    async def open(self) -> None:
        """Connect and apply pending migrations."""

    @abc.abstractmethod
    async def schema_version(self) -> int:
        """The highest migration applied to the database."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Which database this is, for messages: ``SQLite <path>`` or ``PostgreSQL host:port/db`` (never a
        password)."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def user_lock(self, channel: str, channel_user_id: str) -> AbstractAsyncContextManager[object] | None:
        """A lock on one user held across every process serving this database, or ``None`` when one process
        serves it (SQLite: a second ``marhaba run`` is refused), so the core's lock within the process suffices.

        The core's :class:`~bot.core.Isolation` takes it, after its own lock, around each user's turn.
        """
        return None

    @abc.abstractmethod
    async def get_user(self, channel: str, channel_user_id: str) -> User | None: ...

    @abc.abstractmethod
    async def get_or_create_user(self, channel: str, channel_user_id: str) -> User:
        """The user, created on first contact (then ``is_new`` is true); marks them active and seen."""

    @abc.abstractmethod
    async def set_locale(self, user_id: int, locale: str) -> None: ...

    @abc.abstractmethod
    async def set_pending(self, user_id: int, pending: str | None) -> None:
        """A question the bot is waiting on an answer to (e.g. the /forget confirmation)."""

    @abc.abstractmethod
    async def record_visit(self, user_id: int, node_id: str) -> None:
        """The user opened ``node_id``: it becomes their current node and counts as visited."""

    @abc.abstractmethod
    async def set_step(self, user_id: int, node_id: str, done: bool) -> None: ...

    @abc.abstractmethod
    async def steps_done(self, user_id: int) -> set[str]: ...

    @abc.abstractmethod
    async def visited(self, user_id: int) -> set[str]: ...

    @abc.abstractmethod
    async def set_active(self, channel: str, channel_user_id: str, active: bool) -> None:
        """Mark a user (in)active: an inactive user (who blocked the bot) is not messaged."""

    @abc.abstractmethod
    async def forget(self, user_id: int) -> None:
        """Delete every row about the user, in one transaction."""

    @abc.abstractmethod
    def repository(self, key: RepositoryKey[R]) -> R:
        """This store's implementation of the repository ``key`` names (one per store, made on first use).

        Raises :class:`~bot.errors.StoreError` when this backend has none.
        """

    @abc.abstractmethod
    async def user_tables(self) -> list[str]:
        """Names of the tables that hold per-user rows (for audits and tests of /forget)."""
