"""``marhaba ask`` and ``marhaba questions unanswered`` as real subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.features.questions import questions_of
from bot.store import SQLiteStore

PROJECT = Path(__file__).resolve().parents[3]


def marhaba(*args: str, db: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARHABA_")}
    env.update({"MARHABA_ENV_FILE": "", "MARHABA_DB": str(db or "/nonexistent/marhaba.db"), "PYTHONIOENCODING": "utf-8"})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_ask_prints_ranked_matches_with_topics() -> None:
    done = marhaba("ask", "where is the hospital", "--lang", "en")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[1]
    assert first.startswith("1.") and "[health]" in first


def test_ask_json_detects_the_language() -> None:
    done = marhaba("ask", "--json", "أين المستشفى")
    result = json.loads(done.stdout)
    assert result["locale"] == "ar" and result["matches"][0]["topic"] == "health"
    assert set(result["matches"][0]) == {"node", "topic", "score"}
    scores = [m["score"] for m in result["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_batch_keeps_input_order_and_reports_bad_lines(tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join([
        json.dumps({"q": "cours de langue", "lang": "fr"}),
        "not json",
        json.dumps({"q": "iş arıyorum", "lang": "tr"}),
        json.dumps({"q": "x", "lang": "xx-nonsense"}),
    ]), encoding="utf-8")
    done = marhaba("ask", "--batch", str(batch), "--json")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["matches"][0]["topic"] == "language-classes"
    assert "q.jsonl:2" in lines[1]["error"] and lines[1]["matches"] == []
    assert lines[2]["matches"][0]["topic"] == "jobs"
    assert "unknown language" in lines[3]["error"]
    assert done.returncode != 0 and "2 lines" in done.stderr and "Traceback" not in done.stderr


def test_ask_batch_from_stdin() -> None:
    done = marhaba("ask", "--batch", "-", "--json", stdin=json.dumps({"q": "ہسپتال کہاں ہے", "lang": "ur"}) + "\n")
    assert json.loads(done.stdout)["matches"][0]["topic"] == "health"


def test_questions_unanswered_lists_text_locale_time_and_count(tmp_path: Path) -> None:
    db = tmp_path / "m.db"

    async def seed() -> None:
        async with SQLiteStore(db) as store:
            qs = questions_of(store)
            a = await store.get_or_create_user("test", "a")
            b = await store.get_or_create_user("test", "b")
            await qs.record_unanswered(a.id, "what is the weather", "en")
            await qs.record_unanswered(b.id, "What is the weather?", "en")  # two people, one question
            await qs.record_unanswered(a.id, "هوا چطور است", "fa")

    asyncio.run(seed())
    done = marhaba("questions", "unanswered", db=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split()[:2] == ["2", "en"] and lines[1].endswith("What is the weather?")
    assert "fa" in lines[2] and "هوا چطور است" in lines[2]
    rows = [json.loads(line) for line in marhaba("questions", "unanswered", "--json", db=db).stdout.splitlines()]
    assert {r["locale"] for r in rows} == {"en", "fa"} and all("user" not in k for r in rows for k in r)


def test_questions_unanswered_on_an_empty_database(tmp_path: Path) -> None:
    done = marhaba("questions", "unanswered", db=tmp_path / "new.db")
    assert done.returncode == 0 and "No unanswered questions." in done.stdout


def test_questions_unanswered_cuts_long_texts_in_the_listing(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    junk = "lorem ipsum " * 800

    async def seed() -> None:
        async with SQLiteStore(db) as store:
            user = await store.get_or_create_user("test", "u1")
            await questions_of(store).record_unanswered(user.id, junk, "en")

    asyncio.run(seed())
    stored = json.loads(marhaba("questions", "unanswered", "--json", db=db).stdout)["question"]
    [_, row] = marhaba("questions", "unanswered", db=db).stdout.splitlines()
    assert len(row) < 200 and row.endswith(f"… (+{len(stored) - 100} characters)")
    assert len(stored) >= 1000, "the stored text (up to its cap) is not cut"
    full = marhaba("questions", "unanswered", "--full", db=db).stdout.splitlines()[1]
    assert full.endswith(stored.strip())
