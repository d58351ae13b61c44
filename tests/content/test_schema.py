"""The JSON Schema for editors accepts the shipped content and rejects misspelled keys."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.content._loader import DETAIL_KEYS, NODE_KEYS
from bot.content._schema import content_schema
from bot.content._yaml import Y, parse
from bot.features.broadcast._events import EVENT_KEYS, FILE_KEYS
from tests.conftest import SAMPLE_CONTENT


def plain(y: Y | None) -> Any:
    """A parsed YAML value as the YAML language server sees it (YAML 1.2: ``9:00`` is text)."""
    if y is None:
        return None
    if y.is_map:
        return {k: plain(v) for k, v in y.value.items()}
    if y.is_list:
        return [plain(v) for v in y.value]
    if isinstance(y.value, bool | float | type(None)):
        return y.value
    if isinstance(y.value, int) and y.raw is not None and y.raw.lstrip("+-").isdigit():
        return y.value
    if isinstance(y.value, date | datetime):
        return y.raw
    return y.text() if y.value is not None else y.value


def validator() -> jsonschema.Draft202012Validator:
    schema = content_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def doc(text: str) -> Any:
    return plain(parse(text, "test.yaml"))


@pytest.mark.parametrize("path", sorted(SAMPLE_CONTENT.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_content_file_validates(path: Path) -> None:
    errors = list(validator().iter_errors(doc(path.read_text(encoding="utf-8"))))
    assert errors == [], [e.message for e in errors]


def test_a_misspelled_key_is_rejected_where_it_stands() -> None:
    text = "id: clinic\ntitle: Clinic\nbody: Open daily.\ndetails:\n  adress: 1 Main Street\n"
    errors = list(validator().iter_errors(doc(text)))
    assert errors
    assert any("adress" in e.message and list(e.absolute_path) == ["details"] for e in errors)


def test_a_misspelled_key_in_a_nested_child_is_rejected() -> None:
    text = "- id: main\n  title: Menu\n  children:\n    - id: a\n      title: A\n      bdy: text\n"
    assert any("bdy" in e.message for e in validator().iter_errors(doc(text)))


def test_the_events_file_validates_and_rejects_unknown_event_keys() -> None:
    good = doc("timezone: Europe/Istanbul\nevents:\n  - id: language-cafe\n    title: Language cafe\n"
               "    start: 2025-03-14 10:00\n    timezone: Europe/Istanbul\n    recurrence: FREQ=WEEKLY;BYDAY=TU\n"
               "    location: community-center-harbour\n    topics: [language-classes]\n")
    assert list(validator().iter_errors(good)) == []
    bad = doc("timezone: UTC\nevents:\n  - id: x\n    title: X\n    start: 2025-03-14\n    strat: 2025-03-15\n")
    assert any("strat" in e.message for e in validator().iter_errors(bad))


def test_schema_properties_follow_the_loader_keys() -> None:
    defs = content_schema()["$defs"]
    assert tuple(defs["event"]["properties"]) == EVENT_KEYS
    assert tuple(defs["eventsFile"]["properties"]) == FILE_KEYS
    assert tuple(defs["node"]["properties"]) == NODE_KEYS
    assert tuple(defs["node"]["properties"]["details"]["properties"]) == DETAIL_KEYS


def test_marhaba_content_schema_prints_the_schema() -> None:
    out = subprocess.run([sys.executable, "-m", "bot", "content", "schema"], capture_output=True, text=True,
                         check=True, timeout=30).stdout
    assert json.loads(out) == content_schema()
