"""/events, /subscribe, /unsubscribe and STOP, and calendar files, through the engine."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from babel.dates import format_date

from bot.core import Engine
from bot.features.broadcast import BroadcastSettings, Events, EventsFeature, outbox_of
from bot.store import SQLiteStore
from tests.features.broadcast.conftest import NOW, chat_in
from tests.store import data


@pytest.mark.parametrize("locale", ["ar", "fa", "tr", "fr", "ur"])
async def test_events_lists_upcoming_events_with_dates_in_the_users_locale(
        engine: Engine, feature: EventsFeature, locale: str) -> None:
    chat = await chat_in(engine, locale)
    await chat("/events")
    # The next class is on Monday 23 November 2026 at 18:00 Istanbul time.
    t = engine.catalogs.get(locale)
    expected_date = t.date(date(2026, 11, 23), "full")  # Babel's date, in the locale's digits
    expected_time = t.time(datetime(2026, 11, 23, 18, 0).time())
    assert expected_date in chat.text and expected_time in chat.text
    assert format_date(date(2026, 11, 23), "full", locale="en") not in chat.text
    assert chat.last[0].rtl == (locale in ("ar", "fa", "ur"))
    payloads = [o.payload for m in chat.last for o in m.options]
    assert payloads[0] == "ev:language-a1-evening"  # soonest first
    assert "ev:job-fair-2027" not in payloads  # more than 60 days ahead
    assert payloads[-2:] == ["cmd:subscribe", "cmd:menu"]


async def test_hijri_date_is_shown_beside_the_gregorian_one_where_enabled(
        engine: Engine, sample_events: Events) -> None:
    engine.router.include(EventsFeature(engine, sample_events, BroadcastSettings(hijri=True), now=lambda: NOW).router)
    chat = await chat_in(engine, "ar")
    await chat("/events")
    # 23 November 2026 is 12 Jumada al-Akhirah 1448 in the tabular calendar.
    hijri = engine.catalogs.get("ar").gettext("{day} {month} {year} AH").format(
        day="12", month=engine.catalogs.get("ar").gettext("Jumada al-Akhirah"), year="1448")
    assert hijri in chat.text


async def test_event_details_and_calendar_file(engine: Engine, feature: EventsFeature) -> None:
    chat = await chat_in(engine, "en")
    await chat("/events")
    await chat.payload("ev:legal-aid-day")
    assert "Lawyers answer questions" in chat.text
    assert chat.last[0].location is not None  # the community center's map point
    await chat.press("Add to my calendar")
    doc = chat.last[0].document
    assert doc is not None and doc.filename == "legal-aid-day.ics" and doc.mime == "text/calendar"
    assert b"RRULE:FREQ=MONTHLY;BYDAY=1SA" in doc.data
    assert "Free legal advice day" in chat.text


async def test_unknown_event_payload_shows_the_list(engine: Engine, feature: EventsFeature) -> None:
    chat = await chat_in(engine, "en")
    await chat.payload("ics:no-such-event")
    assert chat.last[0].title == "Upcoming events"


async def test_subscribe_toggles_topics_and_unsubscribe_ends_them(
        engine: Engine, feature: EventsFeature, store: SQLiteStore) -> None:
    outbox = outbox_of(store)
    chat = await chat_in(engine, "en")
    await chat("/subscribe")
    assert [o.payload for o in chat.last[0].options][:5] == [
        "sub:language-classes", "sub:jobs", "sub:legal", "sub:community-centers", "sub:health"]
    await chat.press("Work and jobs")
    user = await store.get_user("test", "u1")
    assert user is not None and await outbox.subscriptions(user.id) == {"jobs"}
    assert chat.labels[1] == "✅ Work and jobs" and chat.labels[-2:] == ["🔕 Stop all news", "🏠 Main menu"]
    await chat("/subscribe health")
    assert await outbox.subscriptions(user.id) == {"jobs", "health"}
    await chat.press("✅ Work and jobs")  # pressing again unsubscribes
    assert await outbox.subscriptions(user.id) == {"health"}
    await chat("/unsubscribe health")
    assert await outbox.subscriptions(user.id) == set()
    await chat("/subscribe no-such-topic")
    assert "no-such-topic" in chat.text and await outbox.subscriptions(user.id) == set()


@pytest.mark.parametrize("word", ["STOP", "stop", "Unsubscribe"])
async def test_typed_stop_unsubscribes_from_everything(
        engine: Engine, feature: EventsFeature, store: SQLiteStore, word: str) -> None:
    outbox = outbox_of(store)
    chat = await chat_in(engine, "en", channel="whatsapp", user_id="4915100000001")
    await chat("/subscribe jobs")
    await chat("/subscribe legal")
    user = await store.get_user("whatsapp", "4915100000001")
    assert user is not None and len(await outbox.subscriptions(user.id)) == 2
    await chat(word)
    assert await outbox.subscriptions(user.id) == set()
    assert "/subscribe" in chat.text


async def test_forget_deletes_subscriptions(engine: Engine, feature: EventsFeature, store: SQLiteStore) -> None:
    chat = await chat_in(engine, "en")
    await chat("/subscribe jobs")
    assert "subscriptions" in await store.user_tables() and "outbox" in await store.user_tables()
    await chat("/forget")
    await chat.payload("forget:yes")
    assert await data.count(store, "subscriptions") == 0
