"""Which page of a long menu each Messenger user is on: the channel's own state, never the message's.

Quick replies hold at most 13 buttons, so a longer menu (the 15 languages) is cut into pages whose
last reply ("More", "Previous") sends ``fbm:p:<node-id>:<page>``. The engine's pages are shared by
every user of a locale, so the page a user asked for is kept here, per user, for the one turn that
answers it (the user's lock is held from the turn to its last reply).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from bot.channels.messenger._render import MAX_QUICK_REPLIES, PAYLOAD_PREFIX, Labels, render
from bot.core import Engine, Outgoing, Turn
from bot.i18n import N_, Translator

MAX_PAGED_MESSAGES = 1000
"""Long menus that are not content nodes are remembered (per user, in memory) for their "More" reply."""
MAX_PAGE_DIGITS = 3
"""A page number longer than this is a forged payload: the first page is shown."""

# The same words as the WhatsApp channel's long lists (one translation serves both).
MORE = N_("More")
PREVIOUS = N_("Previous")
FIRST_PAGE = N_("First page")
PROMPT = N_("Choose an option below.")
UNSUPPORTED = N_("I can read only text messages and button presses. Choose an option below.")

Key = tuple[str, str]


def labels(t: Translator) -> Labels:
    """The words and digits the renderer adds, in ``t``'s language."""
    _ = t.gettext
    return Labels(more=_(MORE), previous=_(PREVIOUS), first=_(FIRST_PAGE), prompt=_(PROMPT), numerals=t.numerals)


class Pager:
    """Answers the ``fbm:`` payloads and renders each user's replies at the page they asked for."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Per process, and correct with several workers: the language picker's pages are named in their
        # payload (``~l1``) and built again wherever "More" is pressed (Engine.list_again). Only a long list
        # that is neither a node nor named (the news topics, when there are more than fit) is
        # remembered here: "More" pressed on another worker
        # then answers as for an outdated button (the current menu again).
        self._long: OrderedDict[Key, Outgoing] = OrderedDict()
        # The page one turn asked for, used up by the render of that same turn in this same process (the
        # user's locks are held from the turn to its last reply): never read by another turn or worker.
        self._asked: dict[Key, int] = {}

    def install(self) -> None:
        """Answer ``fbm:`` payloads (the language picker's pages are turned before a language is chosen)."""
        self.engine.add_payload(PAYLOAD_PREFIX, self.on_payload, before_language=True)

    def render(self, key: Key, replies: list[Outgoing]) -> list[list[dict[str, Any]]]:
        """The Send API messages of one turn's replies, each long menu at the page the turn asked for."""
        for out in replies:  # a long menu that is not a node cannot be rebuilt from its payload: keep it
            if out.node_id is None and not out.list_id and len(out.options) > MAX_QUICK_REPLIES:
                self._long[key] = out
                self._long.move_to_end(key)
                while len(self._long) > MAX_PAGED_MESSAGES:
                    self._long.popitem(last=False)
        page = self._asked.pop(key, 0)
        return [render(out, labels(self.engine.catalogs.get(out.locale)), page) for out in replies]

    async def on_payload(self, turn: Turn) -> list[Outgoing]:
        """``fbm:p:<node>:<page>`` (a page of a long menu) and ``fbm:unsupported`` (a photo, a sticker...)."""
        kind, _, rest = turn.payload.partition(":")
        if turn.user.locale is None and not (kind == "p" and rest.startswith("~")):
            return self.engine.language_picker(turn, first_contact=True)
        if kind == "unsupported":
            return await turn.current(notice=turn.t.gettext(UNSUPPORTED))
        if kind == "p":
            key = (turn.event.channel, turn.event.user_id)
            node_id, _, page_text = rest.rpartition(":")
            page = int(page_text) if page_text.isdigit() and len(page_text) <= MAX_PAGE_DIGITS else 0
            again = self.engine.list_again(turn, node_id) if node_id.startswith("~") else None
            if again is not None:  # a list the engine builds again, on whichever worker got the press
                self._asked[key] = page
                return again
            if node_id == "~":
                cached = self._long.get(key)
                if cached is None:
                    return await self.engine.stale(turn)
                self._asked[key] = page
                return [cached]
            if node_id in turn.content:
                replies = await turn.show(node_id)
                self._asked[key] = page
                return replies
        return await self.engine.stale(turn)
