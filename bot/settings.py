"""Configuration, parsed once at start-up from the environment into a typed object.

Nothing else in Marhaba reads ``os.environ``. A ``.env`` file (``KEY=value``
lines) in the working directory, or the file named by ``MARHABA_ENV_FILE``,
fills in variables the environment does not set.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parents[1]

_SECRETS: set[str] = set()
"""Every secret read through :meth:`Settings.secret`, so logging can redact it (see :mod:`bot.features.privacy`)."""


def known_secrets() -> frozenset[str]:
    """The secret values read so far in this process."""
    return frozenset(_SECRETS)


def default_db_path(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local" / "share")
    return Path(base) / "marhaba" / "marhaba.db"


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file: ``KEY=value`` lines, ``#`` comments, optional quotes."""
    out: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"{path}:{number}: expected KEY=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip()] = value
    return out


def _ids(value: str) -> frozenset[tuple[str, str]]:
    """Parse ``telegram:123,whatsapp:4915...`` into (channel, user id) pairs."""
    pairs = set()
    for item in value.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        channel, sep, user = item.partition(":")
        if not sep or not channel or not user:
            raise ConfigError(f"MARHABA_STAFF: '{item}' must look like channel:user-id, e.g. telegram:123456")
        pairs.add((channel.strip(), user.strip()))
    return frozenset(pairs)


def _digits(value: str) -> dict[str, str]:
    from bot.i18n import LOCALES
    from bot.i18n._digits import parse_policy

    return parse_policy(value, LOCALES)


@dataclass(frozen=True)
class Settings:
    """Every setting Marhaba reads. Secrets are kept out of ``repr``."""

    db_path: Path
    content_dir: Path
    locales_dir: Path
    staff: frozenset[tuple[str, str]] = frozenset()
    digits: Mapping[str, str] = field(default_factory=dict)
    """``MARHABA_DIGITS=fa:latn,ps:arab``: the digit system of a locale, where the CLDR default is not wanted."""
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if environ is None else environ)
        env_file = env.get("MARHABA_ENV_FILE")
        if env_file:
            env = {**read_env_file(Path(env_file)), **env}
        elif Path(".env").is_file():
            env = {**read_env_file(Path(".env")), **env}
        settings = cls(
            db_path=Path(env["MARHABA_DB"]).expanduser() if env.get("MARHABA_DB") else default_db_path(env),
            content_dir=Path(env.get("MARHABA_CONTENT") or PROJECT_DIR / "content"),
            locales_dir=Path(env.get("MARHABA_LOCALES") or PROJECT_DIR / "locales"),
            staff=_ids(env.get("MARHABA_STAFF", "")),
            digits=_digits(env.get("MARHABA_DIGITS", "")),
            env=env,
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean) if clean else settings

    def get(self, name: str, default: str = "") -> str:
        """A raw variable, for the channel settings parsed by each channel."""
        return self.env.get(name, default)

    def seconds(self, name: str, default: float, low: float, high: float) -> float:
        """A duration variable in seconds, ``default`` when unset; a :class:`ConfigError` outside [low, high]."""
        text = self.get(name).strip()
        if not text:
            return default
        try:
            value = float(text)
            if not low <= value <= high:
                raise ValueError
        except ValueError:
            raise ConfigError(f"{name} must be a number of seconds from {low:g} to {high:g}, "
                              f"not '{text[:20]}'") from None
        return value

    @property
    def outbox_lease_seconds(self) -> float:
        """``MARHABA_OUTBOX_LEASE_SECONDS``: how long a broadcast sender's claim on a message holds
        without renewal; after a crash its messages are taken over this long after it stopped."""
        return self.seconds("MARHABA_OUTBOX_LEASE_SECONDS", 30.0, 1.0, 3600.0)

    @property
    def database_url(self) -> str:
        """``MARHABA_DATABASE_URL`` (or ``_FILE``): ``postgresql://user:password@host:port/db`` puts the store
        in PostgreSQL; "" (unset) keeps the SQLite file of ``MARHABA_DB``. A secret: it may hold a password."""
        url = self.secret("MARHABA_DATABASE_URL")
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ConfigError("MARHABA_DATABASE_URL must start with postgresql:// "
                              "(leave it unset to keep the SQLite file of MARHABA_DB)")
        password = urlsplit(url).password if url else None
        if password:
            _SECRETS.add(password)  # redacted from logs on its own too
        return url

    def has_secret(self, name: str) -> bool:
        """True when ``NAME`` or ``NAME_FILE`` is set (without reading the file)."""
        return bool(self.env.get(name, "").strip() or self.env.get(f"{name}_FILE", "").strip())

    def secret(self, name: str) -> str:
        """A token or key from ``NAME``, else from the file named by ``NAME_FILE`` ("" when neither is set).

        The file must be readable by its owner only (``chmod 600``), as a
        secret in a world-readable file is no secret. Errors name the
        variable and the file, never the value.
        """
        value = self.env.get(name, "").strip()
        if value:
            _SECRETS.add(value)
            return value
        file_name = self.env.get(f"{name}_FILE", "").strip()
        if not file_name:
            return ""
        return self.read_secret_file(name, Path(file_name).expanduser())

    def read_secret_file(self, name: str, path: Path) -> str:
        """The secret ``name`` kept in ``path``, which must be a regular file readable by its owner only."""
        try:
            mode = path.stat().st_mode
            if not stat.S_ISREG(mode):
                raise ConfigError(f"{name}_FILE: {path} is not a regular file")
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise ConfigError(f"{name}_FILE: {path} can be read by other users; "
                                  f"make it private with: chmod 600 {path}")
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{name}_FILE: {path} is not UTF-8 text") from None
        value = text.strip()
        if value:
            _SECRETS.add(value)
        return value
