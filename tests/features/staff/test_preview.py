"""The preview page in a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.channels.whatsapp._render import MAX_LIST_ROWS
from bot.core import Engine, Incoming
from bot.features.preview import Preview
from bot.i18n import content_context
from bot.i18n._workflow import SHIPPED
from bot.web import WebServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = os.environ.get("MARHABA_PREVIEW_SCREENSHOT")
"""Set to a file name to keep a screenshot of the page (to look at the layout while developing)."""


@pytest.fixture
async def preview(staff_engine: Engine, project_copy: Path) -> AsyncIterator[str]:
    web = WebServer("127.0.0.1", 0)
    Preview(staff_engine, web, project_copy / "locales")
    await web.start()
    yield web.url
    await web.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        await b.close()


async def open_page(browser: Browser, url: str) -> Page:
    page = await browser.new_page(viewport={"width": 1200, "height": 860})
    await page.goto(url + "/")
    await expect(page.locator("body")).to_have_attribute("data-ready", "1")
    return page


async def test_switch_to_arabic_press_an_option_and_see_the_reply(
        preview: str, browser: Browser, staff_engine: Engine) -> None:
    page = await open_page(browser, preview)
    chat = page.locator("#chat")
    await expect(chat.locator(".msg.bot").first).to_contain_text("اختر لغتك")  # greeted in every language

    await page.select_option("#lang", "ar")
    await expect(chat).to_have_attribute("dir", "rtl")
    t = staff_engine.catalogs.get("ar")
    topic = staff_engine.content.topics[0]
    topic_ar = t.content(content_context(topic.id, "title"), topic.title)
    assert topic_ar != topic.title
    menu = chat.locator(".kbd").last
    await expect(menu.locator("button").first).to_contain_text(topic_ar)

    await menu.locator("button").first.click()
    await expect(chat.locator(".msg.bot .title").last).to_have_text(topic_ar)
    body_ar = t.content(content_context(topic.id, "body"), topic.body)
    await expect(chat.locator(".msg.bot").last).to_contain_text(body_ar.split(".")[0])
    if SCREENSHOT:
        await page.screenshot(path=SCREENSHOT, full_page=True)


async def choose_english(page: Page, engine: Engine) -> None:
    """Pick English and wait until its main menu is shown (so no answer is still on its way)."""
    await page.select_option("#lang", "en")
    first_topic = engine.content.topics[0].title
    await expect(page.locator("#chat .kbd").last.locator("button").first).to_contain_text(first_topic)


async def test_whatsapp_rendering_paginates_a_long_menu(preview: str, browser: Browser, staff_engine: Engine) -> None:
    page = await open_page(browser, preview)
    await choose_english(page, staff_engine)
    options = len((await staff_engine.handle(Incoming("probe", "p", payload="lang:en")))[0].options)
    assert options > MAX_LIST_ROWS, "the sample main menu is long enough to need pages"
    await page.click("#mode-whatsapp")
    chat = page.locator("#chat")
    await expect(chat).to_have_class("chat whatsapp")
    lists = chat.locator(".wa-list")
    await expect(lists).to_have_count(1)  # the menu, now as a WhatsApp list
    await lists.last.click()
    rows = page.locator("#sheet-rows li button")
    await expect(rows).to_have_count(MAX_LIST_ROWS)  # 9 options and "More"
    await expect(rows.last).to_contain_text("More (2/")
    await rows.last.click()
    await expect(page.locator("#sheet")).to_be_hidden()
    await expect(lists).to_have_count(2)  # page 2 has arrived: open it, not page 1 again
    await lists.last.click()
    await expect(rows).to_have_count(min(options - (MAX_LIST_ROWS - 1), MAX_LIST_ROWS - 1) + 1)
    await expect(rows.first).to_contain_text(staff_engine.content.topics[MAX_LIST_ROWS - 1].short_title
                                             or staff_engine.content.topics[MAX_LIST_ROWS - 1].title)


async def test_content_map_shows_translation_state_per_locale(
        preview: str, browser: Browser, project_copy: Path, staff_engine: Engine) -> None:
    po = project_copy / "locales" / "fr" / "LC_MESSAGES" / "content.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgctxt "health.title"\n', '#, fuzzy\nmsgctxt "health.title"\n', 1),
                  encoding="utf-8")
    page = await open_page(browser, preview)
    health = page.locator("#map li:has(> .row a[data-node='health']) > .row .states span")
    await expect(health).to_have_count(len(SHIPPED))  # one state per shipped catalog, Dari included
    await expect(page.locator("#map .row a[data-node='health'] + .states span[title='fr: fuzzy']")).to_have_text("~")
    await expect(page.locator("#map .row a[data-node='health'] + .states span[title='ar: translated']")).to_have_text("✓")
    await choose_english(page, staff_engine)
    await page.locator("#map a[data-node='health']").click()
    await expect(page.locator("#chat .msg.bot .title").last).to_have_text("Health")


async def test_the_page_loads_nothing_from_elsewhere(preview: str, browser: Browser) -> None:
    page = await browser.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    await page.goto(preview + "/")
    await expect(page.locator("body")).to_have_attribute("data-ready", "1")
    assert requested and all(u.startswith(preview) for u in requested), requested
    info = json.loads(await (await page.request.get(preview + "/api/info")).text())
    assert {"code": "ar", "name": "العربية", "rtl": True} in info["locales"]
