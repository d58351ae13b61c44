"""Telegram updates in, core events out; core messages in, Bot API calls out.

This module is the translator between python-telegram-bot and the engine. It
keeps every message within Telegram's limits by construction: text split at
4096 characters, callback data at most 64 bytes, all text HTML-escaped.

Navigation reads like this in a chat: a button press replaces the pressed
menu message in place when the answer is one plain message; when it is more
(a long page, a map point) the old menu loses its buttons and the answer
arrives as new messages. Either way only the newest message carries a menu.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import logging
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.channels._text import split_text, utf16_length
from bot.core import (
    Blocked,
    Document,
    Incoming,
    Option,
    Outgoing,
    Place,
    RetryLater,
    RetryPolicy,
    Undeliverable,
    retrying,
)

log = logging.getLogger("marhaba.telegram")

CHANNEL = "telegram"

MAX_MESSAGE_CHARS = 4096
"""sendMessage/editMessageText text: "1-4096 characters after entities parsing"
(https://core.telegram.org/bots/api#sendmessage); Telegram counts UTF-16 code units."""

MAX_CALLBACK_DATA_BYTES = 64
"""InlineKeyboardButton.callback_data: "1-64 bytes" (https://core.telegram.org/bots/api#inlinekeyboardbutton)."""

MAX_BUTTON_LABEL_CHARS = 64
"""Telegram documents no limit for button text, but clients cut long labels; ours, for readable menus."""

NETWORK_RETRY_SECONDS = 5.0
"""What a caller outside a turn is told to wait after a network failure."""

EMPTY_TEXT = "⬇️"
"""Telegram rejects empty text; a message that is only buttons shows this."""

_NOT_MODIFIED = "message is not modified"
T = TypeVar("T")


# -- update -> event ---------------------------------------------------------


def _no_staff_chat(chat_id: str) -> bool:
    return False


def to_incoming(update: Update, is_staff_chat: Callable[[str], bool] = _no_staff_chat) -> Incoming | None:
    """The core event an update means, or ``None`` for updates the bot ignores.

    Private chats are served. In a group, a menu for one person would be
    noise for everyone else, so groups are ignored, except a staff chat
    (``is_staff_chat(chat id)``), where commands and replies to the bot's own
    messages (answers to forwarded tickets) reach the engine as the chat's
    events. Commands (``/start@MarhabaBot args``) are split into name and
    arguments; any callback data, even forged, becomes a payload the engine
    answers (unknown ones with "this menu is out of date").
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    staff_chat = chat.type != ChatType.PRIVATE and is_staff_chat(str(chat.id))
    if chat.type != ChatType.PRIVATE and not staff_chat:
        return None
    user_id, hint = str(chat.id), user.language_code
    query = update.callback_query
    if query is not None:
        data = query.data if isinstance(query.data, str) and query.data else INVALID_PAYLOAD
        return Incoming(CHANNEL, user_id, payload=data, language_hint=hint)
    message = update.message
    if message is None:
        return None
    text = message.text or message.caption or ""
    replied = message.reply_to_message
    reply_to = (replied.text or replied.caption or "") if replied is not None and replied.from_user is not None \
        and replied.from_user.is_bot else None
    entity = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    if message.text and entity is not None:
        name = text[1:entity.length].partition("@")[0]
        return Incoming(CHANNEL, user_id, command=name, args=text[entity.length:].strip(), language_hint=hint)
    if staff_chat and reply_to is None:
        return None  # staff talking among themselves
    return Incoming(CHANNEL, user_id, text=text, language_hint=hint, reply_to=reply_to)


INVALID_PAYLOAD = "invalid:"
"""A payload no handler knows: the engine answers it with "this menu is out of date" and the current menu."""


def callback_data(payload: str) -> str:
    """``payload`` as callback data, which Telegram limits to 64 bytes.

    Engine payloads fit by construction (node ids are at most 40 ASCII
    characters); the engine refuses longer ones, so a feature's over-long
    payload becomes a button that shows the current menu, and a log line.
    """
    if 0 < len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
        return payload
    log.warning("button payload over %d bytes replaced (prefix '%s')", MAX_CALLBACK_DATA_BYTES,
                payload.partition(":")[0][:16])
    return INVALID_PAYLOAD


# -- messages -> Bot API calls ------------------------------------------------


@dataclass(frozen=True)
class TextPart:
    """One sendMessage: HTML text and maybe the menu."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class PlacePart:
    """One sendVenue (or sendLocation when the place has no name and address)."""

    place: Place


@dataclass(frozen=True)
class DocumentPart:
    """One sendDocument (an event's calendar file)."""

    document: Document


Part = TextPart | PlacePart | DocumentPart


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_BUTTON_LABEL_CHARS else text[: MAX_BUTTON_LABEL_CHARS - 1] + "…"


MAX_GRID_COLUMNS = 3
"""Buttons side by side on a row when a message asks for a grid: more would cut labels on a phone."""


def keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    """The options as an inline keyboard, one button a row (labels in any script stay whole).

    A message with short labels may ask for ``columns`` (the language picker:
    15 names in 8 rows rather than 15).
    """
    if not message.options:
        return None
    return _keyboard(message.options, max(1, min(message.columns, MAX_GRID_COLUMNS)))


class _SerializedOnce:
    """A PTB object whose JSON form is computed once.

    PTB turns every object argument into a dict on every request (``to_dict``),
    which for a menu of ten buttons cost more than the rest of an update's Bot
    API call. Our keyboards and link-preview options are immutable and shared,
    so their dict is built once, when they are made (bench/bench_telegram.py).
    """

    __slots__ = ()

    def _serialize_once(self) -> None:
        with self._unfrozen():  # type: ignore[attr-defined]
            self._as_dict = super().to_dict()  # type: ignore[misc]

    def to_dict(self, recursive: bool = True) -> dict:
        if not recursive:
            return super().to_dict(recursive)  # type: ignore[misc]
        return dict(self._as_dict)


class Keyboard(_SerializedOnce, InlineKeyboardMarkup):
    __slots__ = ("_as_dict",)

    def __init__(self, rows: list[list[InlineKeyboardButton]]) -> None:
        super().__init__(rows)
        self._serialize_once()


class NoPreview(_SerializedOnce, LinkPreviewOptions):
    __slots__ = ("_as_dict",)

    def __init__(self) -> None:
        super().__init__(is_disabled=True)
        self._serialize_once()


@functools.lru_cache(maxsize=4096)
def _keyboard(options: tuple[Option, ...], columns: int = 1) -> InlineKeyboardMarkup:
    # Menus repeat (every user sees the same main menu per language) and PTB's
    # objects are immutable, so building each keyboard once is safe and saves
    # a good part of the adapter's time per update (bench/bench_telegram.py).
    buttons = [InlineKeyboardButton(_label(o.label), callback_data=callback_data(o.payload)) for o in options]
    return Keyboard([buttons[i:i + columns] for i in range(0, len(buttons), columns)])


def text_parts(message: Outgoing) -> list[str]:
    """The message as HTML parts, each at most 4096 characters once Telegram strips the tags."""
    plain = message.full_text
    parts = split_text(plain, MAX_MESSAGE_CHARS, utf16_length) or [EMPTY_TEXT]
    out = []
    for index, part in enumerate(parts):
        if index == 0 and message.title and part.startswith(message.title):
            out.append(f"<b>{_escape(message.title)}</b>{_escape(part[len(message.title):])}")
        else:
            out.append(_escape(part))
    return out


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def plan(messages: list[Outgoing]) -> list[Part]:
    """The Bot API calls for a reply, in order; each message's menu rides on its last text part.

    A file and a map point go before the text, so the menu stays at the bottom of the chat.
    """
    return [part for message in messages for part in _message_parts(message)]


_PLANNED: OrderedDict[int, tuple[Outgoing, tuple[Part, ...]]] = OrderedDict()
_PLANNED_SIZE = 2048


def _message_parts(message: Outgoing) -> tuple[Part, ...]:
    # The engine reuses its rendered content pages across users, so the same message object
    # comes back again and again: their parts are kept by identity (the entry keeps the
    # message alive, so its id cannot be reused by another object). Only content pages:
    # a message written for one person (a staff answer) is not kept after it is sent.
    if message.node_id is None:
        return _plan_message(message)
    hit = _PLANNED.get(id(message))
    if hit is not None and hit[0] is message:
        return hit[1]
    parts = _PLANNED[id(message)] = (message, _plan_message(message))
    if len(_PLANNED) > _PLANNED_SIZE:
        _PLANNED.popitem(last=False)
    return parts[1]


def _plan_message(message: Outgoing) -> tuple[Part, ...]:
    parts: list[Part] = []
    if message.document is not None:
        parts.append(DocumentPart(message.document))
    if message.location is not None:
        parts.append(PlacePart(message.location))
    texts = text_parts(message)
    parts.extend(TextPart(t) for t in texts[:-1])
    parts.append(TextPart(texts[-1], keyboard(message)))
    return tuple(parts)


async def _flood_control(make: Callable[[], Awaitable[T]]) -> T:
    """One Bot API call; Telegram's flood control (429) as the core's :class:`RetryLater`."""
    try:
        return await make()
    except RetryAfter as exc:
        raise RetryLater(retry_seconds(exc)) from None


def retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whichever type this PTB version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Delivery:
    """Sends core messages to one chat with a :class:`telegram.Bot`.

    Flood control (429 RetryAfter) is honoured by waiting and retrying while
    the total wait stays within ``max_wait`` seconds; beyond that, and for
    other failures, it raises the core's typed delivery errors.
    """

    def __init__(self, bot: Bot, *, max_wait: float = 60.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.bot = bot
        self.max_wait = max_wait
        self._sleep = sleep
        self._preview = NoPreview()

    async def send(self, chat_id: int, messages: list[Outgoing], *,
                   replace: Message | None = None) -> list[tuple[int, Outgoing]]:
        """Send ``messages``; with ``replace`` (the pressed menu message), edit it in place when possible.

        Returns the id of each text message sent or edited, with the message it shows.
        """
        planned = [(message, part) for message in messages for part in _message_parts(message)]
        if replace is not None:
            if (len(planned) == 1 and isinstance(planned[0][1], TextPart)
                    and await self._edit(chat_id, replace, planned[0][1])):
                return [(replace.message_id, planned[0][0])]
            if replace.reply_markup is not None:
                await self._drop_keyboard(chat_id, replace)
        shown = []
        for message, part in planned:
            sent = await self._send_part(chat_id, part)
            if sent is not None:
                shown.append((sent.message_id, message))
        return shown

    async def _send_part(self, chat_id: int, part: Part) -> Message | None:
        """Send one part; the sent message when it is text (what a reaction may answer)."""
        if isinstance(part, TextPart):
            return await self.call(lambda: self.bot.send_message(
                chat_id, part.html, parse_mode=ParseMode.HTML, reply_markup=part.keyboard,
                link_preview_options=self._preview))
        if isinstance(part, DocumentPart):
            doc = part.document
            await self.call(lambda: self.bot.send_document(
                chat_id, InputFile(doc.data, filename=doc.filename), disable_content_type_detection=True))
            return None
        place = part.place
        if place.name and place.address:
            await self.call(lambda: self.bot.send_venue(
                chat_id, latitude=place.lat, longitude=place.lon, title=place.name, address=place.address))
        else:
            await self.call(lambda: self.bot.send_location(chat_id, latitude=place.lat, longitude=place.lon))
        return None

    async def _edit(self, chat_id: int, message: Message, part: TextPart) -> bool:
        try:
            await self.call(lambda: self.bot.edit_message_text(
                part.html, chat_id=chat_id, message_id=message.message_id, parse_mode=ParseMode.HTML,
                reply_markup=part.keyboard, link_preview_options=self._preview))
        except Undeliverable as exc:
            # A double tap gives the same text ("not modified"): nothing to do.
            # Anything else (a map message, a deleted one): send a new message instead.
            return _NOT_MODIFIED in exc.reason.lower()
        return True

    async def _drop_keyboard(self, chat_id: int, message: Message) -> None:
        # An old menu that keeps its buttons still works: its payloads are checked.
        with contextlib.suppress(Undeliverable):
            await self.call(lambda: self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message.message_id, reply_markup=None))

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run one Bot API call, waiting out flood control; map failures to delivery errors."""
        try:
            return await retrying(lambda: _flood_control(make), RetryPolicy(self.max_wait), sleep=self._sleep,
                                  channel="Telegram")
        except Forbidden:
            raise Blocked("the user blocked the bot or deleted their account") from None
        except BadRequest as exc:
            raise Undeliverable(exc.message) from None
        except NetworkError:
            raise RetryLater(NETWORK_RETRY_SECONDS) from None
        except TelegramError as exc:
            raise Undeliverable(type(exc).__name__) from None
