"""An event as an iCalendar file (RFC 5545) that phones add to their calendar."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.features.broadcast._events import Event
from bot.features.broadcast._recurrence import localize

PRODID = "-//Marhaba//Events//EN"
MAX_LINE_OCTETS = 75
"""RFC 5545 3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break"."""


def _escape(text: str) -> str:
    # RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values.
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = MAX_LINE_OCTETS if not out else MAX_LINE_OCTETS - 1
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_ics(event: Event, title: str, description: str, *, host: str = "marhaba",
              now: datetime | None = None) -> bytes:
    """A VCALENDAR with one VEVENT (with its RRULE when it recurs); ``title``/``description`` translated.

    Times are written in UTC for a single event and as local time with ``TZID`` for a
    recurring one, so that calendar apps keep the wall-clock time across daylight saving.
    """
    now = now or datetime.now(UTC)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             "BEGIN:VEVENT", f"UID:{event.id}@{host}", f"DTSTAMP:{_utc(now)}"]
    if event.recurrence:
        tz = event.zone.key
        lines += [f"DTSTART;TZID={tz}:{event.start.strftime('%Y%m%dT%H%M%S')}",
                  f"DTEND;TZID={tz}:{event.end.strftime('%Y%m%dT%H%M%S')}",
                  "RRULE:" + event.recurrence.removeprefix("RRULE:")]
    else:
        lines += [f"DTSTART:{_utc(localize(event.start, event.zone))}",
                  f"DTEND:{_utc(localize(event.end, event.zone))}"]
    lines.append(f"SUMMARY:{_escape(title)}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    where = ", ".join(p for p in ((event.place.name if event.place else ""), event.address) if p)
    if where:
        lines.append(f"LOCATION:{_escape(where)}")
    if event.place is not None:
        lines.append(f"GEO:{event.place.lat:.6f};{event.place.lon:.6f}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
