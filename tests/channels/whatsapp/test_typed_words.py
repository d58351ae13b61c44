"""Typed command words and option numbers end to end on WhatsApp, which has no slash commands (issue #14)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.features import broadcast, questions
from bot.settings import Settings
from tests.channels.whatsapp.conftest import WhatsAppHarness, reply_webhook, text_webhook

USER = "923001234567"


def texts(messages: list[dict[str, Any]]) -> str:
    out = []
    for m in messages:
        if m["type"] == "text":
            out.append(m["text"]["body"])
        elif m["type"] == "interactive":
            out.append(m["interactive"]["body"]["text"])
            out.append(str(m["interactive"].get("header", {}).get("text", "")))
    return "\n".join(out)


class Typist:
    """One WhatsApp user typing into the real webhook."""

    def __init__(self, wa: WhatsAppHarness) -> None:
        self.wa, self.n = wa, 0

    async def __call__(self, text: str) -> list[dict[str, Any]]:
        return await self._post(text_webhook(USER, text, self._id()))

    async def choose(self, payload: str) -> list[dict[str, Any]]:
        return await self._post(reply_webhook(USER, payload, self._id()))

    def _id(self) -> str:
        self.n += 1
        return f"wamid.typed.{self.n}"

    async def _post(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        before = len(self.wa.fake.to(USER))
        await self.wa.post(body)
        return self.wa.fake.to(USER)[before:]


@pytest.fixture
async def typist(wa: WhatsAppHarness) -> Typist:
    settings = Settings.from_env({"MARHABA_ENV_FILE": ""})
    wa.engine.add_feature(broadcast.FEATURE, settings)
    wa.engine.add_feature(questions.FEATURE, settings)
    typist = Typist(wa)
    await typist("hello")
    return typist


async def test_help_lists_the_typed_words_in_the_users_language(typist: Typist) -> None:
    await typist.choose("lang:ur")
    shown = texts(await typist("madad"))
    assert "/menu" not in shown and "/help" not in shown
    for word in ("مینو", "واپس", "زبان", "مدد"):
        assert word in shown


@pytest.mark.parametrize(("locale", "typed", "expect"), [
    ("en", "events", "Upcoming events"),
    ("en", "subscribe", "news"),
    ("fa", "رویدادها", None),
    ("en", "forget", "Delete everything?"),
    ("fa", "فراموش کن", None),
    ("tr", "GERİ", None),
])
async def test_typed_words_run_their_commands(typist: Typist, wa: WhatsAppHarness, locale: str, typed: str,
                                              expect: str | None) -> None:
    await typist.choose(f"lang:{locale}")
    await typist.choose("n:health-card")
    replies = await typist(typed)
    assert replies
    command = wa.engine.keyword_command(typed)
    t = wa.engine.catalogs.get(locale)
    shown = texts(replies)
    if expect is not None:
        assert t.gettext(expect) in shown or expect in shown
    if command == "back":
        assert "n:health-card" in str(replies[-1])  # the health page, which lists the health card
    if command == "forget":
        assert "forget:yes" in str(replies[-1])
    if command == "events":
        assert t.gettext("Upcoming events") in shown or t.gettext("There are no upcoming events right now.") in shown
    assert t.gettext("Sorry, I am not sure I understood. These topics may help. You can also ask a person.") \
        not in shown


async def test_a_typed_number_presses_an_option_and_a_fake_one_is_refused(typist: Typist, wa: WhatsAppHarness) -> None:
    await typist.choose("lang:en")
    await typist.choose("n:health")
    await typist("2")
    second = wa.engine.content.nodes["health"].children[1]
    user = await wa.store.get_user("whatsapp", USER)
    assert user is not None and user.current_node == second
    replies = await typist("-1")
    assert "There is no option -1." in texts(replies)
    replies = await typist("\u200b\u200b")
    assert "Your message was empty" in texts(replies)
