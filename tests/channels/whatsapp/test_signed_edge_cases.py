"""Correctly signed webhooks that are still hostile: deep nesting, a timestamp that is no number."""

from __future__ import annotations

import logging

import pytest

from bot.channels.whatsapp._store import WhatsAppStore
from bot.errors import StoreIntegrityError
from tests.channels.whatsapp.conftest import WhatsAppHarness, text_webhook
from tests.store import data

USER = "963933000001"


async def test_deeply_nested_signed_body_is_refused_with_400_and_one_log_line(
        wa: WhatsAppHarness, caplog: pytest.LogCaptureFixture) -> None:
    depth = 100_000
    body = b'{"object": "whatsapp_business_account", "entry": ' + b"[" * depth + b"]" * depth + b"}"
    with caplog.at_level(logging.DEBUG, logger="marhaba"):
        resp = await wa.post(body)
    assert resp.status_code == 400
    assert wa.fake.requests == []
    lines = [r for r in caplog.records if r.name.startswith("marhaba")]
    assert [(r.levelname, r.getMessage()) for r in lines] == [
        ("WARNING", "malformed webhook refused: body is nested too deeply")]
    assert all(r.exc_info is None for r in caplog.records)


@pytest.mark.parametrize("timestamp", ["nan", "inf", "-inf", "-5", "1e308", "", "12abc", "99999999999999999999"])
async def test_a_timestamp_that_is_no_time_is_answered_not_dropped_as_a_redelivery(
        wa: WhatsAppHarness, timestamp: str) -> None:
    body = text_webhook(USER, "hello", "wamid.ts1")
    body["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = timestamp
    resp = await wa.post(body)
    assert resp.status_code == 200
    assert len(wa.fake.to(USER)) == 1, "the message was answered"
    [(sent_at,)] = data.file_rows(wa.db_path, "whatsapp_inbound", "sent_at", where={"message_id": "wamid.ts1"})
    assert isinstance(sent_at, float) and sent_at > 0
    await wa.post(body)
    assert len(wa.fake.to(USER)) == 1, "and a real redelivery of it is still answered once"


async def test_a_failed_claim_raises_instead_of_passing_for_a_redelivery(wa: WhatsAppHarness) -> None:
    user = await wa.store.get_or_create_user("whatsapp", USER)
    store = WhatsAppStore(wa.store)
    with pytest.raises(StoreIntegrityError):
        await store.claim_message("wamid.bad", user.id, float("nan"))  # NOT NULL fails: an error, not a duplicate
    assert await store.claim_message("wamid.good", user.id, 1.0) is True
    assert await store.claim_message("wamid.good", user.id, 1.0) is False
