"""Settings: secrets from the environment or from a file only its owner can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Settings

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
    assert settings(MY_TOKEN="direct").secret("MY_TOKEN") == "direct"
    assert settings(MY_TOKEN_FILE=str(path)).secret("MY_TOKEN") == SECRET
    assert settings(MY_TOKEN_FILE=str(path)).has_secret("MY_TOKEN")
    assert settings().secret("MY_TOKEN") == "" and not settings().has_secret("MY_TOKEN")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_secret_file_readable_by_others_is_refused_without_quoting_it(tmp_path: Path, mode: int) -> None:
    path = private_file(tmp_path, SECRET, mode)
    with pytest.raises(ConfigError, match="chmod 600") as exc:
        settings(MY_TOKEN_FILE=str(path)).secret("MY_TOKEN")
    assert "MY_TOKEN_FILE" in str(exc.value) and SECRET not in str(exc.value)


def test_missing_secret_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MY_TOKEN_FILE: cannot read"):
        settings(MY_TOKEN_FILE=str(tmp_path / "nope")).secret("MY_TOKEN")
    with pytest.raises(ConfigError, match="not a regular file"):
        settings(MY_TOKEN_FILE=str(tmp_path)).secret("MY_TOKEN")


def test_secrets_stay_out_of_repr(tmp_path: Path) -> None:
    assert SECRET not in repr(settings(MY_TOKEN=SECRET))
