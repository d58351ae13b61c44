"""The translation workflow: extract, update and compile the catalogs with Babel.

These wrap ``pybabel`` with the project's mapping files, so that
``marhaba i18n extract`` and plain ``pybabel`` give the same catalogs.
"""

from __future__ import annotations

import codecs
import contextlib
import gettext
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from bot.content._loader import MAX_BODY_CHARS, WHATSAPP_BUTTON_TITLE
from bot.errors import ContentError, MarhabaError, Problem
from bot.i18n._locales import LOCALES
from bot.i18n._translator import CONTENT_DOMAIN, UI_DOMAIN

DOMAINS = {UI_DOMAIN: "babel-ui.cfg", CONTENT_DOMAIN: "babel-content.cfg"}
"""Each domain's mapping file in ``locales/`` (its patterns are relative to the project)."""

SHIPPED = [code for code in LOCALES if code not in ("en", "fa_AF")]
"""Locales with catalogs of their own (English is the source; Dari reads the Persian catalog)."""


def _pybabel(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            CommandLineInterface().run(["pybabel", "-q", *args])
        except SystemExit as exc:
            if exc.code:
                raise MarhabaError(f"pybabel {args[0]} failed:\n{out.getvalue()}") from None
    return out.getvalue()


def extract(project: Path) -> list[Path]:
    """Write ``locales/<domain>.pot`` from the code and the content."""
    written = []
    for domain, mapping in DOMAINS.items():
        pot = project / "locales" / f"{domain}.pot"
        _pybabel(
            "extract", "-F", str(project / "locales" / mapping), "-k", "N_", "-c", "TRANSLATORS:",
            "--project", "Marhaba", "--copyright-holder", "Marhaba contributors", "--no-wrap",
            "--sort-by-file", "-o", str(pot), str(project),
        )
        written.append(pot)
    return written


def update(project: Path, locales: list[str] | None = None) -> None:
    """Merge the templates into each locale's catalog (creating missing ones); changed sources turn fuzzy."""
    for domain in DOMAINS:
        pot = project / "locales" / f"{domain}.pot"
        for code in locales or SHIPPED:
            po = project / "locales" / code / "LC_MESSAGES" / f"{domain}.po"
            action = "update" if po.exists() else "init"
            _pybabel(action, "-i", str(pot), "-d", str(project / "locales"), "-D", domain, "-l", code, "--no-wrap")


def compile_catalogs(project: Path) -> list[Path]:
    """Check and compile every ``.po`` to ``.mo``; fuzzy entries are left out, so they fall back to English.

    Good files are compiled even when others are broken; the broken ones keep
    their old ``.mo`` and are reported together in a :class:`ContentError`.
    """
    problems: list[Problem] = []
    written = []
    for po in sorted((project / "locales").glob("*/LC_MESSAGES/*.po")):
        try:
            written.append(compile_po(po))
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    return written


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PO_LINE = re.compile(r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"')
"""A line of a ``.po`` file that is not a comment: an optional keyword, then one complete quoted string."""
_CHARSET = re.compile(rb"charset=([^\s\\\";]*)")

MAX_GROWTH = 4
"""A translation may be this many times as long as its English source (plus :data:`GROWTH_SLACK`):
real ones are at most about 2.5 times (short words grow most); a 2 MB text for one page is an accident."""
GROWTH_SLACK = 100
"""Characters always allowed beyond the English length, so "back" may become "back|retour|précédent"."""
CONTENT_LIMITS = {"body": MAX_BODY_CHARS, "short_title": WHATSAPP_BUTTON_TITLE}
"""The content's own limits (``marhaba content check``) hold for the translations of those fields too."""
PLURAL_SAMPLES = (0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 19, 20, 21, 22, 100, 101, 102, 111, 1000, 1001, 1_000_000)
"""Numbers the plural rule of every language in CLDR tells apart (one, two, few, many, other)."""
MAX_PROBLEMS_PER_FILE = 20


def read_catalog(po: Path, display: str | None = None) -> Catalog:
    """Parse one ``.po`` file; a syntax error raises :class:`~bot.errors.ContentError` with file:line.

    Stricter than Babel, which reads an unclosed quote or a wrong charset without a word: the file
    must be UTF-8, say so in its header, and every line must be a comment or a complete quoted string.
    """
    shown = display or str(po)
    try:
        data = po.read_bytes()
    except OSError as exc:
        raise ContentError([Problem(shown, 1, 1, f"cannot read the translation file: {exc.strerror}")]) from None
    problems = _text_problems(data, shown)
    if problems:
        raise ContentError(problems)
    try:
        return read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        raise ContentError([Problem(shown, exc.lineno, 1, f"translation file syntax error: {exc}; "
                                    "open it in Poedit to fix it")]) from None
    except (UnicodeDecodeError, ValueError, LookupError) as exc:
        raise ContentError([Problem(shown, 1, 1, f"cannot read the translation file: {exc}")]) from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _text_problems(data: bytes, shown: str) -> list[Problem]:
    """A wrong charset, bytes that are not UTF-8, and lines that are not complete strings."""
    found = _CHARSET.search(data)
    if found:
        name = found.group(1).decode("ascii", "replace")
        try:
            utf8 = codecs.lookup(name).name == "utf-8"
        except LookupError:
            utf8 = False
        if not utf8:
            return [Problem(shown, _line_of(data, found.start()), 1,
                            f"the header says charset={name[:30]}; catalogs are UTF-8: save the file as UTF-8 "
                            "and write charset=UTF-8")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(shown, _line_of(data, exc.start), 1,
                        "this line is not UTF-8 text; save the file as UTF-8 (Poedit does)")]
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#") and not _PO_LINE.fullmatch(line):
            problems.append(Problem(shown, number, 1, "translation file syntax error: not a complete \"...\" "
                                    "string (check the quotes; write \\\" for a quote inside a text)"))
            if len(problems) == MAX_PROBLEMS_PER_FILE:
                break
    return problems


def check_catalog(catalog: Catalog, shown: str) -> list[Problem]:
    """Translations that would break a message: placeholders like ``{title}`` changed or invented,
    stray braces, or a text far longer than its English source."""
    problems = []
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        problem = _message_problem(message)
        if problem:
            problems.append(Problem(shown, message.lineno or 1, 1, problem))
    return problems


def _message_problem(message: Message) -> str:
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    expected = set().union(*(_PLACEHOLDER.findall(i) for i in ids))
    source = max(ids, key=len)
    limit = max(MAX_GROWTH * len(source), len(source) + GROWTH_SLACK)
    field = (message.context or "").rpartition(".")[2]
    limit = min(limit, CONTENT_LIMITS.get(field, limit))
    for text in strings:
        if not text:
            continue
        found = set(_PLACEHOLDER.findall(text))
        if found != expected:
            missing, extra = sorted(expected - found), sorted(found - expected)
            what = "; ".join(filter(None, (
                f"keep {', '.join('{' + p + '}' for p in missing)}" if missing else "",
                f"remove {', '.join('{' + p + '}' for p in extra)} (not in the English text)" if extra else "",
            )))
            return f"placeholders differ from the English: {what}"
        broken = _trial_format(text, expected, bool("{" in source or "}" in source))
        if broken:
            return broken
        if len(text) > limit:
            return (f"the translation is {len(text)} characters, the English {len(source)}: at most {limit} "
                    "are allowed here; shorten it")
    return ""


def _trial_format(text: str, names: set[str], source_has_braces: bool) -> str:
    """Fill ``text`` in as the bot will (each placeholder with sample numbers); what goes wrong, if anything."""
    if not names and not source_has_braces:
        if "{" in text or "}" in text:
            return "the translation has { or } but the English has none; remove them"
        return ""
    if not names:
        return ""  # a text with literal braces that the bot never fills in
    for sample in PLURAL_SAMPLES[:4]:
        try:
            text.format(**dict.fromkeys(names, sample))
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
            return (f"the translation cannot be filled in ({type(exc).__name__}: {exc}); keep each "
                    "{placeholder} exactly as in the English and write no other { or }")
    return ""


def _plural_problems(data: bytes, catalog: Catalog, po_text: bytes, shown: str) -> list[Problem]:
    """Load the compiled catalog as the bot will, and run its plural rule on sample numbers."""
    found = re.search(rb"Plural-Forms:", po_text)
    line = _line_of(po_text, found.start()) if found else 1
    example = "write it like: nplurals=2; plural=(n != 1);"
    try:
        translations = gettext.GNUTranslations(io.BytesIO(data))
    except (ValueError, SyntaxError, OverflowError, RecursionError) as exc:
        return [Problem(shown, line, 1, f"the Plural-Forms header cannot be read ({exc}); {example}")]
    except (OSError, UnicodeDecodeError, LookupError) as exc:
        return [Problem(shown, line, 1, f"the compiled catalog cannot be read ({type(exc).__name__}); "
                        "check the header")]
    for n in PLURAL_SAMPLES:
        try:
            index = translations.plural(n)  # type: ignore[attr-defined]
        except Exception as exc:  # the rule is code compiled from the header: anything can go wrong
            return [Problem(shown, line, 1, f"the Plural-Forms rule fails for n={n} ({type(exc).__name__}); "
                            f"{example}")]
        if not isinstance(index, int) or not 0 <= index < catalog.num_plurals:
            return [Problem(shown, line, 1, f"the Plural-Forms rule gives form {index} for n={n}, but there are "
                            f"{catalog.num_plurals} forms (nplurals); {example}")]
    return []


def mo_bytes(po: Path, display: str | None = None) -> bytes:
    """The checked, compiled ``.mo`` of one ``.po`` file (fuzzy entries left out).

    Raises :class:`~bot.errors.ContentError` with file:line problems when the
    file is broken, a translation would break its message, or the compiled
    catalog would not load (a broken plural rule): what this returns loads.
    """
    shown = display or str(po)
    catalog = read_catalog(po, shown)
    problems = check_catalog(catalog, shown)
    if problems:
        raise ContentError(problems)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    data = buffer.getvalue()
    problems = _plural_problems(data, catalog, po.read_bytes(), shown)
    if problems:
        raise ContentError(problems)
    return data


def install_mo(mo: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``mo``, load it, and only then replace ``mo`` in one step.

    A reader (the running bot, the next start) sees the old or the new catalog, never half of one,
    and never a catalog that does not load.
    """
    tmp = mo.with_name(mo.name + ".tmp")
    tmp.write_bytes(data)
    try:
        with tmp.open("rb") as fh:
            gettext.GNUTranslations(fh)
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(mo)


def compile_po(po: Path, display: str | None = None) -> Path:
    """Check one ``.po`` file and compile it to the ``.mo`` beside it; a broken file keeps its old ``.mo``."""
    mo = po.with_suffix(".mo")
    install_mo(mo, mo_bytes(po, display))
    return mo
