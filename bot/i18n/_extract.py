"""A Babel extractor for the YAML content, registered as ``marhaba_content``.

``pybabel extract -F locales/babel-content.cfg`` finds every translatable
text of every node: the message id is the English text, the context names the
node and field (``health.title``), so that the same English words in two
nodes can be translated differently and a changed source turns fuzzy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from bot.content._yaml import Y, YamlProblems, parse

TRANSLATABLE = {
    "title": "Menu title of this topic; short, it is a button: WhatsApp shows 24 characters in a list, "
             "20 on a button. A shorter form may follow ||, e.g. Long title||Short.",
    "short_title": "Very short title (at most 20 characters) for WhatsApp buttons.",
    "body": "Text of this topic. Plain language, short sentences.",
}


EVENT_TRANSLATABLE = {
    "title": "Title of an event; short, it is a button: WhatsApp shows at most 22 characters. "
             "A shorter form may follow ||, e.g. Long title||Short.",
    "description": "Description of an event. Plain language, short sentences.",
}


def context(node_id: str, field: str) -> str:
    """The message context of a content field, e.g. ``health-clinics.title``."""
    return f"{node_id}.{field}"


def extract_content(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield ``(line, 'pgettext', (context, text), comments)`` for every content text."""
    text = fileobj.read().decode("utf-8-sig")
    try:
        doc = parse(text, getattr(fileobj, "name", "<content>"))
    except YamlProblems:
        return  # `marhaba content check` reports the file; extraction skips it.
    if doc is None:
        return
    for node in _nodes(doc):
        yield from _node_messages(node)
    if doc.is_map and "events" in doc.value:
        yield from _event_messages(doc.value["events"])


def _nodes(doc: Y) -> Iterator[Y]:
    items = doc.value if doc.is_list else [doc]
    for item in items:
        if not item.is_map:
            continue
        if "events" in item.value:  # the events file: its entries are handled below
            continue
        yield item
        children = item.value.get("children")
        if children is not None and children.is_list:
            yield from _nodes(Y([c for c in children.value if c.is_map], children.line, children.col))


Message = tuple[int, str, tuple[str, str], list[str]]


def _message(y: Y | None, ctx: str, comment: str) -> Iterator[Message]:
    """One extracted message for a scalar text, if it has any text."""
    value = y.text() if y is not None else None
    if y is not None and value and value.strip():
        yield y.line, "pgettext", (ctx, value.strip()), [comment]


def _node_messages(node: Y) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    id_y = node.value.get("id")
    node_id = id_y.text() if id_y is not None else None
    if not node_id:
        return
    for field, comment in TRANSLATABLE.items():
        yield from _message(node.value.get(field), context(node_id, field), f"{node_id}: {comment}")
    details = node.value.get("details")
    if details is None or not details.is_map:
        return
    yield from _message(details.value.get("hours"), context(node_id, "hours"),
                        f"{node_id}: opening hours; keep numbers and times as they are.")
    links = details.value.get("links")
    if links is not None and links.is_list:
        for link in links.value:
            if link.is_map:
                yield from _message(link.value.get("title"), context(node_id, "link"),
                                    f"{node_id}: title of a web link.")


def _event_messages(events: Y) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """The events file's texts, with contexts ``event:<id>.title`` and ``event:<id>.description``."""
    if not events.is_list:
        return
    for event in events.value:
        id_y = event.value.get("id") if event.is_map else None
        event_id = id_y.text() if id_y is not None else None
        if not event_id:
            continue
        for field, comment in EVENT_TRANSLATABLE.items():
            yield from _message(event.value.get(field), f"event:{event_id}.{field}", f"event {event_id}: {comment}")
        location = event.value.get("location")
        if location is not None and location.is_map:
            yield from _message(location.value.get("name"), f"event:{event_id}.location",
                                f"event {event_id}: name of the place, shown on the map pin; "
                                "write it as people there would say it.")
