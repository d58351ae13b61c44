"""Staff tools: live reload, statistics, and the staff-only chat commands.

Staff are configured by channel user id (``MARHABA_STAFF=telegram:123,whatsapp:49...``).
Staff-only commands answer everyone else exactly as an unknown command would.
"""

from __future__ import annotations

from typing import Any

from bot.core import Engine, Feature, Router, Turn
from bot.core import Outgoing as _Outgoing
from bot.features.staff._reload import POLL_SECONDS, Reloader, ReloadResult, problems_text, snapshot
from bot.features.staff._stats import Stats, gather, html_report, text_report
from bot.i18n import N_
from bot.settings import Settings

__all__ = [
    "FEATURE",
    "POLL_SECONDS",
    "ReloadResult",
    "Reloader",
    "Stats",
    "gather",
    "html_report",
    "StaffTools",
    "problems_text",
    "snapshot",
    "text_report",
]

class StaffTools:
    """``/reload`` and ``/stats`` (staff only), and the live-reload job of ``marhaba run``."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.reloader = Reloader(engine, settings.content_dir, settings.locales_dir)
        self.router = r = Router("staff")
        r.add_command("reload", self.cmd_reload, N_("Reload the content and translations now"), staff_only=True)
        r.add_command("stats", self.cmd_stats, N_("Usage statistics"), staff_only=True)
        r.add_job(self.reloader.run)

    async def cmd_reload(self, turn: Turn) -> list[_Outgoing]:
        _ = turn.t.gettext
        result = await self.reloader.reload()
        if result.ok:
            text = _("Reloaded. {nodes} pages are live now.").format(nodes=turn.t.number(result.nodes))
        else:
            text = problems_text(turn.t, result.problems)
        return [self.engine.text_reply(turn, text)]

    async def cmd_stats(self, turn: Turn) -> list[_Outgoing]:
        from bot.features.staff._stats import chat_report

        engine = self.engine
        stats = await gather(engine.store, engine.content, features=engine.features)
        return [engine.text_reply(turn, chat_report(stats, engine.catalogs, turn.t.locale, engine.content))]


def _cli(subparsers: Any, features: Any) -> None:
    from bot.features.staff._cli import register_cli

    register_cli(subparsers, features)


FEATURE = Feature("staff", StaffTools, cli=_cli, cli_order=20)
"""Staff tools: ``/reload``, ``/stats``, live reload, ``marhaba stats`` and ``marhaba preview``."""
