"""Channel adapters: each translates between one platform and the core's events.

:mod:`bot.channels._registry` lists them (one :class:`ChannelSpec` each); see the README,
"Adding a channel".
"""

from bot.channels._registry import (
    Channel,
    ChannelSpec,
    PreviewRenderer,
    channel_profiles,
    channel_spec,
    channel_specs,
    quiet_loggers,
    register,
    registered,
    unregister,
)

__all__ = [
    "Channel",
    "ChannelSpec",
    "PreviewRenderer",
    "channel_profiles",
    "channel_spec",
    "channel_specs",
    "quiet_loggers",
    "register",
    "registered",
    "unregister",
]
