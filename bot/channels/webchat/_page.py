"""The chat as server-rendered HTML: it works with scripts off (options are buttons in a form).

Everything a person or the content wrote is escaped here, in one place; the script
(``static/chat.js``) sets text with ``textContent`` only. The words the page adds are
translated, and ``lang``/``dir`` follow the person's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from bot.channels.webchat._store import Stored
from bot.i18n import N_, Translator, strip_bidi_controls

CHAT_PATH = "/chat"
FORGET_PATH = "/forget"

# TRANSLATORS: the title of the web chat page and of its panel on the organisation's website.
TITLE = N_("Chat")
# TRANSLATORS: the button that closes the web chat's panel on the organisation's website.
CLOSE = N_("Close the chat")
# TRANSLATORS: the label of the web chat's list of messages, read out by screen readers.
CONVERSATION = N_("Conversation")
# TRANSLATORS: the label of the field where a person types a message in the web chat.
YOUR_MESSAGE = N_("Your message")
# TRANSLATORS: the web chat's button that sends what was typed.
SEND = N_("Send")
OPTIONS = N_("Options")
# TRANSLATORS: a link at the bottom of the web chat; it leads to a page that deletes the chat.
DELETE_CHAT = N_("Delete this chat")
DELETE_QUESTION = N_("Delete this chat and everything stored about it? This cannot be undone.")
# TRANSLATORS: a button on the web chat's delete page.
YES_DELETE = N_("Yes, delete")
# TRANSLATORS: a link on the web chat's delete page; it goes back to the chat.
BACK = N_("No, go back to the chat")
DELETED = N_("The chat and everything stored about it have been deleted.")
# TRANSLATORS: a link after the web chat was deleted.
NEW_CHAT = N_("Start a new chat")
# TRANSLATORS: {name} is a file name, such as event.ics (a calendar file).
DOWNLOAD = N_("Download {name}")
# TRANSLATORS: a link under a web chat message with a place; it opens OpenStreetMap.
OPEN_MAP = N_("Open the map")
# TRANSLATORS: shown in the web chat while there is no connection; typed messages wait.
OFFLINE = N_("No connection. Your messages will be sent when the connection is back.")
# TRANSLATORS: the web chat refused a message longer than it takes.
TOO_LONG = N_("Your message is too long. Please send a shorter one.")
BROKEN = "Sorry, something went wrong on our side. Please try again."
"""The engine's error message (already translated), for a post the chat's own script would never send."""
TOO_FAST = "You are sending messages very fast. Please wait a minute, then try again."
"""The engine's flood notice (already translated), also sent when an address sends too much."""


PHONE_LINE = re.compile(r"^(?:\+[1-9][0-9 ]{6,20}|[0-9]{3})$")
"""A line that is a phone number alone (the safety answers' helplines, ``112``): a ``tel:`` link, one tap to
call, as Telegram and WhatsApp link it. ``static/chat.js`` has the same pattern."""


def text_html(text: str) -> str:
    """A message's text, escaped, with each line that is a phone number as a ``tel:`` link."""
    out = []
    for line in text.split("\n"):
        bare = strip_bidi_controls(line).strip()
        if PHONE_LINE.match(bare):
            out.append(f'<a href="tel:{bare.replace(" ", "")}">{escape(line)}</a>')
        else:
            out.append(escape(line))
    return "\n".join(out)


def html_lang(locale: str) -> str:
    """A catalog locale as a BCP 47 tag for ``lang`` (``fa_AF`` -> ``fa-AF``)."""
    return locale.replace("_", "-")


def _head(t: Translator, title: str) -> str:
    return (f'<!doctype html>\n<html lang="{html_lang(t.locale)}" dir="{"rtl" if t.rtl else "ltr"}">'
            '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="referrer" content="no-referrer"><title>{escape(title)}</title>'
            f'<link rel="stylesheet" href="{CHAT_PATH}/chat.css"></head>')


def message_html(m: Stored, last: bool) -> str:
    """One message as an ``<article>``; its own ``lang`` and ``dir``."""
    d: dict[str, Any] = m.data
    locale = str(d.get("locale", "en"))
    parts = [f'<article class="msg" id="{"last" if last else f"m{m.id}"}" lang="{escape(html_lang(locale))}" '
             f'dir="{"rtl" if d.get("rtl") else "ltr"}">']
    if d.get("title"):
        parts.append(f'<h2>{escape(str(d["title"]))}</h2>')
    if d.get("text"):
        parts.append(f'<p class="text">{text_html(str(d["text"]))}</p>')
    return "".join(parts)


def extras_html(t: Translator, m: Stored) -> str:
    """A message's download and map links (its file is served from the session's own inbox)."""
    d = m.data
    parts = []
    if d.get("map"):
        parts.append(f'<p><a href="{escape(str(d["map"]))}" rel="noopener noreferrer">{escape(t.gettext(OPEN_MAP))}'
                     f'{(": " + escape(str(d["place"]))) if d.get("place") else ""}</a></p>')
    if d.get("file"):
        name = str(d["file"].get("name", "file"))
        parts.append(f'<p><a href="{CHAT_PATH}/file?m={m.id}" download>'
                     f'{escape(t.gettext(DOWNLOAD).format(name=name))}</a></p>')
    return "".join(parts)


def options_html(t: Translator, options: Sequence[dict[str, Any]]) -> str:
    """The last message's options: a form of buttons, each posting its payload (it works with scripts off)."""
    buttons = "".join(f'<button type="submit" name="p" value="{escape(str(o["payload"]))}">'
                      f'{escape(str(o["label"]))}</button>' for o in options)
    return (f'<form id="options" method="post" action="{CHAT_PATH}" aria-label="{escape(t.gettext(OPTIONS))}">'
            f'{buttons}</form>')


def chat_page(t: Translator, messages: list[Stored], *, after: int, notice: str = "") -> str:
    """The whole chat: the messages, the last one's options as buttons, a text field, the delete link."""
    _ = t.gettext
    body = [_head(t, _(TITLE)),
            f'<body><main id="chat" data-after="{after}" data-offline="{escape(_(OFFLINE))}" '
            f'data-options="{escape(_(OPTIONS))}" data-download="{escape(_(DOWNLOAD))}" '
            f'data-map="{escape(_(OPEN_MAP))}">',
            f'<h1>{escape(_(TITLE))}</h1>',
            f'<div id="log" role="log" aria-live="polite" aria-label="{escape(_(CONVERSATION))}">']
    for i, m in enumerate(messages):
        body.append(message_html(m, i == len(messages) - 1) + extras_html(t, m) + "</article>")
    body.append("</div>")
    if notice:
        body.append(f'<p class="notice" role="alert">{escape(notice)}</p>')
    body.append(options_html(t, messages[-1].data.get("options", []) if messages else []))
    body.append(
        f'<form id="send" method="post" action="{CHAT_PATH}">'
        f'<label for="text">{escape(_(YOUR_MESSAGE))}</label>'
        '<div class="row"><input id="text" name="text" type="text" maxlength="4096" autocomplete="off" '
        f'required dir="auto"><button type="submit">{escape(_(SEND))}</button></div></form>'
        '<p id="status" role="status"></p>'
        f'<p class="forget"><a href="{FORGET_PATH}">{escape(_(DELETE_CHAT))}</a></p>'
        f'</main><script src="{CHAT_PATH}/chat.js" defer></script></body></html>')
    return "".join(body)


def forget_page(t: Translator) -> str:
    """``/forget``: the question, a button that deletes (a form post), and the way back."""
    _ = t.gettext
    return (_head(t, _(DELETE_CHAT)) + f'<body><main id="forget"><h1>{escape(_(DELETE_CHAT))}</h1>'
            f'<p>{escape(_(DELETE_QUESTION))}</p>'
            f'<form method="post" action="{FORGET_PATH}"><button type="submit" name="confirm" value="yes">'
            f'{escape(_(YES_DELETE))}</button></form>'
            f'<p><a href="{CHAT_PATH}">{escape(_(BACK))}</a></p></main></body></html>')


def forgotten_page(t: Translator, messages: Sequence[Stored] = ()) -> str:
    """After the deletion: what the bot said (if anything), and a link to start again."""
    _ = t.gettext
    said = "".join(message_html(m, False) + "</article>" for m in messages)
    return (_head(t, _(DELETE_CHAT)) + f'<body><main id="forgotten"><h1>{escape(_(TITLE))}</h1>'
            f'<div id="log" role="log" aria-live="polite" aria-label="{escape(_(CONVERSATION))}">{said}'
            f'<p role="status">{escape(_(DELETED))}</p></div>'
            f'<p><a href="{CHAT_PATH}">{escape(_(NEW_CHAT))}</a></p></main></body></html>')
