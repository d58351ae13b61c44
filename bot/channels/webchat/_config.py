"""The web chat's settings (parsed once in :mod:`bot.settings`, section ``webchat``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings


@dataclass(frozen=True)
class WebChatConfig:
    """``origins`` are the sites (``https://example.org``) whose pages may embed the widget
    (``MARHABA_WEBCHAT_ORIGINS``); the chat's own origin always may."""

    origins: tuple[str, ...] = ()

    @staticmethod
    def configured(settings: Settings) -> bool:
        """True when ``MARHABA_WEBCHAT=1``: then ``marhaba run`` serves the chat beside the other channels."""
        return settings.webchat.enabled

    @classmethod
    def from_settings(cls, settings: Settings) -> WebChatConfig:
        return cls(settings.webchat.origins)
