"""The widget: another site's page embeds one script tag; its button opens the same chat in a panel."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from bot.channels.webchat import WebChatConfig
from bot.web import Response, WebServer
from tests.channels.webchat.conftest import WebChat


async def test_an_allowed_site_opens_the_chat_in_a_panel_in_its_language(webchat: WebChat, browser: Browser) -> None:
    site = WebServer("127.0.0.1", 0)
    await site.start()
    # The chat allows this site (its origin is known only now that it serves).
    webchat.channel.config = WebChatConfig(origins=(site.url,))
    page_html = (f'<!doctype html><html lang="en"><head><title>Community centre</title></head><body><h1>Welcome</h1>'
                 f'<script src="{webchat.url}/chat/widget.js" data-lang="ar" async></script></body></html>')

    async def home(req: object) -> Response:
        return Response(200, page_html, "text/html; charset=utf-8")

    site.add_route("/", home)
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(site.url + "/")
        open_button = page.get_by_role("button", name="المحادثة")
        await open_button.click()
        await expect(open_button).to_have_attribute("aria-expanded", "true")
        frame = page.frame_locator("iframe[title='المحادثة']")
        await expect(frame.locator("html")).to_have_attribute("dir", "rtl")
        await frame.get_by_role("button", name="✓ العربية").click()
        await expect(frame.locator("article.msg")).to_have_count(3, timeout=20_000)
        await page.get_by_role("button", name="أغلق المحادثة").click()
        await expect(page.locator("iframe")).to_be_hidden()
    finally:
        await context.close()
        await site.stop()


async def test_a_site_not_allowed_cannot_show_the_chat_in_a_frame(webchat: WebChat, browser: Browser) -> None:
    site = WebServer("127.0.0.1", 0)
    await site.start()
    frame_html = f'<!doctype html><html lang="en"><body><iframe title="x" src="{webchat.url}/chat"></iframe></body></html>'

    async def home(req: object) -> Response:
        return Response(200, frame_html, "text/html; charset=utf-8")

    site.add_route("/", home)
    context = await browser.new_context()
    page = await context.new_page()
    refused: list[int] = []
    page.on("response", lambda r: refused.append(r.status) if "/chat" in r.url else None)
    try:
        await page.goto(site.url + "/")
        await page.wait_for_load_state("networkidle")
        assert refused == [403]
    finally:
        await context.close()
        await site.stop()
