"""The privacy feature: the daily retention purge of ``marhaba run`` and ``marhaba privacy``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The submodules, not bot.core itself: the engine imports this package (pseudonyms in its log lines).
from bot.core._feature import Feature
from bot.core._router import Router
from bot.features.privacy._retention import RETENTION, retention_job

if TYPE_CHECKING:
    from bot.core import Engine


class Privacy:
    """Runs the retention rules of every feature once at start and then daily."""

    def __init__(self, engine: Engine, settings: Any) -> None:
        self.router = Router("privacy")
        self.router.add_job(lambda: retention_job(engine, settings), singleton="retention")


def _cli(subparsers: Any, features: Any) -> None:
    from bot.features.privacy._cli import register_cli

    register_cli(subparsers, features)


FEATURE = Feature("privacy", Privacy, retention=RETENTION, cli=_cli, cli_order=40)
"""Privacy: the users' and inbox's retention rules, the purge job, ``marhaba privacy``."""
