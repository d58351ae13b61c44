"""Typed words that mean a command ("menu", "منو", "madad", "GERİ"), and the check that keeps them unambiguous.

WhatsApp has no slash commands, and many people type a word rather than
tap a button. Each locale's catalog gives its words for a command (several,
separated by ``|``, romanised forms included); they are folded with the same
:func:`~bot.i18n.normalize` as questions, so ي/ی, ك/ک, ة/ه, ې/ی and Turkish
``İ`` meet their variants. The words of every shipped locale work for
everyone; the user's own locale wins where two languages disagree.

A keyword that equals a button label of another meaning in the same
language would act behind the user's back (Somali "Jooji" was both
"Cancel" and STOP): :func:`keyword_collisions` finds such pairs with the
``.po`` file and line, and ``marhaba i18n compile`` and ``marhaba content
check`` refuse them.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from bot.errors import Problem
from bot.i18n import N_, Catalogs, normalize

KEYWORDS = {
    # TRANSLATORS: words a user can type instead of a command, separated by "|". Lowercase.
    "menu": N_("menu|main menu|home"),
    "back": N_("back"),
    "language": N_("language"),
    "help": N_("help"),
    "start": N_("start|hi|hello"),
    "progress": N_("progress"),
    # TRANSLATORS: words a user can type to see the upcoming events, separated by "|". Lowercase.
    "events": N_("events|event|activities"),
    # TRANSLATORS: words a user can type to choose news topics, separated by "|". Lowercase.
    "subscribe": N_("subscribe|news"),
    # TRANSLATORS: words a user can type to delete their data (a confirmation follows), separated by "|".
    "forget": N_("forget|forget me|delete my data"),
    # TRANSLATORS: words that stop every subscription (WhatsApp users type STOP), separated by "|". Lowercase.
    "unsubscribe": N_("stop|unsubscribe"),
}
"""Words a user can type instead of a command: command -> the English source entry of its words."""

MAX_KEYWORD_CHARS = 30
_EDGE_PUNCTUATION = ".!?؟،,;:؛۔ \u060c"


def fold(text: str) -> str:
    """``text`` as keywords are compared: normalized, edge punctuation dropped, single spaces."""
    return " ".join(normalize(text).strip(_EDGE_PUNCTUATION).split())


def words_of(translated: str) -> list[str]:
    """The folded words of one translated keyword entry (``"menu|main menu"``)."""
    return [w for w in (fold(part) for part in translated.split("|")) if w]


class Keywords:
    """Every locale's typed command words, built once per set of catalogs."""

    def __init__(self, catalogs: Catalogs) -> None:
        self.catalogs = catalogs
        self.by_locale: dict[str, dict[str, str]] = {}
        self.everyone: dict[str, str] = {}
        english = {command: words_of(source) for command, source in KEYWORDS.items()}
        for code in catalogs.locales:
            t = catalogs.get(code)
            table: dict[str, str] = {}
            for command, source in KEYWORDS.items():
                for word in words_of(t.gettext(source)):
                    table.setdefault(word, command)
            self.by_locale[code] = table
        for table in (dict(w for c, ws in english.items() for w in ((x, c) for x in ws)), *self.by_locale.values()):
            for word, command in table.items():
                self.everyone.setdefault(word, command)

    def command(self, text: str, locale: str | None) -> str:
        """The command ``text`` means ("" when none): the user's locale first, then every other."""
        if len(text) > MAX_KEYWORD_CHARS * 2:
            return ""
        word = fold(text)
        if not word or len(word) > MAX_KEYWORD_CHARS:
            return ""
        own = self.by_locale.get(locale or "", {})
        return own.get(word) or self.everyone.get(word, "")

    def first_word(self, command: str, locale: str) -> str:
        """The word the help text shows for ``command`` in ``locale`` (its first translated form)."""
        source = KEYWORDS.get(command)
        if source is None:
            return ""
        parts = [p.strip() for p in self.catalogs.get(locale).gettext(source).split("|") if p.strip()]
        return parts[0] if parts else ""


def _same_meaning(command: str, msgid: str) -> bool:
    # "Main menu", "Change language", "Go back one step" may share a word with /menu, /language, /back.
    source = f" {fold(msgid)} "
    return msgid == KEYWORDS[command] or any(f" {word} " in source for word in words_of(KEYWORDS[command]))


def keyword_collisions(locales_dir: Path) -> list[Problem]:
    """Typed command words equal to the translation of another entry of another meaning, per ``ui.po``.

    Each problem names the ``.po`` file and the line of the clashing entry.
    """
    sources = {source: command for command, source in KEYWORDS.items()}
    problems = []
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/ui.po")):
        try:
            with po.open("rb") as f:
                catalog = read_po(f)
        except Exception:  # noqa: BLE001 - a broken file is reported by the compile step with its line
            continue
        words: dict[str, str] = {}
        for message in catalog:
            if message.id in sources and isinstance(message.string, str) and not message.fuzzy:
                for word in words_of(message.string):
                    words.setdefault(word, sources[str(message.id)])
        for message in catalog:
            if not message.id or message.fuzzy or not isinstance(message.string, str) or message.id in sources:
                continue
            translated = fold(message.string)
            command = words.get(translated)
            if command and not _same_meaning(command, str(message.id)):
                problems.append(Problem(
                    str(po), message.lineno or 1, 1,
                    f"the typed word «{translated}» means /{command}, but it is also the translation of "
                    f"\"{message.id}\": typing it would do /{command}. Give one of them another translation"))
    return problems
