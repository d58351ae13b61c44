"""/forget leaves nothing: every table and text column, and the database and WAL files as bytes, are
scanned for the person's platform id, phone number and every text they sent, while the bot still runs."""

from __future__ import annotations

import json
from pathlib import Path

from bot.channels.whatsapp._store import WhatsAppStore
from bot.core import Engine
from bot.features.broadcast._outbox import outbox_of
from bot.features.questions import FEATURE
from bot.settings import Settings
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.channels.telegram.conftest import Harness
from tests.channels.telegram.fake_botapi import FakeBotAPI, callback_update, message_update
from tests.channels.telegram.test_webhook import SECRET, post
from tests.channels.telegram.test_webhook import webhook as webhook  # a fixture, used by name
from tests.channels.whatsapp.conftest import WhatsAppHarness, reply_webhook, text_webhook
from tests.features.questions.conftest import STAFF_CHAT
from tests.features.questions.conftest import (
    telegram_staffed as telegram_staffed,  # a fixture, used by name
)
from tests.features.staff.test_reload import eventually
from tests.store import data

STAFF = "4915112345678"
NEWCOMER = "905551234567"
PHONE_AS_WRITTEN = "+90 555 123 4567"
TEXTS = [
    f"My name is Amina Haddad, my phone is {PHONE_AS_WRITTEN}, case XJ-4471",  # unanswered, then sent to staff
    "Kemal Yilmaz holds my passport since March, file QZ-9083",                 # unanswered, offer left open
    "Bekir Arslan said the zorunlu kayit is closed, dosya KT-5512",             # unanswered, nothing pressed
]
WORDS = ["Amina", "Haddad", "XJ-4471", "Kemal", "Yilmaz", "QZ-9083", "Bekir", "Arslan", "KT-5512"]


def leftovers(db: Path, needles: list[str]) -> list[str]:
    """Where any needle is still found: ``file: needle`` for the raw files, ``table.column: needle`` for rows."""
    found = []
    for path in sorted(db.parent.glob(db.name + "*")):
        if path.suffix == ".key":
            continue
        raw = path.read_bytes()
        found += [f"{path.name}: {n}" for n in needles if n.encode() in raw or n.encode("utf-16-le") in raw]
    for table, (columns, rows) in data.file_dump(db).items():
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                found += [f"{table}.{column}: {n}" for n in needles if n in str(value)]
    return found


async def test_forget_on_whatsapp_leaves_no_trace_in_any_table_or_file(wa: WhatsAppHarness) -> None:
    wa.engine.add_feature(FEATURE, Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_STAFF": f"whatsapp:{STAFF}"}))
    ids = iter(range(1000))

    async def say(who: str, text: str) -> None:
        assert (await wa.post(text_webhook(who, text, f"wamid.t{next(ids)}"))).status_code == 200

    async def press(who: str, payload: str) -> None:
        assert (await wa.post(reply_webhook(who, payload, f"wamid.p{next(ids)}"))).status_code == 200

    await say(STAFF, "hello")  # staff inside the 24-hour window, so tickets reach them
    await say(NEWCOMER, "hello")
    await press(NEWCOMER, "lang:en")
    await say(NEWCOMER, TEXTS[0])
    assert "q:ask:offer" in str(wa.fake.to(NEWCOMER)[-1])
    await press(NEWCOMER, "q:ask:offer")
    assert "Amina Haddad" in str(wa.fake.to(STAFF)[-1]), "the ticket reached staff"
    await say(NEWCOMER, TEXTS[1])
    await say(NEWCOMER, TEXTS[2])
    user = await wa.store.get_user("whatsapp", NEWCOMER)
    assert user is not None and user.pending is not None and "KT-5512" in user.pending
    outbox = outbox_of(wa.store)
    await outbox.subscribe(user.id, "jobs")
    await outbox.create(kind="staff", topics=["jobs"], texts={"en": "Job fair on Sunday"})
    await WhatsAppStore(wa.store).record_sent("wamid.b1", NEWCOMER)
    needles = [NEWCOMER, PHONE_AS_WRITTEN, *TEXTS, *WORDS]
    assert leftovers(wa.db_path, needles), "the scan finds what is there"

    await say(NEWCOMER, "/forget")
    await press(NEWCOMER, "forget:yes")
    assert "deleted" in wa.fake.to(NEWCOMER)[-1]["text"]["body"]
    assert leftovers(wa.db_path, needles) == []  # while the bot still runs: the WAL is checkpointed
    assert await wa.store.get_user("whatsapp", STAFF) is not None, "nobody else was deleted"


async def test_forget_on_telegram_leaves_no_user_id_chat_id_or_text(telegram_staffed: Harness, store: SQLiteStore,
                                                                     db_path: Path) -> None:
    h = telegram_staffed
    newcomer = h.user(734598216, "en")  # in a private chat the chat id is the user id
    await newcomer.send("/start")
    await newcomer.press("English")
    await newcomer.send(TEXTS[0])
    await newcomer.press("🙋")
    assert h.api.calls_of("sendMessage", STAFF_CHAT), "the ticket reached the staff chat"
    await newcomer.send(TEXTS[1])
    needles = ["734598216", *TEXTS, *WORDS[:6]]
    assert leftovers(db_path, needles)
    await newcomer.send("/forget")
    await newcomer.press("Yes")
    assert leftovers(db_path, needles) == []


async def test_forget_by_webhook_leaves_no_copy_of_the_forget_update_itself(
        webhook: WebServer, fake_api: FakeBotAPI, engine: Engine, db_path: Path) -> None:
    # In webhook mode every update is stored (the inbox) until it is answered, "forget:yes" included: its
    # copy, holding the person's id, is cleared only after the forget ran.
    person = 734598217
    updates = iter(range(880_000, 890_000))

    async def deliver(update: dict, replies: int, method: str = "sendMessage") -> None:
        body = json.dumps({"update_id": next(updates), **update}).encode()
        assert await post(webhook, body, SECRET) == 200
        await fake_api.wait_for(method, person, count=replies)

    await deliver(message_update(person, "/start", "en"), 1)
    picker = fake_api.calls_of("sendMessage", person)[-1].result["message_id"]
    await deliver(callback_update(person, "lang:en", picker, "en"), 1, "editMessageText")
    await deliver(message_update(person, TEXTS[0], "en"), 2)
    await deliver(message_update(person, "/forget", "en"), 3)
    confirm = fake_api.calls_of("sendMessage", person)[-1].result["message_id"]
    await deliver(callback_update(person, "forget:yes", confirm, "en"), 2, "editMessageText")
    assert "deleted" in fake_api.calls_of("editMessageText", person)[-1].params["text"]

    async def handled() -> bool:
        return await data.count(engine.store, "inbox", where={"payload": data.NOT_NULL}) == 0

    await eventually(handled)
    # Clearing the inbox's copy is followed by a WAL checkpoint (the copy's older page is in the WAL):
    # wait for that end of the update's handling, then nothing of the person may be left anywhere.
    needles = [str(person), TEXTS[0], *WORDS[:3]]

    async def gone() -> bool:
        return leftovers(db_path, needles) == []

    await eventually(gone)
