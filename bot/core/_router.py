"""Routers: what a feature answers (commands, button payloads, free text), gathered into the engine's one router.

A feature registers its handlers on a :class:`Router` of its own; the
application includes every feature's router into the engine's root router, in
the order of its feature list (the order in which free-text handlers are
asked). Registering the same command or payload prefix twice is refused with
:class:`DuplicateHandler` when the application starts: with several features
there must be no "last registration wins".

A feature that changes what *another* feature's handler does (the safety
feature puts "I need urgent help" on top of ``/help``; questions add "Ask a
person" to the contact page) does not replace that handler: it wraps it with a
middleware (:meth:`Router.wrap_command`, :meth:`Router.wrap_payload`), which
gets the turn and the handler it wraps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.errors import MarhabaError

if TYPE_CHECKING:
    from bot.core._engine import Guard, Turn
    from bot.core._events import Outgoing

Handler = Callable[["Turn"], Awaitable[list["Outgoing"]]]
"""A handler: one turn in, the messages to send out."""
Middleware = Callable[["Turn", Handler], Awaitable[list["Outgoing"]]]
"""A wrapper around another handler: ``await middleware(turn, handler)`` may call ``handler(turn)``."""
ReloadHook = Callable[[Any, Any], Any]
"""``hook(content_dir, tree)`` re-reads a feature's own files and returns an *apply* callable (or ``None``).

It raises :class:`~bot.errors.ContentError` (``file:line`` problems) when they are invalid; nothing is
swapped until every hook of a reload succeeded, then each apply callable runs."""
Job = Callable[[], Coroutine[Any, Any, None]]
"""A background job of ``marhaba run`` (runs until cancelled)."""


class DuplicateHandler(MarhabaError):
    """Two features registered the same command, payload prefix or guard: refused at start."""

    exit_code = 78  # EX_CONFIG: the build is wrong, not the input


@dataclass
class Command:
    """A ``/name`` command; ``description`` is an English source string marked with ``N_``."""

    name: str
    handler: Handler
    description: str
    staff_only: bool = False
    hidden: bool = False
    before_language: bool = False
    """Answered before a new user has chosen a language (``/forget``, ``/help``, ``/start``'s deep links)."""
    essential: bool = False
    """Answered even during a flood-control cool-down (a person who wants out, or to begin again)."""


class Reactions(Protocol):
    """What counts people's reactions to sent pages (the feedback feature); the channels report to it."""

    async def shown(self, channel: str, chat_id: str, shown: Iterable[tuple[str, str | None, str]],
                    now: float | None = None) -> None:
        """Remember ``(message id, node id, locale)`` for messages just sent (or edited) to ``chat_id``."""

    async def react(self, channel: str, chat_id: str, message_id: str, emoji: str,
                    now: float | None = None) -> bool:
        """Count ``emoji`` (``""`` = removed) on one sent message; ``False`` when it showed no page."""


@dataclass
class Router:
    """The handlers of one feature (or, in the engine, of all features together)."""

    name: str = ""
    commands: dict[str, Command] = field(default_factory=dict)
    payloads: dict[str, Handler] = field(default_factory=dict)
    text_handlers: list[Handler] = field(default_factory=list)
    before_language: set[str] = field(default_factory=set)
    """Payload prefixes answered before a new user has chosen a language."""
    essential: set[str] = field(default_factory=set)
    """Payload prefixes answered even during a flood-control cool-down (see :attr:`Command.essential`)."""
    guard: Guard | None = None
    """Checks every typed text first (the safety check); at most one in an application."""
    reactions: Reactions | None = None
    """What counts reactions to sent pages (see :class:`Reactions`); at most one in an application."""
    reload_hooks: list[ReloadHook] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    """Jobs every ``marhaba run`` process runs (a live reload of its own content)."""
    singleton_jobs: dict[str, Job] = field(default_factory=dict)
    """Jobs that run once per database, by name: in the one process holding the lease ``job:<name>``."""
    command_wrappers: dict[str, list[Middleware]] = field(default_factory=dict)
    payload_wrappers: dict[str, list[Middleware]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict, repr=False)
    """``"/name"``, ``"prefix:"``, ``"guard"`` -> the router that registered it, for the duplicate message."""
    _composed: dict[str, Handler] = field(default_factory=dict, repr=False)

    # -- registration ------------------------------------------------------

    def _claim(self, key: str, owner: str) -> None:
        if key in self.owners:
            first = self.owners[key]
            raise DuplicateHandler(
                f"{key} is registered twice: by the {first or 'unnamed'} feature and by the "
                f"{owner or 'unnamed'} feature; give one of them another name")
        self.owners[key] = owner
        self._composed.clear()

    def add_command(self, name: str, handler: Handler, description: str, *, staff_only: bool = False,
                    hidden: bool = False, before_language: bool = False, essential: bool = False) -> Command:
        """Register ``/name``; raises :class:`DuplicateHandler` when it exists already.

        An ``essential`` command is answered even while flood control silences the user."""
        self._claim(f"/{name}", self.name)
        command = self.commands[name] = Command(name, handler, description, staff_only, hidden, before_language,
                                                essential)
        return command

    def command(self, name: str, description: str, *, staff_only: bool = False,
                hidden: bool = False) -> Callable[[Handler], Handler]:
        """Decorator form of :meth:`add_command`."""

        def register(handler: Handler) -> Handler:
            self.add_command(name, handler, description, staff_only=staff_only, hidden=hidden)
            return handler

        return register

    def add_payload(self, prefix: str, handler: Handler, *, before_language: bool = False,
                    essential: bool = False) -> None:
        """Register a handler for button payloads ``prefix:...``.

        ``before_language`` lets the payload through before the user has chosen a language (urgent
        help, a channel's paging of the language picker); the handler must then cope with
        ``turn.user.locale`` being ``None``. An ``essential`` prefix is answered even while flood
        control silences the user (the confirmation buttons of ``/forget``).
        """
        self._claim(f"{prefix}:", self.name)
        self.payloads[prefix] = handler
        if before_language:
            self.before_language.add(prefix)
        if essential:
            self.essential.add(prefix)

    def add_text_handler(self, handler: Handler) -> None:
        """Register a handler for free text; the first (in feature order) that returns messages wins."""
        self.text_handlers.append(handler)

    def set_guard(self, guard: Guard) -> None:
        """Make ``guard`` check every typed text (see :class:`~bot.core.Guard`)."""
        self._claim("the guard", self.name)
        self.guard = guard

    def set_reactions(self, sink: Reactions) -> None:
        """Make ``sink`` count reactions to sent pages (``shown`` and ``react``)."""
        self._claim("the reaction counter", self.name)
        self.reactions = sink

    def wrap_command(self, name: str, middleware: Middleware) -> None:
        """Run ``middleware(turn, handler)`` instead of ``/name``'s handler (registered by any feature)."""
        self.command_wrappers.setdefault(name, []).append(middleware)
        self._composed.clear()

    def wrap_payload(self, prefix: str, middleware: Middleware) -> None:
        """Run ``middleware(turn, handler)`` instead of the ``prefix:`` handler (registered by any feature)."""
        self.payload_wrappers.setdefault(prefix, []).append(middleware)
        self._composed.clear()

    def on_reload(self, hook: ReloadHook) -> None:
        """Call ``hook(content_dir, tree)`` on every live reload (see :data:`ReloadHook`)."""
        self.reload_hooks.append(hook)

    def add_job(self, job: Job, *, singleton: str | None = None) -> None:
        """Run ``job()`` beside the channels while ``marhaba run`` serves.

        Without ``singleton`` every process runs it. A ``singleton`` job (its name) runs once per
        database however many processes serve it: only in the process holding the lease
        ``job:<name>``; when that process dies, another takes the lease over and starts the job.
        Sending reminders, purging old data and counting must not be done once per worker.
        """
        if singleton is None:
            self.jobs.append(job)
            return
        self._claim(f"the job {singleton}", self.name)
        self.singleton_jobs[singleton] = job

    # -- composition -------------------------------------------------------

    def include(self, other: Router) -> None:
        """Add everything ``other`` registered; a command, prefix or guard both have is refused."""
        for name, command in other.commands.items():
            self._claim(f"/{name}", other.name)
            self.commands[name] = command
        for prefix, handler in other.payloads.items():
            self._claim(f"{prefix}:", other.name)
            self.payloads[prefix] = handler
        if other.guard is not None:
            self._claim("the guard", other.name)
            self.guard = other.guard
        if other.reactions is not None:
            self._claim("the reaction counter", other.name)
            self.reactions = other.reactions
        self.text_handlers.extend(other.text_handlers)
        self.before_language |= other.before_language
        self.essential |= other.essential
        self.reload_hooks.extend(other.reload_hooks)
        self.jobs.extend(other.jobs)
        for name, job in other.singleton_jobs.items():
            self._claim(f"the job {name}", other.name)
            self.singleton_jobs[name] = job
        for name, wrappers in other.command_wrappers.items():
            self.command_wrappers.setdefault(name, []).extend(wrappers)
        for prefix, wrappers in other.payload_wrappers.items():
            self.payload_wrappers.setdefault(prefix, []).extend(wrappers)
        self._composed.clear()

    def unwrapped(self) -> list[str]:
        """Wrapped commands and prefixes that no router registers (a feature list in the wrong shape)."""
        return [f"/{n}" for n in self.command_wrappers if n not in self.commands] + [
            f"{p}:" for p in self.payload_wrappers if p not in self.payloads]

    def command_handler(self, name: str) -> Handler | None:
        """``/name``'s handler with its wrappers, or ``None``."""
        command = self.commands.get(name)
        if command is None:
            return None
        return self._compose(f"/{name}", command.handler, self.command_wrappers.get(name, ()))

    def payload_handler(self, prefix: str) -> Handler | None:
        """The ``prefix:`` handler with its wrappers, or ``None``."""
        handler = self.payloads.get(prefix)
        if handler is None:
            return None
        return self._compose(f"{prefix}:", handler, self.payload_wrappers.get(prefix, ()))

    def _compose(self, key: str, handler: Handler, wrappers: Any) -> Handler:
        if not wrappers:
            return handler
        cached = self._composed.get(key)
        if cached is not None:
            return cached
        composed = handler
        for middleware in wrappers:  # the first registered is the innermost
            composed = _wrapped(middleware, composed)
        self._composed[key] = composed
        return composed


def _wrapped(middleware: Middleware, inner: Handler) -> Handler:
    async def handler(turn: Turn) -> list[Outgoing]:
        return await middleware(turn, inner)

    return handler


class Unit(Protocol):
    """What a feature's ``setup`` returns: an object with the feature's :class:`Router`."""

    router: Router
