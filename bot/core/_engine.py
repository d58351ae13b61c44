"""The dispatcher: one incoming event in, a list of outgoing messages out.

The engine knows no messaging platform. Channels turn platform updates into
:class:`Incoming` events and send the :class:`Outgoing` messages back.
Features (events, questions, staff tools) plug in by registering commands,
payload prefixes and a free-text handler, so that this module stays small.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bot.content import ROOT_ID, ContentTree, Node
from bot.core._delivery import Sender
from bot.core._events import MAX_PAYLOAD_BYTES, Incoming, Option, Outgoing
from bot.core._flood import FloodControl, Verdict
from bot.core._keywords import Keywords
from bot.core._render import MAIN_MENU, node_option, node_title, render_node, ui_option
from bot.errors import UserChanged
from bot.i18n import (
    DEFAULT_LOCALE,
    LOCALES,
    N_,
    Catalogs,
    Translator,
    negotiate,
    negotiate_all,
    normalize,
)
from bot.logs import pseudonym, safe_traceback
from bot.store import Store, User

log = logging.getLogger("marhaba.engine")

MAX_TEXT_CHARS = 4096
"""Longer messages are cut to this before they are processed."""

Handler = Callable[["Turn"], Awaitable[list[Outgoing]]]

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# A typed option number, or something that looks like one but presses nothing: "-1", "0", "1.5", "12abc".
_NUMBER_LIKE = re.compile(r"[+\-\u2212]?\d+(?:[.,]\d+)*[^\W\d_]*")


def clean_text(text: str) -> str:
    """Make untrusted text safe to process: valid Unicode, no control or bidi-override characters.

    Text made only of invisible characters (zero-width spaces, joiners, marks) is empty.
    """
    if not text:
        return ""
    text = text.encode("utf-8", "replace").decode("utf-8")[: MAX_TEXT_CHARS * 2]
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text):
        return ""
    return text.strip()[:MAX_TEXT_CHARS]


class Guard(Protocol):
    """A check of every typed text that runs before anything else: before flood control silences a
    user, before the first-contact language picker, keyword commands and free-text handlers.

    The safety feature (:mod:`bot.features.safety`) is one. :meth:`check` must be cheap and do no I/O; an
    alert it returns reaches :meth:`respond` with the messages the turn would have had without it.
    """

    def check(self, text: str) -> object | None:
        """An alert about ``text`` (e.g. a safety category), or ``None``."""

    async def respond(self, turn: Turn, alert: object, normal: list[Outgoing]) -> list[Outgoing]:
        """The reply to an alerted turn; ``normal`` is empty when the user is silenced by flood control."""

    def first_aid(self, t: Translator, alert: object) -> Outgoing:
        """A reply to the alert that needs no database (sent when the turn itself failed)."""


class Pending(enum.StrEnum):
    """The engine's markers in a user's pending state (``User.pending``; features keep theirs); stored as is."""

    FORGET = "forget"
    """ "Delete everything stored about you?" was asked: a "yes" deletes."""


ESSENTIAL_COMMANDS = frozenset({"start", "forget"})
"""Answered even during a flood-control cool-down (a person who wants out, or to begin again)."""


def typed_number(text: str) -> str | None:
    """``text`` as a typed option number in ASCII digits ("٣" -> "3"), or ``None`` when it does not look like one.

    What looks like a number but is not a whole positive one ("-1", "1.5", "12abc") comes back as
    typed (digits folded), so the caller can say there is no such option instead of searching it.
    """
    candidate = normalize(text).strip().rstrip(".)")
    return candidate if _NUMBER_LIKE.fullmatch(candidate) else None


@dataclass
class Command:
    name: str
    handler: Handler
    description: str
    staff_only: bool = False
    hidden: bool = False


@dataclass
class Turn:
    """Everything a handler needs for one turn of one user."""

    engine: Engine
    event: Incoming
    user: User
    t: Translator
    args: str = ""
    payload: str = ""
    alert: object | None = None
    """What the :class:`Guard` found in this turn's text (a safety category), if anything."""

    @property
    def content(self) -> ContentTree:
        return self.engine.content

    @property
    def is_staff(self) -> bool:
        return self.engine.is_staff(self.event.channel, self.event.user_id)

    async def show(self, node_id: str | None, *, notice: str = "") -> list[Outgoing]:
        """Open a node (the root when it is missing), record the visit, render it."""
        return await self.engine.show(self, node_id, notice=notice)

    async def current(self, *, notice: str = "") -> list[Outgoing]:
        """Show the node the user is on (the nearest existing one)."""
        return await self.show(self.engine.current_node_id(self.user), notice=notice)


class RenderedPages:
    """Rendered nodes of one content tree, kept for reuse.

    A page depends only on the node, the translator, which of the node's own
    steps are done, and the notice above it; every user of a locale sees the
    same main menu, so most turns find their page here instead of rendering.
    A reload (new content or catalogs) starts a new, empty cache.
    """

    SIZE = 4096

    def __init__(self, content: ContentTree, catalogs: Catalogs) -> None:
        self.content = content
        self.catalogs = catalogs
        self._steps: dict[str, frozenset[str]] = {}
        self._pages: OrderedDict[tuple[object, ...], tuple[Translator, Outgoing]] = OrderedDict()

    def steps_shown(self, node: Node) -> frozenset[str]:
        """The steps whose state ``node``'s page shows: itself and its children."""
        steps = self._steps.get(node.id)
        if steps is None:
            nodes = self.content.nodes
            steps = self._steps[node.id] = frozenset(
                n for n in (node.id, *node.children) if nodes[n].step)
        return steps

    def render(self, node: Node, t: Translator, done: frozenset[str], notice: str) -> Outgoing:
        content = self.content
        return self.cached((node.id, done, notice), t, lambda: render_node(content, node, t, set(done), notice=notice))

    def cached(self, key: tuple[object, ...], t: Translator, make: Callable[[], Outgoing]) -> Outgoing:
        """The message ``make()`` builds for ``key`` in ``t``'s locale, built once."""
        full = (*key, id(t))
        hit = self._pages.get(full)
        if hit is not None and hit[0] is t:
            return hit[1]
        page = make()
        self._pages[full] = (t, page)  # keeping t alive keeps id(t) unique
        if len(self._pages) > self.SIZE:
            self._pages.popitem(last=False)
        return page


@dataclass
class Engine:
    """The conversation engine. Swap :attr:`content` or :attr:`catalogs` to reload."""

    content: ContentTree
    catalogs: Catalogs
    store: Store
    staff: frozenset[tuple[str, str]] = frozenset()
    commands: dict[str, Command] = field(default_factory=dict)
    payloads: dict[str, Handler] = field(default_factory=dict)
    text_handlers: list[Handler] = field(default_factory=list)
    senders: dict[str, Sender] = field(default_factory=dict)
    """Channels register a :class:`Sender` here, so features can message users outside a turn."""
    flood: FloodControl = field(default_factory=FloodControl)
    """Per-user token buckets, checked before a turn takes a lock or touches the store.

    Off by default; :func:`bot.app.open_engine` sets the configured limits."""
    guard: Guard | None = None
    """Checks every typed text first (the safety check); see :class:`Guard`."""
    before_language: set[str] = field(default_factory=lambda: {"lang"})
    """Payload prefixes answered before a new user has chosen a language (a feature adds its urgent ones)."""
    word_channels: set[str] = field(default_factory=set)
    """Channels without slash commands (WhatsApp): their help lists the typed words instead."""
    extensions: dict[str, object] = field(default_factory=dict)
    """Feature objects by name, so that a feature's background job finds what its ``install`` made."""
    retired: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Node ids that left the tree in a reload -> their old path from the root (see :meth:`swap`)."""
    _locks: dict[tuple[str, str], list[Any]] = field(default_factory=dict, repr=False)
    _pages: RenderedPages | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        c = self.add_command
        c("start", self._cmd_start, N_("Start, or continue where you left off"))
        c("menu", self._cmd_menu, N_("Main menu"))
        c("back", self._cmd_back, N_("Go back one step"))
        c("language", self._cmd_language, N_("Change the language"))
        c("progress", self._cmd_progress, N_("See your progress"))
        c("help", self._cmd_help, N_("How to use this bot"))
        c("forget", self._cmd_forget, N_("Delete everything stored about you"))
        for prefix, handler in (
            ("n", self._pl_node), ("lang", self._pl_language), ("step", self._pl_step), ("undo", self._pl_step),
            ("cmd", self._pl_command), ("forget", self._pl_forget),
        ):
            self.payloads[prefix] = handler

    # -- extension points -------------------------------------------------

    def add_command(self, name: str, handler: Handler, description: str, *, staff_only: bool = False,
                    hidden: bool = False) -> None:
        """Register ``/name``. ``description`` is an English source string marked with ``N_``."""
        self.commands[name] = Command(name, handler, description, staff_only, hidden)

    def add_payload(self, prefix: str, handler: Handler, *, before_language: bool = False) -> None:
        """Register a handler for button payloads ``prefix:...``.

        ``before_language`` lets the payload through before the user has chosen
        a language (a channel's paging of the language picker); the handler
        must then cope with ``turn.user.locale`` being ``None``.
        """
        self.payloads[prefix] = handler
        if before_language:
            self.before_language.add(prefix)

    def add_text_handler(self, handler: Handler) -> None:
        """Register a handler for free text; the first that returns messages wins."""
        self.text_handlers.append(handler)

    def swap(self, content: ContentTree | None = None, catalogs: Catalogs | None = None) -> None:
        """Serve new content and/or catalogs from the next read on (live reload).

        The swap has no ``await`` in it, so every turn sees either the old or the
        new objects. For each node that disappeared, its old ancestor chain is
        kept, so a user who was on it is taken to the nearest surviving parent.
        """
        if content is not None:
            old = self.content
            for node_id in old.nodes.keys() - content.nodes.keys():
                self.retired[node_id] = (*(n.id for n in old.ancestors(node_id)), node_id)
            for node_id in content.nodes.keys() & self.retired.keys():
                del self.retired[node_id]
            self.content = content
        if catalogs is not None:
            self.catalogs = catalogs

    def is_staff(self, channel: str, user_id: str) -> bool:
        return (channel, user_id) in self.staff

    def public_commands(self) -> list[Command]:
        return [c for c in self.commands.values() if not c.staff_only and not c.hidden]

    # -- the turn ---------------------------------------------------------

    async def handle(self, event: Incoming) -> list[Outgoing]:
        """Answer one event. Never raises for bad input: a user gets a message, not an error.

        A user who floods gets one notice and then nothing (``[]``) for a
        while; their messages cost neither a lock nor a database read. The
        :attr:`guard` looks at the text first: a silenced user's safety
        disclosure is still answered (at most once a minute), and so are
        ``/start`` and ``/forget``.
        """
        key = (event.channel, event.user_id)
        alert = self._alert(event)
        # Buttons and /commands (Telegram makes every /command in a message tappable) are taps.
        tap = event.payload is not None or event.command is not None or (event.text or "").lstrip().startswith("/")
        verdict = self.flood.check(key, tap=tap)
        if verdict is not Verdict.ALLOW:
            if alert is not None and self.flood.urgent(key):
                return await self._in_order(key, event, alert, silenced=True)
            if self._essential(event) and self.flood.essential(key):
                return await self._in_order(key, event, None)
            return await self._flooded(event) if verdict is Verdict.NOTICE else []
        return await self._in_order(key, event, alert)

    def _alert(self, event: Incoming) -> object | None:
        if self.guard is None or event.text is None or event.payload is not None or self.is_staff(
                event.channel, event.user_id):
            return None
        try:
            return self.guard.check(clean_text(event.text))
        except Exception as exc:  # a broken guard must not silence the bot; the turn goes on unguarded
            log.error("guard failed (channel=%s): %s", event.channel, safe_traceback(exc))
            return None

    def _essential(self, event: Incoming) -> bool:
        if event.payload is not None:
            return event.payload in ("cmd:start", "cmd:forget") or event.payload.startswith("forget:")
        command = (event.command or "").strip().lstrip("/").lower()
        if not command and event.text:
            text = clean_text(event.text)
            command = text[1:].partition(" ")[0].lower() if text.startswith("/") else self.keyword_command(text)
        return command in ESSENTIAL_COMMANDS

    async def _in_order(self, key: tuple[str, str], event: Incoming, alert: object | None, *,
                        silenced: bool = False) -> list[Outgoing]:
        # One user's turns run in order; different users run concurrently.
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                return await self._answer(event, alert, silenced)
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                self._locks.pop(key, None)

    async def _answer(self, event: Incoming, alert: object | None = None, silenced: bool = False) -> list[Outgoing]:
        try:
            try:
                return await self._turn(event, alert, silenced)
            except UserChanged:
                # The user changed under us (deleted by a retention purge): read again, once. Any other
                # store error (the database unavailable, a refused write) would fail again: not re-run.
                return await self._turn(event, alert, silenced)
        except Exception as exc:
            log.error("turn failed (channel=%s user=%s): %s", event.channel,
                      pseudonym(event.channel, event.user_id), safe_traceback(exc))
        t = self.catalogs.get(negotiate(event.language_hint) or DEFAULT_LOCALE)
        _ = t.gettext
        sorry = self._text(t, _("Sorry, something went wrong on our side. Please try again."),
                           (Option("🏠 " + _("Main menu"), "cmd:menu"),))
        if alert is not None and self.guard is not None:
            return [self.guard.first_aid(t, alert), sorry]
        return [sorry]

    async def _turn(self, event: Incoming, alert: object | None = None, silenced: bool = False) -> list[Outgoing]:
        if _is_empty(event):
            # Nothing was said: no reason to store a new user (a stray Enter after /forget made one).
            known = await self.store.get_user(event.channel, event.user_id)
            if known is None:
                t = self.catalogs.get(negotiate(event.language_hint) or DEFAULT_LOCALE)
                return self.language_picker(Turn(self, event, _nobody(event), t), first_contact=True)
        user = await self.store.get_or_create_user(event.channel, event.user_id)
        t = self.catalogs.get(user.locale or negotiate(event.language_hint) or DEFAULT_LOCALE)
        turn = Turn(self, event, user, t, alert=alert)
        if alert is not None and self.guard is not None:
            normal = [] if silenced else await self._dispatch(turn)
            return await self.guard.respond(turn, alert, normal)
        return await self._dispatch(turn)

    async def _flooded(self, event: Incoming) -> list[Outgoing]:
        log.info("flood control: user %s silenced for %.0f s (channel=%s)",
                 pseudonym(event.channel, event.user_id), self.flood.limits.cooldown_seconds, event.channel)
        try:
            user = await self.store.get_user(event.channel, event.user_id)
        except Exception:  # a notice in the hinted language is better than none
            user = None
        t = self.catalogs.get((user.locale if user else None) or negotiate(event.language_hint) or DEFAULT_LOCALE)
        # A new message, never an edit of the menu the user pressed: its buttons must stay.
        return [replace(self._text(t, t.gettext(FLOOD_NOTICE)), keep_menu=True)]

    async def _dispatch(self, turn: Turn) -> list[Outgoing]:
        event, user = turn.event, turn.user
        payload = (event.payload or "")
        if len(payload.encode("utf-8", "replace")) > MAX_PAYLOAD_BYTES:
            payload = "invalid:"
        command = (event.command or "").strip().lstrip("/").lower()[:32]
        args = clean_text(event.args or "")
        text = clean_text(event.text or "") if event.text is not None else ""
        if not command and text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            command, args = command.lower()[:32], args.strip()
            text = ""
        if not command and not payload and text:
            command = self.keyword_command(text, user.locale)
        if command == "start" and args:  # a deep link (t.me/<bot>?start=..., wa.me/...?text=/start ...)
            link = parse_deep_link(args, self.content)
            if link is not None:
                return await self._open_link(turn, *link)
        # Staff (a staff group chat too) answer tickets; they are never asked to pick a language first.
        if user.locale is None and payload.partition(":")[0] not in self.before_language and not turn.is_staff:
            if command == "forget":
                return await self._cmd_forget(turn)
            if command == "help" and not payload:  # "help" may be a plea: its answer offers urgent help first
                return await self.commands["help"].handler(turn)
            return self.language_picker(turn, first_contact=True)
        if payload:
            prefix, _, rest = payload.partition(":")
            handler = self.payloads.get(prefix)
            if handler is None:
                return await self.stale(turn)
            turn.payload = rest
            return await handler(turn)
        # A typed number presses an option, unless a feature waits for this user's text (a question for a person).
        feature_waits = bool(user.pending) and user.pending != Pending.FORGET
        if not command and text and not feature_waits and (number := typed_number(text)) is not None:
            return await self._press_number(turn, number)
        if command:
            cmd = self.commands.get(command)
            if cmd is None or (cmd.staff_only and not turn.is_staff):
                return await self.unknown_command(turn)
            turn.args = args
            return await cmd.handler(turn)
        if not text:
            _ = turn.t.gettext
            return await turn.current(notice=_("Your message was empty. Choose an option below."))
        for handler in self.text_handlers:
            turn.args = text
            out = await handler(turn)
            if out:
                return out
        if turn.alert is not None:
            return []  # the guard answers; never "I did not understand" to a person who may be in danger
        _ = turn.t.gettext
        return await turn.current(notice=_("Sorry, I did not understand. Choose an option below, or send /help."))

    # -- helpers used by handlers -----------------------------------------

    @property
    def pages(self) -> RenderedPages:
        """Rendered messages of the current content, reused across users (new after a reload)."""
        if self._pages is None or self._pages.content is not self.content or self._pages.catalogs is not self.catalogs:
            self._pages = RenderedPages(self.content, self.catalogs)
        return self._pages

    def current_node_id(self, user: User) -> str:
        node_id = user.current_node
        if node_id and node_id in self.content:
            return node_id
        if not node_id:
            return ROOT_ID
        return self.content.nearest_existing(list(self.retired.get(node_id, (ROOT_ID, node_id))))

    async def show(self, turn: Turn, node_id: str | None, *, notice: str = "") -> list[Outgoing]:
        pages = self.pages  # the node, its page and the tree it renders from stay one version across a reload
        node = pages.content.get(node_id) or pages.content.root
        await self.store.record_visit(turn.user.id, node.id)
        steps = pages.steps_shown(node)
        done = steps & await self.store.steps_done(turn.user.id) if steps else frozenset()
        return [pages.render(node, turn.t, done, notice)]

    @staticmethod
    def _text(t: Translator, text: str, options: tuple[Option, ...] = ()) -> Outgoing:
        return Outgoing(text=text, options=options, locale=t.locale, rtl=t.rtl)

    def text_reply(self, turn: Turn, text: str, options: tuple[Option, ...] = ()) -> Outgoing:
        """A plain message in the user's locale, with optional buttons."""
        return self._text(turn.t, text, options)

    async def stale(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        return await turn.current(notice=_("This menu is out of date. Here is the current one."))

    async def unknown_command(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        return await turn.current(notice=_("I do not know that command. Send /help to see what I can do."))

    def keyword_command(self, text: str, locale: str | None = None) -> str:
        """A typed word that means a command in any shipped language ("menu", "منو", "GERİ", ...)."""
        return self.keywords.command(text, locale)

    @property
    def keywords(self) -> Keywords:
        """The typed command words of the current catalogs (rebuilt after a reload)."""
        cache = getattr(self, "_keyword_cache", None)
        if cache is None or cache.catalogs is not self.catalogs:
            cache = self._keyword_cache = Keywords(self.catalogs)
        return cache

    async def _press_number(self, turn: Turn, number: str) -> list[Outgoing]:
        """A typed number presses that option of the page the user is on (also after a restart)."""
        pages = self.pages
        node = pages.content.get(self.current_node_id(turn.user)) or pages.content.root
        steps = pages.steps_shown(node)
        done = steps & await self.store.steps_done(turn.user.id) if steps else frozenset()
        options = pages.render(node, turn.t, done, "").options
        if number.isdigit() and 1 <= int(number) <= len(options):
            pressed = Incoming(turn.event.channel, turn.event.user_id, payload=options[int(number) - 1].payload,
                               language_hint=turn.event.language_hint)
            return await self._dispatch(Turn(self, pressed, turn.user, turn.t))
        _ = turn.t.gettext
        return await turn.show(node.id, notice=_("There is no option {number}. Type a number from 1 to {last}.").format(
            number=turn.t.numerals(number), last=turn.t.number(len(options))))

    def language_picker(self, turn: Turn, *, first_contact: bool = False, then: str = "") -> list[Outgoing]:
        """The language picker: every language in its own script, the user's and the hinted ones first.

        ``then`` is a page to open once the language is chosen (a deep link's).
        """
        hinted = negotiate_all(turn.event.language_hint)
        preferred = turn.user.locale or (hinted[0] if hinted else None)
        likely = tuple(c for c in hinted if c != preferred)
        return [self.pages.cached(("/language", preferred, likely, first_contact, then), turn.t,
                                  lambda: self._language_picker(turn.t, preferred, likely, first_contact, then))]

    def _language_picker(self, t: Translator, preferred: str | None, likely: tuple[str, ...],
                         first_contact: bool, then: str = "") -> Outgoing:
        first = [c for c in (preferred, *likely) if c in LOCALES]
        codes = first + [c for c in LOCALES if c not in first]
        suffix = f":{then}" if then else ""  # the page to open once the language is chosen
        options = tuple(
            Option(("✓ " if code == preferred else "") + LOCALES[code].native_name, f"lang:{code}{suffix}")
            for code in codes
        )
        if first_contact:
            # Greet in every language: a newcomer may read only their own.
            lines = []
            for code in codes:
                line = self.catalogs.get(code).gettext("Welcome! Please choose your language.")
                if line not in lines:
                    lines.append(line)
            text = "\n".join(lines)
        else:
            text = t.gettext("Choose your language.")
        # Language names are short: a grid where the channel has one; a list cut into pages says
        # "more languages" on its last row (its description names the languages that follow).
        extra = {"columns": "2", "more": "🌐 " + t.gettext(MORE_LANGUAGES)}
        return Outgoing(text=text, options=options, locale=t.locale, rtl=t.rtl, extra=extra)

    # -- commands ---------------------------------------------------------

    async def _cmd_start(self, turn: Turn) -> list[Outgoing]:
        current = self.current_node_id(turn.user)
        if current != ROOT_ID:
            _ = turn.t.gettext
            node = self.content.nodes[current]
            title = node_title(node, turn.t)
            return [self.text_reply(turn, _("Welcome back! Do you want to continue where you left off?"), (
                # TRANSLATORS: a button; WhatsApp shows at most 18 characters with the title. A shorter form may follow ||.
                replace(ui_option(turn.t, "▶ ", N_("Continue: {title}"), f"n:{current}", title=title),
                        short_label="▶ " + (node_option(node, turn.t).short_label or title)),
                ui_option(turn.t, "🏠 ", MAIN_MENU, "cmd:menu"),
                # TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||.
                ui_option(turn.t, "🌐 ", N_("Change language"), "cmd:language"),
            ))]
        return await turn.show(ROOT_ID)

    async def _open_link(self, turn: Turn, node_id: str, locale: str | None) -> list[Outgoing]:
        """Open a deep link's page, in its language when it names one.

        Without a language, a newcomer first picks one (the picker's buttons
        carry the page, so nothing is stored for it) and then sees the page.
        """
        if locale is not None:
            await self.store.set_locale(turn.user.id, locale)
            turn.t = self.catalogs.get(locale)
        elif turn.user.locale is None:
            return self.language_picker(turn, first_contact=True, then=node_id)
        return await turn.show(node_id)

    async def _cmd_menu(self, turn: Turn) -> list[Outgoing]:
        return await turn.show(ROOT_ID)

    async def _cmd_back(self, turn: Turn) -> list[Outgoing]:
        node = self.content.get(self.current_node_id(turn.user))
        return await turn.show(node.parent if node and node.parent else ROOT_ID)

    async def _cmd_language(self, turn: Turn) -> list[Outgoing]:
        return self.language_picker(turn)

    async def _cmd_help(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        lines = [_("I help you find your way in the city. Choose a topic from the menu, or write your question."), ""]
        words = turn.event.channel in self.word_channels
        for cmd in self.public_commands():
            word = self.keywords.first_word(cmd.name, turn.t.locale) if words else ""
            lines.append(f"{word or '/' + cmd.name} — {_(cmd.description)}")
        return [self.text_reply(turn, "\n".join(lines), (Option("🏠 " + _("Main menu"), "cmd:menu"),))]

    async def _cmd_progress(self, turn: Turn) -> list[Outgoing]:
        done = await self.store.steps_done(turn.user.id)
        visited = await self.store.visited(turn.user.id)
        content = self.content
        counts = tuple((sum(1 for s in content.steps(topic.id) if s.id in done),
                        len(content.subtree_ids(topic.id) & visited)) for topic in content.topics)
        todo = tuple(s.id for topic in content.topics for s in content.steps(topic.id) if s.id not in done)[:3]
        # Many users share the same counts: the message is built once per locale and counts.
        return [self.pages.cached(("/progress", counts, todo), turn.t,
                                  lambda: self._progress_message(turn.t, counts, todo))]

    def _progress_message(self, t: Translator, counts: tuple[tuple[int, int], ...], todo: tuple[str, ...]) -> Outgoing:
        _ = t.gettext
        lines = []
        total_steps = total_done = 0
        for topic, (n_done, seen) in zip(self.content.topics, counts, strict=True):
            steps = self.content.steps(topic.id)
            total_steps += len(steps)
            total_done += n_done
            mark = "✅" if steps and n_done == len(steps) else "▫️"
            parts = []
            if steps:
                parts.append(t.ngettext("{done} of {total} step done", "{done} of {total} steps done", len(steps))
                             .format(done=t.number(n_done), total=t.number(len(steps))))
            parts.append(_("{percent} read").format(
                percent=t.percent(seen / len(self.content.subtree_ids(topic.id)))))
            lines.append(f"{mark} {node_title(topic, t)}: {t.join(parts)}")
        header = _("Your progress: {done} of {total} checklist steps done.").format(
            done=t.number(total_done), total=t.number(total_steps))
        options = tuple(node_option(self.content.nodes[s], t, prefix="☐ ") for s in todo)
        options += (Option("🏠 " + _("Main menu"), "cmd:menu"),)
        return self._text(t, header + "\n\n" + "\n".join(lines), options)

    async def _cmd_forget(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        await self.store.set_pending(turn.user.id, Pending.FORGET)
        return [self.text_reply(turn, _(
            "This deletes everything stored about you: your language, your progress, your subscriptions and your questions. "
            "It cannot be undone. Delete everything?"), (
            # TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||.
            ui_option(turn.t, "🗑 ", N_("Yes, delete everything"), "forget:yes"),
            # TRANSLATORS: a button; WhatsApp shows at most 20 characters. A shorter form may follow ||.
            ui_option(turn.t, "", N_("No, keep my data"), "forget:no"),
        ))]

    # -- payloads ---------------------------------------------------------

    async def _pl_node(self, turn: Turn) -> list[Outgoing]:
        if turn.payload not in self.content:
            return await self.stale(turn)
        return await turn.show(turn.payload)

    async def _pl_language(self, turn: Turn) -> list[Outgoing]:
        code_text, _, then = turn.payload.partition(":")
        code = negotiate(code_text)
        if code is None or code not in LOCALES:
            return self.language_picker(turn, first_contact=turn.user.locale is None)
        await self.store.set_locale(turn.user.id, code)
        turn.t = self.catalogs.get(code)
        return await turn.show(then if then in self.content else ROOT_ID)

    async def _pl_step(self, turn: Turn) -> list[Outgoing]:
        node = self.content.get(turn.payload)
        if node is None or not node.step:
            return await self.stale(turn)
        done = turn.event.payload.startswith("step:") if turn.event.payload else False
        await self.store.set_step(turn.user.id, node.id, done)
        _ = turn.t.gettext
        notice = ("✅ " + _("Well done! This step is marked as done.")) if done else _("This step is marked as not done.")
        return await turn.show(node.id, notice=notice)

    async def _pl_command(self, turn: Turn) -> list[Outgoing]:
        cmd = self.commands.get(turn.payload)
        if cmd is None or (cmd.staff_only and not turn.is_staff):
            return await self.stale(turn)
        return await cmd.handler(turn)

    async def _pl_forget(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        if turn.payload == "yes" and turn.user.pending == Pending.FORGET:
            await self.store.forget(turn.user.id)
            log.info("user data deleted on request (channel=%s user=%s)", turn.event.channel,
                     pseudonym(turn.event.channel, turn.event.user_id))
            return [self.text_reply(turn, _("Everything stored about you has been deleted. "
                                            "Send /start if you want to begin again."))]
        if turn.payload == "yes":
            return await self._cmd_forget(turn)
        await self.store.set_pending(turn.user.id, None)
        return await turn.current(notice=_("Nothing was deleted."))


# TRANSLATORS: the row of the language list that shows the other languages; at most 16 characters.
MORE_LANGUAGES = N_("More languages")
"""The row of a paged language picker that shows the next languages (WhatsApp: at most 24 characters)."""


DEEP_LINK = re.compile(r"^([a-z0-9-]{1,40})(?:_([A-Za-z]{2,3}(?:_[A-Za-z]{2})?))?$")
"""A deep-link payload: a node id, optionally ``_`` and a language (``health-card_ar``, ``jobs_fa_AF``).

Telegram allows ``A-Z a-z 0-9 _ -`` in a start parameter, at most 64 characters."""


def parse_deep_link(payload: str, content: ContentTree) -> tuple[str, str | None] | None:
    """The node and language a deep link names; ``None`` when it names no node or no shipped language."""
    match = DEEP_LINK.match(payload.strip())
    if match is None or match[1] not in content:
        return None
    if match[2] is None:
        return match[1], None
    locale = negotiate(match[2])
    return (match[1], locale) if locale in LOCALES else None


def deep_link_payload(node_id: str, locale: str | None = None) -> str:
    """The payload that :func:`parse_deep_link` reads back: ``node`` or ``node_locale``."""
    return f"{node_id}_{locale}" if locale else node_id


def _is_empty(event: Incoming) -> bool:
    return not event.payload and not (event.command or "").strip() and not clean_text(event.text or "")


def _nobody(event: Incoming) -> User:
    """A user who is not stored: someone the bot has not met, for an answer that stores nothing."""
    return User(id=0, channel=event.channel, channel_user_id=event.user_id, locale=None, current_node=None,
                pending=None, created_at=0.0, last_seen=0.0, active=True, is_new=True)


FLOOD_NOTICE = N_("You are sending messages very fast. Please wait a minute, then try again.")
"""Sent once when a user's flood-control bucket runs out (see :mod:`bot.core._flood`)."""

