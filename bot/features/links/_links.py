"""Building the links (Telegram, WhatsApp, Messenger, the web chat) and writing their QR codes (SVG and PNG,
with ``segno``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from bot.channels.webchat import CHAT_PATH
from bot.content import ContentTree, Node
from bot.core import deep_link_payload
from bot.errors import ConfigError

EXAMPLE_USERNAME = "ExampleMarhabaBot"
"""Used (and said so) when no bot username is configured: obviously not a real bot."""
EXAMPLE_NUMBER = "15550000000"
"""Used (and said so) when no business number is configured: +1 555 numbers are fictional."""
EXAMPLE_PAGE = "ExampleMarhabaPage"
"""Used (and said so) when no Facebook Page is configured: obviously not a real Page."""
EXAMPLE_WEBCHAT_URL = "https://bot.example.org"
"""Used (and said so) when the web chat's public address is not configured: example.org is reserved (RFC 2606)."""

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")  # Telegram: 5-32 characters, letters, digits, _
_NUMBER = re.compile(r"^[1-9][0-9]{6,14}$")  # E.164 without "+": at most 15 digits
# A Page's username: "at least 5 characters", "only alphanumeric characters (A-Z, 0-9) or a period"
# (https://www.facebook.com/help/105399436216001); m.me also takes the Page's numeric ID.
_PAGE = re.compile(r"^(?=.*[A-Za-z0-9])[A-Za-z0-9.]{5,50}$")
_PAGE_PREFIXES = ("https://", "http://", "www.", "m.me/", "facebook.com/", "fb.com/", "@")
_SITE = re.compile(r"^https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?$")
QR_SCALE_PNG = 10
"""Pixels per QR module in the PNG: a topic link's code is about 370 px, 3 cm at 300 dpi (print the SVG larger)."""


def check_username(name: str) -> str:
    """A Telegram bot username without its ``@``; :class:`ConfigError` when it cannot be one."""
    name = name.strip().removeprefix("@")
    if not _USERNAME.match(name):
        raise ConfigError(f"'{name}' is not a Telegram username (5-32 letters, digits or _, as in @MarhabaBot)")
    return name


def check_number(number: str) -> str:
    """A WhatsApp number in international form, digits only (``+90 212 555 0100`` -> ``902125550100``)."""
    digits = re.sub(r"[\s().+-]", "", number)
    if not _NUMBER.match(digits):
        raise ConfigError(f"'{number}' is not a phone number in international form, such as +90 212 555 0100")
    return digits


def check_page(page: str) -> str:
    """A Facebook Page's username or ID, as m.me takes it (``@MarhabaCity`` or ``m.me/MarhabaCity`` ->
    ``MarhabaCity``); :class:`ConfigError` when it cannot be one."""
    name = page.strip().rstrip("/")
    stripped = True
    while stripped:  # a pasted link: https://www.facebook.com/MarhabaCity, m.me/MarhabaCity
        stripped = False
        for prefix in _PAGE_PREFIXES:
            if name.lower().startswith(prefix):
                name, stripped = name[len(prefix):], True
    if not _PAGE.match(name):
        raise ConfigError(f"'{page.strip()}' is not a Facebook Page username (at least 5 letters, digits or "
                          "periods, as in m.me/MarhabaCity) or a Page ID")
    return name


def check_webchat_url(url: str) -> str:
    """The public address of the web server that serves the web chat, as ``https://host[:port]``
    (a trailing ``/`` or ``/chat`` is dropped); :class:`ConfigError` when it cannot be one."""
    site = url.strip().rstrip("/").removesuffix(CHAT_PATH).rstrip("/")
    scheme, sep, rest = site.partition("://")
    site = f"{scheme.lower()}{sep}{rest.lower()}"
    if not _SITE.match(site):
        raise ConfigError(f"'{url.strip()}' is not the web chat's public address; write it as https://bot.example.org "
                          "(scheme and host, where /chat is served)")
    return site


def telegram_link(username: str, node_id: str, locale: str | None = None) -> str:
    """``https://t.me/<bot>?start=<node>[_<locale>]``."""
    return f"https://t.me/{username}?start={deep_link_payload(node_id, locale)}"


def whatsapp_link(number: str, node_id: str, locale: str | None = None) -> str:
    """``https://wa.me/<number>?text=/start <node>[_<locale>]`` (the text of the first message)."""
    return f"https://wa.me/{number}?text={quote('/start ' + deep_link_payload(node_id, locale), safe='/')}"


def messenger_link(page: str, node_id: str, locale: str | None = None) -> str:
    """``https://m.me/<page>?ref=<node>[_<locale>]`` (Messenger hands the ``ref`` to the bot's webhook)."""
    return f"https://m.me/{page}?ref={quote(deep_link_payload(node_id, locale), safe='')}"


def webchat_link(site: str, node_id: str, locale: str | None = None) -> str:
    """``<site>/chat?start=<node>[&lang=<locale>]``: the web chat opens that page (in that language)."""
    query = {"start": node_id, **({"lang": locale} if locale else {})}
    return f"{site}{CHAT_PATH}?{urlencode(query)}"


@dataclass(frozen=True)
class Targets:
    """Where the links lead: the Telegram bot, the WhatsApp number, the Facebook Page, the web chat's site."""

    username: str = EXAMPLE_USERNAME
    number: str = EXAMPLE_NUMBER
    page: str = EXAMPLE_PAGE
    webchat_url: str = EXAMPLE_WEBCHAT_URL


@dataclass(frozen=True)
class TopicLinks:
    node_id: str
    title: str
    telegram: str
    whatsapp: str
    messenger: str
    webchat: str

    def by_channel(self) -> dict[str, str]:
        """Each link by the channel it opens, in the order printed and written."""
        return {"telegram": self.telegram, "whatsapp": self.whatsapp, "messenger": self.messenger,
                "webchat": self.webchat}

    def stem(self, locale: str | None) -> str:
        """The file name of this topic's QR codes, without channel and extension."""
        return deep_link_payload(self.node_id, locale)


def topic_links(content: ContentTree, targets: Targets, locale: str | None = None,
                title: Callable[[Node], str] = lambda node: node.title) -> list[TopicLinks]:
    """One :class:`TopicLinks` per main-menu topic, in menu order; ``title`` names a topic."""
    return [TopicLinks(n.id, title(n), telegram_link(targets.username, n.id, locale),
                       whatsapp_link(targets.number, n.id, locale), messenger_link(targets.page, n.id, locale),
                       webchat_link(targets.webchat_url, n.id, locale))
            for n in content.topics]


def write_qr_codes(links: TopicLinks, out: Path, locale: str | None) -> list[Path]:
    """Write ``<stem>-<channel>.svg`` and ``.png`` into ``out`` for each link
    (``telegram``, ``whatsapp``, ``messenger``, ``webchat``); their paths."""
    import segno

    written = []
    for channel, url in links.by_channel().items():
        qr = segno.make(url, error="m", micro=False)
        for ext, options in (("svg", {"scale": 4, "title": f"{links.title}: {url}"}),
                             ("png", {"scale": QR_SCALE_PNG})):
            path = out / f"{links.stem(locale)}-{channel}.{ext}"
            qr.save(str(path), border=4, **options)
            written.append(path)
    return written
