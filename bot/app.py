"""Assemble the engine from settings: content, catalogs, store, features."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.content import load_content
from bot.core import Engine, FloodControl, FloodLimits
from bot.features.broadcast import install as install_broadcast
from bot.features.feedback import install as install_feedback
from bot.features.privacy import check_limits, install_key
from bot.features.questions import install as install_questions
from bot.features.safety import install as install_safety
from bot.features.staff import install as install_staff_tools
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import sqlite_store


@asynccontextmanager
async def open_engine(settings: Settings) -> AsyncIterator[Engine]:
    """Load and validate the content, open the store, and yield a ready engine.

    Raises :class:`~bot.errors.ContentError` when the content or the events are invalid: the
    bot refuses to start rather than serve broken content.
    """
    flood = FloodControl(FloodLimits(settings.flood.rate_per_minute, settings.flood.burst,
                                     settings.flood.cooldown_seconds))
    check_limits(settings)
    loaded = load_content(settings.content_dir)
    catalogs = Catalogs(settings.locales_dir, settings.digits)
    store = sqlite_store(settings)
    await store.open()
    try:
        await install_key(store, settings)
        engine = Engine(content=loaded.tree, catalogs=catalogs, store=store, staff=settings.staff, flood=flood)
        install_staff_tools(engine, settings)
        install_questions(engine, settings)
        install_broadcast(engine, settings)
        install_feedback(engine, settings)
        install_safety(engine, settings)
        yield engine
    finally:
        await store.close()
