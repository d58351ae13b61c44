"""Events from ``content/events.yaml``: the model, loading and validation with ``file:line:col``.

The file looks like this::

    timezone: Europe/Istanbul          # the default for every event
    topics: [language-classes, jobs]   # content topics newcomers can subscribe to
    events:
      - id: job-fair-2027
        title: Job fair for newcomers
        description: Meet employers who hire newcomers. Bring your CV.
        start: 2027-03-14 10:00
        end: 2027-03-14 16:00
        recurrence: FREQ=WEEKLY;BYDAY=TU   # optional, an iCalendar RRULE
        location: community-centers        # a content node, or {address: ..., lat: .., lon: ..}
        topics: [jobs]

Titles and descriptions are English source texts, translated through the
content catalogs with the contexts ``event:<id>.title`` and ``event:<id>.description``.
Topics are ids of top-level content topics, so their names are already translated.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content import EVENTS_FILE, ContentTree, read_yaml_file
from bot.content._loader import ID_RE, display_path
from bot.content._yaml import Y
from bot.core import Place
from bot.errors import ContentError, Problem
from bot.features.broadcast._recurrence import occurrences, parse_rule

MAX_EVENT_ID = 40
"""Keeps ``ics:<id>`` far below Telegram's 64-byte callback data."""
MAX_TITLE_CHARS = 120
MAX_DESCRIPTION_CHARS = 1000
"""An event is announced in one message; keep it short enough for every channel."""
FILE_KEYS = ("timezone", "topics", "events")
EVENT_KEYS = ("id", "title", "description", "start", "end", "timezone", "recurrence", "location", "topics")
_DATETIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$")


def event_context(event_id: str, field: str) -> str:
    """The catalog context of an event text, e.g. ``event:job-fair.title``."""
    return f"event:{event_id}.{field}"


@dataclass(frozen=True)
class Event:
    """One event. ``start``/``end`` are naive local times of the first occurrence in ``zone``."""

    id: str
    title: str
    description: str
    start: datetime
    end: datetime
    zone: ZoneInfo
    recurrence: str | None = None
    location_node: str | None = None
    address: str = ""
    place: Place | None = None
    topics: tuple[str, ...] = ()
    line: int = 0

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def occurrences_after(self, after: datetime) -> Iterator[datetime]:
        """Aware starts of the occurrences after ``after``, in order."""
        return occurrences(self.start, self.recurrence, self.zone, after)

    def next_occurrence(self, after: datetime) -> datetime | None:
        return next(self.occurrences_after(after), None)


@dataclass(frozen=True)
class Events:
    """The validated events file: events by id and the subscribable topics in order."""

    events: dict[str, Event]
    topics: tuple[str, ...] = ()
    path: str = ""

    def __len__(self) -> int:
        return len(self.events)

    def upcoming(self, now: datetime, limit: int, horizon: timedelta) -> list[tuple[datetime, Event]]:
        """Each event's next occurrence within ``horizon`` after ``now``, soonest first, at most ``limit``."""
        found = []
        for event in self.events.values():
            when = event.next_occurrence(now)
            if when is not None and when - now <= horizon:
                found.append((when, event))
        found.sort(key=lambda item: (item[0], item[1].id))
        return found[:limit]

    def starting_within(self, now: datetime, lead: timedelta) -> list[tuple[datetime, Event]]:
        """Occurrences starting after ``now`` and no later than ``now + lead`` (reminders are due)."""
        due = []
        for event in self.events.values():
            for when in event.occurrences_after(now):
                if when - now > lead:
                    break
                due.append((when, event))
        return sorted(due, key=lambda item: (item[0], item[1].id))


EMPTY = Events({})


def events_path(content_dir: Path) -> Path:
    return Path(content_dir) / EVENTS_FILE


def load_events(content_dir: str | Path, tree: ContentTree) -> Events:
    """Load and validate ``events.yaml`` in ``content_dir`` against the content ``tree``.

    No file means no events. Raises :class:`ContentError` with every problem at once.
    """
    directory = Path(content_dir)
    path = events_path(directory)
    if not path.is_file():
        return EMPTY
    problems: list[Problem] = []
    doc = read_yaml_file(path, directory, problems)
    shown = display_path(path)
    if doc is None:
        return Events({}, (), shown)
    events = _Reader(shown, tree, problems).read(doc)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(sorted(errors, key=lambda p: (p.line, p.col)))
    return events


class _Reader:
    def __init__(self, path: str, tree: ContentTree, problems: list[Problem]) -> None:
        self.path, self.tree, self.problems = path, tree, problems
        self.topic_ids = [t.id for t in tree.topics]

    def err(self, y: Y, message: str, *, at_key: bool = False) -> None:
        line, col = y.key_pos if (at_key and y.key_pos) else (y.line, y.col)
        self.problems.append(Problem(self.path, line, col, message))

    def unknown(self, m: Y, allowed: tuple[str, ...], what: str) -> None:
        for key, value in m.value.items():
            if key not in allowed:
                self.err(value, f"unknown key '{key}' in {what}; allowed keys: {', '.join(allowed)}", at_key=True)

    def text(self, y: Y | None, name: str, limit: int) -> str | None:
        if y is None:
            return None
        value = y.text()
        if y.is_map or y.is_list or value is None or not value.strip():
            self.err(y, f"'{name}' must be text", at_key=True)
            return None
        value = value.strip()
        if len(value) > limit:
            self.err(y, f"'{name}' is {len(value)} characters; keep it to {limit}")
        return value

    def zone(self, y: Y | None, default: ZoneInfo | None) -> ZoneInfo | None:
        if y is None:
            return default
        name = (y.text() or "").strip()
        try:
            if not name or name.startswith(("/", ".")) or ".." in name:
                raise ValueError
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.err(y, f"unknown time zone '{name}'; use a name like Europe/Istanbul")
            return None

    def topics(self, y: Y | None, allowed: list[str], what: str) -> tuple[str, ...]:
        if y is None or y.value is None:
            return ()
        out: list[str] = []
        for item in y.value if y.is_list else [y]:
            topic = (item.text() or "").strip()
            if topic not in allowed:
                self.err(item, f"'{topic}' is not {what}; use one of: {', '.join(allowed) or '(none)'}")
            elif topic not in out:
                out.append(topic)
        return tuple(out)

    def read(self, doc: Y) -> Events:
        if not doc.is_map:
            self.err(doc, "events.yaml holds 'timezone', 'topics' and a list of 'events'")
            return EMPTY
        self.unknown(doc, FILE_KEYS, "events.yaml")
        v = doc.value
        default_zone = self.zone(v.get("timezone"), None)
        if "timezone" not in v:
            self.err(doc, "add 'timezone: Europe/Istanbul' (the city's time zone) at the top")
        topics = self.topics(v.get("topics"), self.topic_ids, "a top-level content topic")
        events: dict[str, Event] = {}
        items = v.get("events")
        if items is not None and items.value is not None and not items.is_list:
            self.err(items, "'events' must be a list of events (each starting with '- id: ...')")
        elif items is not None and items.is_list:
            for item in items.value:
                event = self.event(item, default_zone, list(topics))
                if event is None:
                    continue
                if event.id in events:
                    self.err(item.value["id"], f"duplicate event id '{event.id}' (first on line "
                             f"{events[event.id].line}); ids must be unique")
                    continue
                events[event.id] = event
        return Events(events, topics, self.path)

    def event(self, m: Y, default_zone: ZoneInfo | None, topics: list[str]) -> Event | None:
        if not m.is_map:
            self.err(m, "an event is a mapping with id, title, start and topics")
            return None
        self.unknown(m, EVENT_KEYS, "an event")
        v = m.value
        ok = True
        event_id = (v["id"].text() or "").strip() if "id" in v else ""
        if not event_id:
            self.err(m, "event has no id; add 'id: a-short-name'")
            ok = False
        elif not ID_RE.match(event_id) or len(event_id) > MAX_EVENT_ID:
            self.err(v["id"], f"event id '{event_id}' must be lowercase letters, digits and hyphens, "
                     f"at most {MAX_EVENT_ID} characters")
            ok = False
        title = self.text(v.get("title"), "title", MAX_TITLE_CHARS)
        if "title" not in v:
            self.err(m, f"event '{event_id or '?'}' has no title")
        description = self.text(v.get("description"), "description", MAX_DESCRIPTION_CHARS) or ""
        zone = self.zone(v.get("timezone"), default_zone)
        start = self.when(v.get("start"), "start")
        if "start" not in v:
            self.err(m, f"event '{event_id or '?'}' has no start; add 'start: 2027-03-14 10:00'")
        end = self.when(v.get("end"), "end") if "end" in v else (start + timedelta(hours=1) if start else None)
        if start and end and end <= start:
            self.err(v["end"], "'end' must be after 'start'")
            ok = False
        rule = None
        if "recurrence" in v:
            rule = (v["recurrence"].text() or "").strip()
            try:
                if start:
                    parse_rule(rule, start)
            except (ValueError, TypeError) as exc:
                self.err(v["recurrence"], f"recurrence '{rule}' is not a valid RRULE ({exc}); "
                         "for example FREQ=WEEKLY;BYDAY=TU or FREQ=MONTHLY;BYDAY=1SA;COUNT=6")
                ok = False
        node, address, place = self.location(v.get("location"))
        event_topics = self.topics(v.get("topics"), topics, "in the file's 'topics' list")
        if not v.get("topics"):
            self.err(m, f"event '{event_id or '?'}' has no topics; add 'topics: [...]' so subscribers get it")
            ok = False
        if not (ok and title and start and end and zone):
            return None
        return Event(event_id, title, description, start, end, zone, rule or None, node, address, place,
                     event_topics, m.line)

    def when(self, y: Y | None, name: str) -> datetime | None:
        if y is None:
            return None
        raw = (y.raw if y.raw is not None else y.text() or "").strip()
        m = _DATETIME_RE.match(raw)
        try:
            if m is None:
                raise ValueError
            year, month, day, hour, minute = (int(g) for g in m.groups())
            return datetime(year, month, day, hour, minute)
        except ValueError:
            self.err(y, f"'{name}' must be a local date and time like 2027-03-14 10:00")
            return None

    def location(self, y: Y | None) -> tuple[str | None, str, Place | None]:
        if y is None or y.value is None:
            return None, "", None
        if not y.is_map:
            node_id = (y.text() or "").strip()
            if node_id not in self.tree:
                self.err(y, f"location '{node_id}' is not a content node id; "
                         "write a node id or {address: ..., lat: .., lon: ..}")
                return None, "", None
            node = self.tree.nodes[node_id]
            details = node.details
            address = (details.address or "") if details else ""
            if details is not None and details.location is not None:
                return node_id, address, Place(details.location.lat, details.location.lon, node.title, address)
            return node_id, address, None
        self.unknown(y, ("name", "address", "lat", "lon"), "location")
        v = y.value
        address = (v["address"].text() or "").strip() if "address" in v else ""
        name = (v["name"].text() or "").strip() if "name" in v else ""
        if "lat" not in v and "lon" not in v:
            if not address:
                self.err(y, "a location needs an address (and optionally lat and lon)")
            return None, address, None
        coords = []
        for key, bound in (("lat", 90), ("lon", 180)):
            val = v[key].value if key in v else None
            if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val) or abs(val) > bound:
                self.err(v.get(key, y), f"'{key}' must be a number between -{bound} and {bound}")
                return None, address, None
            coords.append(float(val))
        return None, address, Place(coords[0], coords[1], name, address)
