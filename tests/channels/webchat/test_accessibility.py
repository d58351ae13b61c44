"""axe-core (from the npm registry, fetched once into a git-ignored folder) finds nothing on the chat.

The page is checked in English, Arabic and Urdu: the language picker a newcomer sees and the
menu after a language is chosen, with the rules of WCAG 2.1 A and AA and axe's best practices.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.channels.webchat.conftest import WebChat

AXE_DIR = Path(__file__).parent / ".axe"
AXE_VERSION = "4"
"""The major version of axe-core fetched with ``npm pack`` (the newest 4.x)."""
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe.min.js, which scripts/test fetched with ``npm pack axe-core`` (like Chromium, never committed)."""
    script = AXE_DIR / "axe.min.js"
    assert script.exists(), f"{script} is missing: scripts/test fetches axe-core {AXE_VERSION}.x from the npm registry"
    return script.read_text(encoding="utf-8")


async def _violations(browser: Browser, url: str, axe: str, locale: str) -> list[dict]:
    # The page's CSP rightly refuses an injected script: the test context lets axe in, nothing else changes.
    context = await browser.new_context(bypass_csp=True, locale=locale)
    page = await context.new_page()
    await page.goto(url)
    await expect(page.locator("#chat")).to_have_attribute("data-ready", "1")
    await page.add_script_tag(content=axe)
    result = await page.evaluate("(rules) => axe.run(document, {runOnly: {type: 'tag', values: rules}})", RULES)
    await context.close()
    assert {"html-has-lang", "label", "color-contrast"} <= {p["id"] for p in result["passes"]}  # it did look
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]]


@pytest.mark.parametrize("code", ["en", "ar", "ur"])
async def test_no_axe_violations_on_the_picker_and_the_menu(webchat: WebChat, browser: Browser, axe_script: str,
                                                            code: str) -> None:
    assert await _violations(browser, webchat.url + f"/chat?hl={code}", axe_script, code) == []
    assert await _violations(browser, webchat.url + f"/chat?lang={code}", axe_script, code) == []


@pytest.mark.parametrize("code", ["en", "ar"])
async def test_usable_at_200_percent_zoom_with_the_keyboard_alone(webchat: WebChat, browser: Browser,
                                                                  code: str) -> None:
    # 200% zoom on a 640 px wide window leaves 320 CSS pixels: nothing may need sideways scrolling.
    context = await browser.new_context(viewport={"width": 320, "height": 400}, device_scale_factor=2)
    page = await context.new_page()
    await page.goto(webchat.url + f"/chat?lang={code}")
    await expect(page.locator("#chat")).to_have_attribute("data-ready", "1")
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    count = await page.locator("article.msg").count()
    await page.keyboard.press("Tab")  # the first option button
    focused = await page.evaluate("document.activeElement.closest('#options') !== null")
    assert focused
    await page.keyboard.press("Enter")
    await expect(page.locator("article.msg")).to_have_count(count + 2, timeout=20_000)  # mine and the page
    await page.locator("#text").focus()
    await page.keyboard.type("menu")
    await page.keyboard.press("Enter")
    await expect(page.locator("article.msg")).to_have_count(count + 4, timeout=20_000)
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await context.close()
