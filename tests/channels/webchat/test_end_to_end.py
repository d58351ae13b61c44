"""The web chat's features end to end in Chromium, each with JavaScript off (forms) and on (the script).

A person opens ``/chat``, picks a language and writes; what the bot does with it (the safety
answer, a handoff to staff and their reply, a broadcast, ``/forget``) must reach the page in
both modes. With scripts off every step is a form post and a new page; with them on, nothing
reloads and replies come by long polling.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from playwright.async_api import expect

from bot.channels.webchat import CHANNEL
from bot.cli import main
from tests.channels.webchat.conftest import WAIT_MS, Person, WebChat


async def test_a_disclosure_is_answered_with_the_emergency_number_first(person: Person) -> None:
    first = (await person.say("i want to kill myself"))[0]
    assert first.split("\n", 1)[0].strip() == "+90 212 555 0100", first[:200]
    call = person.page.locator("#log").get_by_role("link", name="+90 212 555 0100").last
    await expect(call).to_have_attribute("href", "tel:+902125550100")  # one tap to call
    await expect(person.page.get_by_role("link", name="112", exact=True).last).to_have_attribute("href", "tel:112")


async def test_forget_page_deletes_the_session_and_the_browser_forgets_it(person: Person, webchat: WebChat) -> None:
    sid = await person.session_user_id()
    assert await webchat.engine.store.get_user(CHANNEL, sid) is not None
    await person.page.get_by_role("link", name="Delete this chat").click()
    await person.page.get_by_role("button", name="Yes, delete").click()
    await expect(person.page.get_by_role("status")).to_have_text(
        "The chat and everything stored about it have been deleted.")
    assert await webchat.engine.store.get_user(CHANNEL, sid) is None
    assert not await person.has_cookie()
    if person.scripts:
        assert await person.page.evaluate("localStorage.length") == 0
    await person.page.get_by_role("link", name="Start a new chat").click()
    await expect(person.page.locator("#options button", has_text="English")).to_be_visible()  # a stranger again
    assert await webchat.engine.store.get_user(CHANNEL, sid) is None


async def test_forget_from_the_chats_own_menu(person: Person, webchat: WebChat) -> None:
    sid = await person.session_user_id()
    await person.say("/forget")
    confirm = person.page.locator("#options button", has_text="Yes, delete everything")
    await expect(confirm).to_be_visible()
    await confirm.click()
    await expect(person.page.locator("#log")).to_contain_text("Everything stored about you has been deleted.",
                                                              timeout=WAIT_MS)
    assert await webchat.engine.store.get_user(CHANNEL, sid) is None
    assert not await person.has_cookie()


async def test_marhaba_stats_counts_web_chat_users(person: Person, webchat: WebChat, db_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    await person.press("Health")
    # The CLI runs its own event loop: from a thread, as from a shell beside the running chat.
    assert await asyncio.to_thread(main, ["stats", "--db", str(db_path), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["by_channel"] == {CHANNEL: 1}
    assert stats["users"] == 1 and stats["by_locale"] == {"en": 1} and stats["active_7"] == 1
    assert ["health", "Health", 1] in stats["topics"]
