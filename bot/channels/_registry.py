"""The channel registry: one :class:`ChannelSpec` per channel, and nothing else knows the channels.

``marhaba run``, ``marhaba broadcast``, the broadcast pacing, the staff chat of handoff, ``/help``,
the logging policy and the preview all read this registry (the features through the
:class:`~bot.core.ChannelProfile` the application hands to the engine), so adding a channel is one
folder under ``bot/channels/`` and one :func:`register` call below (README, "Adding a channel").

A spec imports its channel's package only when it is used (``load``): ``marhaba chat`` never
imports python-telegram-bot.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bot.core import ChannelProfile, Engine, Outgoing, Sender
from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.web import WebServer


class Channel(Protocol):
    """What ``marhaba run`` needs of a running channel."""

    name: str

    async def start(self) -> None:
        """Register the channel's routes and sender on the engine and start receiving."""

    async def stop(self) -> None:
        """Stop receiving, finish the turns in hand, release connections."""


StandaloneSender = Callable[["Settings", Engine], AbstractAsyncContextManager[Sender]]
"""Builds a channel's sender without serving it (``marhaba broadcast`` in its own process)."""


class PreviewRenderer(Protocol):
    """How a channel shows replies, for ``marhaba preview``: the channel's own rendering code."""

    def render(self, key: tuple[str, str], replies: list[Outgoing]) -> list[Any]:
        """One JSON-ready rendering per reply of one turn of the user ``key`` (channel, user id), in order."""
        ...


PreviewRendererFactory = Callable[[Engine], PreviewRenderer]
"""Builds a channel's :class:`PreviewRenderer` on the preview's engine (installing any payloads it answers,
such as the "More" of a long menu)."""


@dataclass(frozen=True)
class ChannelSpec:
    """Everything the application needs to know about one channel.

    ``module`` is the channel's package; it is imported only by :meth:`load`, and must provide
    ``channel_class`` (a class with ``configured(settings)`` and ``from_settings(settings, engine,
    web)``) and may provide ``standalone_sender`` (see :data:`StandaloneSender`) and
    ``preview_renderer`` (see :data:`PreviewRendererFactory`).
    """

    profile: ChannelProfile
    """Limits and traits the features read (broadcast rate, slash commands, staff chat...)."""
    module: str
    """The package under ``bot/channels/`` that implements the channel."""
    setup_hint: str
    """What to set to configure it, for the error when nothing is configured."""
    webhook_paths: tuple[str, ...] = ()
    """Routes it serves on the shared web server (two channels may not share one)."""
    quiet_loggers: tuple[str, ...] = ()
    """Library loggers kept above DEBUG: their DEBUG lines carry tokens, texts or phone numbers."""
    standalone: bool = False
    """True when the package provides ``standalone_sender`` (broadcasts from ``marhaba broadcast``)."""
    title: str = ""
    """The channel's name as people know it ("WhatsApp"), for the preview's switch."""
    preview: bool = False
    """True when the package provides ``preview_renderer`` (``marhaba preview`` shows replies as it renders)."""

    @property
    def name(self) -> str:
        return self.profile.name

    def load(self) -> Any:
        """The channel's package; :class:`ConfigError` when it cannot be imported in this build."""
        try:
            return importlib.import_module(self.module)
        except ImportError:
            raise ConfigError(f"the {self.name} channel is not available in this build") from None

    def channel_class(self) -> Any:
        """The class that runs the channel (``configured``, ``from_settings``, ``start``, ``stop``)."""
        try:
            return self.load().channel_class
        except AttributeError:
            raise ConfigError(f"the {self.name} channel is not available in this build") from None

    def configured(self, settings: Settings) -> bool:
        """True when the environment has this channel's settings."""
        return bool(self.channel_class().configured(settings))

    def build(self, settings: Settings, engine: Engine, web: WebServer) -> Channel:
        """The running channel; raises :class:`ConfigError` for missing or malformed settings."""
        channel: Channel = self.channel_class().from_settings(settings, engine, web)
        return channel

    def standalone_sender(self, settings: Settings, engine: Engine) -> AbstractAsyncContextManager[Sender]:
        """A sender built from the settings without serving the channel (``marhaba broadcast``)."""
        factory: StandaloneSender = self.load().standalone_sender
        return factory(settings, engine)

    def preview_renderer(self, engine: Engine) -> PreviewRenderer:
        """The channel's rendering of replies for ``marhaba preview``, on ``engine``."""
        factory: PreviewRendererFactory = self.load().preview_renderer
        return factory(engine)


_SPECS: dict[str, ChannelSpec] = {}


def register(spec: ChannelSpec) -> None:
    """Add a channel; a second channel of the same name or webhook path is refused."""
    if spec.name in _SPECS:
        raise ValueError(f"channel '{spec.name}' is registered twice")
    taken = {p: s.name for s in _SPECS.values() for p in s.webhook_paths}
    for path in spec.webhook_paths:
        if path in taken:
            raise ValueError(f"channel '{spec.name}' wants {path}, which channel '{taken[path]}' serves")
    _SPECS[spec.name] = spec


def unregister(name: str) -> None:
    """Remove a channel (tests that register a channel of their own)."""
    _SPECS.pop(name, None)


@contextmanager
def registered(spec: ChannelSpec) -> Iterator[ChannelSpec]:
    """``spec`` registered for the body of the ``with`` (tests)."""
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec.name)


def channel_specs() -> list[ChannelSpec]:
    """Every registered channel, in registration order."""
    return list(_SPECS.values())


def channel_spec(name: str) -> ChannelSpec:
    """The channel called ``name``; :class:`ConfigError` naming the choices when there is none."""
    spec = _SPECS.get(name)
    if spec is None:
        raise ConfigError(f"unknown channel '{name}'; choose from: {', '.join(_SPECS)}")
    return spec


def channel_profiles() -> dict[str, ChannelProfile]:
    """Each registered channel's profile by name, for :attr:`bot.core.Engine.channels`."""
    return {spec.name: spec.profile for spec in _SPECS.values()}


def quiet_loggers() -> tuple[str, ...]:
    """Every registered channel's library loggers that must stay above DEBUG."""
    return tuple(name for spec in _SPECS.values() for name in spec.quiet_loggers)


# -- the channels ---------------------------------------------------------------------------

register(ChannelSpec(
    ChannelProfile(
        "telegram",
        # "no more than 30 messages per second" for broadcasts, and "avoid sending more than one message
        # per second" to one chat (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
        broadcast_rate=30.0, per_chat_interval=1.0, rate_cap=30.0,
        # sendMessage: "1-4096 characters" (https://core.telegram.org/bots/api#sendmessage).
        max_text_chars=4096, max_buttons=100,
        slash_commands=True,
        staff_chat=True,  # MARHABA_STAFF_CHAT is a Telegram group's chat id
    ),
    module="bot.channels.telegram",
    setup_hint="TELEGRAM_TOKEN",
    title="Telegram",
    webhook_paths=("/webhook/telegram",),
    quiet_loggers=("telegram",),
    standalone=True,
))

register(ChannelSpec(
    ChannelProfile(
        "whatsapp",
        # Cloud API: 80 messages per second per business phone number by default
        # (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput).
        broadcast_rate=80.0, per_chat_interval=0.0, rate_cap=80.0,
        # Text body: 4096 characters; reply buttons: 3
        # (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
        max_text_chars=4096, max_buttons=3,
        # Free-form messages only within 24 hours of the user's last message.
        reply_window_seconds=24 * 3600,
        slash_commands=False,  # commands are typed words: /help lists them
    ),
    module="bot.channels.whatsapp",
    setup_hint="the WHATSAPP_* variables",
    webhook_paths=("/webhook/whatsapp",),
    standalone=True,
    title="WhatsApp",
    preview=True,
))

register(ChannelSpec(
    ChannelProfile(
        "webchat",
        # Messages go to the sessions' inboxes in our own database, not to a platform: the rate only
        # leaves the store's writer to the turns of people chatting meanwhile.
        broadcast_rate=200.0, per_chat_interval=0.0,
        # The chat's text field takes 4096 characters; the page lists every option of a message.
        max_text_chars=4096, max_buttons=100,
        slash_commands=False,  # people on a website type words ("menu", "help"): /help lists them
    ),
    module="bot.channels.webchat",
    setup_hint="MARHABA_WEBCHAT=1",
    webhook_paths=("/chat", "/chat/send", "/chat/poll", "/chat/file", "/chat/widget.js", "/chat/chat.js",
                   "/chat/chat.css", "/forget"),
    standalone=True,  # marhaba broadcast writes to the inboxes from its own process
    title="Web chat",
    preview=True,
))

register(ChannelSpec(
    ChannelProfile(
        "messenger",
        # Send API: "300 calls per second per Facebook Page for messages that contain text, links, reactions,
        # and stickers" (https://developers.facebook.com/docs/messenger-platform/overview/rate-limiting).
        broadcast_rate=300.0, per_chat_interval=0.0, rate_cap=300.0,
        # Text: "2000 character limit" (https://developers.facebook.com/docs/messenger-platform/reference/send-api/);
        # "A maximum of 13 quick replies" (https://developers.facebook.com/docs/messenger-platform/reference/buttons/quick-replies).
        max_text_chars=2000, max_buttons=13,
        # Free-form messages only within 24 hours of the person's last message; then message tags.
        reply_window_seconds=24 * 3600,
        slash_commands=False,  # commands are typed words (or the persistent menu): /help lists them
    ),
    module="bot.channels.messenger",
    setup_hint="the MESSENGER_* variables",
    webhook_paths=("/webhook/messenger",),
    standalone=True,
    title="Messenger",
    preview=True,
))
