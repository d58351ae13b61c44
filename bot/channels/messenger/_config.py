"""The Messenger channel's settings, checked once when the channel is built."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.errors import ConfigError
from bot.settings import Settings

DEFAULT_API_BASE_URL = "https://graph.facebook.com/v21.0"
"""The Graph API with its version segment (https://developers.facebook.com/docs/graph-api/guides/versioning);
``MESSENGER_API_BASE_URL`` overrides it."""
REQUIRED = ("MESSENGER_PAGE_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN")
"""Read with :meth:`Secret.read`: from the variable or from a private file named by ``NAME_FILE``."""


@dataclass(frozen=True)
class MessengerConfig:
    """Everything the channel reads from the environment. Secrets stay out of ``repr``."""

    api_base_url: str
    page_token: str = field(repr=False)
    app_secret: str = field(repr=False)
    verify_token: str = field(repr=False)

    @staticmethod
    def configured(settings: Settings) -> bool:
        """True when any of the channel's variables is set (a partial setup then fails loudly)."""
        return settings.messenger.configured

    @classmethod
    def from_settings(cls, settings: Settings) -> MessengerConfig:
        section = settings.messenger
        values = {"MESSENGER_PAGE_TOKEN": section.page_token.read(), "MESSENGER_APP_SECRET": section.app_secret.read(),
                  "MESSENGER_VERIFY_TOKEN": section.verify_token.read()}
        missing = [name for name in REQUIRED if not values[name]]
        if missing:
            raise ConfigError(f"the Messenger channel needs {', '.join(missing)} (see the README, section Messenger)")
        base = section.api_base_url or DEFAULT_API_BASE_URL
        if not base.startswith(("https://", "http://")):
            raise ConfigError("MESSENGER_API_BASE_URL must be an http(s) URL with the API version, "
                              f"e.g. {DEFAULT_API_BASE_URL}")
        return cls(api_base_url=base.rstrip("/"), page_token=values["MESSENGER_PAGE_TOKEN"],
                   app_secret=values["MESSENGER_APP_SECRET"], verify_token=values["MESSENGER_VERIFY_TOKEN"])
