"""Preview frictions found by a new user (#17), in a real headless Chromium driven by Playwright.

Every step waits for the page's turn counter (``body[data-turns]``, set after a reply is shown)
or for the element it expects; nothing waits for time.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from bot.core import Engine
from bot.features import broadcast
from bot.features.preview import Preview
from bot.i18n import content_context
from bot.settings import Settings
from bot.web import WebServer
from tests.features.staff.test_preview import browser, open_page  # noqa: F401 - the shared Chromium fixture

__all__ = ["browser"]


@pytest.fixture
async def preview(staff_engine: Engine, project_copy: Path) -> AsyncIterator[str]:
    """The preview with the events feature too (for "Add to my calendar")."""
    staff_engine.add_feature(broadcast.FEATURE, Settings.from_env({"MARHABA_ENV_FILE": ""}, content_dir=project_copy / "content",
                                                   locales_dir=project_copy / "locales"))
    web = WebServer("127.0.0.1", 0)
    Preview(staff_engine, web, project_copy / "locales")
    await web.start()
    yield web.url
    await web.stop()


async def turn(page: Page, action: Callable[[], Awaitable[object]]) -> None:
    """Do ``action`` and wait until the reply it causes is shown."""
    before = int(await page.locator("body").get_attribute("data-turns") or 0)
    await action()
    await expect(page.locator("body")).to_have_attribute("data-turns", str(before + 1))


async def opened(browser: Browser, url: str, locale: str) -> Page:  # noqa: F811
    page = await open_page(browser, url)
    await turn(page, lambda: page.select_option("#lang", locale))
    return page


async def test_a_page_clicked_in_the_content_map_is_echoed_in_the_chats_language(
        preview: str, browser: Browser, staff_engine: Engine) -> None:  # noqa: F811
    page = await opened(browser, preview, "ur")
    mine = page.locator("#chat .msg.me")
    echoed = await mine.count()
    await turn(page, lambda: page.locator("#map a[data-node='health']").click())
    title = staff_engine.catalogs.get("ur").content(content_context("health", "title"), "Health")
    assert title != "Health"
    await expect(mine).to_have_count(echoed + 1)
    await expect(mine.nth(echoed)).to_have_text(title)
    await expect(page.locator("#chat .msg.bot .title").nth(-1)).to_have_text(title)


async def char_positions(page: Page, selector: str, first: int, second: int) -> tuple[float, float, float, float]:
    """Left and top of two characters of the text in ``selector``, as laid out on screen."""
    return await page.locator(selector).evaluate("""(el, [i, j]) => {
        const text = el.firstChild, range = document.createRange();
        const at = (k) => { range.setStart(text, k); range.setEnd(text, k + 1); return range.getBoundingClientRect(); };
        const a = at(i), b = at(j);
        return [a.left, b.left, a.top, b.top];
    }""", [first, second])


async def test_a_location_card_in_a_right_to_left_chat_keeps_address_and_coordinates_in_order(
        preview: str, browser: Browser, staff_engine: Engine) -> None:  # noqa: F811
    page = await opened(browser, preview, "ar")
    await expect(page.locator("#chat")).to_have_attribute("dir", "rtl")
    await turn(page, lambda: page.locator("#map a[data-node='cc-old-town']").click())
    place = staff_engine.content.nodes["cc-old-town"].details.location
    card = page.locator("#chat .msg.place")
    await expect(card).to_have_count(1)
    await expect(card.locator("bdi.address")).to_have_text("14 Harbour Street, Old Town, Example City")
    await expect(card.locator("bdi.coords")).to_have_text(f"{place.lat}, {place.lon}")
    # "14" stands before "Harbour", and the latitude before the longitude, left to right.
    left_14, left_h, top_14, top_h = await char_positions(page, "#chat .msg.place bdi.address", 0, 3)
    assert top_14 == top_h and left_14 < left_h
    left_lat, left_lon, top_lat, top_lon = await char_positions(page, "#chat .msg.place bdi.coords", 0,
                                                                len(f"{place.lat}, "))
    assert top_lat == top_lon and left_lat < left_lon


async def test_add_to_my_calendar_offers_the_ics_file_as_a_download(
        preview: str, browser: Browser) -> None:  # noqa: F811
    page = await opened(browser, preview, "en")
    await page.fill("#text", "/events")
    await turn(page, lambda: page.press("#text", "Enter"))
    await turn(page, lambda: page.locator("#chat .kbd button", has_text="📅").first.click())
    await turn(page, lambda: page.locator("#chat .kbd button", has_text="Add to my calendar").click())
    link = page.locator("#chat .msg.file a")
    await expect(link).to_have_count(1)
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert download.suggested_filename.endswith(".ics")
    data = Path(await download.path()).read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR") and b"END:VEVENT" in data


async def test_the_whatsapp_toggle_sends_nothing_and_shows_no_menu_bubble(
        preview: str, browser: Browser) -> None:  # noqa: F811
    page = await opened(browser, preview, "ar")
    await turn(page, lambda: page.locator("#map a[data-node='health']").click())
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/api/send") else None)
    mine = page.locator("#chat .msg.me")
    before = await mine.count()
    await page.click("#mode-whatsapp")
    await expect(page.locator("#chat .mode-note")).to_have_text("WhatsApp")
    await expect(page.locator("#chat .mode-note ~ .wa-list, #chat .mode-note ~ .wa-buttons")).to_have_count(1)
    await expect(mine).to_have_count(before)
    assert "menu" not in (await page.locator("#chat").inner_text()).split("WhatsApp")[-1]
    assert sent == []


async def test_the_web_chat_rendering_offers_the_ics_file_through_its_own_download_link(
        preview: str, browser: Browser) -> None:  # noqa: F811
    page = await opened(browser, preview, "en")
    await page.click("#mode-webchat")
    await page.fill("#text", "/events")
    await turn(page, lambda: page.press("#text", "Enter"))
    options = page.locator("#chat .wc-page form button")
    await turn(page, lambda: options.filter(has_text="📅").first.click())
    await turn(page, lambda: options.filter(has_text="Add to my calendar").click())
    link = page.locator("#chat .wc-page a[download]")
    await expect(link).to_have_count(1)
    await expect(link).to_have_text(re.compile(r"^Download .+\.ics$"))  # the web chat's own words
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert download.suggested_filename.endswith(".ics")
    assert Path(await download.path()).read_bytes().startswith(b"BEGIN:VCALENDAR")
