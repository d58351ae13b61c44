"""Deep links for posters: the payload the engine reads, and ``marhaba content links`` as a process."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.core import Engine, parse_deep_link
from bot.errors import ConfigError
from bot.features.links import (
    check_page,
    check_webchat_url,
    messenger_link,
    telegram_link,
    webchat_link,
    whatsapp_link,
)
from bot.store import SQLiteStore
from tests.conftest import Chat


@pytest.mark.parametrize(("payload", "expected"), [
    ("health-card", ("health-card", None)), ("health-card_ar", ("health-card", "ar")),
    ("jobs_fa_AF", ("jobs", "fa_AF")), ("jobs_prs", ("jobs", "fa_AF")),
    ("no-such-page_ar", None), ("health-card_xx", None), ("Health-Card", None), ("health card", None),
    ("../etc_ar", None), ("x" * 65, None),
])
def test_deep_link_payloads(sample_tree, payload: str, expected: tuple[str, str | None] | None) -> None:
    assert parse_deep_link(payload, sample_tree) == expected


async def test_terminal_start_with_a_payload_opens_the_page_in_its_language_for_new_and_returning(
        engine: Engine, store: SQLiteStore, catalogs) -> None:
    new = Chat(engine, "new", channel="terminal")
    [page] = await new("/start health-card_ar")
    assert page.node_id == "health-card" and page.locale == "ar" and page.rtl
    assert page.title == catalogs.get("ar").content("health-card.title", "Get a health card")
    returning = Chat(engine, "back", channel="terminal")
    await returning("/start")
    await returning.payload("lang:en")
    await returning.payload("n:jobs")
    [page] = await returning("/start housing_fa")
    assert page.node_id == "housing" and page.locale == "fa"
    user = await store.get_user("terminal", "back")
    assert user is not None and user.locale == "fa" and user.current_node == "housing"


async def test_a_link_without_language_asks_a_newcomer_first_then_opens_the_page(engine: Engine) -> None:
    chat = Chat(engine, "n", hint="tr")
    [picker] = await chat("/start health-card")
    assert picker.options[0].payload == "lang:tr:health-card"
    [page] = await chat.press(1)
    assert page.node_id == "health-card" and page.locale == "tr"
    known = Chat(engine, "n")  # a known user keeps their language
    [page] = await known("/start housing")
    assert page.node_id == "housing" and page.locale == "tr"


async def test_a_bad_payload_is_a_normal_start(engine: Engine) -> None:
    chat = Chat(engine, "b")
    [picker] = await chat("/start no-such-page_ar")
    assert all(o.payload.startswith("lang:") and o.payload.count(":") == 1 for o in picker.options)
    await chat.payload("lang:en")
    [menu] = await chat("/start %%%")
    assert menu.node_id == "main"


def test_links_are_what_the_platforms_document() -> None:
    assert telegram_link("MarhabaBot", "health-card", "ar") == "https://t.me/MarhabaBot?start=health-card_ar"
    link = urlsplit(whatsapp_link("902125550100", "jobs"))
    assert (link.netloc, link.path) == ("wa.me", "/902125550100")
    assert parse_qs(link.query)["text"] == ["/start jobs"]
    assert messenger_link("MarhabaCity", "health-card", "fa_AF") == "https://m.me/MarhabaCity?ref=health-card_fa_AF"
    assert messenger_link("MarhabaCity", "jobs") == "https://m.me/MarhabaCity?ref=jobs"
    assert webchat_link("https://bot.example.org", "health-card", "ar") == \
        "https://bot.example.org/chat?start=health-card&lang=ar"
    assert webchat_link("https://bot.example.org", "jobs") == "https://bot.example.org/chat?start=jobs"


@pytest.mark.parametrize(("given", "page"), [
    ("MarhabaCity", "MarhabaCity"), ("@marhaba.city", "marhaba.city"), ("m.me/MarhabaCity", "MarhabaCity"),
    ("https://www.facebook.com/MarhabaCity/", "MarhabaCity"), ("https://m.me/MarhabaCity", "MarhabaCity"),
    ("109876543210987", "109876543210987"),
])
def test_a_facebook_page_is_its_username_or_id(given: str, page: str) -> None:
    assert check_page(given) == page


@pytest.mark.parametrize("bad", ["abc", "Marhaba City", "marhaba_city", ".....", "facebook.com/profile.php?id=1",
                                 "x" * 51])
def test_what_cannot_be_a_facebook_page_is_refused_saying_the_rule(bad: str) -> None:
    with pytest.raises(ConfigError, match="is not a Facebook Page username .at least 5 letters, digits or periods"):
        check_page(bad)


@pytest.mark.parametrize(("given", "site"), [
    ("https://bot.example.org", "https://bot.example.org"), ("https://Bot.Example.org/", "https://bot.example.org"),
    ("https://bot.example.org/chat", "https://bot.example.org"), ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
])
def test_the_web_chat_address_is_scheme_and_host(given: str, site: str) -> None:
    assert check_webchat_url(given) == site


@pytest.mark.parametrize("bad", ["bot.example.org", "ftp://bot.example.org", "https://bot.example.org/help",
                                 "https://bot example.org", "https://"])
def test_what_cannot_be_the_web_chat_address_is_refused_with_an_example(bad: str) -> None:
    with pytest.raises(ConfigError, match="is not the web chat's public address; write it as https://bot.example.org"):
        check_webchat_url(bad)


def links(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MARHABA_")}
    environ.update(MARHABA_ENV_FILE="", **env)
    return subprocess.run([sys.executable, "-m", "bot", "content", "links", "--out", str(tmp_path / "qr"), *args],
                          capture_output=True, text=True, cwd=tmp_path, env=environ, timeout=120)


def test_content_links_prints_each_topics_links_and_writes_svg_and_png_qr_codes(tmp_path: Path, sample_tree,
                                                                                 catalogs) -> None:
    done = links(tmp_path, "--lang", "ar", "--telegram-bot", "@MarhabaCityBot", "--whatsapp-number", "+90 212 555 0100",
                 "--messenger-page", "m.me/MarhabaCity", "--webchat-url", "https://chat.example.org/")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    t = catalogs.get("ar")
    for topic in sample_tree.topics:
        assert f"{t.content(topic.id + '.title', topic.title)} ({topic.id})" in done.stdout
        assert f"https://t.me/MarhabaCityBot?start={topic.id}_ar" in done.stdout
        assert f"https://wa.me/902125550100?text=/start%20{topic.id}_ar" in done.stdout
        assert f"  Messenger: https://m.me/MarhabaCity?ref={topic.id}_ar\n" in done.stdout
        assert f"  Web chat: https://chat.example.org/chat?start={topic.id}&lang=ar\n" in done.stdout
        for channel in ("telegram", "whatsapp", "messenger", "webchat"):
            png = tmp_path / "qr" / f"{topic.id}_ar-{channel}.png"
            assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
            svg = ET.parse(tmp_path / "qr" / f"{topic.id}_ar-{channel}.svg").getroot()
            assert svg.tag.endswith("svg")
    assert len(list((tmp_path / "qr").iterdir())) == 8 * len(sample_tree.topics)
    assert f"{8 * len(sample_tree.topics)} QR codes" in done.stdout


def test_content_links_defaults_come_from_settings_else_an_example_it_names(tmp_path: Path) -> None:
    done = links(tmp_path, MARHABA_TELEGRAM_BOT_USERNAME="CityHelperBot", MARHABA_WHATSAPP_NUMBER="4915112345678",
                 MARHABA_MESSENGER_PAGE="CityHelper", MARHABA_WEBCHAT_URL="https://help.example.net")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "https://t.me/CityHelperBot?start=health" in done.stdout and "https://wa.me/4915112345678?" in done.stdout
    assert "https://m.me/CityHelper?ref=health" in done.stdout
    assert "https://help.example.net/chat?start=health" in done.stdout
    done = links(tmp_path)
    assert done.returncode == 0
    for variable in ("MARHABA_TELEGRAM_BOT_USERNAME", "MARHABA_WHATSAPP_NUMBER", "MARHABA_MESSENGER_PAGE",
                     "MARHABA_WEBCHAT_URL"):
        assert variable in done.stderr
    assert "Using the example m.me/ExampleMarhabaPage: these links do not work." in done.stderr
    assert "https://t.me/ExampleMarhabaBot?start=health" in done.stdout
    assert "https://m.me/ExampleMarhabaPage?ref=health" in done.stdout
    assert "https://bot.example.org/chat?start=health" in done.stdout
    bad = links(tmp_path, "--telegram-bot", "no", "--lang", "ar")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "not a Telegram username" in bad.stderr
    for flag, value, message in (("--messenger-page", "Marhaba City", "not a Facebook Page username"),
                                 ("--webchat-url", "bot.example.org", "not the web chat's public address")):
        bad = links(tmp_path, flag, value)
        assert bad.returncode != 0 and "Traceback" not in bad.stderr and message in bad.stderr, bad.stderr
    bad = links(tmp_path, MARHABA_MESSENGER_PAGE="no")
    assert bad.returncode != 0 and "'no' is not a Facebook Page username" in bad.stderr
    unknown = links(tmp_path, "--lang", "xx")
    assert unknown.returncode != 0 and "unknown language 'xx'" in unknown.stderr
