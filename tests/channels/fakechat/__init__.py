"""A channel that exists only in tests: one folder, registered by the test with one ChannelSpec.

It proves that a new channel needs nothing but its folder and its registry entry: ``marhaba run``
starts it, ``marhaba broadcast`` sends through its standalone sender, handoff and ``/help`` read
its profile. Messages it "sends" are kept in :data:`SENT`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.core import Engine, Incoming, Outgoing, Sender
from bot.settings import Settings
from bot.web import WebServer

NAME = "fakechat"
SENT: list[tuple[str, str]] = []
"""(user id, text) of every message sent, by the running channel or the standalone sender."""
CONFIGURED: list[bool] = []
"""The fake channel counts as configured while this holds ``True`` (it has no settings section)."""
STARTED: list[asyncio.Event] = []
"""Set once the channel has started (the test puts an event here)."""
ENTERED: list[asyncio.Event] = []
"""Set when the channel's start begins; it then waits for every event in :data:`GATES`."""
GATES: list[asyncio.Event] = []


class FakeSender(Sender):
    channel = NAME

    async def send(self, user_id: str, messages: list[Outgoing]) -> None:
        SENT.extend((user_id, m.text) for m in messages)


class FakeChannel:
    name = NAME

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return any(CONFIGURED)

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, web: WebServer) -> FakeChannel:
        return cls(engine)

    async def start(self) -> None:
        for event in ENTERED:
            event.set()
        for gate in GATES:  # a platform slow to answer at start (Telegram's getMe, Meta's profile call)
            await gate.wait()
        self.engine.senders[NAME] = FakeSender()
        # One turn, as a platform update would bring it: its replies go out through the sender.
        await self.engine.handle(Incoming(NAME, "u1", command="help"), self._deliver)
        for event in STARTED:
            event.set()

    async def _deliver(self, event: Incoming, messages: list[Outgoing]) -> None:
        await self.engine.senders[NAME].send(event.user_id, messages)

    async def stop(self) -> None:
        self.engine.senders.pop(NAME, None)


channel_class = FakeChannel


@asynccontextmanager
async def standalone_sender(settings: Settings, engine: Engine) -> AsyncIterator[Sender]:
    yield FakeSender()
