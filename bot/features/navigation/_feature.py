"""The built-in conversation: /start, /menu, /back, /language, /progress, /help, /forget and their buttons.

Buttons: ``n:<node>`` opens a page, ``lang:<code>[:<node>]`` chooses a language
(then opens the page), ``step:<node>`` / ``undo:<node>`` tick a checklist step,
``cmd:<name>`` runs a command, ``forget:yes|no`` answers the delete question.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from bot.content import ROOT_ID
from bot.core import (
    MAIN_MENU,
    Engine,
    Feature,
    Option,
    Outgoing,
    Pending,
    Router,
    Turn,
    node_option,
    node_title,
    parse_deep_link,
    ui_option,
)
from bot.i18n import LOCALES, N_, Translator, negotiate
from bot.logs import pseudonym

log = logging.getLogger("marhaba.engine")


class Navigation:
    """The pages, the language, the checklist and the "delete everything" question of one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.router = r = Router("navigation")
        r.add_command("start", self.cmd_start, N_("Start, or continue where you left off"), before_language=True,
                      essential=True)
        r.add_command("menu", self.cmd_menu, N_("Main menu"))
        r.add_command("back", self.cmd_back, N_("Go back one step"))
        r.add_command("language", self.cmd_language, N_("Change the language"))
        r.add_command("progress", self.cmd_progress, N_("See your progress"))
        # "help" may be a plea: its answer (wrapped by the safety feature) offers urgent help first.
        r.add_command("help", self.cmd_help, N_("How to use this bot"), before_language=True)
        r.add_command("forget", self.cmd_forget, N_("Delete everything stored about you"), before_language=True,
                      essential=True)
        r.add_payload("n", self.pl_node)
        r.add_payload("lang", self.pl_language, before_language=True)
        r.add_payload("step", self.pl_step)
        r.add_payload("undo", self.pl_step)
        r.add_payload("cmd", self.pl_command)
        r.add_payload("forget", self.pl_forget, essential=True)

    async def cmd_start(self, turn: Turn) -> list[Outgoing]:
        if turn.args:  # a deep link (t.me/<bot>?start=..., wa.me/...?text=/start ...)
            link = parse_deep_link(turn.args, self.engine.content)
            if link is not None:
                return await self.open_link(turn, *link)
        if turn.user.locale is None and not turn.is_staff:
            return self.engine.language_picker(turn, first_contact=True)
        current = self.engine.current_node_id(turn.user)
        if current != ROOT_ID:
            _ = turn.t.gettext
            node = self.engine.content.nodes[current]
            title = node_title(node, turn.t)
            return [self.engine.text_reply(turn, _("Welcome back! Do you want to continue where you left off?"), (
                # TRANSLATORS: a button; WhatsApp shows at most 18 characters with the title. A shorter form may follow ||.
                replace(ui_option(turn.t, "▶ ", N_("Continue: {title}"), f"n:{current}", title=title),
                        short_label="▶ " + (node_option(node, turn.t).short_label or title)),
                ui_option(turn.t, "🏠 ", MAIN_MENU, "cmd:menu"),
                # TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||.
                ui_option(turn.t, "🌐 ", N_("Change language"), "cmd:language"),
            ))]
        return await turn.show(ROOT_ID)

    async def open_link(self, turn: Turn, node_id: str, locale: str | None) -> list[Outgoing]:
        """Open a deep link's page, in its language when it names one.

        Without a language, a newcomer first picks one (the picker's buttons
        carry the page, so nothing is stored for it) and then sees the page.
        """
        if locale is not None:
            await self.engine.store.set_locale(turn.user.id, locale)
            turn.t = self.engine.catalogs.get(locale)
        elif turn.user.locale is None:
            return self.engine.language_picker(turn, first_contact=True, then=node_id)
        return await turn.show(node_id)

    async def cmd_menu(self, turn: Turn) -> list[Outgoing]:
        return await turn.show(ROOT_ID)

    async def cmd_back(self, turn: Turn) -> list[Outgoing]:
        node = self.engine.content.get(self.engine.current_node_id(turn.user))
        return await turn.show(node.parent if node and node.parent else ROOT_ID)

    async def cmd_language(self, turn: Turn) -> list[Outgoing]:
        return self.engine.language_picker(turn)

    async def cmd_help(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        lines = [_("I help you find your way in the city. Choose a topic from the menu, or write your question."), ""]
        words = turn.event.channel in self.engine.word_channels
        for cmd in self.engine.public_commands():
            word = self.engine.keywords.first_word(cmd.name, turn.t.locale) if words else ""
            lines.append(f"{word or '/' + cmd.name} — {_(cmd.description)}")
        return [self.engine.text_reply(turn, "\n".join(lines), (Option("🏠 " + _("Main menu"), "cmd:menu"),))]

    async def cmd_progress(self, turn: Turn) -> list[Outgoing]:
        done = await self.engine.store.steps_done(turn.user.id)
        visited = await self.engine.store.visited(turn.user.id)
        content = self.engine.content
        counts = tuple((sum(1 for s in content.steps(topic.id) if s.id in done),
                        len(content.subtree_ids(topic.id) & visited)) for topic in content.topics)
        todo = tuple(s.id for topic in content.topics for s in content.steps(topic.id) if s.id not in done)[:3]
        # Many users share the same counts: the message is built once per locale and counts.
        return [self.engine.pages.cached(("/progress", counts, todo), turn.t,
                                  lambda: self.progress_message(turn.t, counts, todo))]

    def progress_message(self, t: Translator, counts: tuple[tuple[int, int], ...], todo: tuple[str, ...]) -> Outgoing:
        _ = t.gettext
        lines = []
        total_steps = total_done = 0
        for topic, (n_done, seen) in zip(self.engine.content.topics, counts, strict=True):
            steps = self.engine.content.steps(topic.id)
            total_steps += len(steps)
            total_done += n_done
            mark = "✅" if steps and n_done == len(steps) else "▫️"
            parts = []
            if steps:
                parts.append(t.ngettext("{done} of {total} step done", "{done} of {total} steps done", len(steps))
                             .format(done=t.number(n_done), total=t.number(len(steps))))
            parts.append(_("{percent} read").format(
                percent=t.percent(seen / len(self.engine.content.subtree_ids(topic.id)))))
            lines.append(f"{mark} {node_title(topic, t)}: {t.join(parts)}")
        header = _("Your progress: {done} of {total} checklist steps done.").format(
            done=t.number(total_done), total=t.number(total_steps))
        options = tuple(node_option(self.engine.content.nodes[s], t, prefix="☐ ") for s in todo)
        options += (Option("🏠 " + _("Main menu"), "cmd:menu"),)
        return self.engine.text_in(t, header + "\n\n" + "\n".join(lines), options)

    async def cmd_forget(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        await self.engine.store.set_pending(turn.user.id, Pending.FORGET)
        return [self.engine.text_reply(turn, _(
            "This deletes everything stored about you: your language, your progress, your subscriptions and your questions. "
            "It cannot be undone. Delete everything?"), (
            # TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||.
            ui_option(turn.t, "🗑 ", N_("Yes, delete everything"), "forget:yes"),
            # TRANSLATORS: a button; WhatsApp shows at most 20 characters. A shorter form may follow ||.
            ui_option(turn.t, "", N_("No, keep my data"), "forget:no"),
        ))]

    # -- payloads ---------------------------------------------------------

    async def pl_node(self, turn: Turn) -> list[Outgoing]:
        if turn.payload not in self.engine.content:
            return await self.engine.stale(turn)
        return await turn.show(turn.payload)

    async def pl_language(self, turn: Turn) -> list[Outgoing]:
        code_text, _, then = turn.payload.partition(":")
        code = negotiate(code_text)
        if code is None or code not in LOCALES:
            return self.engine.language_picker(turn, first_contact=turn.user.locale is None)
        await self.engine.store.set_locale(turn.user.id, code)
        turn.t = self.engine.catalogs.get(code)
        return await turn.show(then if then in self.engine.content else ROOT_ID)

    async def pl_step(self, turn: Turn) -> list[Outgoing]:
        node = self.engine.content.get(turn.payload)
        if node is None or not node.step:
            return await self.engine.stale(turn)
        done = turn.event.payload.startswith("step:") if turn.event.payload else False
        await self.engine.store.set_step(turn.user.id, node.id, done)
        _ = turn.t.gettext
        notice = ("✅ " + _("Well done! This step is marked as done.")) if done else _("This step is marked as not done.")
        return await turn.show(node.id, notice=notice)

    async def pl_command(self, turn: Turn) -> list[Outgoing]:
        cmd = self.engine.commands.get(turn.payload)
        if cmd is None or (cmd.staff_only and not turn.is_staff):
            return await self.engine.stale(turn)
        handler = self.engine.router.command_handler(cmd.name)
        assert handler is not None
        return await handler(turn)

    async def pl_forget(self, turn: Turn) -> list[Outgoing]:
        _ = turn.t.gettext
        if turn.payload == "yes" and turn.user.pending == Pending.FORGET:
            await self.engine.store.forget(turn.user.id)
            log.info("user data deleted on request (channel=%s user=%s)", turn.event.channel,
                     pseudonym(turn.event.channel, turn.event.user_id))
            return [self.engine.text_reply(turn, _("Everything stored about you has been deleted. "
                                            "Send /start if you want to begin again."))]
        if turn.payload == "yes":
            return await self.cmd_forget(turn)
        await self.engine.store.set_pending(turn.user.id, None)
        return await turn.current(notice=_("Nothing was deleted."))



def setup(engine: Engine, settings: Any) -> Navigation:
    return Navigation(engine)


FEATURE = Feature("navigation", setup)
"""The navigation feature (see :mod:`bot.core._feature`)."""
