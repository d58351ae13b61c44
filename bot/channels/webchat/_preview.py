"""The web chat's rendering of one turn for ``marhaba preview``: the page's own HTML, nothing re-written.

Each reply is the ``<article>`` :func:`~bot.channels.webchat._page.chat_page` shows for it (text
escaped, phone numbers as ``tel:`` links, the map and download links), and the turn's last reply
carries the options form, as the chat shows only the newest message's options.
"""

from __future__ import annotations

from bot.channels.webchat._page import extras_html, message_html, options_html
from bot.channels.webchat._store import Stored, encode
from bot.core import Engine, Outgoing


class WebChatPreview:
    """Renders replies as the web chat's server-side HTML (what a browser shows with or without scripts)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def render(self, key: tuple[str, str], replies: list[Outgoing]) -> list[str]:
        """One HTML fragment per reply; the last one ends with the options form."""
        html = []
        for i, out in enumerate(replies):
            stored = Stored(0, encode(out))
            t = self.engine.catalogs.get(out.locale)
            last = i == len(replies) - 1
            fragment = message_html(stored, last) + extras_html(t, stored) + "</article>"
            if last:
                fragment += options_html(t, stored.data.get("options", []))
            html.append(fragment)
        return html


def preview_renderer(engine: Engine) -> WebChatPreview:
    """``marhaba preview``'s web chat rendering (see :class:`bot.channels.PreviewRenderer`)."""
    return WebChatPreview(engine)
