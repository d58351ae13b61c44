"""A JSON Schema of the content files and the events file, for editors.

Editors with the YAML language server (VS Code's YAML extension, and others)
use it for completion, hover help and inline errors while staff type. The
allowed keys come from the loader (:data:`~bot.content._loader.NODE_KEYS`,
:data:`~bot.content._loader.DETAIL_KEYS`), so the schema and the loader
cannot disagree on which keys exist; the loader stays the full check
(references between nodes, reachability), which a schema cannot express.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.content._loader import (
    DETAIL_KEYS,
    EVENTS_FILE,
    ID_RE,
    LANG_RE,
    MAX_ID_LENGTH,
    NODE_KEYS,
    SAFETY_FILE,
    WHATSAPP_BUTTON_TITLE,
)

SCHEMA_ID = "https://marhaba.example.org/schema/content.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

EVENT_KEYS = ("id", "title", "description", "start", "end", "timezone", "recurrence", "location", "topics")
"""The keys of one event in ``content/events.yaml`` (as ``bot.features.broadcast._events`` reads them)."""
EVENTS_FILE_KEYS = ("timezone", "topics", "events")
"""The top-level keys of ``content/events.yaml``."""

_TEXT: dict[str, Any] = {"type": ["string", "number"]}
_TEXTS: dict[str, Any] = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}
_NODE_ID: dict[str, Any] = {"type": "string", "pattern": ID_RE.pattern, "maxLength": MAX_ID_LENGTH}
_NODE_REFS: dict[str, Any] = {"anyOf": [_NODE_ID, {"type": "array", "items": _NODE_ID}]}
_MAP_POINT: dict[str, Any] = {
    "type": "object",
    "description": "A map point, for example {lat: 41.01, lon: 28.97}.",
    "properties": {
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
    },
    "required": ["lat", "lon"],
    "additionalProperties": False,
}
_LINK: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {**_TEXT, "description": "What the link is, shown as its label (translated)."},
        "url": {"type": "string", "pattern": r"^(https?://\S+|tel:\+?[0-9 -]+|mailto:\S+@\S+)$",
                "description": "https://, http://, tel: or mailto: address."},
    },
    "required": ["url"],
    "additionalProperties": False,
}

_DETAIL_PROPERTIES: dict[str, dict[str, Any]] = {
    "address": {**_TEXT, "description": "Street address, as people write it on a letter."},
    "hours": {**_TEXT, "description": "Opening hours, in words (translated), e.g. \"Mon-Fri 9:00 to 17:00\"."},
    "phone": {**_TEXT, "description": "Phone number: digits, spaces and an optional +."},
    "email": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "description": "Email address."},
    "location": _MAP_POINT,
    "links": {"anyOf": [_LINK, {"type": "array", "items": _LINK}],
              "description": "Web links: a list of {title: ..., url: https://...}."},
}

_NODE_PROPERTIES: dict[str, dict[str, Any]] = {
    "id": {**_NODE_ID, "description": "Unique name of this node: lowercase letters, digits and hyphens. "
           "The main menu is 'main'. Changing it breaks links and translations."},
    "title": {**_TEXT, "description": "Menu title (a button): short and plain."},
    "short_title": {**_TEXT, "maxLength": WHATSAPP_BUTTON_TITLE,
                    "description": f"Title for small WhatsApp buttons, at most {WHATSAPP_BUTTON_TITLE} characters."},
    "body": {**_TEXT, "description": "The text of this node. Plain language, short sentences."},
    "children": {"type": "array", "items": {"anyOf": [_NODE_ID, {"$ref": "#/$defs/node"}]},
                 "description": "Sub-topics, in menu order: node ids, or whole nodes written here."},
    "see_also": {**_NODE_REFS, "description": "Ids of related nodes elsewhere in the tree."},
    "details": {"type": "object", "properties": _DETAIL_PROPERTIES, "additionalProperties": False,
                "description": "Practical details: " + ", ".join(DETAIL_KEYS) + "."},
    "step": {"type": "boolean", "description": "true when this node is a step of the newcomer checklist."},
    "questions": {
        "type": "object",
        "description": "Example questions people ask, per language: en: [where is the clinic, ...].",
        "propertyNames": {"pattern": LANG_RE.pattern},
        "additionalProperties": _TEXTS,
    },
}

_TRANSLATED: dict[str, Any] = {
    "anyOf": [_TEXT, {"type": "object", "propertyNames": {"pattern": LANG_RE.pattern},
                      "additionalProperties": _TEXT}],
}
_DATETIME: dict[str, Any] = {
    "type": "string",
    "description": "Local date and time, e.g. 2025-03-14 10:00 (ISO 8601).",
    "pattern": r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?([+-]\d{2}:?\d{2}|Z)?$",
}
_EVENT_PROPERTIES: dict[str, dict[str, Any]] = {
    "id": {**_NODE_ID, "description": "Unique name of this event: lowercase letters, digits and hyphens."},
    "title": {**_TEXT, "description": "Name of the event in English; translated in content.po "
                                      "(context event:<id>.title)."},
    "description": {**_TEXT, "description": "What happens, who it is for, what to bring (English; "
                                            "context event:<id>.description)."},
    "start": _DATETIME,
    "end": _DATETIME,
    "timezone": {"type": "string", "pattern": r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$",
                 "description": "IANA time zone, e.g. Europe/Istanbul."},
    "recurrence": {"type": "string", "pattern": r"^(RRULE:)?[A-Z]+=",
                   "description": "Repetition (an iCalendar RRULE), e.g. FREQ=WEEKLY;BYDAY=TU."},
    "location": {
        "description": "Where: the id of a content node, or a name, an address and a map point.",
        "anyOf": [
            _NODE_ID,
            {"type": "object", "properties": {"name": _TEXT, "address": _TEXT, "lat": {"type": "number"},
                                              "lon": {"type": "number"}},
             "additionalProperties": False},
        ],
    },
    "topics": {**_NODE_REFS, "description": "Ids of the topics this event belongs to (for subscriptions)."},
}


def _check(properties: dict[str, Any], keys: tuple[str, ...], what: str) -> None:
    # The loader's key lists are the single source of truth: fail loudly if they drift apart.
    if tuple(properties) != keys:
        raise RuntimeError(f"the {what} schema does not match the loader's keys: {keys}")


def content_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a content file or the events file."""
    _check(_NODE_PROPERTIES, NODE_KEYS, "node")
    _check(_DETAIL_PROPERTIES, DETAIL_KEYS, "details")
    _check(_EVENT_PROPERTIES, EVENT_KEYS, "event")
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "Marhaba content",
        "description": f"A content file (a node, or a list of nodes), the events file ({EVENTS_FILE}) "
                       f"or the safety rules ({SAFETY_FILE}).",
        "if": {"type": "object", "required": ["events"]},
        "then": {"$ref": "#/$defs/eventsFile"},
        # if/then/else rather than anyOf: editors then point at the misspelled key itself.
        "else": {"if": {"type": "object", "required": ["categories"]}, "then": {"$ref": "#/$defs/safetyFile"},
                 "else": {"if": {"type": "array"}, "then": {"items": {"$ref": "#/$defs/node"}},
                          "else": {"$ref": "#/$defs/node"}}},
        "$defs": {
            "node": {
                "type": "object",
                "description": "One node of the orientation tree: a topic, a place, a checklist step.",
                "properties": _NODE_PROPERTIES,
                "required": ["id", "title"],
                "additionalProperties": False,
            },
            "event": {
                "type": "object",
                "description": "One event (a class, a distribution, a session), maybe repeating.",
                "properties": _EVENT_PROPERTIES,
                "required": ["id", "title", "start"],
                "additionalProperties": False,
            },
            "safetyFile": {
                "type": "object",
                "description": f"The safety rules ({SAFETY_FILE}): who may be in danger, and the help to show.",
                "properties": {"categories": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "description": "The category, e.g. self-harm."},
                        "page": {"type": "string", "description": "The emergency page to show (it needs a phone)."},
                        "helplines": {"type": ["array", "string"], "items": {"type": "string"},
                                      "description": "Numbers to call, the first in international form (+90 ...)."},
                        "phrases": {"type": "object", "additionalProperties": {
                            "type": ["array", "string"], "items": {"type": "string"}},
                            "description": "Per language (ar, or ar-latn for Arabizi): phrases that mean danger."},
                    },
                    "required": ["id", "page", "helplines"],
                    "additionalProperties": False,
                }}},
                "required": ["categories"],
                "additionalProperties": False,
            },
            "eventsFile": {
                "type": "object",
                "properties": {
                    "timezone": {"type": "string", "description": "The city's IANA time zone, e.g. Europe/Istanbul."},
                    "topics": {**_NODE_REFS, "description": "Main-menu topics newcomers can subscribe to."},
                    "events": {"type": "array", "items": {"$ref": "#/$defs/event"}},
                },
                "required": ["timezone", "events"],
                "additionalProperties": False,
            },
        },
    }


def _cmd_schema(args: argparse.Namespace) -> int:
    json.dump(content_schema(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def register_cli(content_subparsers: argparse._SubParsersAction) -> None:
    """Add ``marhaba content schema`` to the ``content`` command."""
    schema = content_subparsers.add_parser(
        "schema", help="print the JSON Schema of the content files (for the YAML language server)")
    schema.set_defaults(func=_cmd_schema)
