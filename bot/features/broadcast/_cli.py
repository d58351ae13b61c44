"""``marhaba broadcast send|resume|list``: staff broadcasts from the command line.

``send`` shows a dry run first (audience per channel and locale, locales that
lack a text) and sends only with ``--yes`` or a confirmation at a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import IO, Any

from bot.core import Engine, Sender
from bot.errors import ConfigError
from bot.features.broadcast._config import utc_now
from bot.features.broadcast._events import Events, event_context, load_events
from bot.features.broadcast._outbox import (
    DONE_STATES,
    Broadcast,
    BroadcastRepository,
    Counts,
    OutboxState,
    Row,
    outbox_of,
)
from bot.features.broadcast._sender import ChannelLimits, Drainer, channel_limits, resolve_text
from bot.features.broadcast._text import event_text
from bot.i18n import DEFAULT_LOCALE, LOCALES
from bot.settings import Settings

MAX_BROADCAST_CHARS = 4096
"""One message on every channel: Telegram's and WhatsApp's text limit (4096 characters)."""
MAX_TEXT_FILE_BYTES = 64_000


def _sending_channels() -> dict[str, Any]:
    """The registered channels that can send from this command (``standalone_sender``), by name.

    Read from the channel registry (:mod:`bot.channels`), imported here only: this command
    composes a sender like ``marhaba run`` composes the channels.
    """
    from bot.channels import channel_specs

    return {spec.name: spec for spec in channel_specs() if spec.standalone}


def _configured(settings: Settings, channel: str) -> bool:
    spec = _sending_channels().get(channel)
    try:
        return spec is not None and spec.configured(settings)
    except ConfigError:  # not available in this build
        return False


def register_cli(subparsers: Any) -> None:
    """Add ``marhaba broadcast ...`` to the main parser."""
    bc = subparsers.add_parser("broadcast", help="send news to the subscribers of a topic")
    bsub = bc.add_subparsers(dest="broadcast_command", metavar="ACTION", required=True)

    send = bsub.add_parser("send", help="send a message to a topic's subscribers (a dry run without --yes)")
    send.add_argument("--topic", required=True, help="topic id, as in events.yaml 'topics'")
    send.add_argument("--text", help="the message in the source language")
    send.add_argument("--text-file", action="append", default=[], metavar="[LOCALE=]FILE",
                      help="the message from a file; LOCALE=FILE gives one language's text (repeat per language)")
    send.add_argument("--event", help="announce this event (from events.yaml), in each subscriber's language")
    send.add_argument("--source-locale", default=DEFAULT_LOCALE, help="language of --text (default: en)")
    send.add_argument("--fallback-to-source", action="store_true",
                      help="send the source text to subscribers whose language has no text")
    _common(send)
    send.add_argument("--channel", choices=sorted(_sending_channels()), help="only this channel's subscribers")
    send.add_argument("--yes", action="store_true", help="send without asking")
    send.set_defaults(func=cmd_send)

    resume = bsub.add_parser("resume", help="finish every unfinished broadcast")
    _common(resume)
    resume.set_defaults(func=cmd_resume)

    lst = bsub.add_parser("list", help="past broadcasts with their counts")
    lst.add_argument("--db", help="SQLite file (default: $MARHABA_DB)")
    lst.add_argument("--limit", type=int, default=20)
    lst.set_defaults(func=cmd_list)


def _common(p: argparse.ArgumentParser) -> None:
    defaults = ", ".join(f"{name} {spec.profile.broadcast_rate:g}" for name, spec in _sending_channels().items())
    p.add_argument("--rate", type=float, help=f"messages per second (default: {defaults})")
    p.add_argument("--db", help="SQLite file (default: $MARHABA_DB)")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(db_path=Path(args.db).expanduser() if getattr(args, "db", None) else None)


@asynccontextmanager
async def _engine(args: argparse.Namespace, settings: Settings) -> AsyncIterator[tuple[Engine, Events, BroadcastRepository]]:
    open_engine: Callable[[Settings], AbstractAsyncContextManager[Engine]] = args.open_engine  # from bot.cli
    async with open_engine(settings) as engine:
        events = load_events(settings.content_dir, engine.content)
        yield engine, events, outbox_of(engine.store)


def _limits(settings: Settings, rate: float | None) -> dict[str, ChannelLimits]:
    if rate is not None and not 0 < rate <= 10_000:
        raise ConfigError("--rate must be a number of messages per second between 0 and 10000")
    profiles = {name: spec.profile for name, spec in _sending_channels().items()}
    return channel_limits(profiles, settings.broadcast.rates)  # MARHABA_TELEGRAM_RATE, ... (--rate overrides these)


@asynccontextmanager
async def _senders(settings: Settings, engine: Engine, channels: set[str]) -> AsyncIterator[dict[str, Sender]]:
    async with AsyncExitStack() as stack:
        senders: dict[str, Sender] = {}
        specs = _sending_channels()
        for channel in sorted(channels):
            if channel not in specs or not _configured(settings, channel):
                continue
            senders[channel] = await stack.enter_async_context(specs[channel].standalone_sender(settings, engine))
        yield senders


# -- send ------------------------------------------------------------------------------


def _read(path: str) -> str:
    p = Path(path).expanduser()
    try:
        if p.stat().st_size > MAX_TEXT_FILE_BYTES:
            raise ConfigError(f"{path}: the text file is larger than {MAX_TEXT_FILE_BYTES // 1000} kB")
        return p.read_text(encoding="utf-8-sig").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None


def staff_texts(args: argparse.Namespace, engine: Engine, events: Events) -> tuple[dict[str, str], str]:
    """The texts per locale given on the command line, and the source text."""
    if args.source_locale not in LOCALES:
        raise ConfigError(f"--source-locale: unknown locale '{args.source_locale}'; use one of {', '.join(LOCALES)}")
    texts: dict[str, str] = {}
    if args.event:
        event = events.events.get(args.event)
        if event is None:
            raise ConfigError(f"no event '{args.event}' in events.yaml; events: {', '.join(events.events) or '(none)'}")
        when = event.next_occurrence(utc_now())
        if when is None:
            raise ConfigError(f"event '{args.event}' has no future occurrence")
        for code in LOCALES:
            t = engine.catalogs.get(code)
            translated = t.content(event_context(event.id, "title"), event.title) != event.title
            if code == DEFAULT_LOCALE or translated:
                texts[code] = event_text(event, when, engine.content, t)
        source = texts[DEFAULT_LOCALE]
    else:
        source = args.text.strip() if args.text else ""
    for spec in args.text_file:
        code, sep, path = spec.partition("=")
        if not sep:
            source = _read(spec)
            continue
        if code not in LOCALES:
            raise ConfigError(f"--text-file {spec}: unknown locale '{code}'; use one of {', '.join(LOCALES)}")
        texts[code] = _read(path)
    if not source and not args.event:
        raise ConfigError("give the message with --text, --text-file FILE or --event ID")
    if source and not args.event:
        texts.setdefault(args.source_locale, source)
    for code, text in texts.items():
        if not text:
            raise ConfigError(f"the text for {code} is empty")
        if len(text) > MAX_BROADCAST_CHARS:
            raise ConfigError(f"the text for {code} is {len(text)} characters; keep it to {MAX_BROADCAST_CHARS} "
                              "(one message)")
    return texts, source


def _ask(question: str) -> bool:
    print(question + " [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def cmd_send(args: argparse.Namespace) -> int:
    settings = _settings(args)
    limits = _limits(settings, args.rate)

    async def run() -> int:
        async with _engine(args, settings) as (engine, events, outbox):
            if args.topic not in events.topics:
                raise ConfigError(f"unknown topic '{args.topic}'; topics: {', '.join(events.topics) or '(none)'}")
            texts, source = staff_texts(args, engine, events)
            audience = await outbox.audience([args.topic], args.channel)
            missing = _dry_run(args.topic, audience, texts)
            channels = {c for c, _ in audience}
            unconfigured = sorted(c for c in channels if not _configured(settings, c))
            if unconfigured:
                raise ConfigError(f"subscribers on {', '.join(unconfigured)} cannot be reached: that channel is "
                                  "not configured here; configure it or use --channel")
            interactive = sys.stdin.isatty()
            if not args.yes:
                if not interactive:
                    print("Dry run: nothing was sent. Run again with --yes to send.")
                    return 0
                if not _ask(f"Send to {sum(audience.values())} subscribers?"):
                    print("Nothing was sent.")
                    return 1
            if missing and not args.fallback_to_source and not (
                    interactive and _ask(f"Send the source text to the {', '.join(missing)} subscribers?")):
                raise ConfigError(f"no text for {', '.join(missing)}: give --text-file LOCALE=FILE, or "
                                  "--fallback-to-source to send them the source text; nothing was sent")
            if missing:
                texts["*"] = source
            broadcast_id = await outbox.create(kind="staff", topics=[args.topic], texts=texts, channel=args.channel,
                                               rate=args.rate)
            assert broadcast_id is not None
            broadcast = await outbox.get(broadcast_id)
            assert broadcast is not None
            print(f"Broadcast #{broadcast_id} created.", flush=True)
            async with _senders(settings, engine, channels) as senders:
                counts = await _drain(engine, outbox, senders, broadcast, limits, args.rate,
                                      settings.broadcast.outbox_lease_seconds)
            _report(broadcast, counts)
            return 0 if counts[OutboxState.PENDING] + counts[OutboxState.SENDING] == 0 else 1

    return asyncio.run(run())


def _dry_run(topic: str, audience: dict[tuple[str, str], int], texts: dict[str, str]) -> list[str]:
    print(f"Subscribers of '{topic}':")
    print(f"  {'channel':<10} {'locale':<7} {'users':>6}  text")
    missing: dict[str, int] = {}
    for (channel, locale), n in sorted(audience.items()):
        has = resolve_text(texts, locale) is not None
        if not has:
            missing[locale] = missing.get(locale, 0) + n
        print(f"  {channel:<10} {locale:<7} {n:>6}  {'yes' if has else 'MISSING'}")
    print(f"  {'total':<18} {sum(audience.values()):>6}")
    if missing:
        print("No text for: " + ", ".join(f"{code} ({n} users)" for code, n in sorted(missing.items()))
              + ". Give --text-file LOCALE=FILE, or --fallback-to-source to send them the source text.")
    return sorted(missing)


# -- drain, resume, list -------------------------------------------------------------


class ProgressBar:
    """A one-line progress bar on stderr: done/total and counts per outcome."""

    WIDTH = 30

    def __init__(self, broadcast_id: int, counts: Counts, stream: IO[str] | None = None) -> None:
        self.id = broadcast_id
        self.total = counts.total
        self.states = dict(counts.states)
        self.stream = stream or sys.stderr
        self._drawn = 0.0

    def __call__(self, row: Row, state: OutboxState) -> None:
        self.states[state] = self.states.get(state, 0) + 1
        self.draw()

    def draw(self, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self._drawn < 0.2:
            return
        self._drawn = now
        done = sum(self.states.get(s, 0) for s in DONE_STATES)
        filled = int(self.WIDTH * done / self.total) if self.total else self.WIDTH
        print(f"\r#{self.id} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {min(done, self.total)}/{self.total} "
              f"sent {self.states.get('sent', 0)} failed {self.states.get('failed', 0)} "
              f"blocked {self.states.get('blocked', 0)} skipped {self.states.get('skipped', 0)}",
              end="\n" if final else "", file=self.stream, flush=True)


async def _drain(engine: Engine, outbox: BroadcastRepository, senders: dict[str, Sender], broadcast: Broadcast,
                 limits: dict[str, Any], rate: float | None, lease_seconds: float) -> Counts:
    bar = ProgressBar(broadcast.id, await outbox.counts(broadcast.id))
    drainer = Drainer(outbox, engine.store, senders, limits=limits, rate=rate or broadcast.rate, progress=bar,
                      lease_seconds=lease_seconds)
    counts = await drainer.drain(broadcast)
    bar.states = dict(counts.states)
    bar.total = counts.total
    bar.draw(final=True)
    return counts


def _report(broadcast: Broadcast, counts: Counts) -> None:
    topics = ", ".join(broadcast.topics)
    what = f"reminder of {broadcast.event_id}" if broadcast.kind == "reminder" else f"topic {topics}"
    print(f"Broadcast #{broadcast.id} ({what}): {counts.total} recipients")
    for state in (*DONE_STATES, OutboxState.PENDING):
        n = counts[state] + (counts[OutboxState.SENDING] if state is OutboxState.PENDING else 0)
        print(f"  {state:<8} {n:>6}")
        for (s, reason), k in sorted(counts.reasons.items()):
            if s == state:
                print(f"    {k:>6}  {reason}")


def cmd_resume(args: argparse.Namespace) -> int:
    settings = _settings(args)
    limits = _limits(settings, args.rate)

    async def run() -> int:
        async with _engine(args, settings) as (engine, _events, outbox):
            released = await outbox.release_expired_claims()
            unfinished = await outbox.unfinished()
            if not unfinished:
                print("No unfinished broadcasts.")
                return 0
            if released:
                print(f"{released} messages that were being sent when the sender stopped will be sent again.")
            held = await outbox.leased()
            if held:
                lease = settings.broadcast.outbox_lease_seconds
                print(f"{held} messages are held by a sender that stopped or still runs; they are taken over "
                      f"when its claim runs out (within {lease:g} s).")
            channels = set(_sending_channels())
            left = 0
            async with _senders(settings, engine, channels) as senders:
                if not senders:
                    hints = " and/or ".join(spec.setup_hint for spec in _sending_channels().values())
                    raise ConfigError(f"no channel is configured: set {hints}")
                for broadcast in unfinished:
                    counts = await _drain(engine, outbox, senders, broadcast, limits, args.rate,
                                      settings.broadcast.outbox_lease_seconds)
                    _report(broadcast, counts)
                    left += counts[OutboxState.PENDING] + counts[OutboxState.SENDING]
            return 0 if left == 0 else 1

    return asyncio.run(run())


def cmd_list(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def run() -> int:
        from bot.store import open_store

        async with open_store(settings.store_database) as store:
            outbox = outbox_of(store)
            rows = await outbox.recent(max(1, args.limit))
            if not rows:
                print("No broadcasts yet.")
                return 0
            print(f"{'id':>5}  {'created (UTC)':<16}  {'what':<34} {'sent':>6} {'failed':>6} {'blocked':>7} "
                  f"{'skipped':>7} {'pending':>7}  status")
            for b in rows:
                c = await outbox.counts(b.id)
                what = f"reminder {b.event_id}" if b.kind == "reminder" else f"topic {', '.join(b.topics)}"
                created = time.strftime("%Y-%m-%d %H:%M", time.gmtime(b.created_at))
                status = "finished" if b.finished_at else "unfinished"
                print(f"{b.id:>5}  {created:<16}  {what[:34]:<34} {c['sent']:>6} {c['failed']:>6} {c['blocked']:>7} "
                      f"{c['skipped']:>7} {c['pending'] + c['sending']:>7}  {status}")
            return 0

    return asyncio.run(run())

