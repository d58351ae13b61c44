"""The dispatcher: one incoming event in, a list of outgoing messages out.

The engine knows no messaging platform. Channels turn platform updates into
:class:`Incoming` events and send the :class:`Outgoing` messages back.
Features (events, questions, staff tools) plug in by registering commands,
payload prefixes and a free-text handler, so that this module stays small.
"""

from __future__ import annotations

import enum
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from bot.content import ROOT_ID, ContentTree, Node
from bot.core._channel import FALLBACK_PROFILE, ChannelProfile
from bot.core._conversation import Deliver, Isolation, deliver_reply
from bot.core._delivery import Sender
from bot.core._events import MAX_PAYLOAD_BYTES, Incoming, Option, Outgoing
from bot.core._flood import FloodControl, Verdict
from bot.core._keywords import Keywords
from bot.core._render import render_node
from bot.core._router import Command, Handler, Reactions, Router, Unit
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

if TYPE_CHECKING:
    from bot.core._feature import Feature

log = logging.getLogger("marhaba.engine")

MAX_TEXT_CHARS = 4096
"""Longer messages are cut to this before they are processed."""


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


def typed_number(text: str) -> str | None:
    """``text`` as a typed option number in ASCII digits ("٣" -> "3"), or ``None`` when it does not look like one.

    What looks like a number but is not a whole positive one ("-1", "1.5", "12abc") comes back as
    typed (digits folded), so the caller can say there is no such option instead of searching it.
    """
    candidate = normalize(text).strip().rstrip(".)")
    return candidate if _NUMBER_LIKE.fullmatch(candidate) else None


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
    senders: dict[str, Sender] = field(default_factory=dict)
    """Channels register a :class:`Sender` here, so features can message users outside a turn."""
    flood: FloodControl = field(default_factory=FloodControl)
    """Per-user token buckets, checked before a turn takes a lock or touches the store.

    Off by default; :func:`bot.app.open_engine` sets the configured limits."""
    channels: dict[str, ChannelProfile] = field(default_factory=dict)
    """The registered channels' limits and traits by name (set by the application from the registry)."""
    features: Sequence[Feature] = ()
    """The features to set up now (in this order); more can be added with :meth:`add_feature`."""
    settings: Any = None
    """What the features' ``setup`` is given (:class:`bot.settings.Settings`)."""
    router: Router = field(default_factory=lambda: Router("application"))
    """Every feature's handlers, included in feature order (see :mod:`bot.core._router`)."""
    retired: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Node ids that left the tree in a reload -> their old path from the root (see :meth:`swap`)."""
    isolation: Isolation = field(default_factory=Isolation, repr=False)
    """One lock per user: a turn and the sending of its replies run before that user's next turn."""
    _pages: RenderedPages | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.isolation.across is None:  # one user's turns in order across the workers of one database
            self.isolation.across = self._user_lock
        features, self.features = tuple(self.features), ()
        for feature in features:
            self.add_feature(feature, self.settings)

    def _user_lock(self, key: Hashable) -> AbstractAsyncContextManager[object] | None:
        """The store's lock on the user ``key`` names (``(channel, user id)``), if it keeps one."""
        if isinstance(key, tuple) and len(key) == 2:
            return self.store.user_lock(*key)
        return None

    # -- extension points -------------------------------------------------

    def add_feature(self, feature: Feature, settings: Any = None) -> Unit | None:
        """Set up ``feature`` on this engine and include its router; what its ``setup`` returned.

        Raises :class:`~bot.core.DuplicateHandler` when it registers a command, payload prefix or
        guard another feature has.
        """
        unit = feature.setup(self, self.settings if settings is None else settings) if feature.setup else None
        if unit is not None:
            self.router.include(unit.router)
        self.features = (*self.features, feature)
        return unit

    @property
    def commands(self) -> dict[str, Command]:
        return self.router.commands

    @property
    def payloads(self) -> dict[str, Handler]:
        return self.router.payloads

    @property
    def text_handlers(self) -> list[Handler]:
        return self.router.text_handlers

    @property
    def guard(self) -> Guard | None:
        """Checks every typed text first (the safety check); see :class:`Guard`."""
        return self.router.guard

    @property
    def before_language(self) -> set[str]:
        """Payload prefixes handled before a user has chosen a language; anything else gets the picker."""
        return self.router.before_language

    @property
    def reactions(self) -> Reactions | None:
        """What counts reactions to sent pages (the feedback feature), or ``None``."""
        return self.router.reactions

    def add_command(self, name: str, handler: Handler, description: str, *, staff_only: bool = False,
                    hidden: bool = False) -> None:
        """Register ``/name`` on the engine's own router (a channel's, or a test's); duplicates are refused."""
        self.router.add_command(name, handler, description, staff_only=staff_only, hidden=hidden)

    def add_payload(self, prefix: str, handler: Handler, *, before_language: bool = False) -> None:
        """Register a handler for button payloads ``prefix:...`` (see :meth:`Router.add_payload`)."""
        self.router.add_payload(prefix, handler, before_language=before_language)

    def add_text_handler(self, handler: Handler) -> None:
        """Register a handler for free text, after the features' ones."""
        self.router.add_text_handler(handler)

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

    def profile(self, channel: str) -> ChannelProfile:
        """``channel``'s limits and traits (Telegram's, the stricter, for a channel not registered)."""
        return self.channels.get(channel, FALLBACK_PROFILE)

    @property
    def word_channels(self) -> set[str]:
        """Channels without slash commands (WhatsApp): their help lists the typed words instead."""
        return {name for name, p in self.channels.items() if not p.slash_commands}

    def is_staff(self, channel: str, user_id: str) -> bool:
        return (channel, user_id) in self.staff

    def public_commands(self) -> list[Command]:
        return [c for c in self.commands.values() if not c.staff_only and not c.hidden]

    # -- the turn ---------------------------------------------------------

    async def handle(self, event: Incoming, deliver: Deliver | None = None) -> list[Outgoing]:
        """Answer one event. Never raises for bad input: a user gets a message, not an error.

        With ``deliver``, the replies are sent through it before the user's lock is released, so
        one user's replies arrive in the order of their messages; a failed delivery is logged and
        a user who blocked the bot is marked inactive (see :mod:`bot.core._conversation`).

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
        verdict = await self.flood.verdict(key, tap=tap)
        if verdict is not Verdict.ALLOW:
            if alert is not None and self.flood.urgent(key):
                return await self._in_order(key, event, alert, deliver, silenced=True)
            if self._essential(event) and self.flood.essential(key):
                return await self._in_order(key, event, None, deliver)
            notice = await self._flooded(event) if verdict is Verdict.NOTICE else []
            if deliver is not None:  # outside the turns: a silenced user costs no lock
                await deliver_reply(self.store, event, notice, deliver, pseudonym)
            return notice
        return await self._in_order(key, event, alert, deliver)

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
        # What the features registered as essential (navigation: /start, /forget and its buttons).
        if event.payload is not None:
            prefix, _, rest = event.payload.partition(":")
            if prefix == "cmd":  # a button that runs a command
                command = rest
            else:
                return prefix in self.router.essential
        else:
            command = (event.command or "").strip().lstrip("/").lower()
            if not command and event.text:
                text = clean_text(event.text)
                command = text[1:].partition(" ")[0].lower() if text.startswith("/") else self.keyword_command(text)
        found = self.commands.get(command or "")
        return found is not None and found.essential

    async def _in_order(self, key: tuple[str, str], event: Incoming, alert: object | None,
                        deliver: Deliver | None, *, silenced: bool = False) -> list[Outgoing]:
        # One user's turns (and their replies, with ``deliver``) run in order; different users concurrently.
        async with self.isolation.lock(key):
            messages = await self._answer(event, alert, silenced)
            if deliver is not None:
                await deliver_reply(self.store, event, messages, deliver, pseudonym)
            return messages

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
        router = self.router
        # Staff (a staff group chat too) answer tickets; they are never asked to pick a language first.
        if user.locale is None and payload.partition(":")[0] not in router.before_language and not turn.is_staff:
            cmd = router.commands.get(command) if command and not payload else None
            if cmd is None or not cmd.before_language:
                return self.language_picker(turn, first_contact=True)
        if payload:
            prefix, _, rest = payload.partition(":")
            handler = router.payload_handler(prefix)
            if handler is None:
                return await self.stale(turn)
            turn.payload = rest
            return await handler(turn)
        # A typed number presses an option, unless a feature waits for this user's text (a question for a person).
        feature_waits = bool(user.pending) and user.pending != Pending.FORGET
        if not command and text and not feature_waits and (number := typed_number(text)) is not None:
            return await self._press_number(turn, number)
        if command:
            cmd = router.commands.get(command)
            if cmd is None or (cmd.staff_only and not turn.is_staff):
                return await self.unknown_command(turn)
            turn.args = args
            return await router.command_handler(command)(turn)  # type: ignore[misc]
        if not text:
            _ = turn.t.gettext
            return await turn.current(notice=_("Your message was empty. Choose an option below."))
        for handler in router.text_handlers:
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
    def text_in(t: Translator, text: str, options: tuple[Option, ...] = ()) -> Outgoing:
        """A plain message in ``t``'s locale, with optional buttons."""
        return Outgoing(text=text, options=options, locale=t.locale, rtl=t.rtl)

    _text = text_in

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
        return Outgoing(text=text, options=options, locale=t.locale, rtl=t.rtl, columns=2,
                        more_label="🌐 " + t.gettext(MORE_LANGUAGES),
                        list_id=f"{PICKER_LIST}{int(first_contact)}{then}")

    def list_again(self, turn: Turn, list_id: str) -> list[Outgoing] | None:
        """The list that is not a node named ``list_id`` (:attr:`Outgoing.list_id`), built again for ``turn``;
        ``None`` for a name no list has (a forged or outdated payload)."""
        if list_id.startswith(PICKER_LIST) and list_id[len(PICKER_LIST):][:1] in ("0", "1"):
            then = list_id[len(PICKER_LIST) + 1:]
            if then and then not in turn.content:
                then = ""
            return self.language_picker(turn, first_contact=list_id[len(PICKER_LIST)] == "1", then=then)
        return None


PICKER_LIST = "~l"
"""The language picker's :attr:`Outgoing.list_id`: ``~l``, ``1`` at first contact (else ``0``), then the page to
open once the language is chosen (a deep link's), if any. The same user gets the same list from it on any worker:
the order of the languages comes from the user's stored language and their platform's hint."""


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

