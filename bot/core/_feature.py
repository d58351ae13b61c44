"""A feature as one unit: everything the application needs of it, declared in one place.

``bot/app.py`` builds the application from one list of :class:`Feature` s. For
each it calls :attr:`Feature.setup` with the engine and the settings, and
includes the router of what comes back into the engine's router (commands,
payloads, text handlers, the guard, reload hooks and background jobs live on
that router, because they need the feature's running state). What needs no
engine is declared on the :class:`Feature` itself: retention rules
(``marhaba privacy``), statistics (``marhaba stats``, ``/stats``) and the
feature's ``marhaba`` command group.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core._router import Unit

if TYPE_CHECKING:
    from bot.content import ContentTree
    from bot.core._engine import Engine

Setup = Callable[["Engine", Any], "Unit | None"]
"""``setup(engine, settings)`` builds the feature's state and returns it (it has a ``router``).

It raises :class:`~bot.errors.ContentError` or :class:`~bot.errors.ConfigError` when the feature's
files or settings are invalid: the bot refuses to start."""
StatsHook = Callable[[Any, "ContentTree", float], Awaitable[dict[str, Any]]]
"""``await stats(store, content, now)``: the feature's aggregate figures, by :class:`Stats` field name
(a name the staff report does not know is shown under its own heading)."""
CliGroup = Callable[[Any, Any], None]
"""``cli(subparsers, features)`` adds the feature's ``marhaba`` commands (argparse sub-parsers); ``features``
are the application's, for commands that need them (``marhaba privacy``, ``marhaba stats``)."""


@dataclass(frozen=True)
class Feature:
    """One feature of the application (see the module docstring and the README's "Architecture")."""

    name: str
    setup: Setup | None = None
    retention: tuple[Any, ...] = ()
    """:class:`~bot.features.privacy.RetentionRule` s for the tables this feature owns."""
    stats: StatsHook | None = None
    cli: CliGroup | None = None
    cli_order: int = 100
    """Where the command group appears in ``marhaba --help`` (smaller first)."""
