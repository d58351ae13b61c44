"""The Telegram channel's settings, checked from the variables :mod:`bot.settings` read (``settings.telegram``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.settings import DEFAULT_LEASE_SECONDS, Settings

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
"""PTB's default; a self-hosted Bot API server (or a test's fake) replaces it."""

WEBHOOK_PATH = "/webhook/telegram"
"""Where the shared web server receives Telegram's webhook calls."""

# BotFather tokens look like 123456789:AAE...; the secret part is 35 characters
# today (https://core.telegram.org/bots/api#authorizing-your-bot); allow some slack.
_TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{30,100}$")

# setWebhook secret_token: "1-256 characters. Only characters A-Z, a-z, 0-9, _ and - are allowed"
# (https://core.telegram.org/bots/api#setwebhook).
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MIN_SECRET_CHARS = 16
"""Our own floor, so that a secret cannot be guessed; Telegram accepts one character."""


@dataclass(frozen=True)
class TelegramSettings:
    """Typed Telegram settings. The token and the secret never appear in ``repr``."""

    token: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    """How long the long-polling lease holds without renewal (``MARHABA_LEASE_SECONDS``)."""

    @property
    def webhook(self) -> bool:
        """True for webhook mode, False for long polling (the default)."""
        return bool(self.webhook_url)

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return settings.telegram.token.configured

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramSettings:
        """Parse and check; raise a one-line :class:`ConfigError` that never quotes a secret."""
        token = settings.telegram.token.read()
        if not token:
            raise ConfigError("TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its token "
                              "in the environment, in .env, or in a private file named by TELEGRAM_TOKEN_FILE "
                              "(see the README)")
        if not _TOKEN_RE.match(token):
            raise ConfigError("TELEGRAM_TOKEN is malformed: it should look like 123456789:AAE... "
                              "as given by @BotFather")
        base_url = settings.telegram.api_base_url or DEFAULT_BASE_URL
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
            raise ConfigError(f"TELEGRAM_API_BASE_URL must be an http(s) URL such as {DEFAULT_BASE_URL}")
        webhook_url = settings.telegram.webhook_url
        secret = settings.telegram.webhook_secret.read()
        if webhook_url:
            parts = urlsplit(webhook_url)
            if parts.scheme != "https" or not parts.netloc:
                raise ConfigError("TELEGRAM_WEBHOOK_URL must be a public https:// URL (Telegram sends "
                                  f"webhooks only over HTTPS), e.g. https://bot.example.org{WEBHOOK_PATH}")
            if not secret:
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET is required in webhook mode: "
                                  f"{MIN_SECRET_CHARS} to 256 characters of A-Z, a-z, 0-9, _ and -")
        if secret and (not _SECRET_RE.match(secret) or len(secret) < MIN_SECRET_CHARS):
            raise ConfigError(f"TELEGRAM_WEBHOOK_SECRET must be {MIN_SECRET_CHARS} to 256 characters "
                              "of A-Z, a-z, 0-9, _ and -")
        return cls(token=token, base_url=base_url, webhook_url=webhook_url, webhook_secret=secret,
                   lease_seconds=settings.lease_seconds)
