"""Staff tools: live reload, statistics, and the staff-only chat commands.

Staff are configured by channel user id (``MARHABA_STAFF=telegram:123,whatsapp:49...``).
Staff-only commands answer everyone else exactly as an unknown command would.
"""

from __future__ import annotations

from bot.core import Engine, Turn
from bot.core import Outgoing as _Outgoing
from bot.features.staff._reload import POLL_SECONDS, Reloader, ReloadResult, problems_text, snapshot
from bot.features.staff._stats import Stats, gather, html_report, text_report
from bot.i18n import N_
from bot.settings import Settings

__all__ = [
    "POLL_SECONDS",
    "ReloadResult",
    "Reloader",
    "Stats",
    "gather",
    "html_report",
    "install",
    "live_reload",
    "problems_text",
    "snapshot",
    "text_report",
]

RELOADER = "reloader"
"""The key of the :class:`Reloader` in ``engine.extensions``."""


def install(engine: Engine, settings: Settings) -> Reloader:
    """Register ``/reload`` and ``/stats`` (staff only) and the reloader the live-reload job uses."""
    reloader = Reloader(engine, settings.content_dir, settings.locales_dir)
    engine.extensions[RELOADER] = reloader

    async def cmd_reload(turn: Turn) -> list[_Outgoing]:
        _ = turn.t.gettext
        result = await reloader.reload()
        if result.ok:
            text = _("Reloaded. {nodes} pages are live now.").format(nodes=turn.t.number(result.nodes))
        else:
            text = problems_text(turn.t, result.problems)
        return [engine.text_reply(turn, text)]

    async def cmd_stats(turn: Turn) -> list[_Outgoing]:
        from bot.features.staff._stats import chat_report

        stats = await gather(engine.store, engine.content)
        return [engine.text_reply(turn, chat_report(stats, engine.catalogs, turn.t.locale, engine.content))]

    engine.add_command("reload", cmd_reload, N_("Reload the content and translations now"), staff_only=True)
    engine.add_command("stats", cmd_stats, N_("Usage statistics"), staff_only=True)
    return reloader


async def live_reload(engine: Engine, settings: Settings) -> None:
    """The ``marhaba run`` job: watch ``content/`` and ``locales/`` and reload on a change."""
    reloader = engine.extensions.get(RELOADER)
    if isinstance(reloader, Reloader):
        await reloader.run()
