"""What the backends (``bot/store/sqlite/``, ``bot/store/postgres/``) share: their numbered migrations
and the table of repository implementations each store hands out."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from importlib import resources

from bot.errors import StoreError
from bot.store._base import R, RepositoryKey

_MIGRATION_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def numbered_migrations(package: str) -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of the migrations shipped in ``<package>/migrations``, in order."""
    out = []
    for entry in resources.files(package).joinpath("migrations").iterdir():
        m = _MIGRATION_RE.match(entry.name)
        if m:
            out.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out)


class Repositories:
    """One store's repositories: made on first use from ``implementations`` (key name -> ``module:class``,
    imported then: the implementations import the features' protocols, which import :mod:`bot.store`)."""

    def __init__(self, store: object, backend: str, implementations: Mapping[str, str]) -> None:
        self._store = store
        self._backend = backend
        self._implementations = implementations
        self._made: dict[str, object] = {}

    def get(self, key: RepositoryKey[R]) -> R:
        found = self._made.get(key.name)
        if found is None:
            where = self._implementations.get(key.name)
            if where is None:
                raise StoreError(f"the {self._backend} store has no {key.name!r} repository")
            module, name = where.split(":")
            found = self._made[key.name] = getattr(importlib.import_module(module), name)(self._store)
        return found  # type: ignore[return-value]  # the table maps each key to its protocol's class
