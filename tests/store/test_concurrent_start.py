"""Many processes starting at once on one new SQLite database all come up, with the schema applied once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.store import SQLiteStore, migrations

PROJECT = Path(__file__).resolve().parents[2]


async def test_ten_processes_starting_together_on_an_empty_database_all_come_up(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MARHABA_", "TELEGRAM_", "WHATSAPP_"))}
    env.update(MARHABA_DB=str(db), MARHABA_ENV_FILE="")
    # Each command opens (so creates and migrates) the store, as `marhaba run` does.
    commands = [["privacy", "purge"], ["broadcast", "list"], ["questions", "unanswered"]]
    processes = [subprocess.Popen([sys.executable, "-m", "bot", *commands[i % 3]], env=env, cwd=PROJECT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(10)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    failed = [err for code, _out, err in results if code != 0]
    assert failed == [], failed[0] if failed else ""
    async with SQLiteStore(db) as store:
        rows = await store.db.execute_fetchall("SELECT version FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == [v for v, _, _ in migrations()]
