"""Only the backends (``bot/store/sqlite/``, ``bot/store/postgres/``) hold SQL; tests reach data through
repositories, except the backends' own tests here in ``tests/store/`` (issue #18, rule 3)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
BACKENDS = (PROJECT / "bot" / "store" / "sqlite", PROJECT / "bot" / "store" / "postgres")
ALLOWED = (*BACKENDS, PROJECT / "tests" / "store")
SQL = re.compile(r"\b(SELECT\b.*\bFROM|SELECT\s+\d|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
                 r"|(CREATE|DROP|ALTER)\s+(TABLE|INDEX|TRIGGER|VIEW)|PRAGMA\s+\w+|ON\s+CONFLICT)\b"
                 r"|\b(json_each|sqlite_master)\b", re.S)
"""SQL as it is written in this code base: statements in capitals, and SQLite's own names."""
DATABASE_CALLS = {"execute", "executemany", "executescript", "execute_fetchall", "write_returning"}
"""Calls that run SQL (aiosqlite, sqlite3, and the store's own)."""


def sql_sites(path: Path) -> list[str]:
    """``file:line: what`` for every string holding SQL and every call that runs it in ``path``."""
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    previous = None
    for token in tokens:
        where = f"{path.relative_to(PROJECT)}:{token.start[0]}"
        if token.type == tokenize.STRING and SQL.search(token.string):
            found.append(f"{where}: SQL in a string: {token.string[:60]}")
        elif (token.type == tokenize.NAME and token.string in DATABASE_CALLS and previous is not None
              and previous.string == "."):
            found.append(f"{where}: runs SQL with .{token.string}()")
        previous = token
    return found


def python_files() -> list[Path]:
    files = [*(PROJECT / "bot").rglob("*.py"), *(PROJECT / "tests").rglob("*.py")]
    return sorted(f for f in files if not any(f.is_relative_to(allowed) for allowed in ALLOWED))


def test_the_scan_finds_sql(tmp_path: Path) -> None:
    sample = PROJECT / "tests" / "store" / "_sample_for_the_scan.py"
    sample.write_text('rows = await db.execute_fetchall("SELECT id FROM users WHERE active = 1")\n'
                      'text = "Please select a language from the menu"\n', encoding="utf-8")
    try:
        assert [s.split(": ")[1] for s in sql_sites(sample)] == ["runs SQL with .execute_fetchall()",
                                                                "SQL in a string"]
    finally:
        sample.unlink()


def test_no_sql_outside_the_backends_and_their_tests() -> None:
    sites = [site for path in python_files() for site in sql_sites(path)]
    assert not sites, "SQL outside bot/store/sqlite/, bot/store/postgres/ and tests/store/:\n" + "\n".join(sites)
