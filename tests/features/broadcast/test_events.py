"""events.yaml: validation with file:line:col, time zones and DST, the calendar file, the start-up check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import open_engine
from bot.content import ContentTree
from bot.errors import ContentError
from bot.features.broadcast import Events, event_ics, load_events
from bot.settings import Settings
from tests.conftest import SAMPLE_CONTENT

BAD = """\
timezone: Europe/Istanbul
topics: [jobs, parties]
events:
  - id: Job Fair
    title: Job fair
    start: 2027-03-14 10:00
    topics: [jobs]
  - id: fair
    title: Fair
    start: 2027-03-14 10:00
    end: 2027-03-14 09:00
    timezone: Mars/Olympus
    recurrence: FREQ=SOMETIMES
    location: no-such-node
    topics: [health]
  - id: fair
    title: Fair again
    start: next tuesday
    topics: [jobs]
"""


def problems(tmp_path: Path, tree: ContentTree, text: str) -> list[str]:
    (tmp_path / "events.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_events(tmp_path, tree)
    return [str(p) for p in info.value.problems]


def test_every_problem_is_reported_with_its_position(tmp_path: Path, sample_tree: ContentTree) -> None:
    found = problems(tmp_path, sample_tree, BAD)
    path = str(tmp_path / "events.yaml")

    def at(line: int, col: int, text: str) -> bool:
        return any(p.startswith(f"{path}:{line}:{col}: ") and text in p for p in found)

    assert at(2, 16, "'parties' is not a top-level content topic")
    assert at(4, 9, "event id 'Job Fair' must be lowercase")
    assert at(11, 10, "'end' must be after 'start'")
    assert at(12, 15, "unknown time zone 'Mars/Olympus'")
    assert at(13, 17, "recurrence 'FREQ=SOMETIMES' is not a valid RRULE")
    assert at(14, 15, "location 'no-such-node' is not a content node id")
    assert at(15, 14, "'health' is not in the file's 'topics' list")
    assert at(18, 12, "'start' must be a local date and time like 2027-03-14 10:00")
    assert not any("duplicate" in p for p in found)  # the second 'fair' is invalid anyway


def test_duplicate_ids_and_yaml_errors(tmp_path: Path, sample_tree: ContentTree) -> None:
    dup = ("timezone: UTC\ntopics: [jobs]\nevents:\n"
           "  - {id: a, title: A, start: 2027-01-01 10:00, topics: [jobs]}\n"
           "  - {id: a, title: B, start: 2027-01-02 10:00, topics: [jobs]}\n")
    assert any(":5:" in p and "duplicate event id 'a' (first on line 4)" in p
               for p in problems(tmp_path, sample_tree, dup))
    assert any("YAML syntax error" in p for p in problems(tmp_path, sample_tree, "events: [\n"))


def test_sample_events_are_valid(sample_events: Events) -> None:
    assert len(sample_events) == 7
    assert sample_events.topics == ("language-classes", "jobs", "legal", "community-centers", "health")


def test_weekly_event_keeps_its_local_time_across_dst(tmp_path: Path, sample_tree: ContentTree) -> None:
    (tmp_path / "events.yaml").write_text(
        "timezone: America/New_York\ntopics: [jobs]\nevents:\n"
        "  - {id: w, title: W, start: 2026-10-19 18:00, recurrence: FREQ=WEEKLY, topics: [jobs]}\n")
    event = load_events(tmp_path, sample_tree).events["w"]
    after = datetime(2026, 10, 20, tzinfo=UTC)
    starts = [when for _, when in zip(range(3), event.occurrences_after(after), strict=False)]
    assert [w.astimezone(event.zone).hour for w in starts] == [18, 18, 18]
    # US clocks go back on 1 November 2026: 18:00 is 22:00 UTC before, 23:00 UTC after.
    assert [w.astimezone(UTC).hour for w in starts] == [22, 23, 23]


def test_calendar_file_is_a_valid_vcalendar(sample_events: Events) -> None:
    event = sample_events.events["job-fair-2027"]
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    data = event_ics(event, "Job fair, with; commas", "Line one\nLine two " + "é" * 80, now=now)
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART:20270314T070000Z" in unfolded and "DTEND:20270314T130000Z" in unfolded  # 10:00-16:00 +03
    assert "SUMMARY:Job fair\\, with\\; commas" in unfolded
    assert "DESCRIPTION:Line one\\nLine two " + "é" * 80 in unfolded
    assert "UID:job-fair-2027@marhaba" in unfolded and "DTSTAMP:20261123T090000Z" in unfolded
    assert "GEO:41.037000;28.985000" in unfolded
    recurring = event_ics(sample_events.events["women-conversation-club"], "Club", "", now=now).decode()
    assert "DTSTART;TZID=Europe/Istanbul:20260903T150000" in recurring and "RRULE:FREQ=WEEKLY;BYDAY=TH" in recurring


def test_invalid_events_refuse_the_start_and_fail_content_check(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (content / "events.yaml").write_text(BAD, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "content", "check", str(content)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "events.yaml:12:15: unknown time zone 'Mars/Olympus'" in result.stderr

    async def start() -> None:
        settings = Settings.from_env({"MARHABA_CONTENT": str(content), "MARHABA_DB": str(tmp_path / "x.db"),
                                      "MARHABA_ENV_FILE": ""})
        async with open_engine(settings):
            pass

    import asyncio
    with pytest.raises(ContentError):
        asyncio.run(start())


def test_content_check_counts_the_events() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "content", "check", str(SAMPLE_CONTENT)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "7 events" in result.stdout
