"""The PostgreSQL store: migrations under a lock, many processes on one database, and `marhaba db migrate`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import bot.store.postgres._store as postgres_module
from bot.content import ContentTree
from bot.errors import StoreError
from bot.i18n import Catalogs
from bot.logs import known_secrets
from bot.settings import Settings
from bot.store import SQLiteStore, open_store
from bot.store.postgres import PostgresStore, migrations
from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI, callback_update, message_update
from tests.conftest import Chat, make_engine
from tests.store._postgres import PostgresServer, free_port

PROJECT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MARHABA_", "TELEGRAM_", "WHATSAPP_"))}
    env.update(MARHABA_ENV_FILE="", **extra)
    return env


def marhaba(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=clean_env(**env), cwd=PROJECT,
                          capture_output=True, text=True, timeout=120)


async def applied_versions(url: str) -> list[int]:
    store = PostgresStore(url)
    await store.connect()
    try:
        async with store.transaction() as db:
            rows = await db.fetch("SELECT version FROM schema_migrations ORDER BY version")
    finally:
        await store.close()
    return [r[0] for r in rows]


async def test_migrations_are_recorded_and_applied_once(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    await store.connect()
    assert await store.schema_version() == 0
    assert await store.migrate() == [name for _, name, _ in migrations()]
    assert await store.migrate() == []  # a second run applies nothing again
    assert await store.schema_version() == migrations()[-1][0]
    await store.close()
    async with PostgresStore(postgres_url):  # opening migrates too: nothing left to do
        pass
    assert await applied_versions(postgres_url) == [v for v, _, _ in migrations()]


async def test_a_failing_migration_applies_nothing_of_itself_and_keeps_the_ones_before(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = migrations()
    broken = (shipped[-1][0] + 1, "999_broken.sql", "CREATE TABLE half_done (x INTEGER); SELECT no_such_column;")
    monkeypatch.setattr(postgres_module, "migrations", lambda: [*shipped, broken])
    with pytest.raises(StoreError, match="migration 999_broken.sql failed.*nothing of it was applied"):
        async with PostgresStore(postgres_url):
            pass
    monkeypatch.undo()
    assert await applied_versions(postgres_url) == [v for v, _, _ in shipped]
    async with PostgresStore(postgres_url) as store, store.transaction() as db:
        assert await db.fetchval("SELECT to_regclass('half_done')") is None


async def test_two_workers_on_one_database_see_each_others_changes_at_once(postgres_url: str) -> None:
    # The bug of #19 on SQLite: a language picked on worker A was not seen by worker B (a per-process cache).
    async with PostgresStore(postgres_url) as a, PostgresStore(postgres_url) as b:
        on_a = await a.get_or_create_user("telegram", "42")
        on_b = await b.get_or_create_user("telegram", "42")
        assert on_b.id == on_a.id and not on_b.is_new
        await a.set_locale(on_a.id, "ar")
        await a.record_visit(on_a.id, "health")
        seen = await b.get_or_create_user("telegram", "42")
        assert (seen.locale, seen.current_node) == ("ar", "health")
        await b.set_step(on_a.id, "health-card", True)
        assert await a.steps_done(on_a.id) == {"health-card"}
        await b.forget(on_a.id)
        again = await a.get_or_create_user("telegram", "42")
        assert again.is_new and again.locale is None and again.id != on_a.id


async def test_an_unreachable_server_is_a_clear_error_that_never_shows_the_password() -> None:
    url = f"postgresql://marhaba:s3cret-pw@127.0.0.1:{free_port()}/marhaba"
    with pytest.raises(StoreError) as caught:
        async with PostgresStore(url):
            pass
    assert f"cannot connect to PostgreSQL at 127.0.0.1:{url.rsplit(':', 1)[1].split('/')[0]}/marhaba" in str(caught.value)
    assert "s3cret-pw" not in str(caught.value)


def test_ten_processes_starting_together_on_an_empty_database_all_come_up(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    processes = [subprocess.Popen([sys.executable, "-m", "bot", "db", "migrate"], cwd=PROJECT,
                                  env=clean_env(MARHABA_DATABASE_URL=url), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for _ in range(10)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    failed = [err for code, _out, err in results if code != 0]
    assert failed == [], failed[0] if failed else ""
    outputs = [out for _code, out, _err in results]
    version = migrations()[-1][0]
    assert all(out.strip().endswith(f"at version {version}.") for out in outputs), outputs
    # Each migration was applied by exactly one of them; the others waited on the lock and found it done.
    for _, name, _ in migrations():
        assert sum(name in out for out in outputs) == 1, (name, outputs)
    assert asyncio.run(applied_versions(url)) == [v for v, _, _ in migrations()]


def test_marhaba_db_migrate_reports_what_it_applied_on_postgresql(postgres_url: str) -> None:
    first = marhaba("db", "migrate", MARHABA_DATABASE_URL=postgres_url)
    assert first.returncode == 0, first.stderr
    names = ", ".join(name for _, name, _ in migrations())
    where = f"PostgreSQL 127.0.0.1:{postgres_url.rsplit(':', 1)[1]}"
    assert first.stdout == f"{where}: applied {len(migrations())} migrations ({names}); " \
                           f"schema at version {migrations()[-1][0]}.\n"
    second = marhaba("db", "migrate", MARHABA_DATABASE_URL=postgres_url)
    assert second.stdout == f"{where}: schema up to date at version {migrations()[-1][0]}.\n"


def test_marhaba_db_migrate_works_on_sqlite_too(tmp_path: Path) -> None:
    from bot.store import migrations as sqlite_migrations

    db = tmp_path / "new.db"
    first = marhaba("db", "migrate", MARHABA_DB=str(db))
    assert first.returncode == 0, first.stderr
    shipped = sqlite_migrations()
    assert first.stdout.startswith(f"SQLite {db}: applied {len(shipped)} migrations (001_core.sql, ")
    assert first.stdout.endswith(f"; schema at version {shipped[-1][0]}.\n")
    second = marhaba("db", "migrate", MARHABA_DB=str(db))
    assert second.stdout == f"SQLite {db}: schema up to date at version {shipped[-1][0]}.\n"


def test_a_wrong_or_unreachable_database_url_is_one_clear_line(tmp_path: Path) -> None:
    wrong = marhaba("db", "migrate", MARHABA_DATABASE_URL="mysql://root@localhost/marhaba")
    assert wrong.returncode == 2
    assert wrong.stderr == ("marhaba: MARHABA_DATABASE_URL must start with postgresql:// "
                            "(leave it unset to keep the SQLite file of MARHABA_DB)\n")
    down = marhaba("db", "migrate", MARHABA_DATABASE_URL=f"postgresql://m:s3cret-pw@127.0.0.1:{free_port()}/m")
    assert down.returncode != 0 and down.stdout == ""
    assert down.stderr.startswith("marhaba: cannot connect to PostgreSQL at 127.0.0.1:")
    assert "s3cret-pw" not in down.stderr and "Traceback" not in down.stderr
    assert len(down.stderr.splitlines()) == 1


@pytest.mark.parametrize("command, says", [
    (["broadcast", "list"], "No broadcasts yet."),
    (["privacy", "purge"], "inactive users: 0 deleted"),
    (["questions", "unanswered"], ""),
    (["stats"], ""),
])
def test_the_commands_work_on_postgresql_and_never_write_a_sqlite_file(
        command: list[str], says: str, postgres_url: str, tmp_path: Path) -> None:
    db = tmp_path / "unused.db"
    result = marhaba(*command, MARHABA_DATABASE_URL=postgres_url, MARHABA_DB=str(db), MARHABA_SECRET_KEY="k" * 32)
    assert result.returncode == 0, result.stderr
    assert says in result.stdout
    assert not db.exists()


def test_chat_in_the_terminal_keeps_its_user_in_postgresql(postgres_url: str, tmp_path: Path) -> None:
    db = tmp_path / "unused.db"
    env = clean_env(MARHABA_DATABASE_URL=postgres_url, MARHABA_DB=str(db), MARHABA_SECRET_KEY="k" * 32)
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--lang", "en"], input="/start\n1\n", env=env,
                            cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not db.exists()

    async def stored() -> str | None:
        async with PostgresStore(postgres_url) as store:
            user = await store.get_user("terminal", "local")
            assert user is not None, "the terminal's user is in PostgreSQL"
            return user.locale

    assert asyncio.run(stored()), "the language picked (option 1) is kept"


async def test_two_engines_on_one_postgresql_database_answer_one_user_alike(
        postgres_url: str, sample_tree: ContentTree, catalogs: Catalogs) -> None:
    # The measured failure of #19: Arabic picked on worker A, the language picker again on worker B;
    # /forget on B after a language change on A answered in the old language and left the user row.
    async with PostgresStore(postgres_url) as store_a, PostgresStore(postgres_url) as store_b:
        on_a = Chat(make_engine(sample_tree, catalogs, store_a))
        on_b = Chat(make_engine(sample_tree, catalogs, store_b))
        await on_a("/start")
        await on_a.payload("lang:en")
        await on_b("/start")
        assert on_b.text.startswith("Main menu")  # in English, not the language picker
        assert not any(o.payload.startswith("lang:") for m in on_b.last for o in m.options)
        await on_a.payload("lang:ar")
        await on_b("/forget")
        assert on_b.last[0].options[0].payload == "forget:yes"
        assert catalogs.get("ar").gettext("Yes, delete everything") in on_b.last[0].options[0].label
        await on_b.press(1)
        assert await store_a.get_user("test", "u1") is None
        await on_a("/start")  # a new person to both workers: the picker again
        assert [o.payload for o in on_a.last[0].options][:1] == ["lang:en"] and len(on_a.labels) > 10


def test_the_database_url_may_come_from_a_private_file_and_its_password_is_a_secret(tmp_path: Path) -> None:
    url_file = tmp_path / "database-url"
    url_file.write_text("postgresql://marhaba:pw-from-file@db.example.org/marhaba\n")
    url_file.chmod(0o600)
    settings = Settings.from_env({"MARHABA_DATABASE_URL_FILE": str(url_file), "MARHABA_ENV_FILE": ""})
    assert settings.database_url == "postgresql://marhaba:pw-from-file@db.example.org/marhaba"
    assert "pw-from-file" in known_secrets()  # redacted from logs even when printed on its own
    assert isinstance(open_store(settings.store_database), PostgresStore)
    explicit = Settings.from_env({"MARHABA_DATABASE_URL_FILE": str(url_file), "MARHABA_ENV_FILE": ""},
                                 db_path=tmp_path / "given.db")
    assert explicit.store_database == tmp_path / "given.db", "--db names the SQLite file to use, URL or not"
    assert isinstance(open_store(Settings.from_env({"MARHABA_DB": str(tmp_path / "m.db"),
                                                    "MARHABA_ENV_FILE": ""}).store_database), SQLiteStore)


def test_marhaba_run_telegram_serves_from_postgresql(postgres_url: str, tmp_path: Path) -> None:
    api = FakeBotAPI().start()
    db = tmp_path / "unused.db"
    env = clean_env(TELEGRAM_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, MARHABA_DATABASE_URL=postgres_url,
                    MARHABA_DB=str(db), MARHABA_PORT="0", MARHABA_SECRET_KEY="k" * 32, MARHABA_LOG_LEVEL="INFO")
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", "telegram"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        api.wait_for_sync("getMe")
        api.push(message_update(7001, "/start", "fa-IR"))
        (picker,) = api.wait_for_sync("sendMessage")
        api.push(callback_update(7001, "lang:fa", picker.result["message_id"], "fa-IR"))
        (menu,) = api.wait_for_sync("editMessageText")
        assert all(row[0]["callback_data"].startswith("n:") for row in menu.params["reply_markup"]["inline_keyboard"])
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
        api.stop()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and not db.exists()

    async def stored() -> str | None:
        async with PostgresStore(postgres_url) as store:
            user = await store.get_user("telegram", "7001")
            assert user is not None
            return user.locale

    assert asyncio.run(stored()) == "fa"


async def test_a_users_lock_is_held_against_every_worker_and_lost_with_a_killed_holder(postgres_url: str) -> None:
    async with PostgresStore(postgres_url) as a, PostgresStore(postgres_url) as b:
        order: list[str] = []
        held = asyncio.Event()

        async def first() -> None:
            lock = a.user_lock("whatsapp", "u1")
            assert lock is not None
            async with lock:
                held.set()
                order.append("a in")
                async with asyncio.timeout(5):  # until b waits for the lock on the server
                    while await a.fetchval("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' "
                                           "AND NOT granted") == 0:
                        await asyncio.sleep(0.01)
                order.append("a out")

        async def second() -> None:
            await held.wait()
            lock = b.user_lock("whatsapp", "u1")
            assert lock is not None
            async with lock:
                await b.fetchval("SELECT 1")  # the lock is taken before the body's first statement
                order.append("b in")

        other = b.user_lock("whatsapp", "u2")
        assert other is not None
        await asyncio.gather(first(), second())
        assert order == ["a in", "a out", "b in"]
        async with other:  # another user's lock is another lock
            pass

        # A holder whose connection dies (a killed worker) loses the lock at once.
        lost = a.user_lock("whatsapp", "u3")
        assert lost is not None
        await lost.__aenter__()
        await a.fetchval("SELECT 1")
        await b.fetch("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                      "AND pid <> pg_backend_pid()")
        taken = b.user_lock("whatsapp", "u3")
        assert taken is not None
        async with asyncio.timeout(10), taken:
            pass


async def test_a_turn_reads_its_user_as_the_locks_last_holder_left_them_on_another_worker(postgres_url: str) -> None:
    # The first read of a turn takes the user's lock in the same round trip: it must read after the wait,
    # so it sees what the worker that held the lock committed (a language, a step, a visit) before leaving.
    async with PostgresStore(postgres_url) as a, PostgresStore(postgres_url) as b:
        user = await a.get_or_create_user("whatsapp", "u1")
        holding, waiting = asyncio.Event(), asyncio.Event()

        async def on_a() -> None:
            async with a.user_lock("whatsapp", "u1"):
                await a.get_user("whatsapp", "u1")
                holding.set()
                await waiting.wait()
                await a.set_locale(user.id, "ar")
                await a.set_step(user.id, "docs", True)
                await a.record_visit(user.id, "docs")

        async def on_b() -> tuple[object, set[str], set[str]]:
            await holding.wait()
            async with b.user_lock("whatsapp", "u1"):
                seen = await b.get_or_create_user("whatsapp", "u1")
                return seen.locale, await b.steps_done(user.id), await b.visited(user.id)

        async def wait_for_b() -> None:
            async with asyncio.timeout(5):  # until b waits for the lock on the server
                while await a.fetchval("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' "
                                       "AND NOT granted") == 0:
                    await asyncio.sleep(0.01)
            waiting.set()

        _, seen, _ = await asyncio.gather(on_a(), on_b(), wait_for_b())
        assert seen == ("ar", {"docs"}, {"docs"})
        # The turn's own writes are what its later reads answer; another worker's reads see them too.
        async with b.user_lock("whatsapp", "u1"):
            await b.get_user("whatsapp", "u1")
            await b.set_step(user.id, "docs", False)
            await b.record_visit(user.id, "home")
            assert await b.steps_done(user.id) == set() and await b.visited(user.id) == {"docs", "home"}
        assert await a.steps_done(user.id) == set() and await a.visited(user.id) == {"docs", "home"}
