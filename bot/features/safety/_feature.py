"""The safety check as the engine's :class:`~bot.core.Guard`: emergency help first, whatever else happens.

Every typed text is checked against the staff's rules (``content/safety.yaml``)
before flood control, the language picker, keyword commands and questions.
A match is answered with, in this order: the category's helplines (the first
in international form, so one tap calls it), one or two short sentences in
the user's language, the category's page with **Talk to a person now** (an
urgent ticket to staff), and then the normal answer to the text, if it has
one. A false alarm costs a few lines; a miss can cost a life.

Nothing of the text is stored: the statistics count matches per category and
language (migration ``012_safety.sql``), and the log names the category only.
The help word ("help", "مساعدة", "کمک" …) alone offers urgent help first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.content import ContentTree
from bot.core import Engine, Feature, Handler, Option, Outgoing, Router, Turn
from bot.core._keywords import fold
from bot.features.questions import (
    HANDOFF_NODE,
    Handoff,
    HandoffSettings,
    opening_hours,
    questions_of,
    ticket_label,
)
from bot.features.safety._load import EMERGENCY_TOPIC, load_safety
from bot.features.safety._repository import SAFETY
from bot.features.safety._rules import EMPTY, Hit, SafetyRules
from bot.i18n import DEFAULT_LOCALE, LOCALES, N_, Translator, isolate_ltr
from bot.logs import pseudonym
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger("marhaba.safety")

PAYLOAD_PREFIX = "sos"
"""Buttons: ``sos:talk:<category>:<locale>`` (talk to a person now), ``sos:page:<locale>`` (I need urgent help)."""
REPEAT_TICKET_SECONDS = 600.0
"""A second "Talk to a person now" within this time reuses the first urgent ticket."""
MAX_RECENT = 10_000
"""Recent urgent tickets remembered; older ones are dropped when there are more."""

SENTENCES = {
    "domestic-violence": N_("You are not to blame, and you are not alone. "
                            "If you are in danger now, call: it is free."),
    "sexual-violence": N_("What happened is not your fault. You can call now for free help that stays private."),
    "self-harm": N_("You matter, and you are not alone. Please call now: someone will listen, at any hour, for free."),
    "trafficking": N_("Nobody may keep your passport or force you to work. "
                      "Call for free help that stays private, even without papers."),
    "child-protection": N_("A child in danger must be protected. Call now: it is free and stays private."),
    "threats": N_("If you are in danger now, call. Go to a safe place with other people around you."),
    "medical": N_("Call the emergency number now. Say where you are and what happened."),
}
"""The one or two sentences after the numbers, per category (translated in ``ui.po``)."""

STAFF_SUMMARY = {
    "domestic-violence": N_("violence at home"),
    "sexual-violence": N_("sexual violence"),
    "self-harm": N_("suicide or self-harm"),
    "trafficking": N_("forced labour or a held passport"),
    "child-protection": N_("a child in danger"),
    "threats": N_("threats or stalking"),
    "medical": N_("a medical emergency"),
}
"""How staff see an urgent ticket's category (the person's words are never stored)."""

TALK_NOW = N_("Talk to a person now")
URGENT_HELP = N_("I need urgent help")
HOW_TO_USE = N_("How to use Marhaba")


class SafetyFeature:
    """The engine's guard: checks texts, answers disclosures, opens urgent tickets, offers help first."""

    def __init__(self, engine: Engine, rules: SafetyRules, handoff: HandoffSettings) -> None:
        self.engine = engine
        self.rules = rules
        self.settings = handoff
        self.handoff = Handoff(engine, handoff)
        self._recent: dict[int, tuple[int, float]] = {}
        self.router = Router("safety")
        self.router.set_guard(self)
        self.router.add_payload(PAYLOAD_PREFIX, self.on_payload, before_language=True)
        self.router.wrap_command("help", self.help_command)
        self.router.on_reload(self.stage_reload)

    # -- the guard -------------------------------------------------------------

    def check(self, text: str) -> Hit | None:
        """The category ``text`` discloses, or ``None`` (cheap, no I/O)."""
        return self.rules.check(text)

    def locale_for(self, turn: Turn, hit: Hit) -> str:
        """The user's language when a phrase of it matched; else the language the text was written in."""
        user = turn.user.locale
        fallback = LOCALES[user].fallback if user in LOCALES else ()
        if user and (user in hit.locales or any(f in hit.locales for f in fallback)):
            return user  # Dari (fa_AF) is answered in Dari when a Persian phrase matched
        if hit.locale in self.engine.catalogs.locales or hit.locale in LOCALES:
            return hit.locale
        return user or turn.t.locale

    def first_aid(self, t: Translator, alert: object) -> Outgoing:
        """The numbers to call, then the category's sentences: the first message of every emergency reply."""
        assert isinstance(alert, Hit)
        category = self.rules.categories.get(alert.category)
        numbers = category.helplines if category else ()
        lines = [isolate_ltr(n, t.rtl) for n in numbers]
        sentence = t.gettext(SENTENCES.get(alert.category, SENTENCES["threats"]))
        text = "\n".join(lines) + ("\n\n" if lines else "") + sentence
        return Outgoing(text=text, locale=t.locale, rtl=t.rtl)

    async def respond(self, turn: Turn, alert: object, normal: list[Outgoing]) -> list[Outgoing]:
        """Numbers and sentences, the category's page with "Talk to a person now", then ``normal``."""
        assert isinstance(alert, Hit)
        locale = self.locale_for(turn, alert)
        t = self.engine.catalogs.get(locale)
        await self._count(alert.category, locale)
        log.info("safety: %s disclosure answered (channel=%s user=%s)", alert.category, turn.event.channel,
                 pseudonym(turn.event.channel, turn.event.user_id))
        category = self.rules.categories.get(alert.category)
        messages = [self.first_aid(t, alert)]
        page = self.engine.content.get(category.page) if category else None
        talk = Option("🆘 " + t.gettext(TALK_NOW), f"{PAYLOAD_PREFIX}:talk:{alert.category}:{locale}")
        if page is not None:
            if not normal:
                await self.engine.store.record_visit(turn.user.id, page.id)
            rendered = self.engine.pages.render(page, t, frozenset(), "")
            messages.append(replace(rendered, options=(talk, *rendered.options)))
        else:
            messages[0] = replace(messages[0], options=(talk,))
        return messages + [m for m in normal if page is None or m.node_id != page.id]

    # -- buttons -------------------------------------------------------------------

    async def on_payload(self, turn: Turn) -> list[Outgoing]:
        """``sos:talk:<category>:<locale>`` and ``sos:page:<locale>``."""
        action, _sep, rest = turn.payload.partition(":")
        category, _sep, locale = rest.rpartition(":") if action == "talk" else ("", "", rest)
        await self._adopt_locale(turn, locale)
        if action == "page":
            return await self._emergency_page(turn)
        if action != "talk" or category not in self.rules.categories:
            return await self.engine.stale(turn)
        return await self._talk_now(turn, category)

    async def _adopt_locale(self, turn: Turn, locale: str) -> None:
        """A newcomer in danger who has not chosen a language yet is answered in the one they wrote in."""
        if locale not in LOCALES:
            return
        if turn.user.locale is None:
            await self.engine.store.set_locale(turn.user.id, locale)
        if turn.user.locale is None or turn.user.locale == locale:
            turn.t = self.engine.catalogs.get(locale)

    async def _emergency_page(self, turn: Turn) -> list[Outgoing]:
        page = EMERGENCY_TOPIC if EMERGENCY_TOPIC in self.engine.content else None
        messages = await turn.show(page)
        return [replace(messages[0], options=(self._talk_option(turn.t, "threats"), *messages[0].options)),
                *messages[1:]]

    def _talk_option(self, t: Translator, category: str) -> Option:
        return Option("🆘 " + t.gettext(TALK_NOW), f"{PAYLOAD_PREFIX}:talk:{category}:{t.locale}")

    async def _talk_now(self, turn: Turn, category: str) -> list[Outgoing]:
        _ = turn.t.gettext
        number = self.rules.categories[category].helplines[0]
        if not self.settings.configured:
            return await self._contacts(turn, category, "")
        recent = self._recent.get(turn.user.id)
        now = time.monotonic()
        store = questions_of(self.engine.store)
        if recent and now - recent[1] < REPEAT_TICKET_SECONDS and await store.ticket(recent[0]) is not None:
            ticket = recent[0]
        else:
            staff_t = self.engine.catalogs.get(DEFAULT_LOCALE)
            summary = staff_t.gettext("Safety: {category}. This person asked to talk to someone now.").format(
                category=staff_t.gettext(STAFF_SUMMARY[category]))
            ticket = await store.create_ticket(turn.user.id, turn.t.locale, summary, status="open")
            if not await self.handoff.forward(ticket, turn.t.locale, turn.event.channel, summary, urgent=True):
                return await self._contacts(turn, category,
                                            _("Sorry, our team cannot be reached from here right now."))
            if len(self._recent) > MAX_RECENT:
                self._recent = {k: v for k, v in self._recent.items() if now - v[1] < REPEAT_TICKET_SECONDS}
            self._recent[turn.user.id] = (ticket, now)
            log.warning("safety: urgent ticket %d opened (%s, channel=%s)", ticket, category, turn.event.channel)
        text = "🆘 " + _("Your message went to our team as urgent ({ticket}). A person will write to you here "
                        "as soon as they can.").format(ticket=ticket_label(ticket))
        hours = opening_hours(self.engine.content, turn.t)
        if hours:
            text += "\n" + _("Our team answers during these hours: {hours}.").format(hours=hours)
        text += "\n\n" + _("If you are in danger now, call {number}.").format(number=isolate_ltr(number, turn.t.rtl))
        return [self.engine.text_reply(turn, text, (Option("🏠 " + _("Main menu"), "cmd:menu"),))]

    async def _contacts(self, turn: Turn, category: str, notice: str) -> list[Outgoing]:
        """Without a staff chat (or when it cannot be reached): the numbers, then the team's contact page."""
        first = self.first_aid(turn.t, Hit(category, turn.t.locale))
        page = HANDOFF_NODE if HANDOFF_NODE in self.engine.content else self.rules.categories[category].page
        return [first, *await turn.show(page, notice=notice)]

    # -- help ----------------------------------------------------------------------

    async def help_command(self, turn: Turn, manual: Handler) -> list[Outgoing]:
        """Around the ``help`` command: the help *word* alone offers urgent help first; ``/help`` keeps the
        manual, with the urgent option on top."""
        event = turn.event
        typed_word = event.payload is None and event.command is None and not (event.text or "").lstrip().startswith("/")
        if typed_word:
            return self._help_choice(turn, event.text or "")
        messages = await manual(turn)
        urgent = Option("🆘 " + turn.t.gettext(URGENT_HELP), f"{PAYLOAD_PREFIX}:page:{turn.t.locale}")
        return [replace(messages[0], options=(urgent, *messages[0].options)), *messages[1:]] if messages else []

    def _help_choice(self, turn: Turn, word: str) -> list[Outgoing]:
        t = turn.t
        if turn.user.locale is None:
            t = self.engine.catalogs.get(self._keyword_locale(word) or t.locale)
        _ = t.gettext
        return [Outgoing(text=_("How can I help you?"), options=(
            Option("🆘 " + _(URGENT_HELP), f"{PAYLOAD_PREFIX}:page:{t.locale}"),
            Option("❓ " + _(HOW_TO_USE), "cmd:help"),
        ), locale=t.locale, rtl=t.rtl)]

    def _keyword_locale(self, word: str) -> str | None:
        """The language whose help word ``word`` is (a newcomer who has not chosen one is answered in it)."""
        folded = fold(word)
        for code, table in self.engine.keywords.by_locale.items():
            if table.get(folded) == "help":
                return code
        return None

    # -- live reload and statistics ---------------------------------------------

    def stage_reload(self, content_dir: Path, tree: ContentTree) -> Callable[[], None]:
        """Load and check the rules against ``tree`` (raises :class:`ContentError`); the returned callable
        swaps them in (live reload: nothing changes until every feature's files are good)."""
        rules, _warnings = load_safety(content_dir, tree)

        def apply() -> None:
            self.rules = rules if rules.categories else EMPTY

        return apply

    async def _count(self, category: str, locale: str) -> None:
        await self.engine.store.repository(SAFETY).count(category, locale)


async def safety_counts(store: Store) -> dict[str, dict[str, int]]:
    """Matches per category and language, for ``marhaba stats`` (empty when the table is missing)."""
    return await store.repository(SAFETY).counts()


def setup(engine: Engine, settings: Settings) -> SafetyFeature:
    """Load the rules (raising :class:`ContentError` when invalid); the feature is the engine's guard."""
    rules, warnings = load_safety(settings.content_dir, engine.content)
    for warning in warnings:
        log.warning("%s", warning)
    return SafetyFeature(engine, rules if rules.categories else EMPTY, HandoffSettings.for_engine(engine, settings))


async def _stats(store: Any, content: ContentTree, now: float) -> dict[str, Any]:
    return {"safety": await safety_counts(store)}


FEATURE = Feature("safety", setup, stats=_stats)
"""The safety feature: checks every typed text first, so it comes first in the feature list."""
