"""The exception hierarchy of Marhaba.

Every error a person can cause (a staff edit, a translator, an operator's
configuration) is a :class:`MarhabaError`; the CLI turns these into a message
and an exit code, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class MarhabaError(Exception):
    """Base class of every error Marhaba raises on purpose."""

    exit_code = 1


class ConfigError(MarhabaError):
    """The environment or the command line is wrong (a missing token, a bad port)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem found in a content file, printed as ``file:line:col: message``."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}"


class ContentError(MarhabaError):
    """The content (or events) files contain errors; :attr:`problems` lists them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(MarhabaError):
    """The store failed; a subclass says how (catch this to catch them all)."""


class StoreUnavailable(StoreError):
    """The database cannot be reached: it cannot be created or opened, is closed, or is locked by another server."""


class MigrationError(StoreUnavailable):
    """A migration failed and was rolled back: the database is as it was, and the bot does not start on it."""


class StoreIntegrityError(StoreError):
    """A write was refused (a broken constraint, a full disk); nothing of it was stored."""


class UserChanged(StoreIntegrityError):
    """A write about a user failed because the user changed under the turn (deleted by a retention purge
    or ``/forget`` in another process): reading the user again and re-running the turn is safe."""


class DeliveryError(MarhabaError):
    """A message could not be delivered. The subclasses in :mod:`bot.core` say what to do next."""
