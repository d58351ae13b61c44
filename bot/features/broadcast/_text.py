"""Events as text in a user's language: dates by Babel in the locale, the Hijri date where enabled."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.content import ContentTree
from bot.core import Place, node_title
from bot.features.broadcast._events import Event, event_context
from bot.features.broadcast._hijri import format_hijri
from bot.i18n import N_, Translator, isolate

# TRANSLATORS: when an event starts: a date like "Tuesday, 3 November 2026" and a time like "18:00".
WHEN = N_("{date}, {time}")
REMINDER = N_("Reminder: {title} starts soon.")


def event_title(event: Event, t: Translator) -> str:
    return t.content(event_context(event.id, "title"), event.title)


def event_description(event: Event, t: Translator) -> str:
    return t.content(event_context(event.id, "description"), event.description)


def format_when(when: datetime, t: Translator, *, zone: object | None = None, hijri: bool = False) -> str:
    """An occurrence's local date and time in the translator's locale (with the Hijri date if asked)."""
    local = when.astimezone(zone) if zone is not None else when  # type: ignore[arg-type]
    text = t.gettext(WHEN).format(date=t.date(local.date(), "full"), time=t.time(local.time()))
    if hijri:
        text += f" ({format_hijri(local.date(), t)})"
    return text


def place_name(event: Event, tree: ContentTree, t: Translator) -> str:
    """The name of the event's place in ``t``'s language: its content node's title, or its translated name."""
    node = tree.get(event.location_node)
    if node is not None:
        return node_title(node, t)
    if event.place is not None and event.place.name:
        return t.content(event_context(event.id, "location"), event.place.name)
    return ""


def event_place(event: Event, tree: ContentTree, t: Translator) -> Place | None:
    """The map point of the event (a Telegram venue, a WhatsApp location), named in ``t``'s language."""
    if event.place is None:
        return None
    return replace(event.place, name=place_name(event, tree, t) or event.place.name)


def place_text(event: Event, tree: ContentTree, t: Translator) -> str:
    """Where the event is: the place's name and the address (isolated in right-to-left text)."""
    parts = [place_name(event, tree, t)]
    if event.address:
        parts.append(isolate(event.address, t.rtl))
    return t.join(parts)


def event_text(event: Event, when: datetime, tree: ContentTree, t: Translator, *, hijri: bool = False,
               description: bool = True) -> str:
    """The event's lines: title, date and time, place, and (optionally) the description."""
    lines = [f"📅 {event_title(event, t)}", f"🕒 {format_when(when, t, zone=event.zone, hijri=hijri)}"]
    where = place_text(event, tree, t)
    if where:
        lines.append(f"📍 {where}")
    text = "\n".join(lines)
    if description and event.description:
        text += "\n\n" + event_description(event, t)
    return text


def reminder_text(event: Event, when: datetime, tree: ContentTree, t: Translator, *, hijri: bool = False) -> str:
    """The reminder sent to subscribers before an occurrence starts."""
    title = event_title(event, t)
    return "🔔 " + t.gettext(REMINDER).format(title=title) + "\n\n" + event_text(
        event, when, tree, t, hijri=hijri, description=False)
