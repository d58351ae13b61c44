"""Free text through the engine: answers, the honest low-confidence answer, other languages, contacts."""

from __future__ import annotations

from bot.core import Engine
from bot.features.questions import questions_of
from bot.store import SQLiteStore
from tests.conftest import Chat
from tests.features.questions.conftest import english
from tests.store import data


async def test_a_question_shows_the_best_node_as_a_visit_with_other_matches(qengine: Engine,
                                                                          store: SQLiteStore) -> None:
    chat = await english(qengine)
    out = await chat("where can i get vaccines for my baby")
    assert out[0].node_id == "health-vaccinations"
    assert out[0].title == "Vaccinate your children"
    labels = chat.labels
    extra = [label for label in labels if label.startswith("🔎 ")]
    assert 1 <= len(extra) <= 3
    assert labels[-1].endswith("Main menu")  # navigation stays last
    user = await store.get_user("test", "u1")
    assert user is not None and user.current_node == "health-vaccinations"
    assert "health-vaccinations" in await store.visited(user.id)


async def test_low_confidence_is_honest_offers_topics_and_a_person_and_is_recorded(
        qengine: Engine, store: SQLiteStore) -> None:
    chat = await english(qengine)
    out = await chat("what is the weather tomorrow")
    assert len(out) == 1 and out[0].node_id is None
    assert "not sure I understood" in chat.text
    assert any(label.startswith("🔎 ") for label in chat.labels)
    # No staff configured: the person is the community center's contacts.
    await chat.press("Talk to a person")
    assert chat.last[0].node_id == "concerns-talk-to-person"
    assert "+90 212 555 0111" in chat.text
    rows = await questions_of(store).unanswered()
    assert [(r.question, r.locale, r.count) for r in rows] == [("what is the weather tomorrow", "en", 1)]


async def test_same_unanswered_question_is_counted_not_repeated(qengine: Engine, store: SQLiteStore) -> None:
    a, b = await english(qengine, "a"), await english(qengine, "b")
    await a("What is the weather tomorrow?")
    await b("what is the  WEATHER tomorrow")
    rows = await questions_of(store).unanswered()
    assert len(rows) == 1 and rows[0].count == 2


async def test_a_question_in_another_language_is_answered_in_it_with_a_switch_offer(
        qengine: Engine, store: SQLiteStore) -> None:
    chat = await english(qengine)
    out = await chat("أين أجد طبيب؟")
    assert out[0].locale == "ar" and out[0].rtl
    assert out[0].node_id is not None and qengine.content.topic_of(out[0].node_id).id == "health"
    switch = [o for m in out for o in m.options if o.payload == "lang:ar"]
    assert switch and "العربية" in switch[0].label
    user = await store.get_user("test", "u1")
    assert user is not None and user.locale == "en"  # not switched until they choose
    await chat.press("العربية")
    user = await store.get_user("test", "u1")
    assert user is not None and user.locale == "ar"


async def test_same_language_question_gets_no_switch_offer(qengine: Engine) -> None:
    chat = Chat(qengine)
    await chat.payload("lang:fa_AF")
    out = await chat("دنبال کار هستم")
    assert out[0].locale == "fa_AF"
    assert not any(o.payload.startswith("lang:") for m in out for o in m.options)


async def test_commands_and_keywords_are_not_questions(qengine: Engine) -> None:
    chat = await english(qengine)
    await chat("menu")
    assert chat.last[0].node_id == "main"
    await chat("/help")
    assert "/progress" in chat.text


async def test_ask_a_person_without_staff_shows_contacts(qengine: Engine) -> None:
    chat = await english(qengine)
    await chat.payload("q:ask")
    assert chat.last[0].node_id == "concerns-talk-to-person"


async def test_forged_ask_payloads_are_stale(staffed: Engine) -> None:
    chat = await english(staffed)
    for payload in ("q:ask:999", "q:ask:abc", "q:nonsense", "q:ask:-1"):
        await chat.payload(payload)
        assert "out of date" in chat.text


async def test_someone_elses_question_cannot_be_sent(staffed: Engine) -> None:
    a, b = await english(staffed, "a"), await english(staffed, "b")
    await a("what is the weather tomorrow")
    ask = next(o.payload for m in a.last for o in m.options if o.payload.startswith("q:ask:"))
    assert ask == "q:ask:offer"  # the button names no ticket and no text: the offer is the presser's own
    await b.payload(ask)
    assert "Write your question in one message" in b.text
    assert "weather" not in b.text


async def test_staff_unreachable_falls_back_to_contacts(staffed: Engine) -> None:
    # A staff chat is configured but no Telegram channel runs: the newcomer still gets a way to a person.
    chat = await english(staffed)
    await chat("what is the weather tomorrow")
    await chat.press("Ask a person")
    assert chat.last[0].node_id == "concerns-talk-to-person"
    assert "cannot be reached" in chat.text


async def test_talk_to_a_person_node_offers_to_ask_when_staff_exist(staffed: Engine, qengine: Engine) -> None:
    with_staff = await english(staffed, "s")
    await with_staff.payload("n:concerns-talk-to-person")
    assert any(o.payload == "q:ask" for m in with_staff.last for o in m.options)
    without = await english(qengine, "n")
    await without.payload("n:concerns-talk-to-person")
    assert not any(o.payload.startswith("q:") for m in without.last for o in m.options)


async def test_reply_is_a_staff_only_command(staffed: Engine) -> None:
    chat = await english(staffed)
    await chat("/reply 1 hello")
    assert "I do not know that command" in chat.text


async def test_staff_unreachable_keeps_no_ticket(staffed: Engine, store: SQLiteStore) -> None:
    chat = await english(staffed)
    await chat("what is the weather tomorrow")
    await chat.press("Ask a person")
    assert "cannot be reached" in chat.text
    assert await data.count(store, "question_tickets") == 0


class _StaffChat:
    """The staff chat's sender: keeps what it received."""

    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, user_id: str, messages: list) -> None:
        self.sent += [m.text for m in messages]


async def test_the_ticket_is_made_when_the_person_presses_and_only_once(staffed: Engine, store: SQLiteStore) -> None:
    staff = staffed.senders["telegram"] = _StaffChat()  # type: ignore[assignment]
    chat = await english(staffed)
    await chat("what is the weather tomorrow")
    assert await data.count(store, "question_tickets") == 0, "an offer is not a ticket"
    await chat.payload("q:ask:offer")
    assert "Your question was sent to our team (#1)" in chat.text
    assert len(staff.sent) == 1 and "what is the weather tomorrow" in staff.sent[0]
    rows = await data.rows(store, "question_tickets", "question, status")
    assert rows == [("what is the weather tomorrow", "open")]
    await chat.payload("q:ask:offer")  # a second tap
    assert "already with our team" in chat.text and len(staff.sent) == 1
    user = await store.get_user("test", "u1")
    assert user is not None and "weather" not in (user.pending or "")


async def test_an_offer_closed_by_moving_on_sends_nothing_old(staffed: Engine, store: SQLiteStore) -> None:
    staff = staffed.senders["telegram"] = _StaffChat()  # type: ignore[assignment]
    chat = await english(staffed)
    await chat("what is the weather tomorrow")
    await chat("/menu")
    await chat.payload("q:ask:offer")  # the old button, after the person moved on
    assert "Write your question in one message" in chat.text
    assert staff.sent == [] and await data.count(store, "question_tickets") == 0
