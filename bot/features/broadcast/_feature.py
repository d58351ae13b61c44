"""Newcomers' side of events: ``/events``, ``/subscribe``, ``/unsubscribe`` (and STOP), calendar files.

:data:`FEATURE` loads and validates ``events.yaml`` (invalid events refuse the
start like invalid content) and registers the commands and payloads:
``ev:<event-id>`` shows one event, ``ics:<event-id>`` sends its calendar file,
``sub:<topic>`` toggles a subscription, ``unsub:all`` ends them all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.content import ContentTree
from bot.core import (
    MAIN_MENU,
    Document,
    Engine,
    Feature,
    Option,
    Outgoing,
    Router,
    Turn,
    node_option,
    node_title,
    ui_option,
)
from bot.features.broadcast._config import BroadcastSettings, utc_now
from bot.features.broadcast._events import Event, Events, event_context, load_events
from bot.features.broadcast._ics import event_ics
from bot.features.broadcast._outbox import outbox_of, purge_broadcasts
from bot.features.broadcast._text import event_description, event_place, event_text, event_title
from bot.features.privacy import DEFAULT_BROADCAST_RETENTION_DAYS, RetentionRule, when_table
from bot.i18n import N_, Translator
from bot.settings import Settings

EVENTS_SHOWN = 8
"""Events listed by /events: with "subscribe" and "main menu" they fit WhatsApp's 10 list rows."""
EVENTS_HORIZON = timedelta(days=60)
"""/events lists occurrences up to two months ahead."""
ICS_MIME = "text/calendar"

# TRANSLATORS: a button and a command; WhatsApp shows at most 18 characters. A shorter form may follow ||.
UPCOMING = N_("Upcoming events")
# TRANSLATORS: a button and a command; WhatsApp shows at most 18 characters. A shorter form may follow ||.
GET_NEWS = N_("Get news about a topic")


def event_option(event: Event, t: Translator) -> Option:
    """The button of one event: its title, or the translator's short form of it."""
    short = t.content_short(event_context(event.id, "title"), event.title)
    return Option(f"📅 {event_title(event, t)}", f"ev:{event.id}", short_label=f"📅 {short}" if short else None)


class EventsFeature:
    """The commands and payloads of events and subscriptions, on one engine."""

    def __init__(self, engine: Engine, events: Events, config: BroadcastSettings,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.events = events
        self.config = config
        self.now = now
        self.outbox = outbox_of(engine.store)
        self.router = r = Router("broadcast")
        r.add_command("events", self.cmd_events, UPCOMING)
        r.add_command("subscribe", self.cmd_subscribe, GET_NEWS)
        r.add_command("unsubscribe", self.cmd_unsubscribe, N_("Stop getting news"))
        r.add_payload("ev", self.pl_event)
        r.add_payload("ics", self.pl_ics)
        r.add_payload("sub", self.pl_toggle)
        r.add_payload("unsub", self.pl_unsubscribe_all)
        r.on_reload(self.stage_reload)

    def stage_reload(self, content_dir: Path, tree: ContentTree) -> Callable[[], None]:
        """Read ``events.yaml`` again against ``tree`` (raises :class:`~bot.errors.ContentError` with
        ``file:line`` problems, and nothing changes); the returned callable serves the new events."""
        events = load_events(content_dir, tree)

        def apply() -> None:
            self.events = events

        return apply

    @property
    def tree(self) -> ContentTree:
        return self.engine.content

    def _menu(self, turn: Turn) -> Option:
        return ui_option(turn.t, "🏠 ", MAIN_MENU, "cmd:menu")

    # -- events ---------------------------------------------------------------

    async def cmd_events(self, turn: Turn) -> list[Outgoing]:
        t, _ = turn.t, turn.t.gettext
        upcoming = self.events.upcoming(self.now(), EVENTS_SHOWN, EVENTS_HORIZON)
        options = [event_option(ev, t) for _when, ev in upcoming]
        options += [ui_option(t, "🔔 ", GET_NEWS, "cmd:subscribe"), self._menu(turn)]
        if not upcoming:
            return [self.engine.text_reply(turn, _("There are no upcoming events right now."), tuple(options))]
        blocks = [event_text(ev, when, self.tree, t, hijri=self.config.hijri, description=False)
                  for when, ev in upcoming]
        text = "\n\n".join(blocks) + "\n\n" + _("Choose an event to see more, or to add it to your calendar.")
        return [Outgoing(text=text, title=_("Upcoming events"), options=tuple(options), locale=t.locale, rtl=t.rtl)]

    def _event(self, turn: Turn) -> Event | None:
        return self.events.events.get(turn.payload)

    async def pl_event(self, turn: Turn) -> list[Outgoing]:
        event = self._event(turn)
        when = event.next_occurrence(self.now()) if event else None
        if event is None or when is None:
            return await self.cmd_events(turn)
        t, _ = turn.t, turn.t.gettext
        text = event_text(event, when, self.tree, t, hijri=self.config.hijri)
        # TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||.
        options = (ui_option(t, "📥 ", N_("Add to my calendar"), f"ics:{event.id}"),
                   ui_option(t, "📅 ", UPCOMING, "cmd:events"), self._menu(turn))
        return [Outgoing(text=text, options=options, location=event_place(event, self.tree, t),
                         locale=t.locale, rtl=t.rtl)]

    async def pl_ics(self, turn: Turn) -> list[Outgoing]:
        event = self._event(turn)
        if event is None:
            return await self.cmd_events(turn)
        t, _ = turn.t, turn.t.gettext
        title = event_title(event, t)
        data = event_ics(event, title, event_description(event, t), now=self.now())
        return [Outgoing(
            text=_("Open the file to add “{title}” to your calendar.").format(title=title),
            options=(ui_option(turn.t, "📅 ", UPCOMING, "cmd:events"), self._menu(turn)),
            document=Document(f"{event.id}.ics", data, ICS_MIME), locale=t.locale, rtl=t.rtl)]

    # -- subscriptions ----------------------------------------------------------

    def _topic_title(self, topic: str, turn: Turn) -> str:
        node = self.tree.get(topic)
        return node_title(node, turn.t) if node else topic

    def _topic_option(self, topic: str, turn: Turn, prefix: str) -> Option:
        node = self.tree.get(topic)
        return node_option(node, turn.t, prefix=prefix, payload=f"sub:{topic}") if node else Option(
            prefix + topic, f"sub:{topic}")

    def _find_topic(self, text: str, turn: Turn) -> str | None:
        wanted = text.strip().casefold()
        for topic in self.events.topics:
            if wanted in (topic, self._topic_title(topic, turn).casefold()):
                return topic
        return None

    async def _topics(self, turn: Turn, notice: str = "") -> list[Outgoing]:
        _ = turn.t.gettext
        mine = await self.outbox.subscriptions(turn.user.id)
        lines = [notice, ""] if notice else []
        lines.append(_("Choose the topics you want news about. We send a message when there is a new event "
                       "or announcement."))
        options = [self._topic_option(topic, turn, "✅ " if topic in mine else "☐ ") for topic in self.events.topics]
        if mine:
            # TRANSLATORS: a button; WhatsApp shows at most 22 characters. A shorter form may follow ||.
            options.append(ui_option(turn.t, "🔕 ", N_("Stop all news"), "unsub:all"))
        options.append(self._menu(turn))
        return [self.engine.text_reply(turn, "\n".join(lines), tuple(options))]

    async def cmd_subscribe(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        if not turn.args:
            return await self._topics(turn)
        topic = self._find_topic(turn.args, turn)
        if topic is None:
            return await self._topics(turn, _("There is no topic “{topic}”. Choose one below.").format(
                topic=turn.args[:40]))
        await self.outbox.subscribe(turn.user.id, topic)
        return await self._topics(turn, "✅ " + _("You will get news about {topic}.").format(
            topic=self._topic_title(topic, turn)))

    async def cmd_unsubscribe(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        if turn.args:
            topic = self._find_topic(turn.args, turn)
            if topic is None:
                return await self._topics(turn, _("There is no topic “{topic}”. Choose one below.").format(
                    topic=turn.args[:40]))
            await self.outbox.unsubscribe(turn.user.id, topic)
            return await self._topics(turn, _("You will get no more news about {topic}.").format(
                topic=self._topic_title(topic, turn)))
        return await self.pl_unsubscribe_all(turn)

    async def pl_unsubscribe_all(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        await self.outbox.unsubscribe(turn.user.id)
        return [self.engine.text_reply(turn, "🔕 " + _(
            "You will get no more news from us. Send /subscribe to choose topics again."),
            (ui_option(turn.t, "🔔 ", GET_NEWS, "cmd:subscribe"), self._menu(turn)))]

    async def pl_toggle(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        topic = turn.payload
        if topic not in self.events.topics:
            return await self._topics(turn)
        title = self._topic_title(topic, turn)
        if topic in await self.outbox.subscriptions(turn.user.id):
            await self.outbox.unsubscribe(turn.user.id, topic)
            return await self._topics(turn, _("You will get no more news about {topic}.").format(topic=title))
        await self.outbox.subscribe(turn.user.id, topic)
        return await self._topics(turn, "✅ " + _("You will get news about {topic}.").format(topic=title))


def setup(engine: Engine, settings: Settings) -> EventsFeature:
    """Load ``events.yaml`` (raising :class:`~bot.errors.ContentError` when invalid); the feature with its
    commands, buttons, live reload of the events and the reminders job of ``marhaba run``."""
    from bot.features.broadcast._reminders import reminders_job

    events = load_events(settings.content_dir, engine.content)
    feature = EventsFeature(engine, events, BroadcastSettings.from_settings(settings))
    feature.router.add_job(lambda: reminders_job(engine, settings, lambda: feature.events), singleton="reminders")
    return feature


RETENTION = (
    RetentionRule("broadcasts", "MARHABA_BROADCAST_RETENTION_DAYS", DEFAULT_BROADCAST_RETENTION_DAYS,
                  when_table("broadcasts", purge_broadcasts),
                  ("broadcasts", "outbox"), "a broadcast's texts and its recipients' platform ids, after it "
                  "finished (or was started, if it never finished)"),
)


def _cli(subparsers: Any, features: Any) -> None:
    from bot.features.broadcast._cli import register_cli

    register_cli(subparsers)


FEATURE = Feature("broadcast", setup, retention=RETENTION, cli=_cli, cli_order=50)
"""Events, subscriptions, reminders and ``marhaba broadcast``."""
