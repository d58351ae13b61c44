"""Free text as questions: the engine's text handler, the ``q:`` buttons and the staff ``/reply`` command.

Any text that is not a command or an option is a question. The best node in
the user's language is shown as usual (it counts as a visit), with the next
best matches as extra options. When the content does not explain the question
well enough, the bot says so, shows the closest topics and offers a person.
A question written in another served language is answered from that
language's content, with an offer to switch.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import replace
from typing import Any

from bot.content import ContentTree
from bot.core import (
    MAIN_MENU,
    Engine,
    Feature,
    Handler,
    Option,
    Outgoing,
    Router,
    Turn,
    node_option,
    ui_option,
)
from bot.features.privacy import (
    DEFAULT_QUESTION_RETENTION_DAYS,
    UNSENT_QUESTION_DAYS,
    RetentionRule,
    when_table,
)
from bot.features.questions._handoff import (
    HANDOFF_NODE,
    REPLY_DESCRIPTION,
    Handoff,
    HandoffSettings,
    opening_hours,
    ticket_in,
    ticket_label,
)
from bot.features.questions._index import Match, QuestionIndex
from bot.features.questions._rank import Ranking, rank
from bot.features.questions._store import (
    MAX_QUESTION_CHARS,
    PENDING_OFFER,
    QuestionRepository,
    close_unsent,
    purge_tickets,
    purge_unanswered,
    questions_of,
)
from bot.features.usage import record_handoff, record_question
from bot.i18n import LOCALES, N_, Translator
from bot.settings import Settings

log = logging.getLogger("marhaba.questions")

PAYLOAD_PREFIX = "q"
"""Buttons of this feature: ``q:ask`` (write a question for a person), ``q:ask:offer`` (send the question the
bot just could not answer)."""


class Pending(enum.StrEnum):
    """This feature's markers in the user's pending state (``User.pending``); the values are what is stored."""

    ASK = "q:ask"
    """While the bot waits for a question to pass to a person."""
    OFFER = PENDING_OFFER
    """A prefix: ``q:offer:<locale>:<question>`` while "Ask a person" is offered (see ``PENDING_OFFER``)."""
    SENT = "q:sent:"
    """A prefix: ``q:sent:<ticket>`` after the offer was sent, so a second tap says it is with the team."""

OFFER = "offer"
RELATED_OPTIONS = 3
"""Besides the best node, this many other matches are offered (the issue asks for two or three)."""
PURGE_EVERY_SECONDS = 3600.0
"""Old question texts are purged at most this often, when a new unanswered question is recorded."""
_NAV_PAYLOADS = ("cmd:back", "cmd:menu")

# TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||.
_ASK = N_("Ask a person")


class QuestionFeature:
    """Answers free-text questions from the content and hands the rest to staff."""

    def __init__(self, engine: Engine, settings: HandoffSettings) -> None:
        self.engine = engine
        self.settings = settings
        self.handoff = Handoff(engine, settings)
        self._index: QuestionIndex | None = None
        self._last_purge = 0.0
        self.router = r = Router("questions")
        r.add_text_handler(self.on_text)
        r.add_payload(PAYLOAD_PREFIX, self.on_payload)
        r.wrap_payload("n", self.on_node)
        r.add_command("reply", self.cmd_reply, REPLY_DESCRIPTION, staff_only=True)

    def index(self) -> QuestionIndex:
        """The index of the engine's current content and catalogs, rebuilt when either is swapped."""
        index = self._index
        if index is None or index.content is not self.engine.content or index.catalogs is not self.engine.catalogs:
            index = self._index = QuestionIndex(self.engine.content, self.engine.catalogs)
        return index

    def store(self) -> QuestionRepository:
        return questions_of(self.engine.store)

    # -- text ------------------------------------------------------------------

    async def on_text(self, turn: Turn) -> list[Outgoing]:
        """The engine's free-text handler."""
        text = turn.args
        if turn.is_staff and turn.event.reply_to is not None:
            return await self._staff_reply(turn, turn.event.reply_to, text)
        if turn.user.pending == Pending.ASK:
            await self.engine.store.set_pending(turn.user.id, None)
            return await self._send_to_staff(turn, text)
        ranking = rank(self.index(), text, turn.t.locale, limit=RELATED_OPTIONS + 2)
        await record_question(self.engine.store, turn.t.locale, answered=ranking.confident)
        if not ranking.confident:
            if turn.alert is not None:
                return []  # a safety disclosure: emergency help answers it, never "not sure", and it is not kept
            return await self._not_sure(turn, text, ranking)
        return await self._answer(turn, ranking)

    async def _answer(self, turn: Turn, ranking: Ranking) -> list[Outgoing]:
        assert ranking.best is not None
        other_language = ranking.locale != turn.t.locale and ranking.locale in LOCALES
        if other_language:
            turn.t = self.engine.catalogs.get(ranking.locale)
        messages = await turn.show(ranking.best.node)
        extra = [node_option(self.engine.content.nodes[m.node], turn.t, prefix="🔎 ")
                 for m in _related(self.engine.content, ranking)]
        if ranking.best.node == HANDOFF_NODE and self.settings.configured:
            extra.append(self._ask_option(turn.t, ""))
        if other_language:
            _ = turn.t.gettext
            # TRANSLATORS: a button; WhatsApp shows at most 18 characters with the language. A shorter form may follow ||.
            extra.append(ui_option(turn.t, "🌐 ", N_("Switch to {language}"), f"lang:{ranking.locale}",
                                   language=LOCALES[ranking.locale].native_name))
        return [_with_options(messages[0], extra), *messages[1:]] if messages else messages

    async def _not_sure(self, turn: Turn, text: str, ranking: Ranking) -> list[Outgoing]:
        _ = turn.t.gettext
        await self._record_unanswered(turn.user.id, text, ranking.locale)
        if ranking.locale != turn.t.locale:
            turn.t = self.engine.catalogs.get(ranking.locale)
            _ = turn.t.gettext
        options = [node_option(self.engine.content.nodes[m.node], turn.t, prefix="🔎 ")
                   for m in _distinct(self.engine.content, ranking)[:RELATED_OPTIONS]]
        if self.settings.configured:
            await self.engine.store.set_pending(turn.user.id, f"{Pending.OFFER}{ranking.locale}:"
                                                + text[:MAX_QUESTION_CHARS])
            options.append(self._ask_option(turn.t, OFFER))
        else:
            # TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||.
            options.append(ui_option(turn.t, "🙋 ", N_("Talk to a person"), f"n:{HANDOFF_NODE}"))
        options.append(ui_option(turn.t, "🏠 ", MAIN_MENU, "cmd:menu"))
        if len(options) > 2:
            message = _("Sorry, I am not sure I understood. These topics may help. You can also ask a person.")
        else:
            message = _("Sorry, I did not find an answer to this. You can ask a person.")
        return [Outgoing(text=message, options=tuple(options), locale=turn.t.locale, rtl=turn.t.rtl)]

    async def _record_unanswered(self, user_id: int, text: str, locale: str) -> None:
        store = self.store()
        await store.record_unanswered(user_id, text, locale)
        now = time.time()
        keep = self.settings.retention_seconds
        if keep is not None and now - self._last_purge > PURGE_EVERY_SECONDS:
            self._last_purge = now
            await store.purge_unanswered(keep, now)
            await store.purge_tickets(keep, now)

    @staticmethod
    def _ask_option(t: Translator, ticket: str) -> Option:
        return ui_option(t, "🙋 ", _ASK, f"{PAYLOAD_PREFIX}:ask" + (f":{ticket}" if ticket else ""))

    # -- handoff ---------------------------------------------------------------

    async def on_payload(self, turn: Turn) -> list[Outgoing]:
        """``q:ask`` and ``q:ask:offer`` (``q:ask:<ticket>`` from older menus)."""
        action, _sep, rest = turn.payload.partition(":")
        if action != "ask":
            return await self.engine.stale(turn)
        if turn.user.current_node != HANDOFF_NODE:  # counted already when that page was opened
            await record_handoff(self.engine.store, turn.user.current_node)
        if not self.settings.configured:
            return await self._contacts(turn)
        pending = turn.user.pending or ""
        if rest == OFFER and pending.startswith(Pending.OFFER):
            locale, _sep, question = pending.removeprefix(Pending.OFFER).partition(":")
            return await self._send_to_staff(turn, question, locale if locale in LOCALES else turn.t.locale)
        if rest == OFFER and pending.startswith(Pending.SENT) and pending.removeprefix(Pending.SENT).isdigit():
            return await self._confirmation(turn, int(pending.removeprefix(Pending.SENT)), already=True)
        if rest.isdigit():
            ticket = await self.store().ticket(int(rest))
            if ticket is None or ticket.user_id != turn.user.id or ticket.status == "draft":
                return await self.engine.stale(turn)
            return await self._confirmation(turn, ticket.id, already=True)
        if rest not in ("", OFFER):
            return await self.engine.stale(turn)
        # "Ask a person" from a page, or an offer that closed meanwhile: ask for the question.
        _ = turn.t.gettext
        await self.engine.store.set_pending(turn.user.id, Pending.ASK)
        return [self.engine.text_reply(turn, _("Write your question in one message. A person from our team "
                                               "will answer you here."),
                                       # TRANSLATORS: a button; at most 20 characters on WhatsApp.
                                       (ui_option(turn.t, "", N_("Cancel"), "cmd:menu"),))]

    async def _send_to_staff(self, turn: Turn, text: str, locale: str | None = None) -> list[Outgoing]:
        """Make the ticket (only now: the person asked for it) and forward it; a ticket staff never got is
        deleted, so nothing of the question is kept for it."""
        if not self.settings.configured:
            return await self._contacts(turn)
        locale = locale or turn.t.locale
        store = self.store()
        ticket = await store.create_ticket(turn.user.id, locale, text)
        if not await self.handoff.forward(ticket, locale, turn.event.channel, text):
            await store.delete_ticket(ticket)
            _ = turn.t.gettext
            return await self._contacts(turn, notice=_("Sorry, our team cannot be reached from here right now."))
        await store.set_status(ticket, "open")
        await self.engine.store.set_pending(turn.user.id, f"{Pending.SENT}{ticket}")
        return await self._confirmation(turn, ticket)

    async def _confirmation(self, turn: Turn, ticket: int, *, already: bool = False) -> list[Outgoing]:
        _ = turn.t.gettext
        text = (_("Your question {ticket} is already with our team.") if already
                else _("Thank you. Your question was sent to our team ({ticket}).")).format(ticket=ticket_label(ticket))
        hours = opening_hours(self.engine.content, turn.t)
        text += "\n" + (_("A person will answer you here during our opening hours: {hours}.").format(hours=hours)
                        if hours else _("A person will answer you here as soon as possible."))
        return [self.engine.text_reply(turn, text, (Option("🏠 " + _("Main menu"), "cmd:menu"),))]

    async def _contacts(self, turn: Turn, notice: str = "") -> list[Outgoing]:
        if HANDOFF_NODE in self.engine.content:
            return await turn.show(HANDOFF_NODE, notice=notice)
        return await turn.current(notice=notice)

    async def on_node(self, turn: Turn, show_node: Handler) -> list[Outgoing]:
        """Opening the "talk to a person" node offers to ask a person when staff are configured."""
        if turn.payload == HANDOFF_NODE and turn.user.current_node != HANDOFF_NODE:
            await record_handoff(self.engine.store, turn.user.current_node)
        messages = await show_node(turn)
        if turn.payload == HANDOFF_NODE and self.settings.configured and messages:
            messages = [_with_options(messages[0], [self._ask_option(turn.t, "")]), *messages[1:]]
        return messages

    # -- staff -----------------------------------------------------------------

    async def cmd_reply(self, turn: Turn) -> list[Outgoing]:
        """``/reply NUMBER answer`` (staff only)."""
        number, _sep, answer = turn.args.strip().lstrip("#").partition(" ")
        _ = turn.t.gettext
        if not number.isdigit() or len(number) > 12:
            return [self.engine.text_reply(turn, _("Write it like this: /reply NUMBER your answer."))]
        return [self.engine.text_reply(turn, await self.handoff.relay(turn.t, int(number), answer))]

    async def _staff_reply(self, turn: Turn, replied: str, answer: str) -> list[Outgoing]:
        _ = turn.t.gettext
        ticket = ticket_in(replied)
        if ticket is None:
            return [self.engine.text_reply(turn, _("Reply to a question message, or send /reply NUMBER "
                                                   "and your answer."))]
        return [self.engine.text_reply(turn, await self.handoff.relay(turn.t, ticket, answer))]


def _distinct(content: ContentTree, ranking: Ranking) -> list[Match]:
    """Matches without repeats of the same node (a ranking never repeats, but keep it explicit)."""
    seen: set[str] = set()
    out = []
    for m in ranking.matches:
        if m.node not in seen and m.node in content:
            seen.add(m.node)
            out.append(m)
    return out


def _related(content: ContentTree, ranking: Ranking) -> list[Match]:
    """The next best matches, without the best node's own children (already its options)."""
    best = content.nodes[ranking.matches[0].node]
    shown = {best.id, *best.children, *best.see_also}
    return [m for m in _distinct(content, ranking)[1:] if m.node not in shown][:RELATED_OPTIONS]


def _with_options(message: Outgoing, extra: list[Option]) -> Outgoing:
    """``message`` with ``extra`` options before its Back / Main menu buttons."""
    if not extra:
        return message
    options = list(message.options)
    at = next((i for i, o in enumerate(options) if o.payload in _NAV_PAYLOADS), len(options))
    return replace(message, options=tuple(options[:at] + extra + options[at:]))


def setup(engine: Engine, settings: Settings) -> QuestionFeature:
    """Free-text questions, the ``q:`` buttons and ``/reply``.

    A staff chat (``MARHABA_STAFF_CHAT``, on the channel whose profile takes one) becomes a staff identity,
    so its commands and replies to forwarded tickets reach the engine.
    """
    handoff = HandoffSettings.for_engine(engine, settings)
    if handoff.staff_chat and handoff.staff_channel:
        engine.staff = engine.staff | {(handoff.staff_channel, handoff.staff_chat)}
    return QuestionFeature(engine, handoff)


RETENTION = (
    RetentionRule("unanswered questions", "MARHABA_QUESTION_RETENTION_DAYS", DEFAULT_QUESTION_RETENTION_DAYS,
                  when_table("unanswered_questions", purge_unanswered),
                  ("unanswered_questions",), "the wording of questions the content did not answer, after the "
                  "last time that person asked it"),
    RetentionRule("tickets", "MARHABA_QUESTION_RETENTION_DAYS", DEFAULT_QUESTION_RETENTION_DAYS,
                  when_table("question_tickets", purge_tickets),
                  ("question_tickets",), "questions sent to staff, after their last answer or change"),
    RetentionRule("unsent questions", None, UNSENT_QUESTION_DAYS, when_table("users", close_unsent),
                  ("users.pending",), "the text of an open \"Ask a person\" offer nobody pressed"),
)
"""What this feature keeps about people, and for how long (``marhaba privacy``)."""


def _cli(subparsers: Any, features: Any) -> None:
    from bot.features.questions._cli import register_cli

    register_cli(subparsers)


FEATURE = Feature("questions", setup, retention=RETENTION, cli=_cli, cli_order=30)
"""The questions feature: its text handler answers what no other feature took."""
