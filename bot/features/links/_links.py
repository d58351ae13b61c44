"""Building the links and writing their QR codes (SVG and PNG, with ``segno``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bot.content import ContentTree, Node
from bot.core import deep_link_payload
from bot.errors import ConfigError

EXAMPLE_USERNAME = "ExampleMarhabaBot"
"""Used (and said so) when no bot username is configured: obviously not a real bot."""
EXAMPLE_NUMBER = "15550000000"
"""Used (and said so) when no business number is configured: +1 555 numbers are fictional."""

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")  # Telegram: 5-32 characters, letters, digits, _
_NUMBER = re.compile(r"^[1-9][0-9]{6,14}$")  # E.164 without "+": at most 15 digits
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


def telegram_link(username: str, node_id: str, locale: str | None = None) -> str:
    """``https://t.me/<bot>?start=<node>[_<locale>]``."""
    return f"https://t.me/{username}?start={deep_link_payload(node_id, locale)}"


def whatsapp_link(number: str, node_id: str, locale: str | None = None) -> str:
    """``https://wa.me/<number>?text=/start <node>[_<locale>]`` (the text of the first message)."""
    return f"https://wa.me/{number}?text={quote('/start ' + deep_link_payload(node_id, locale), safe='/')}"


@dataclass(frozen=True)
class TopicLinks:
    node_id: str
    title: str
    telegram: str
    whatsapp: str

    def stem(self, locale: str | None) -> str:
        """The file name of this topic's QR codes, without channel and extension."""
        return deep_link_payload(self.node_id, locale)


def topic_links(content: ContentTree, username: str, number: str, locale: str | None = None,
                title: Callable[[Node], str] = lambda node: node.title) -> list[TopicLinks]:
    """One :class:`TopicLinks` per main-menu topic, in menu order; ``title`` names a topic."""
    return [TopicLinks(n.id, title(n), telegram_link(username, n.id, locale), whatsapp_link(number, n.id, locale))
            for n in content.topics]


def write_qr_codes(links: TopicLinks, out: Path, locale: str | None) -> list[Path]:
    """Write ``<stem>-telegram.svg/.png`` and ``<stem>-whatsapp.svg/.png`` into ``out``; their paths."""
    import segno

    written = []
    for channel, url in (("telegram", links.telegram), ("whatsapp", links.whatsapp)):
        qr = segno.make(url, error="m", micro=False)
        for ext, options in (("svg", {"scale": 4, "title": f"{links.title}: {url}"}),
                             ("png", {"scale": QR_SCALE_PNG})):
            path = out / f"{links.stem(locale)}-{channel}.{ext}"
            qr.save(str(path), border=4, **options)
            written.append(path)
    return written
