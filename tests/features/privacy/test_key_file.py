"""The log pseudonym key lives outside the database: a 0600 key file created on first start, or the environment."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.features.privacy import install_key, warn_without_own_key
from bot.features.privacy._pseudonym import key_file
from bot.logs import pseudonym
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.store import data

PHONE = "905321234567"


def settings(db: Path, **env: str) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", **env}, db_path=db)


def database_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if not p.name.endswith(".key"))


async def test_first_start_creates_a_private_key_file_and_nothing_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "marhaba.db"
    async with SQLiteStore(db) as store:
        await install_key(store, settings(db))
        first = pseudonym("whatsapp", PHONE)
    path = tmp_path / "marhaba.db.key"
    assert key_file(settings(db), db) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text(encoding="utf-8").strip()
    assert len(key) == 64
    assert data.file_count(db, "settings") == 0
    assert key.encode() not in database_bytes(db)
    async with SQLiteStore(db) as store:
        await install_key(store, settings(db))
        assert pseudonym("whatsapp", PHONE) == first, "stable across restarts"
    path.unlink()
    async with SQLiteStore(db) as store:
        await install_key(store, settings(db))
        assert pseudonym("whatsapp", PHONE) != first, "the key is in the file, nowhere else"


async def test_a_key_kept_in_the_database_by_an_older_version_is_moved_to_the_file(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "old.db"
    old_key = "ab" * 32
    async with SQLiteStore(db) as store:
        await data.insert(store, "settings", {"name": "pseudonym_key", "value": old_key})
    with caplog.at_level(logging.WARNING, logger="marhaba.privacy"):
        async with SQLiteStore(db) as store:
            await install_key(store, settings(db))
    assert (tmp_path / "old.db.key").read_text(encoding="utf-8").strip() == old_key
    assert data.file_count(db, "settings") == 0
    assert old_key.encode() not in database_bytes(db), "deleted pages are overwritten (secure_delete)"
    assert any("moved out of the database" in r.getMessage() for r in caplog.records)


async def test_the_environment_key_wins_and_no_file_is_written(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    async with SQLiteStore(db) as store:
        await data.insert(store, "settings", {"name": "pseudonym_key", "value": "cd" * 32})
        await install_key(store, settings(db, MARHABA_SECRET_KEY="k" * 32))
        keyed = pseudonym("whatsapp", PHONE)
        assert await data.rows(store, "settings") == []
    assert not (tmp_path / "env.db.key").exists()
    other = tmp_path / "other.db"
    async with SQLiteStore(other) as store:
        await install_key(store, settings(other, MARHABA_SECRET_KEY="k" * 32))
        assert pseudonym("whatsapp", PHONE) == keyed


async def test_a_configured_key_file_is_created_where_it_is_named(tmp_path: Path) -> None:
    db = tmp_path / "data" / "marhaba.db"
    path = tmp_path / "secrets" / "pseudonym-key"
    async with SQLiteStore(db) as store:
        await install_key(store, settings(db, MARHABA_SECRET_KEY_FILE=str(path)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not (tmp_path / "data" / "marhaba.db.key").exists()


async def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "marhaba.db"
    path = tmp_path / "marhaba.db.key"
    path.write_text("x" * 64, encoding="utf-8")
    path.chmod(0o644)
    async with SQLiteStore(db) as store:
        with pytest.raises(ConfigError, match="chmod 600"):
            await install_key(store, settings(db))


@pytest.mark.parametrize(("env", "warned"), [
    ({}, True),
    ({"MARHABA_SECRET_KEY": "k" * 32}, False),
    ({"MARHABA_SECRET_KEY_FILE": "/somewhere/else/key"}, False),
])
def test_a_start_without_a_key_of_ones_own_is_warned_about(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, env: dict[str, str], warned: bool) -> None:
    db = tmp_path / "marhaba.db"
    with caplog.at_level(logging.WARNING, logger="marhaba.privacy"):
        warn_without_own_key(settings(db, **env), db)
    assert [r.getMessage() for r in caplog.records] == ([
        f"MARHABA_SECRET_KEY is not set: log pseudonyms are keyed with {db}.key, beside the database; keep that "
        "file out of the database's backups, or set MARHABA_SECRET_KEY_FILE to a key file kept elsewhere"]
        if warned else [])


def test_processes_starting_at_once_agree_on_one_whole_key(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bot.features.privacy._pseudonym import _create_key_file

    path = tmp_path / "marhaba.db.key"
    keys = [f"{n:064x}" for n in range(16)]
    with ThreadPoolExecutor(16) as pool:
        created = list(pool.map(lambda key: _create_key_file(path, key), keys))
    assert created.count(True) == 1
    assert path.read_text(encoding="utf-8").strip() == keys[created.index(True)]
    assert [p.name for p in tmp_path.iterdir()] == ["marhaba.db.key"], "no temporary file is left"


async def test_an_empty_key_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "marhaba.db"
    path = tmp_path / "marhaba.db.key"
    path.write_text("\n", encoding="utf-8")
    path.chmod(0o600)
    async with SQLiteStore(db) as store:
        with pytest.raises(ConfigError, match="is empty"):
            await install_key(store, settings(db))
