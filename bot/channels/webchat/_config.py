"""The web chat's settings, parsed once from the environment."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import ConfigError
from bot.settings import Settings

ON_VALUES = ("1", "true", "yes", "on")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?$")


@dataclass(frozen=True)
class WebChatConfig:
    """``MARHABA_WEBCHAT`` (serve the chat in ``marhaba run``) and ``MARHABA_WEBCHAT_ORIGINS``.

    ``origins`` are the sites (``https://example.org``) whose pages may embed the widget; the
    chat's own origin always may.
    """

    origins: tuple[str, ...] = ()

    @staticmethod
    def configured(settings: Settings) -> bool:
        """True when ``MARHABA_WEBCHAT=1``: then ``marhaba run`` serves the chat beside the other channels."""
        return settings.get("MARHABA_WEBCHAT").strip().lower() in ON_VALUES

    @classmethod
    def from_settings(cls, settings: Settings) -> WebChatConfig:
        origins = []
        for item in re.split(r"[\s,]+", settings.get("MARHABA_WEBCHAT_ORIGINS").strip()):
            if not item:
                continue
            origin = item.rstrip("/").lower()
            if not _ORIGIN.match(origin):
                raise ConfigError(f"MARHABA_WEBCHAT_ORIGINS: '{item}' is not a site's origin; write each as "
                                  "https://example.org (scheme and host, no path), separated by commas")
            origins.append(origin)
        return cls(tuple(origins))
