"""Handing a question to a person: staff settings, forwarding tickets, relaying staff replies."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.content import ContentTree
from bot.core import Blocked, DeliveryError, Engine, Option, Outgoing, OutsideWindow, mark_blocked
from bot.errors import ConfigError
from bot.features.questions._store import QuestionRepository, questions_of
from bot.i18n import DEFAULT_LOCALE, LOCALES, N_, Translator, content_context
from bot.settings import DAY_SECONDS, RETENTION_DEFAULTS, Settings

log = logging.getLogger("marhaba.questions")

HANDOFF_NODE = "concerns-talk-to-person"
"""The content node with the team's contacts: shown when no staff chat is configured."""
HOURS_NODES = (HANDOFF_NODE, "community-centers")
"""Where the opening hours staff answer in are read from, first found wins."""

DEFAULT_RETENTION_DAYS = RETENTION_DEFAULTS["MARHABA_QUESTION_RETENTION_DAYS"]
"""Unanswered questions and tickets are kept a month unless MARHABA_QUESTION_RETENTION_DAYS says otherwise."""

_TICKET_RE = re.compile(r"#(\d{1,12})\b")


@dataclass(frozen=True)
class HandoffSettings:
    """Where questions for a person go: a Telegram staff chat and/or staff users, and how long texts are kept
    (``retention_seconds`` is ``None`` when they are kept for ever: ``MARHABA_QUESTION_RETENTION_DAYS=0``)."""

    staff_chat: str | None = None
    staff_channel: str | None = None
    """The channel :attr:`staff_chat` is on: the registered channel whose profile says ``staff_chat``."""
    staff: frozenset[tuple[str, str]] = frozenset()
    retention_seconds: float | None = DEFAULT_RETENTION_DAYS * DAY_SECONDS

    @property
    def configured(self) -> bool:
        return bool(self.staff_chat or self.staff)

    def recipients(self) -> list[tuple[str, str]]:
        """(channel, id) pairs a ticket is forwarded to: the staff chat first, then staff users."""
        out = [(self.staff_channel, self.staff_chat)] if self.staff_chat and self.staff_channel else []
        return out + sorted(self.staff)

    @classmethod
    def for_engine(cls, engine: Engine, settings: Settings) -> HandoffSettings:
        """:meth:`from_settings` with the staff chat on the engine's channel that takes one (Telegram's)."""
        channel = next((name for name, p in engine.channels.items() if p.staff_chat), None)
        handoff = cls.from_settings(settings, channel)
        if handoff.staff_chat and channel is None:
            raise ConfigError("MARHABA_STAFF_CHAT is set, but no channel that takes a staff chat is registered")
        return handoff

    @classmethod
    def from_settings(cls, settings: Settings, staff_channel: str | None = None) -> HandoffSettings:
        """``MARHABA_STAFF_CHAT``, ``MARHABA_STAFF`` and ``MARHABA_QUESTION_RETENTION_DAYS``, as parsed in settings.

        ``staff_channel`` is the channel the staff chat is on (see :attr:`staff_channel`).
        """
        return cls(staff_chat=settings.questions.staff_chat, staff_channel=staff_channel, staff=settings.staff,
                   retention_seconds=settings.retention.max_age_seconds("MARHABA_QUESTION_RETENTION_DAYS"))


def ticket_label(ticket_id: int) -> str:
    """How a ticket number is written everywhere: ``#42``."""
    return f"#{ticket_id}"


def ticket_in(text: str) -> int | None:
    """The ticket number a staff message names (``#42``, or a bare ``42`` at its start), if any."""
    found = _TICKET_RE.search(text)
    if found:
        return int(found.group(1))
    first = text.strip().split(maxsplit=1)
    return int(first[0]) if first and first[0].isdigit() and len(first[0]) <= 12 else None


def opening_hours(content: ContentTree, t: Translator) -> str:
    """When staff answer, from the content, in the user's language; empty if the content does not say."""
    for node_id in HOURS_NODES:
        node = content.get(node_id)
        if node is not None and node.details and node.details.hours:
            return t.content(content_context(node.id, "hours"), node.details.hours)
    return ""


def staff_message(t: Translator, ticket_id: int, locale: str, channel: str, question: str, *,
                  urgent: bool = False) -> Outgoing:
    """The forwarded question as staff see it: number, language, channel, the text, how to answer.

    An ``urgent`` ticket (a person who may be in danger) says so first, in capitals."""
    _ = t.gettext
    language = LOCALES[locale].native_name if locale in LOCALES else locale
    head = _("Question {ticket} · {language} ({code}) · {channel}").format(
        ticket=ticket_label(ticket_id), language=language, code=locale, channel=channel)

    how = _("Reply to this message to answer, or send /reply {number} and your answer.").format(number=ticket_id)
    mark = "🚨 " + _("URGENT") + " · " if urgent else "🎫 "
    return Outgoing(text=f"{mark}{head}\n\n{question}\n\n{how}", locale=t.locale, rtl=t.rtl)


class Handoff:
    """Forwards tickets to staff and relays their answers to the newcomer's channel."""

    def __init__(self, engine: Engine, settings: HandoffSettings) -> None:
        self.engine = engine
        self.settings = settings

    def store(self) -> QuestionRepository:
        return questions_of(self.engine.store)

    async def forward(self, ticket_id: int, locale: str, channel: str, question: str, *,
                      urgent: bool = False) -> bool:
        """Send the ticket to every staff recipient; ``True`` when at least one received it."""
        t = self.engine.catalogs.get(DEFAULT_LOCALE)
        message = staff_message(t, ticket_id, locale, channel, question, urgent=urgent)
        delivered = False
        for staff_channel, staff_id in self.settings.recipients():
            sender = self.engine.senders.get(staff_channel)
            if sender is None:
                continue
            try:
                await sender.send(staff_id, [message])
                delivered = True
            except DeliveryError as exc:
                log.warning("ticket %d not delivered to a staff recipient on %s (%s)", ticket_id, staff_channel,
                            type(exc).__name__)
        return delivered

    async def relay(self, staff_t: Translator, ticket_id: int, answer: str) -> str:
        """Send a staff answer to the newcomer; the sentence to tell staff how it went."""
        _ = staff_t.gettext
        store = self.store()
        ticket = await store.ticket(ticket_id)
        if ticket is None or ticket.status == "draft":
            return await self._closed(staff_t, ticket_id)
        if not answer.strip():
            return _("Write the answer after the number: /reply {number} your answer.").format(number=ticket_id)
        user = await self.engine.store.get_user(ticket.channel, ticket.channel_user_id)
        if user is None or user.id != ticket.user_id:
            # The ticket's own person only: never whoever holds that channel id now.
            return await self._closed(staff_t, ticket_id)
        t = self.engine.catalogs.get(user.locale if user and user.locale else ticket.locale)
        sender = self.engine.senders.get(ticket.channel)
        if sender is None:
            return _("Not delivered: the {channel} channel is not running.").format(channel=ticket.channel)
        nt = t.gettext
        message = Outgoing(
            text="💬 " + nt("Answer from our team to your question {ticket}:").format(ticket=ticket_label(ticket_id))
            + "\n\n" + answer.strip(),
            options=(Option("🏠 " + nt("Main menu"), "cmd:menu"),), locale=t.locale, rtl=t.rtl)
        try:
            await sender.send(ticket.channel_user_id, [message])
        except OutsideWindow:
            # TRANSLATORS: to staff; {channel} is the channel's name (whatsapp, messenger).
            return _("Not delivered ({channel}): we can answer only within 24 hours of the person's last "
                     "message.").format(channel=ticket.channel)
        except Blocked:
            await mark_blocked(self.engine.store, ticket.channel, ticket.channel_user_id)
            return _("Not delivered: the person blocked the bot or deleted their account.")
        except DeliveryError:
            return _("Not delivered now. Please try again later.")
        await store.set_status(ticket_id, "answered")
        log.info("staff answer to ticket %d relayed on %s", ticket_id, ticket.channel)
        return "✅ " + _("Sent to the person who asked {ticket}.").format(ticket=ticket_label(ticket_id))


    async def _closed(self, staff_t: Translator, ticket_id: int) -> str:
        """What staff are told when a ticket cannot be answered; nothing is sent to anyone."""
        _ = staff_t.gettext
        reason = await self.store().closed_reason(ticket_id)
        label = ticket_label(ticket_id)
        if reason == "forgotten":
            return "🔒 " + _("Ticket {ticket} is closed: the person asked us to delete their data. "
                            "Nothing was sent.").format(ticket=label)
        if reason == "expired":
            return "🔒 " + _("Ticket {ticket} is closed: it was deleted after the retention period. "
                            "Nothing was sent.").format(ticket=label)
        return _("There is no open question {ticket}.").format(ticket=label)


REPLY_DESCRIPTION = N_("Answer a question: /reply NUMBER answer")
