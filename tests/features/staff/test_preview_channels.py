"""The preview's Messenger and web chat renderings, in a real headless Chromium driven by Playwright.

Each is the channel's own code: the Messenger menus are compared with what the real Messenger
channel sends to a fake Graph API for the same turns, the web chat's text with its escaping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from bot.channels.messenger._render import MAX_QUICK_REPLIES, MAX_QUICK_REPLY_TITLE_CHARS
from bot.content import load_content
from bot.core import Engine
from bot.features import safety
from bot.features.preview import Preview
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.channels.messenger.conftest import (
    USER,
    MessengerHarness,
    body_text,
    fake_graph,
    menus,
    quick_reply_webhook,
    text_webhook,
    titles,
)
from tests.channels.messenger.fake_graph import FakeGraph
from tests.conftest import make_engine
from tests.features.staff.test_preview import SCREENSHOT, browser, open_page, preview
from tests.features.staff.test_preview_frictions import turn

__all__ = ["browser", "fake_graph", "preview"]

HOSTILE = '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2"> '


@pytest.fixture
async def messenger(fake_graph: FakeGraph, tmp_path: Path, staff_engine: Engine) -> AsyncIterator[MessengerHarness]:
    """The real Messenger channel on the preview's content and catalogs (its own engine and database)."""
    harness = MessengerHarness(fake_graph, tmp_path / "messenger.db", staff_engine.content, staff_engine.catalogs)
    await harness.start()
    yield harness
    await harness.stop()


async def messenger_turn(page: Page, count: int) -> list[tuple[str, list[str]]]:
    """The last ``count`` Messenger messages the preview shows: each text and the quick replies under it."""
    shown = await page.locator("#chat .msg.bot.fb").evaluate_all(
        """bubbles => bubbles.map(b => {
             const next = b.nextElementSibling;
             const quick = next && next.classList.contains('fb-quick') ? [...next.querySelectorAll('button')] : [];
             return [b.textContent, quick.map(q => q.textContent)];
           })""")
    return [(text, quick) for text, quick in shown[-count:]]


def sent(fake: FakeGraph, since: int) -> list[tuple[str, list[str]]]:
    return [(body_text(m), titles(m) if "quick_replies" in m else []) for m in fake.to(USER)[since:]]


async def test_a_long_menu_as_messenger_quick_replies_and_its_pages_exactly_as_the_channel_sends_them(
        preview: str, browser: Browser, messenger: MessengerHarness) -> None:
    await messenger.post(text_webhook(USER, "/start", "m_start"))  # the language picker: 15 languages
    menu = menus(messenger.fake)[-1]
    assert len(menu["quick_replies"]) == MAX_QUICK_REPLIES, "the language picker needs pages on Messenger"
    expected = sent(messenger.fake, 0)

    page = await open_page(browser, preview)  # it says /start
    await page.click("#mode-messenger")
    await expect(page.locator("#chat")).to_have_class("chat messenger")
    await expect(page.locator("#mode-messenger")).to_have_attribute("aria-pressed", "true")
    quick = page.locator("#chat .fb-quick")
    await expect(quick).to_have_count(1)  # Messenger keeps only the newest message's quick replies
    assert await messenger_turn(page, len(expected)) == expected
    buttons = quick.locator("button")
    await expect(buttons).to_have_count(MAX_QUICK_REPLIES)
    assert all(len(t) <= MAX_QUICK_REPLY_TITLE_CHARS for t in await buttons.all_text_contents())
    await expect(buttons.last).to_contain_text("(2/")

    before = len(messenger.fake.to(USER))
    await messenger.post(quick_reply_webhook(USER, menu["quick_replies"][-1]["payload"], "m_more"))
    page_two = sent(messenger.fake, before)
    await turn(page, lambda: buttons.last.click())
    assert await messenger_turn(page, len(page_two)) == page_two
    assert page_two[-1][1] != expected[-1][1]  # the second page, not the first again
    if SCREENSHOT:
        await page.screenshot(path=SCREENSHOT, full_page=True)


async def test_a_short_menu_is_a_messenger_button_template_and_its_buttons_answer(
        preview: str, browser: Browser, messenger: MessengerHarness, staff_engine: Engine) -> None:
    await messenger.choose_language(USER, "en")
    page = await open_page(browser, preview)
    await turn(page, lambda: page.select_option("#lang", "en"))
    await page.click("#mode-messenger")
    three = next(n for n in staff_engine.content.nodes.values() if not n.children and n.body)  # Back, Main menu
    await turn(page, lambda: page.locator(f"#map a[data-node='{three.id}']").click())
    before = len(messenger.fake.to(USER))
    await messenger.post(quick_reply_webhook(USER, f"n:{three.id}", "m_three"))
    template = next(m for m in messenger.fake.to(USER)[before:] if "attachment" in m)
    buttons = template["attachment"]["payload"]["buttons"]
    box = page.locator("#chat .fb-buttons").last
    await expect(box.locator("button")).to_have_text([b["title"] for b in buttons])
    await expect(page.locator("#chat .msg.bot.fb:has(+ .fb-buttons)").last).to_have_text(
        template["attachment"]["payload"]["text"])
    await turn(page, lambda: box.locator("button").first.click())
    await expect(page.locator("#chat .msg.me").last).to_have_text(buttons[0]["title"])


async def test_messenger_and_the_web_chat_read_right_to_left_in_arabic(preview: str, browser: Browser,
                                                                       staff_engine: Engine) -> None:
    page = await open_page(browser, preview)
    await turn(page, lambda: page.select_option("#lang", "ar"))
    await page.click("#mode-messenger")
    quick = page.locator("#chat .fb-quick").last
    assert await quick.evaluate("q => getComputedStyle(q).direction") == "rtl"
    first_topic = staff_engine.catalogs.get("ar").content(f"{staff_engine.content.topics[0].id}.title",
                                                          staff_engine.content.topics[0].title)
    await expect(quick.locator("button").first).to_contain_text(first_topic[:10])
    await page.click("#mode-webchat")
    article = page.locator("#chat .wc-page article").last
    await expect(article).to_have_attribute("dir", "rtl")
    await expect(article).to_have_attribute("lang", "ar")
    assert await article.evaluate("a => getComputedStyle(a).direction") == "rtl"


@pytest.fixture
async def hostile_preview(project_copy: Path, tmp_path: Path) -> AsyncIterator[tuple[str, Engine]]:
    """The preview on content whose health page starts with markup (a staff edit gone wrong, or worse)."""
    health = project_copy / "content" / "health.yaml"
    health.write_text(health.read_text("utf-8").replace("  Here you find help", "  " + HOSTILE + "Here you find help",
                                                        1), "utf-8")
    async with SQLiteStore(tmp_path / "hostile.db") as store:
        engine = make_engine(content=load_content(project_copy / "content").tree,
                             catalogs=Catalogs(project_copy / "locales"), store=store)
        web = WebServer("127.0.0.1", 0)
        Preview(engine, web, project_copy / "locales")
        await web.start()
        yield web.url, engine
        await web.stop()


async def test_the_web_chat_rendering_shows_markup_as_text_and_its_options_answer(
        hostile_preview: tuple[str, Engine], browser: Browser) -> None:
    url, engine = hostile_preview
    page = await open_page(browser, url)
    await turn(page, lambda: page.select_option("#lang", "en"))
    await page.click("#mode-webchat")
    await turn(page, lambda: page.locator("#map a[data-node='health']").click())
    article = page.locator("#chat .wc-page article").last
    await expect(article.locator("h2")).to_have_text("Health")
    await expect(article.locator("p.text")).to_contain_text(HOSTILE.strip())  # the markup, as text
    assert await page.locator("#chat .wc-page script, #chat .wc-page img").count() == 0
    assert await page.evaluate("window.pwned") is None
    options = page.locator("#chat .wc-page form button")
    health = engine.content.nodes["health"]
    await expect(options.first).to_have_text(engine.content.nodes[health.children[0]].title)
    await turn(page, lambda: options.first.click())
    await expect(page.locator("#chat .wc-page article h2").last).to_have_text(
        engine.content.nodes[health.children[0]].title)
    await expect(page.locator("#chat .wc-page form")).to_have_count(1)  # only the newest message's options
    if SCREENSHOT:
        await page.screenshot(path=SCREENSHOT.removesuffix(".png") + "-webchat.png", full_page=True)


async def test_the_web_chat_rendering_links_a_phone_number_to_call(
        staff_engine: Engine, project_copy: Path, browser: Browser) -> None:
    settings = Settings.from_env({"MARHABA_ENV_FILE": ""}, content_dir=project_copy / "content",
                                 locales_dir=project_copy / "locales")
    staff_engine.add_feature(safety.FEATURE, settings)  # the safety answer starts with the helpline
    web = WebServer("127.0.0.1", 0)
    Preview(staff_engine, web, project_copy / "locales")
    await web.start()
    try:
        page = await open_page(browser, web.url)
        await turn(page, lambda: page.select_option("#lang", "en"))
        await page.click("#mode-webchat")
        await page.fill("#text", "i want to kill myself")
        await turn(page, lambda: page.press("#text", "Enter"))
        call = page.locator("#chat .wc-page article").get_by_role("link", name="+90 212 555 0100").last
        await expect(call).to_have_attribute("href", "tel:+902125550100")  # one tap to call, as in the chat
    finally:
        await web.stop()
