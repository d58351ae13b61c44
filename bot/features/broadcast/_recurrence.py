"""Event times: wall-clock recurrence (iCalendar RRULE) in the event's own time zone.

A weekly class at 18:00 in Paris stays at 18:00 local time across daylight
saving changes: occurrences are computed on naive local times by
python-dateutil's ``rrule`` and only then given the zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

MAX_OCCURRENCES_SCANNED = 10_000
"""An unbounded rule (FREQ=DAILY without COUNT) is never scanned further than this."""


def parse_rule(text: str, start: datetime) -> rrule:
    """Parse an RRULE (``FREQ=WEEKLY;BYDAY=TU``, with or without the ``RRULE:`` prefix).

    ``start`` is the naive local start of the first occurrence. Raises ``ValueError``.
    """
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body or "\n" in body:
        raise ValueError("write one rule like FREQ=WEEKLY;BYDAY=TU")
    rule = rrulestr(body, dtstart=start)
    if not isinstance(rule, rrule):
        raise ValueError("only a single RRULE is supported")
    return rule


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """A naive local time in ``zone``; a time skipped by a DST jump moves forward by the gap."""
    aware = naive.replace(tzinfo=zone)
    # Round-trip through UTC: a non-existent local time (02:30 on a spring-forward night) shifts.
    return aware.astimezone(ZoneInfo("UTC")).astimezone(zone)


def occurrences(start: datetime, rule: str | None, zone: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Aware start times (in ``zone``) of the occurrences starting after ``after``, in order.

    ``start`` is the naive local start of the first occurrence; ``rule`` an RRULE or ``None``.
    """
    if rule is None:
        first = localize(start, zone)
        if first > after:
            yield first
        return
    parsed = parse_rule(rule, start)
    local_after = after.astimezone(zone).replace(tzinfo=None)
    # rrule.xafter works on naive local times; from local midnight covers any DST offset.
    midnight = local_after.replace(hour=0, minute=0, second=0, microsecond=0)
    for scanned, naive in enumerate(parsed.xafter(midnight, inc=True), 1):
        if scanned > MAX_OCCURRENCES_SCANNED:
            return
        when = localize(naive, zone)
        if when > after:
            yield when
