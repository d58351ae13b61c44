"""Configuration, parsed once at start-up from the environment into typed sections.

Nothing else in Marhaba reads ``os.environ`` (``tests/test_settings.py`` checks it). A ``.env``
file (``KEY=value`` lines) in the working directory, or the file named by ``MARHABA_ENV_FILE``,
fills in variables the environment does not set. Every variable is checked when
:meth:`Settings.from_env` runs: a bad value is a :class:`~bot.errors.ConfigError` naming the
variable and quoting the value (never a secret's). Secrets (:class:`Secret`) are read from
``NAME`` or from the private file named by ``NAME_FILE`` only when a channel needs them, and
are registered for redaction in the logs.

The sections, with their variables (the README documents each; the names are a contract):

* :class:`Settings` itself: ``MARHABA_DB``, ``MARHABA_CONTENT``, ``MARHABA_LOCALES``,
  ``MARHABA_STAFF``, ``MARHABA_DIGITS``, ``MARHABA_LEASE_SECONDS`` (``XDG_DATA_HOME``/``HOME`` place the
  default database)
* ``log`` (:class:`LogSection`): ``MARHABA_LOG_LEVEL``, ``MARHABA_DEBUG``
* ``web`` (:class:`WebSection`): ``MARHABA_HOST``, ``MARHABA_PORT``
* ``flood`` (:class:`FloodSection`): ``MARHABA_FLOOD_RATE``, ``MARHABA_FLOOD_BURST``, ``MARHABA_FLOOD_COOLDOWN``
* ``retention`` (:class:`RetentionSection`): ``MARHABA_RETENTION_DAYS``, ``MARHABA_INBOX_RETENTION_DAYS``,
  ``MARHABA_QUESTION_RETENTION_DAYS``, ``MARHABA_BROADCAST_RETENTION_DAYS``, ``MARHABA_REACTION_DAYS``
* ``questions`` (:class:`QuestionsSection`): ``MARHABA_STAFF_CHAT``
* ``broadcast`` (:class:`BroadcastSection`): ``MARHABA_HIJRI``, ``MARHABA_REMINDER_LEAD_MINUTES``,
  ``MARHABA_TELEGRAM_RATE``, ``MARHABA_WHATSAPP_RATE``, ``MARHABA_OUTBOX_LEASE_SECONDS``
* ``privacy`` (:class:`PrivacySection`): ``MARHABA_SECRET_KEY`` (or ``MARHABA_SECRET_KEY_FILE``)
* ``telegram`` (:class:`TelegramSection`): ``TELEGRAM_TOKEN``, ``TELEGRAM_API_BASE_URL``, ``TELEGRAM_WEBHOOK_URL``,
  ``TELEGRAM_WEBHOOK_SECRET``, ``MARHABA_TELEGRAM_BOT_USERNAME``
* ``whatsapp`` (:class:`WhatsAppSection`): ``WHATSAPP_TOKEN``, ``WHATSAPP_PHONE_NUMBER_ID``, ``WHATSAPP_APP_SECRET``,
  ``WHATSAPP_VERIFY_TOKEN``, ``WHATSAPP_API_BASE_URL``, ``WHATSAPP_TEMPLATES``, ``MARHABA_WHATSAPP_NUMBER``
* ``webchat`` (:class:`WebChatSection`): ``MARHABA_WEBCHAT``, ``MARHABA_WEBCHAT_ORIGINS``, ``MARHABA_WEBCHAT_URL``
* ``messenger`` (:class:`MessengerSection`): ``MESSENGER_PAGE_TOKEN``, ``MESSENGER_APP_SECRET``,
  ``MESSENGER_VERIFY_TOKEN``, ``MESSENGER_API_BASE_URL``, ``MARHABA_MESSENGER_PAGE``
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.logs import remember_secret  # every secret read is redacted from the logs

PROJECT_DIR = Path(__file__).resolve().parents[1]
DAY_SECONDS = 86_400

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


def environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment (or ``environ``), filled in from ``.env`` or ``MARHABA_ENV_FILE``."""
    env = dict(os.environ if environ is None else environ)
    env_file = env.get("MARHABA_ENV_FILE")
    if env_file:
        return {**read_env_file(Path(env_file)), **env}
    if env_file is None and Path(".env").is_file():
        return {**read_env_file(Path(".env")), **env}
    return env


def read_secret_file(name: str, path: Path) -> str:
    """The secret ``name`` kept in ``path``, which must be a regular file readable by its owner only.

    Errors name the variable and the file, never the value; the value is registered for redaction.
    """
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
        remember_secret(value)
    return value


@dataclass(frozen=True)
class Secret:
    """A token or key from ``NAME``, else from the file named by ``NAME_FILE``; never in ``repr``.

    The file is read (and checked to be private, ``chmod 600``) only by :meth:`read`, when the
    secret is needed, so a command that does not use a channel does not need its token.
    """

    variable: str
    value: str = field(default="", repr=False)
    file: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str], name: str) -> Secret:
        file_name = env.get(f"{name}_FILE", "").strip()
        return cls(name, env.get(name, "").strip(), Path(file_name).expanduser() if file_name else None)

    @property
    def configured(self) -> bool:
        """True when ``NAME`` or ``NAME_FILE`` is set (without reading the file)."""
        return bool(self.value or self.file)

    def read(self) -> str:
        """The secret ("" when neither variable is set); a :class:`ConfigError` for a bad file."""
        if self.value:
            remember_secret(self.value)
            return self.value
        return read_secret_file(self.variable, self.file) if self.file else ""


# -- parsing helpers: each error names the variable and quotes (the start of) the value -------------


def _text(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float, what: str) -> float:
    text = _text(env, name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (low <= value <= high and math.isfinite(value)):  # NaN fails too
        raise ConfigError(f"{name} must be {what}, not '{text[:20]}'")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool, what: str) -> bool:
    text = _text(env, name).lower()
    if not text:
        return default
    if text not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise ConfigError(f"{name} must be {what}, not '{text[:20]}'")
    return text in ("1", "true", "yes", "on")


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


# -- sections -----------------------------------------------------------------------------------------

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class LogSection:
    """``MARHABA_LOG_LEVEL`` (unset: each command's own default) and ``MARHABA_DEBUG`` (tracebacks)."""

    level: str | None = None
    debug: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LogSection:
        level = _text(env, "MARHABA_LOG_LEVEL").upper()
        if level and level not in LOG_LEVELS:
            raise ConfigError(f"MARHABA_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not '{level[:20]}'")
        # MARHABA_DEBUG: any value but "" and "0" shows tracebacks (the README says MARHABA_DEBUG=1).
        return cls(level=level or None, debug=_text(env, "MARHABA_DEBUG") not in ("", "0"))


@dataclass(frozen=True)
class WebSection:
    """Where the built-in web server listens: ``MARHABA_HOST`` and ``MARHABA_PORT`` (0 = any free port)."""

    host: str = "127.0.0.1"
    port: int = 8080

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebSection:
        text = _text(env, "MARHABA_PORT")
        if text and not (text.isdigit() and 0 <= int(text) <= 65535):
            raise ConfigError(f"MARHABA_PORT must be a port number (0-65535), not '{text[:20]}'")
        return cls(host=_text(env, "MARHABA_HOST") or cls.host, port=int(text) if text else cls.port)


@dataclass(frozen=True)
class FloodSection:
    """``MARHABA_FLOOD_RATE`` (turns a minute, 0 = off), ``MARHABA_FLOOD_BURST``, ``MARHABA_FLOOD_COOLDOWN`` (seconds).

    The defaults are :class:`bot.core.FloodLimits`'s, which explains them (``tests/core/test_flood.py`` keeps
    the two equal: the core may not import the settings).
    """

    rate_per_minute: float = 30.0
    burst: int = 8
    cooldown_seconds: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FloodSection:
        def number(name: str, default: float, low: float) -> float:
            return _number(env, name, default, low, math.inf, f"a number of at least {low:g}")

        return cls(rate_per_minute=number("MARHABA_FLOOD_RATE", cls.rate_per_minute, 0),
                   burst=int(number("MARHABA_FLOOD_BURST", cls.burst, 1)),
                   cooldown_seconds=number("MARHABA_FLOOD_COOLDOWN", cls.cooldown_seconds, 0))


RETENTION_DEFAULTS = {
    # Progress of someone who has not written for a year is of no use to them; their data goes.
    "MARHABA_RETENTION_DAYS": 365.0,
    # Ids of handled webhook updates (no content) are kept a week, to refuse a late redelivery.
    "MARHABA_INBOX_RETENTION_DAYS": 7.0,
    # Unanswered questions and tickets: long enough for staff to read and answer them.
    "MARHABA_QUESTION_RETENTION_DAYS": 30.0,
    # A broadcast's text and its recipients' ids: a month after it finished, to report on it.
    "MARHABA_BROADCAST_RETENTION_DAYS": 30.0,
    # Which page a sent message showed, to count a reaction to it.
    "MARHABA_REACTION_DAYS": 3.0,
}
"""Each retention variable and its default, in days (``0`` keeps the data for ever)."""
WHATSAPP_INBOUND_DAYS = 7
"""WhatsApp message ids: far longer than the Cloud API redelivers a webhook and than the 24-hour window."""
WHATSAPP_STATUS_DAYS = 30
"""Delivery statuses of sent WhatsApp messages: long enough to report on a broadcast."""


@dataclass(frozen=True)
class RetentionSection:
    """How long each kind of data is kept, in days by its variable; ``0`` keeps it for ever."""

    days: Mapping[str, float] = field(default_factory=lambda: dict(RETENTION_DEFAULTS))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RetentionSection:
        return cls({name: _number(env, name, default, 0, math.inf, "a number of days (0 keeps for ever)")
                    for name, default in RETENTION_DEFAULTS.items()})

    def max_age_seconds(self, variable: str) -> float | None:
        """The age limit the retention variable ``variable`` sets, in seconds; ``None`` keeps for ever."""
        days = self.days[variable]
        return days * DAY_SECONDS if days else None


@dataclass(frozen=True)
class QuestionsSection:
    """``MARHABA_STAFF_CHAT``: the Telegram chat id of the staff group (``None`` when unset)."""

    staff_chat: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> QuestionsSection:
        chat = _text(env, "MARHABA_STAFF_CHAT")
        if chat and not re.fullmatch(r"-?\d{1,20}", chat):
            raise ConfigError("MARHABA_STAFF_CHAT must be a Telegram chat id such as -1001234567890 "
                              "(add the bot to the staff group, then read the id from a message it receives), "
                              f"not '{chat[:20]}'")
        return cls(staff_chat=chat or None)


DEFAULT_REMINDER_LEAD_MINUTES = 24 * 60
"""Subscribers are reminded a day before an event starts."""
DEFAULT_OUTBOX_LEASE_SECONDS = 30.0
"""How long a broadcast sender's claim on a message holds without renewal."""
DEFAULT_LEASE_SECONDS = 15.0
"""How long a process's lease on a singleton job or on Telegram long polling holds without renewal:
how soon another ``marhaba run`` takes over when the holder dies."""
RATE_VARIABLES = {"telegram": "MARHABA_TELEGRAM_RATE", "whatsapp": "MARHABA_WHATSAPP_RATE"}
"""Per-channel caps on broadcasts and reminders, in messages per second (defaults: the channel's own limits)."""


@dataclass(frozen=True)
class BroadcastSection:
    """Events, reminders and broadcasts: ``MARHABA_HIJRI``, ``MARHABA_REMINDER_LEAD_MINUTES``,
    ``MARHABA_TELEGRAM_RATE``/``MARHABA_WHATSAPP_RATE`` (only the channels whose rate is set are in
    ``rates``) and ``MARHABA_OUTBOX_LEASE_SECONDS``."""

    hijri: bool = False
    reminder_lead_minutes: int = DEFAULT_REMINDER_LEAD_MINUTES
    rates: Mapping[str, float] = field(default_factory=dict)
    outbox_lease_seconds: float = DEFAULT_OUTBOX_LEASE_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BroadcastSection:
        lead = _text(env, "MARHABA_REMINDER_LEAD_MINUTES")
        if lead and not (lead.isdigit() and 1 <= int(lead) <= 30 * 24 * 60):
            raise ConfigError("MARHABA_REMINDER_LEAD_MINUTES must be whole minutes between 1 and 43200 "
                              f"(30 days), not '{lead[:20]}'")
        rates = {}
        for channel, name in RATE_VARIABLES.items():
            if _text(env, name):
                rates[channel] = _number(env, name, 0, 1e-9, 10_000, "messages per second (e.g. 30)")
        return cls(
            hijri=_flag(env, "MARHABA_HIJRI", False, "1 (show Hijri dates beside Gregorian ones) or 0"),
            reminder_lead_minutes=int(lead) if lead else DEFAULT_REMINDER_LEAD_MINUTES,
            rates=rates,
            outbox_lease_seconds=_number(env, "MARHABA_OUTBOX_LEASE_SECONDS", DEFAULT_OUTBOX_LEASE_SECONDS, 1,
                                         3600, "a number of seconds from 1 to 3600"),
        )


@dataclass(frozen=True)
class PrivacySection:
    """``MARHABA_SECRET_KEY`` (or ``MARHABA_SECRET_KEY_FILE``): the key of the log pseudonyms."""

    secret_key: Secret = field(default_factory=lambda: Secret("MARHABA_SECRET_KEY"))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PrivacySection:
        return cls(secret_key=Secret.from_env(env, "MARHABA_SECRET_KEY"))


@dataclass(frozen=True)
class TelegramSection:
    """The Telegram channel's variables, as set (checked by the channel when it runs:
    :class:`bot.channels.telegram.TelegramSettings`); ``bot_username`` is ``MARHABA_TELEGRAM_BOT_USERNAME``."""

    token: Secret = field(default_factory=lambda: Secret("TELEGRAM_TOKEN"))
    api_base_url: str = ""
    webhook_url: str = ""
    webhook_secret: Secret = field(default_factory=lambda: Secret("TELEGRAM_WEBHOOK_SECRET"))
    bot_username: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelegramSection:
        return cls(token=Secret.from_env(env, "TELEGRAM_TOKEN"), api_base_url=_text(env, "TELEGRAM_API_BASE_URL"),
                   webhook_url=_text(env, "TELEGRAM_WEBHOOK_URL"),
                   webhook_secret=Secret.from_env(env, "TELEGRAM_WEBHOOK_SECRET"),
                   bot_username=_text(env, "MARHABA_TELEGRAM_BOT_USERNAME"))


@dataclass(frozen=True)
class WhatsAppSection:
    """The WhatsApp channel's variables, as set (checked by the channel when it runs:
    :class:`bot.channels.whatsapp.WhatsAppConfig`); ``number`` is ``MARHABA_WHATSAPP_NUMBER``."""

    token: Secret = field(default_factory=lambda: Secret("WHATSAPP_TOKEN"))
    phone_number_id: str = ""
    app_secret: Secret = field(default_factory=lambda: Secret("WHATSAPP_APP_SECRET"))
    verify_token: Secret = field(default_factory=lambda: Secret("WHATSAPP_VERIFY_TOKEN"))
    api_base_url: str = ""
    templates: Path | None = None
    number: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WhatsAppSection:
        templates = _text(env, "WHATSAPP_TEMPLATES")
        return cls(token=Secret.from_env(env, "WHATSAPP_TOKEN"), phone_number_id=_text(env, "WHATSAPP_PHONE_NUMBER_ID"),
                   app_secret=Secret.from_env(env, "WHATSAPP_APP_SECRET"),
                   verify_token=Secret.from_env(env, "WHATSAPP_VERIFY_TOKEN"),
                   api_base_url=_text(env, "WHATSAPP_API_BASE_URL"),
                   templates=Path(templates) if templates else None, number=_text(env, "MARHABA_WHATSAPP_NUMBER"))

    @property
    def configured(self) -> bool:
        """True when any of the channel's required variables is set (a partial setup then fails loudly)."""
        return any((self.token.configured, bool(self.phone_number_id), self.app_secret.configured,
                    self.verify_token.configured))


_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?$")


@dataclass(frozen=True)
class WebChatSection:
    """The web chat: ``MARHABA_WEBCHAT=1`` serves it in ``marhaba run``; ``MARHABA_WEBCHAT_ORIGINS`` lists the
    sites (``https://example.org``, comma-separated) whose pages may embed it; ``url`` is
    ``MARHABA_WEBCHAT_URL``, its public address for posters (checked by ``marhaba content links``)."""

    enabled: bool = False
    origins: tuple[str, ...] = ()
    url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebChatSection:
        origins = []
        for item in re.split(r"[\s,]+", _text(env, "MARHABA_WEBCHAT_ORIGINS")):
            origin = item.rstrip("/").lower()
            if item and not _ORIGIN.match(origin):
                raise ConfigError(f"MARHABA_WEBCHAT_ORIGINS: '{item[:60]}' is not a site's origin; write each as "
                                  "https://example.org (scheme and host, no path), separated by commas")
            if item:
                origins.append(origin)
        return cls(enabled=_flag(env, "MARHABA_WEBCHAT", False, "1 (serve the web chat) or 0"),
                   origins=tuple(origins), url=_text(env, "MARHABA_WEBCHAT_URL"))


@dataclass(frozen=True)
class MessengerSection:
    """The Facebook Messenger channel's variables, as set (checked by the channel when it runs:
    :class:`bot.channels.messenger.MessengerConfig`); ``page`` is ``MARHABA_MESSENGER_PAGE``."""

    page_token: Secret = field(default_factory=lambda: Secret("MESSENGER_PAGE_TOKEN"))
    app_secret: Secret = field(default_factory=lambda: Secret("MESSENGER_APP_SECRET"))
    verify_token: Secret = field(default_factory=lambda: Secret("MESSENGER_VERIFY_TOKEN"))
    api_base_url: str = ""
    page: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MessengerSection:
        return cls(page_token=Secret.from_env(env, "MESSENGER_PAGE_TOKEN"),
                   app_secret=Secret.from_env(env, "MESSENGER_APP_SECRET"),
                   verify_token=Secret.from_env(env, "MESSENGER_VERIFY_TOKEN"),
                   api_base_url=_text(env, "MESSENGER_API_BASE_URL"), page=_text(env, "MARHABA_MESSENGER_PAGE"))

    @property
    def configured(self) -> bool:
        """True when any of the channel's secrets is set (a partial setup then fails loudly)."""
        return any((self.page_token.configured, self.app_secret.configured, self.verify_token.configured))


@dataclass(frozen=True)
class Settings:
    """Every setting Marhaba reads, parsed and checked by :meth:`from_env`. Secrets are kept out of ``repr``."""

    db_path: Path
    content_dir: Path
    locales_dir: Path
    staff: frozenset[tuple[str, str]] = frozenset()
    digits: Mapping[str, str] = field(default_factory=dict)
    """``MARHABA_DIGITS=fa:latn,ps:arab``: the digit system of a locale, where the CLDR default is not wanted."""
    log: LogSection = field(default_factory=LogSection)
    web: WebSection = field(default_factory=WebSection)
    flood: FloodSection = field(default_factory=FloodSection)
    retention: RetentionSection = field(default_factory=RetentionSection)
    questions: QuestionsSection = field(default_factory=QuestionsSection)
    broadcast: BroadcastSection = field(default_factory=BroadcastSection)
    privacy: PrivacySection = field(default_factory=PrivacySection)
    telegram: TelegramSection = field(default_factory=TelegramSection)
    whatsapp: WhatsAppSection = field(default_factory=WhatsAppSection)
    webchat: WebChatSection = field(default_factory=WebChatSection)
    messenger: MessengerSection = field(default_factory=MessengerSection)
    database: Secret = field(default_factory=lambda: Secret("MARHABA_DATABASE_URL"))
    """``MARHABA_DATABASE_URL`` (or ``_FILE``): see :attr:`database_url`."""
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    """``MARHABA_LEASE_SECONDS``: see :data:`DEFAULT_LEASE_SECONDS`."""

    @property
    def database_url(self) -> str:
        """``postgresql://user:password@host:port/db`` puts the store in PostgreSQL; "" (unset) keeps the
        SQLite file of ``MARHABA_DB``. A secret: it may hold a password, which is redacted from logs too."""
        url = self.database.read()
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ConfigError("MARHABA_DATABASE_URL must start with postgresql:// "
                              "(leave it unset to keep the SQLite file of MARHABA_DB)")
        password = urlsplit(url).password if url else None
        if password:
            remember_secret(password)
        return url

    @property
    def store_database(self) -> str | Path:
        """What :func:`bot.store.open_store` opens: ``MARHABA_DATABASE_URL`` when set, else the SQLite file."""
        return self.database_url or self.db_path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, db_path: Path | None = None,
                 content_dir: Path | None = None, locales_dir: Path | None = None) -> Settings:
        """Parse the environment (default: the process's, with ``.env``); the paths given (command-line
        options such as ``--db``) replace the variables' (a ``db_path`` given is the store, even when
        ``MARHABA_DATABASE_URL`` is set: :meth:`on_sqlite`)."""
        env = environment(environ)
        settings = cls(
            db_path=Path(env["MARHABA_DB"]).expanduser() if env.get("MARHABA_DB") else default_db_path(env),
            content_dir=Path(env.get("MARHABA_CONTENT") or PROJECT_DIR / "content"),
            locales_dir=Path(env.get("MARHABA_LOCALES") or PROJECT_DIR / "locales"),
            staff=_ids(env.get("MARHABA_STAFF", "")),
            digits=_digits(env.get("MARHABA_DIGITS", "")),
            log=LogSection.from_env(env),
            web=WebSection.from_env(env),
            flood=FloodSection.from_env(env),
            retention=RetentionSection.from_env(env),
            questions=QuestionsSection.from_env(env),
            broadcast=BroadcastSection.from_env(env),
            privacy=PrivacySection.from_env(env),
            telegram=TelegramSection.from_env(env),
            whatsapp=WhatsAppSection.from_env(env),
            webchat=WebChatSection.from_env(env),
            messenger=MessengerSection.from_env(env),
            database=Secret.from_env(env, "MARHABA_DATABASE_URL"),
            lease_seconds=_number(env, "MARHABA_LEASE_SECONDS", DEFAULT_LEASE_SECONDS, 1, 3600,
                                  "a number of seconds from 1 to 3600"),
        )
        settings = replace(settings, content_dir=content_dir or settings.content_dir,
                           locales_dir=locales_dir or settings.locales_dir)
        return settings.on_sqlite(db_path) if db_path else settings

    def on_sqlite(self, db_path: Path) -> Settings:
        """These settings with the store in the SQLite file ``db_path`` (``--db``, the preview's temporary
        database), whatever ``MARHABA_DATABASE_URL`` says."""
        return replace(self, db_path=db_path, database=Secret("MARHABA_DATABASE_URL"))
