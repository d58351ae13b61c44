"""The WhatsApp webhook under random signed bodies: never a 500, never an invalid Cloud API call, a sound store."""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.whatsapp import signature
from bot.content import load_content
from tests.channels.whatsapp.conftest import APP_SECRET, WhatsAppHarness
from tests.conftest import SAMPLE_CONTENT
from tests.hardening.conftest import hostile_text, integrity, payloads, sane_users

TREE = load_content(SAMPLE_CONTENT).tree
_ids = itertools.count()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
wa_ids = st.sampled_from(["905321234567", "963933000001", "93700000001"]) | st.from_regex(r"\A[0-9]{1,20}\Z", fullmatch=True) | hostile_text
timestamps = st.one_of(st.integers(-2**63, 2**63).map(str), st.sampled_from(["nan", "inf", "-inf", "1e308", ""]),
                       json_values)


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["text", "interactive", "button", "image", "sticker", "location"]) | hostile_text)
    msg: dict[str, Any] = {"from": draw(wa_ids), "id": f"wamid.h{next(_ids)}", "timestamp": draw(timestamps),
                           "type": kind}
    if kind == "text":
        msg["text"] = {"body": draw(hostile_text)}
    elif kind == "interactive":
        reply = draw(st.sampled_from(["button_reply", "list_reply"]) | hostile_text)
        msg["interactive"] = {"type": reply, reply: {"id": draw(payloads(TREE)), "title": draw(hostile_text)}}
    elif kind == "button":
        msg["button"] = {"payload": draw(payloads(TREE) | st.none()), "text": draw(hostile_text)}
    for _ in range(draw(st.integers(0, 2))):  # forged or broken fields
        msg[draw(st.sampled_from(["from", "id", "type", "text", "interactive", "button", "context"]))] = draw(json_values)
    return msg


@st.composite
def webhooks(draw: st.DrawFn) -> Any:
    value = {"messaging_product": "whatsapp", "messages": draw(st.lists(messages(), max_size=3)),
             "statuses": draw(st.lists(st.fixed_dictionaries(
                 {"id": hostile_text | st.just("wamid.h0"), "recipient_id": wa_ids,
                  "status": st.sampled_from(["sent", "delivered", "read", "failed"]) | hostile_text}), max_size=2))}
    body: Any = {"object": "whatsapp_business_account",
                 "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]}
    return draw(st.just(body) | st.just(body) | st.just(body) | json_values)


@settings(max_examples=100)
@given(body=webhooks())
async def test_random_signed_webhooks_are_handled_without_errors(
        wa: WhatsAppHarness, body: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    rejected = len(wa.fake.rejected)
    raw = json.dumps(body).encode()  # ASCII escapes carry unpaired surrogates, as JSON allows
    with caplog.at_level(logging.WARNING):
        resp = await wa.http.post("/webhook/whatsapp", content=raw,
                                  headers={"X-Hub-Signature-256": signature(raw, APP_SECRET)})
        await wa.channel.wait_idle()
    assert resp.status_code in (200, 400)
    assert wa.fake.rejected[rejected:] == []  # every reply was a valid Cloud API message
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert integrity(wa.db_path) == []
    assert sane_users(wa.db_path, TREE) == []
