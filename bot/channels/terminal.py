"""The terminal chat: the whole conversation on standard input and output.

Options are numbered ``[1] Title``; typing a number presses it, anything
else is sent as text; an empty line is ignored. When standard input is not a
terminal, it reads one message per line and ends at end of input, so
conversations can be scripted. Files the bot sends (an event's ``.ics``) are
saved in a folder and their path is printed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.core import Engine, Incoming, Option, Outgoing, typed_number

CHANNEL = "terminal"
FILES_DIR = Path("marhaba-files")
"""Where files the bot sends are saved unless ``marhaba chat --files DIR`` says otherwise."""


def map_link(lat: float, lon: float) -> str:
    return f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}"


def render(messages: list[Outgoing], saved: dict[int, Path] | None = None) -> str:
    """Messages as terminal text, options numbered across the whole reply.

    ``saved`` maps a message's index to the path its document was saved at.
    """
    blocks = []
    number = 0
    for index, msg in enumerate(messages):
        lines = []
        if msg.title:
            lines.append(f"== {msg.title} ==")
        if msg.text:
            lines.append(msg.text)
        if msg.location:
            lines.append(f"🗺 {map_link(msg.location.lat, msg.location.lon)}")
        if msg.document:
            path = (saved or {}).get(index)
            lines.append(f"📎 {path if path else msg.document.filename} ({len(msg.document.data)} bytes)")
        for opt in msg.options:
            number += 1
            lines.append(f"[{number}] {opt.label}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class TerminalChat:
    """One terminal user talking to the engine."""

    def __init__(self, engine: Engine, user_id: str = "local", language_hint: str | None = None,
                 out: TextIO | None = None, files_dir: Path = FILES_DIR) -> None:
        self.engine = engine
        self.files_dir = files_dir
        self.user_id = user_id
        self.language_hint = language_hint
        self.out = out or sys.stdout
        self.options: list[Option] = []
        self.locale = "en"

    def event_for(self, line: str) -> Incoming | None:
        """The event a typed line means; ``None`` when it is a number that presses no option."""
        number = typed_number(line)  # Persian and Arabic digits too; "-1", "1.5", "12abc" look like one
        if number is not None and self.options:
            if number.isdigit() and 1 <= int(number) <= len(self.options):
                return Incoming(CHANNEL, self.user_id, payload=self.options[int(number) - 1].payload,
                                language_hint=self.language_hint)
            return None
        return Incoming(CHANNEL, self.user_id, text=line, language_hint=self.language_hint)

    async def send(self, line: str) -> str:
        """Handle one typed line and return what the terminal shows."""
        event = self.event_for(line)
        if event is None:
            t = self.engine.catalogs.get(self.locale)
            return t.gettext("There is no option {number}. Type a number from 1 to {last}.").format(
                number=typed_number(line), last=t.number(len(self.options)))
        messages = await self.engine.handle(event)
        self.options = [o for m in messages for o in m.options]
        if messages:
            self.locale = messages[-1].locale
        return render(messages, self.save_files(messages))

    def save_files(self, messages: list[Outgoing]) -> dict[int, Path]:
        """Write each message's document into :attr:`files_dir`; their paths by message index.

        A file that cannot be written is announced by name only (the chat goes on).
        """
        saved: dict[int, Path] = {}
        for index, msg in enumerate(messages):
            if msg.document is None:
                continue
            name = Path(msg.document.filename).name  # never a path out of the folder
            if not name or name.startswith("."):
                continue
            path = (self.files_dir / name).absolute()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(msg.document.data)
            except OSError:
                continue
            saved[index] = path
        return saved

    def write(self, text: str) -> None:
        self.out.write(text + "\n\n")
        self.out.flush()

    async def run(self, stdin: TextIO | None = None) -> int:
        """Chat until end of input. Exit code 0."""
        stdin = stdin or sys.stdin
        interactive = stdin.isatty()
        if interactive:
            self.write(await self.send("/start"))
        while True:
            try:
                line = await asyncio.to_thread(_read_line, stdin, interactive)
            except (EOFError, KeyboardInterrupt):
                return 0
            if line is None:
                return 0
            if not line.strip():  # a stray Enter: nothing to answer, no menu to reprint
                continue
            self.write(await self.send(line))


def _read_line(stdin: TextIO, interactive: bool) -> str | None:
    if interactive:
        return input("> ")
    line = stdin.readline()
    return None if line == "" else line.rstrip("\n")
