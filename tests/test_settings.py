"""Settings: every variable parsed once in bot/settings.py, into typed sections, with errors that name it;
secrets from the environment or from a file only its owner can read."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.logs import known_secrets
from bot.settings import PROJECT_DIR, Secret, Settings

SECRET = "s3cr3t-value-for-tests-0123456789"


def settings(**env: str) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", **env})


def private_file(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_secret_comes_from_the_variable_first_then_from_its_file(tmp_path: Path) -> None:
    path = private_file(tmp_path, SECRET + "\n")
    assert settings(TELEGRAM_TOKEN="direct", TELEGRAM_TOKEN_FILE=str(path)).telegram.token.read() == "direct"
    from_file = settings(TELEGRAM_TOKEN_FILE=str(path)).telegram.token
    assert from_file.configured and from_file.read() == SECRET and SECRET in known_secrets()
    unset = settings().telegram.token
    assert unset.read() == "" and not unset.configured


def test_a_secret_file_is_read_only_when_the_secret_is_needed(tmp_path: Path) -> None:
    parsed = settings(WHATSAPP_TOKEN_FILE=str(tmp_path / "not-yet"))  # a command that sends nothing still runs
    assert parsed.whatsapp.token.configured and parsed.whatsapp.configured
    with pytest.raises(ConfigError, match="WHATSAPP_TOKEN_FILE: cannot read"):
        parsed.whatsapp.token.read()


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_secret_file_readable_by_others_is_refused_without_quoting_it(tmp_path: Path, mode: int) -> None:
    path = private_file(tmp_path, SECRET, mode)
    with pytest.raises(ConfigError, match="chmod 600") as exc:
        Secret.from_env({"MY_TOKEN_FILE": str(path)}, "MY_TOKEN").read()
    assert "MY_TOKEN_FILE" in str(exc.value) and SECRET not in str(exc.value)


def test_missing_secret_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MY_TOKEN_FILE: cannot read"):
        Secret.from_env({"MY_TOKEN_FILE": str(tmp_path / "nope")}, "MY_TOKEN").read()
    with pytest.raises(ConfigError, match="not a regular file"):
        Secret.from_env({"MY_TOKEN_FILE": str(tmp_path)}, "MY_TOKEN").read()


def test_secrets_stay_out_of_repr() -> None:
    parsed = settings(TELEGRAM_TOKEN=SECRET, TELEGRAM_WEBHOOK_SECRET=SECRET, WHATSAPP_TOKEN=SECRET,
                      WHATSAPP_APP_SECRET=SECRET, WHATSAPP_VERIFY_TOKEN=SECRET, MARHABA_SECRET_KEY=SECRET)
    assert SECRET not in repr(parsed)


def test_every_variable_lands_in_a_typed_field(tmp_path: Path) -> None:
    parsed = settings(
        MARHABA_DB=str(tmp_path / "m.db"), MARHABA_LOG_LEVEL="debug", MARHABA_DEBUG="1", MARHABA_HOST="0.0.0.0",
        MARHABA_PORT="0", MARHABA_FLOOD_RATE="12", MARHABA_FLOOD_BURST="4", MARHABA_FLOOD_COOLDOWN="90",
        MARHABA_RETENTION_DAYS="10", MARHABA_INBOX_RETENTION_DAYS="0", MARHABA_QUESTION_RETENTION_DAYS="2.5",
        MARHABA_BROADCAST_RETENTION_DAYS="9", MARHABA_REACTION_DAYS="1", MARHABA_STAFF_CHAT="-100123",
        MARHABA_HIJRI="1", MARHABA_REMINDER_LEAD_MINUTES="90", MARHABA_TELEGRAM_RATE="5",
        MARHABA_OUTBOX_LEASE_SECONDS="12", MARHABA_SECRET_KEY_FILE=str(tmp_path / "k"),
        TELEGRAM_API_BASE_URL="http://127.0.0.1:1/bot", TELEGRAM_WEBHOOK_URL="https://bot.example/webhook/telegram",
        MARHABA_TELEGRAM_BOT_USERNAME="MarhabaBot", WHATSAPP_PHONE_NUMBER_ID="1065",
        WHATSAPP_API_BASE_URL="http://127.0.0.1:2/v21.0", WHATSAPP_TEMPLATES="t.yaml",
        MARHABA_WHATSAPP_NUMBER="4915112345678")
    assert parsed.db_path == tmp_path / "m.db"
    assert (parsed.log.level, parsed.log.debug) == ("DEBUG", True)
    assert (parsed.web.host, parsed.web.port) == ("0.0.0.0", 0)
    assert (parsed.flood.rate_per_minute, parsed.flood.burst, parsed.flood.cooldown_seconds) == (12, 4, 90)
    assert parsed.retention.max_age_seconds("MARHABA_RETENTION_DAYS") == 10 * 86400
    assert parsed.retention.max_age_seconds("MARHABA_INBOX_RETENTION_DAYS") is None  # 0 keeps for ever
    assert parsed.retention.max_age_seconds("MARHABA_QUESTION_RETENTION_DAYS") == 2.5 * 86400
    assert parsed.retention.max_age_seconds("MARHABA_REACTION_DAYS") == 86400
    assert parsed.questions.staff_chat == "-100123"
    b = parsed.broadcast
    assert (b.hijri, b.reminder_lead_minutes, dict(b.rates), b.outbox_lease_seconds) == (True, 90, {"telegram": 5}, 12)
    assert parsed.privacy.secret_key.file == tmp_path / "k" and parsed.privacy.secret_key.configured
    t = parsed.telegram
    assert (t.api_base_url, t.webhook_url, t.bot_username) == (
        "http://127.0.0.1:1/bot", "https://bot.example/webhook/telegram", "MarhabaBot")
    w = parsed.whatsapp
    assert (w.phone_number_id, w.api_base_url, w.templates, w.number) == (
        "1065", "http://127.0.0.1:2/v21.0", Path("t.yaml"), "4915112345678")


def test_defaults_are_the_documented_ones() -> None:
    parsed = settings()
    assert (parsed.web.host, parsed.web.port, parsed.log.level, parsed.log.debug) == ("127.0.0.1", 8080, None, False)
    assert {name: parsed.retention.max_age_seconds(name) for name in parsed.retention.days} == {
        "MARHABA_RETENTION_DAYS": 365 * 86400, "MARHABA_INBOX_RETENTION_DAYS": 7 * 86400,
        "MARHABA_QUESTION_RETENTION_DAYS": 30 * 86400, "MARHABA_BROADCAST_RETENTION_DAYS": 30 * 86400,
        "MARHABA_REACTION_DAYS": 3 * 86400}
    b = parsed.broadcast
    assert (b.hijri, b.reminder_lead_minutes, dict(b.rates), b.outbox_lease_seconds) == (False, 1440, {}, 30)


@pytest.mark.parametrize(("name", "value"), [
    ("MARHABA_LOG_LEVEL", "LOUD"), ("MARHABA_PORT", "80800"), ("MARHABA_PORT", "http"),
    ("MARHABA_FLOOD_RATE", "fast"), ("MARHABA_FLOOD_BURST", "0"), ("MARHABA_FLOOD_COOLDOWN", "-1"),
    ("MARHABA_RETENTION_DAYS", "a year"), ("MARHABA_QUESTION_RETENTION_DAYS", "-1"),
    ("MARHABA_INBOX_RETENTION_DAYS", "inf"), ("MARHABA_REACTION_DAYS", "nan"), ("MARHABA_STAFF_CHAT", "@staff"),
    ("MARHABA_HIJRI", "maybe"), ("MARHABA_REMINDER_LEAD_MINUTES", "0"), ("MARHABA_REMINDER_LEAD_MINUTES", "1.5"),
    ("MARHABA_TELEGRAM_RATE", "0"), ("MARHABA_WHATSAPP_RATE", "lots"), ("MARHABA_OUTBOX_LEASE_SECONDS", "0.5"),
    ("MARHABA_STAFF", "telegram"), ("MARHABA_DIGITS", "klingon"),
])
def test_a_bad_value_is_refused_at_start_naming_the_variable_and_the_value(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as exc:
        settings(**{name: value})
    assert name in str(exc.value) and value in str(exc.value), str(exc.value)
    assert "\n" not in str(exc.value)


# -- rule 6 of #18: nothing but bot/settings.py reads the environment -------------------------------------


def environment_reads(path: Path) -> list[int]:
    """Lines of ``path`` that read the process environment: ``os.environ``, ``os.getenv``, ``os.environb``,
    ``os.putenv``, or an import of one of them."""
    names = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
    modules = ("os", "posix", "nt")

    def reads(node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute):
            return node.attr in names and isinstance(node.value, ast.Name) and node.value.id in modules
        return isinstance(node, ast.ImportFrom) and node.module in modules and any(a.name in names for a in node.names)

    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    lines = [node.lineno for node in ast.walk(tree) if reads(node)]
    return sorted(lines)


def test_only_bot_settings_reads_the_environment() -> None:
    found = [f"{path.relative_to(PROJECT_DIR)}:{line}" for path in sorted((PROJECT_DIR / "bot").rglob("*.py"))
             if path != PROJECT_DIR / "bot" / "settings.py" for line in environment_reads(path)]
    assert not found, "read the variable in bot/settings.py (a typed field), not here: " + ", ".join(found)


def test_the_scan_finds_every_way_of_reading_the_environment(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom os import getenv\nos.environ.get('A')\nx = os.getenv('B')\n"
                      "os.environ['C'] = '1'\nos.path.join('a', 'b')\n")
    assert environment_reads(sample) == [2, 3, 4, 5]


# -- the CLI reads .env as `marhaba run` does --------------------------------------------------------------


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_", "MARHABA_"))}
    env["PYTHONPATH"] = str(PROJECT_DIR)
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_every_command_reads_the_log_level_from_dot_env(tmp_path: Path) -> None:
    args = ("broadcast", "list", "--db", str(tmp_path / "m.db"))
    quiet = run_cli(tmp_path, *args)
    assert quiet.returncode == 0 and "DEBUG" not in quiet.stderr, quiet.stderr
    (tmp_path / ".env").write_text("MARHABA_LOG_LEVEL=DEBUG\n")
    loud = run_cli(tmp_path, *args)
    assert loud.returncode == 0 and "DEBUG" in loud.stderr, loud.stderr
    (tmp_path / ".env").write_text("MARHABA_LOG_LEVEL=LOUD\n")
    bad = run_cli(tmp_path, *args)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == ("marhaba: MARHABA_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, "
                                  "CRITICAL, not 'LOUD'")


def test_every_variable_read_is_documented_in_the_readme() -> None:
    source = (PROJECT_DIR / "bot" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'"((?:MARHABA|TELEGRAM|WHATSAPP)_[A-Z_]+)"', source))
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert len(read) > 30
    assert not sorted(name for name in read if f"`{name}`" not in readme)
