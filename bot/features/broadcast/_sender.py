"""The drainer: sends a broadcast's outbox rows at each channel's rate cap.

Pacing is by time slots: message *n* of a channel goes out no earlier than
``n / (cap * PACING_MARGIN)`` seconds after the first. On top of that, a
message starts only a full second after the message ``cap`` places before it
was *answered*: the platform received that one before answering, so no
one-second window at the platform ever holds more than the cap, whatever the
network jitter. A 429 pauses the whole channel for the time the platform asks
and puts the row back; the message is never lost. Each row is marked ``sent``
only after the platform accepted it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.core import (
    Blocked,
    ChannelProfile,
    DeliveryError,
    Outgoing,
    OutsideWindow,
    RetryLater,
    Sender,
    Undeliverable,
    mark_blocked,
)
from bot.errors import StoreError
from bot.features.broadcast._outbox import (
    LEASE_SECONDS,
    Broadcast,
    BroadcastRepository,
    Counts,
    OutboxState,
    Row,
)
from bot.i18n import LOCALES, is_rtl
from bot.store import Leases, Store, bulk

log = logging.getLogger("marhaba.broadcast")


@dataclass(frozen=True)
class ChannelLimits:
    """A channel's sending limits: messages per second overall, and seconds between two messages to one chat."""

    rate: float
    per_chat_interval: float = 0.0


FALLBACK_LIMITS = ChannelLimits(30.0, 1.0)
"""For a channel without a profile of its own: Telegram's, the stricter."""


def channel_limits(profiles: Mapping[str, ChannelProfile],
                   rates: Mapping[str, float] | None = None) -> dict[str, ChannelLimits]:
    """Each channel's broadcast limits, from the channel registry's profiles (``engine.channels``); ``rates``
    the operator set (``MARHABA_TELEGRAM_RATE``, ...: messages per second) override a channel's own rate."""
    rates = rates or {}
    return {name: ChannelLimits(rates.get(name, p.broadcast_rate), p.per_chat_interval)
            for name, p in profiles.items()}


PACING_MARGIN = 0.99
"""Slots are spaced for 99% of the cap; the answered-a-second-ago rule guards the rest."""
WINDOW_SECONDS = 1.0
"""The platforms count their caps per second."""
CATCH_UP_SECONDS = 0.1
"""Slots missed in a stall shorter than this (claiming the next rows) are made up; the window rule keeps
the cap."""
MAX_ATTEMPTS = 8
"""A row asked to wait (429) this many times is marked failed; the broadcast can be resumed later."""
MAX_CONCURRENT_SENDS = 16
"""Requests in flight at once per drainer (a slow platform must not stall the pacing)."""
CLAIM_SECONDS = 0.5
"""Rows are claimed about half a second of sending at a time: few rows are claimed at a crash."""
SENDING_RIGHT = "send:"
"""The lease one process at a time holds to send broadcasts on a channel (``send:telegram``)."""
SENDING_RIGHT_POLL_SECONDS = 0.5
"""How often a sender waiting for another process's sending right looks again."""
TEMPLATE_TEXT = "text"
"""The template body parameter that carries the broadcast text outside WhatsApp's 24-hour window."""


class Pacer:
    """Hands out send slots for one channel at ``rate`` per second; :meth:`pause` stops it for a while.

    :meth:`slot` returns a callback to call when the platform has answered that message.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / (rate * PACING_MARGIN)
        self.cap = max(1, int(rate))
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._answered: collections.deque[asyncio.Future[float]] = collections.deque()

    async def slot(self) -> Callable[[], None]:
        """Wait for the next free slot; call the returned function once the platform answered."""
        while True:
            now = self._clock()
            at = max(self._next, now - CATCH_UP_SECONDS, self._paused_until)
            self._next = at + self.interval
            if at > now:
                await asyncio.sleep(at - now)
            if len(self._answered) >= self.cap:
                answered_at = await self._answered[0]
                wait = answered_at + WINDOW_SECONDS - self._clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._answered.popleft()
            if self._clock() >= self._paused_until:
                break
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._answered.append(future)

        def answered() -> None:
            if not future.done():
                future.set_result(self._clock())
        return answered

    def pause(self, seconds: float) -> None:
        """The platform asked to slow down: no slot for ``seconds``."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._next = max(self._next, self._paused_until)


def resolve_text(texts: dict[str, str], locale: str) -> str | None:
    """The broadcast text for ``locale``: its own, its fallback locale's (fa_AF -> fa), else ``*``."""
    info = LOCALES.get(locale)
    for code in (locale, *(info.fallback if info else ())):
        if code in texts:
            return texts[code]
    return texts.get("*")


Progress = Callable[[Row, OutboxState], None]


class Drainer:
    """Drains outboxes through ``senders`` (channel -> :class:`Sender`) within each channel's limits.

    ``limits`` come from the channel registry (:func:`channel_limits`); a channel without any gets
    :data:`FALLBACK_LIMITS`.
    """

    def __init__(self, outbox: BroadcastRepository, store: Store, senders: dict[str, Sender], *,
                 limits: dict[str, ChannelLimits] | None = None, rate: float | None = None,
                 progress: Progress | None = None, lease_seconds: float = LEASE_SECONDS) -> None:
        self.token = "run-" + secrets.token_hex(8)
        """This sender's leases on outbox rows: random, so no two processes anywhere share one."""
        self.lease_seconds = lease_seconds
        self.outbox = outbox
        self.leases = Leases(store)
        self._held: set[str] = set()
        self.store = store
        self.senders = senders
        self.limits = dict(limits or {})
        self.rate = rate
        self.progress = progress
        self._pacers: dict[str, Pacer] = {}
        self._last_to_chat: dict[tuple[str, str], float] = {}
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_SENDS)

    def channel_limits(self, channel: str) -> ChannelLimits:
        limits = self.limits.get(channel, FALLBACK_LIMITS)
        return ChannelLimits(self.rate, limits.per_chat_interval) if self.rate else limits

    def pacer(self, channel: str) -> Pacer:
        pacer = self._pacers.get(channel)
        if pacer is None:
            pacer = self._pacers[channel] = Pacer(self.channel_limits(channel).rate)
        return pacer

    async def drain(self, broadcast: Broadcast) -> Counts:
        """Send every pending row of ``broadcast`` whose channel has a sender; return the counts."""
        if not broadcast.ready:
            await self.outbox.populate(broadcast.id)
        channels = [c for c in self.senders if broadcast.channel in (None, c)]
        tasks: set[asyncio.Task[None]] = set()
        renewing = asyncio.create_task(self._renew_leases())
        try:
            while channels:
                held = await self._hold(channels)
                rows = []
                if held:
                    batch = max(1, min(int(self.pacer(c).interval ** -1 * CLAIM_SECONDS) for c in held))
                    rows = await self.outbox.claim(broadcast.id, held, batch, token=self.token,
                                                   lease_seconds=self.lease_seconds)
                if not rows:
                    if tasks:
                        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                        continue
                    # Rows another sender holds are waited for until its lease runs out.
                    when = await self.outbox.next_retry(broadcast.id, channels, self.token)
                    if when is None:
                        break
                    if len(held) < len(channels):  # another process sends on a channel: look again soon
                        when = min(when, time.time() + SENDING_RIGHT_POLL_SECONDS)
                    await asyncio.sleep(min(max(0.05, when - time.time()), 60.0))
                    continue
                for row in rows:
                    await self._slots.acquire()
                    answered = await self.pacer(row.channel).slot()
                    task = asyncio.create_task(self._send(broadcast, row, answered))
                    tasks.add(task)
                    task.add_done_callback(self._done(tasks))
            if tasks:
                await asyncio.gather(*tasks)
        finally:
            renewing.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(renewing, *tasks, return_exceptions=True)
            await self._let_go(channels)
        await self.outbox.finish_if_done(broadcast.id)
        return await self.outbox.counts(broadcast.id)

    async def _hold(self, channels: list[str]) -> list[str]:
        """The channels this sender may send on now: it takes (or renews) each channel's sending right.

        A platform's rate cap counts every process's messages, so one process at a time sends on a
        channel; the others wait, and take over when it finishes or its right runs out.
        """
        held = [c for c in channels if await self.leases.acquire(SENDING_RIGHT + c, self.token, self.lease_seconds)]
        self._held = set(held)
        return held

    async def _let_go(self, channels: list[str]) -> None:
        for channel in channels:
            with contextlib.suppress(StoreError):
                # The platform counts its cap per second: the next holder starts a second after our
                # last message, so the two never share a second.
                await self.leases.release(SENDING_RIGHT + channel, self.token, linger=WINDOW_SECONDS)
        self._held = set()

    async def _renew_leases(self) -> None:
        """Keep this sender's leases alive while it runs (a slow platform must not let them lapse)."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await self.outbox.renew(self.token, self.lease_seconds)
                for channel in list(self._held):
                    await self.leases.acquire(SENDING_RIGHT + channel, self.token, self.lease_seconds)
            except StoreError as exc:
                log.warning("broadcast: renewing leases failed (%s); retrying", type(exc).__name__)

    def _done(self, tasks: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
        def done(task: asyncio.Task[None]) -> None:
            tasks.discard(task)
            self._slots.release()
        return done

    async def _wait_for_chat(self, row: Row) -> None:
        interval = self.channel_limits(row.channel).per_chat_interval
        if interval <= 0:
            return
        key = (row.channel, row.channel_user_id)
        last = self._last_to_chat.get(key)
        now = time.monotonic()
        if last is not None and now - last < interval:
            await asyncio.sleep(interval - (now - last))
        self._last_to_chat[key] = time.monotonic()
        if len(self._last_to_chat) > 100_000:
            cutoff = time.monotonic() - interval
            self._last_to_chat = {k: v for k, v in self._last_to_chat.items() if v >= cutoff}

    async def _send(self, broadcast: Broadcast, row: Row, answered: Callable[[], None]) -> None:
        try:
            with bulk():  # the platform's shared cap: people's replies go first
                state, reason = await self._attempt(broadcast, row)
        finally:
            answered()
        if state is OutboxState.PENDING:  # put back for a later attempt (a rate limit)
            return
        await self.outbox.mark(row.id, state, reason)
        if self.progress is not None:
            self.progress(row, state)

    async def _attempt(self, broadcast: Broadcast, row: Row) -> tuple[OutboxState, str | None]:
        text = resolve_text(broadcast.texts, row.locale)
        if text is None:
            return OutboxState.SKIPPED, f"no text in {row.locale}"
        sender = self.senders[row.channel]
        await self._wait_for_chat(row)
        try:
            try:
                await sender.send(row.channel_user_id, [Outgoing(text=text, locale=row.locale, rtl=is_rtl(row.locale))])
            except OutsideWindow:
                return await self._template(sender, broadcast, row, text)
            return OutboxState.SENT, None
        except RetryLater as exc:
            self.pacer(row.channel).pause(exc.retry_after)
            if row.attempts >= MAX_ATTEMPTS:
                return OutboxState.FAILED, f"rate limited {row.attempts} times"
            await self.outbox.retry(row.id, time.time() + exc.retry_after, "rate limited")
            return OutboxState.PENDING, None
        except Blocked:
            await mark_blocked(self.store, row.channel, row.channel_user_id)
            return OutboxState.BLOCKED, "blocked the bot"
        except Undeliverable as exc:
            await mark_blocked(self.store, row.channel, row.channel_user_id)
            return OutboxState.FAILED, exc.reason[:200]
        except DeliveryError as exc:
            return OutboxState.FAILED, str(exc)[:200]
        except Exception as exc:  # a bug or an unexpected answer must not stop the broadcast
            log.exception("broadcast %d: sending failed (%s)", broadcast.id, type(exc).__name__)
            return OutboxState.FAILED, type(exc).__name__

    async def _template(self, sender: Sender, broadcast: Broadcast, row: Row, text: str) -> tuple[OutboxState, str | None]:
        has_template = getattr(sender, "has_template", None)
        send_template = getattr(sender, "send_template", None)
        if has_template is None or send_template is None or not has_template(broadcast.purpose, row.locale):
            return OutboxState.SKIPPED, f"outside the 24-hour window, no '{broadcast.purpose}' template for {row.locale}"
        await send_template(row.channel_user_id, broadcast.purpose, row.locale, {TEMPLATE_TEXT: text})
        return OutboxState.SENT, "template"


async def drain_all(drainer: Drainer, outbox: BroadcastRepository, kind: str | None = None) -> dict[int, Counts]:
    """Finish every unfinished broadcast (of ``kind``), oldest first; their counts by id."""
    await outbox.release_expired_claims()
    out = {}
    for broadcast in await outbox.unfinished(kind):
        out[broadcast.id] = await drainer.drain(broadcast)
    return out
