"""Assemble the application from settings: content, catalogs, store, and the features in :data:`FEATURES`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from bot.channels import channel_profiles
from bot.content import load_content
from bot.core import DuplicateHandler, Engine, Feature, FloodControl, FloodLimits
from bot.features import (
    broadcast,
    feedback,
    navigation,
    preview,
    privacy,
    questions,
    safety,
    staff,
    usage,
)
from bot.features.privacy import check_limits, install_key, rules_of
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import open_store, shared_buckets

FEATURES: tuple[Feature, ...] = (
    safety.FEATURE,
    navigation.FEATURE,
    staff.FEATURE,
    preview.FEATURE,
    questions.FEATURE,
    broadcast.FEATURE,
    feedback.FEATURE,
    privacy.FEATURE,
    usage.FEATURE,
)
"""Every feature of the bot, in order: free-text handlers are asked in this order (the first answer wins).

Adding a feature is one folder under ``bot/features/`` with a ``FEATURE`` and one entry here (README,
"Architecture")."""


@asynccontextmanager
async def open_engine(settings: Settings, features: Sequence[Feature] = FEATURES) -> AsyncIterator[Engine]:
    """Load and validate the content, open the store, and yield a ready engine with ``features`` set up.

    Raises :class:`~bot.errors.ContentError` when the content or a feature's files (events, safety
    rules) are invalid, and :class:`~bot.core.DuplicateHandler` when two features register the same
    command or payload prefix: the bot refuses to start rather than serve something broken.
    """
    flood = FloodControl(FloodLimits(settings.flood.rate_per_minute, settings.flood.burst,
                                     settings.flood.cooldown_seconds))
    check_limits(settings, rules_of(features))
    loaded = load_content(settings.content_dir)
    catalogs = Catalogs(settings.locales_dir, settings.digits)
    store = open_store(settings.store_database)
    await store.open()
    if not store.single_process:  # several workers: a person writing to two of them takes from one bucket
        flood.shared = shared_buckets(store)
    try:
        await install_key(store, settings)
        engine = Engine(content=loaded.tree, catalogs=catalogs, store=store, staff=settings.staff, flood=flood,
                        channels=channel_profiles(), features=features, settings=settings)
        unwrapped = engine.router.unwrapped()
        if unwrapped:
            raise DuplicateHandler(f"a feature wraps {', '.join(unwrapped)}, which no feature registers; "
                                   "check the order of FEATURES")
        yield engine
    finally:
        await store.close()
