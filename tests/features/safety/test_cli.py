"""Staff test their rules from the command line: `marhaba ask` and `marhaba content check`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT, SAMPLE_CONTENT


def marhaba(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=PROJECT, timeout=60)


def test_ask_json_and_batch_report_the_safety_category_or_null() -> None:
    result = marhaba("ask", "--json", "i dont want to live anymore")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["safety"] == "self-harm"
    batch = marhaba("ask", "--batch", "-", "--json",
                    stdin='{"q": "my employer keeps my passport and locks me in"}\n{"q": "where is the clinic"}\n')
    assert [json.loads(line)["safety"] for line in batch.stdout.splitlines()] == ["trafficking", None]


def test_ask_shows_the_category_in_plain_text() -> None:
    result = marhaba("ask", "--lang", "ar", "حدا عم يهددني بالقتل")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("safety: threats")
    assert marhaba("ask", "--lang", "en", "bus ticket price").stdout.splitlines()[-1] == "safety: none"


def test_content_check_counts_the_rules_and_reports_a_broken_one(tmp_path: Path) -> None:
    ok = marhaba("content", "check")
    assert ok.returncode == 0 and "safety phrases in 7 categories" in ok.stdout
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    rules = content / "safety.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("id: medical", "id: medicine"), encoding="utf-8")
    broken = marhaba("content", "check", str(content))
    assert broken.returncode != 0 and "Traceback" not in broken.stderr
    assert "safety.yaml:" in broken.stderr and "unknown category 'medicine'" in broken.stderr
