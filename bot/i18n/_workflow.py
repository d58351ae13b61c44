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
from babel.messages.pofile import PoFileError, read_po, write_po

from bot.content._loader import MAX_BODY_CHARS, WHATSAPP_BUTTON_TITLE
from bot.errors import ContentError, MarhabaError, Problem
from bot.i18n._locales import LOCALES
from bot.i18n._translator import CONTENT_DOMAIN, UI_DOMAIN, split_short

DOMAINS = {UI_DOMAIN: "babel-ui.cfg", CONTENT_DOMAIN: "babel-content.cfg"}
"""Each domain's mapping file in ``locales/`` (its patterns are relative to the project)."""

SHIPPED = [code for code in LOCALES if code != "en"]
"""Locales with catalogs of their own (English is the source). A layered catalog (Dari ``fa_AF``)
holds only what differs from its fallback (Persian); its empty entries read the fallback's."""


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
    """Write ``locales/<domain>.pot`` from the code and the content.

    Source references are relative to the project (``bot/core/_render.py:12``) and
    lines are wrapped as plain ``pybabel`` wraps them, so the result does not
    depend on the machine. A template whose entries did not change is left as it
    was, creation date included: an unchanged tree gives unchanged files.
    """
    written = []
    for domain, mapping in DOMAINS.items():
        pot = project / "locales" / f"{domain}.pot"
        tmp = pot.with_name(pot.name + ".new")
        with contextlib.chdir(project):
            _pybabel(
                "extract", "-F", f"locales/{mapping}", "-k", "N_", "-c", "TRANSLATORS:",
                "--project", "Marhaba", "--copyright-holder", "Marhaba contributors",
                "-o", str(tmp), ".",
            )
        _replace_if_changed(tmp, pot)
        written.append(pot)
    return written


_VOLATILE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*"\n?$', re.M)


def _replace_if_changed(new: Path, old: Path) -> bool:
    """Move ``new`` over ``old`` unless they differ only in their dates; True when ``old`` changed."""
    data = new.read_bytes()
    if old.is_file() and _VOLATILE.sub(b"", old.read_bytes()) == _VOLATILE.sub(b"", data):
        new.unlink()
        return False
    new.replace(old)
    return True


def update(project: Path, locales: list[str] | None = None) -> None:
    """Merge the templates into each locale's catalog (creating missing ones); changed sources turn fuzzy.

    A fuzzy entry keeps the English it was translated from (``#|`` lines), so a
    translator sees what changed. A catalog the merge would change only in its
    dates is left untouched.
    """
    for domain in DOMAINS:
        pot = project / "locales" / f"{domain}.pot"
        for code in locales or SHIPPED:
            po = project / "locales" / code / "LC_MESSAGES" / f"{domain}.po"
            if not po.exists():
                _pybabel("init", "-i", str(pot), "-d", str(project / "locales"), "-D", domain, "-l", code)
                continue
            tmp = po.with_name(po.name + ".new")
            _merge(pot, po, tmp, code)
            _keep_previous(tmp)
            _keep_own_headers(po, tmp)
            _replace_if_changed(tmp, po)


_OWN_HEADER = re.compile(r'^"X-[A-Za-z-]+: [^"]*\\n"$', re.M)


def _keep_own_headers(old: Path, new: Path) -> None:
    """Carry the translators' own header fields (``X-Reviewed-By-Native-Speaker``) over a merge.

    Babel keeps only the header fields it knows; these are put back after its last one.
    """
    own = _OWN_HEADER.findall(old.read_text(encoding="utf-8").split("\n\n", 1)[0])
    if not own:
        return
    head, sep, rest = new.read_text(encoding="utf-8").partition("\n\n")
    head = "\n".join(line for line in head.split("\n") if not _OWN_HEADER.match(line))
    new.write_text(head + "\n" + "\n".join(own) + sep + rest, encoding="utf-8")


def _merge(pot: Path, po: Path, out: Path, locale: str) -> None:
    """What ``pybabel update --previous`` does, except that a changed content text is matched by its context.

    Babel guesses the old entry of a changed English text from similar texts
    anywhere in the catalog ("Health and care" would inherit the translation of
    "Get a health card"); a content entry's context names its node and field,
    so its own old entry is the right one.
    """
    with pot.open("rb") as fh:
        template = read_po(fh)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    old = {m.context: m for m in catalog if m.id and m.context}
    catalog.update(template)
    for message in catalog:
        before = old.get(message.context) if message.context else None
        if before is None or before.id == message.id or not before.string:
            continue
        if message.fuzzy or not message.string:
            message.string = before.string
            message.flags.add("fuzzy")
            message.previous_id = [before.id] if isinstance(before.id, str) else list(before.id)
            # Babel types an id as str, tuple or list; the obsolete entries' keys are (id[, context]).
            catalog.obsolete.pop(before.id if not before.context else (before.id, before.context), None)  # type: ignore[arg-type]
    with out.open("wb") as fh:
        write_po(fh, catalog, include_previous=True, width=76)


def _keep_previous(po: Path) -> None:
    """Put each entry's previous English (``#|`` lines) after its flags, where gettext expects it.

    Babel writes the previous English of a newly fuzzy entry, but reads such
    lines back as translator comments (``# | msgid``): without this, a second
    update would move them and the file would change on every run.
    """
    blocks = po.read_text(encoding="utf-8").split("\n\n")
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        previous = [line for line in lines if line.startswith(("#|", "# |"))]
        if not previous:
            continue
        rest = [line for line in lines if not line.startswith(("#|", "# |"))]
        previous = list(dict.fromkeys("#|" + line[3:] if line.startswith("# |") else line for line in previous))
        at = next((n for n, line in enumerate(rest) if not line.startswith("#")), len(rest))
        blocks[i] = "\n".join(rest[:at] + previous + rest[at:])
    po.write_text("\n\n".join(blocks), encoding="utf-8")


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


_PARSED: dict[tuple[str, int, int], Catalog] = {}


def read_catalog_cached(po: Path) -> Catalog:
    """:func:`read_catalog`, parsed once per version of the file in this process (for read-only use)."""
    st = po.stat()
    key = (str(po), st.st_mtime_ns, st.st_size)
    catalog = _PARSED.get(key)
    if catalog is None:
        if len(_PARSED) > 64:
            _PARSED.clear()
        catalog = _PARSED[key] = read_catalog(po)
    return catalog


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
        # A plural form may leave out the number its noun already says ("خطوتين", two steps).
        if found != expected and not (len(strings) > 1 and found < expected):
            missing, extra = sorted(expected - found), sorted(found - expected)
            what = "; ".join(filter(None, (
                f"keep {', '.join('{' + p + '}' for p in missing)}" if missing else "",
                f"remove {', '.join('{' + p + '}' for p in extra)} (not in the English text)" if extra else "",
            )))
            return f"placeholders differ from the English: {what}"
        broken = _trial_format(text, expected, bool("{" in source or "}" in source))
        if broken:
            return broken
        longest = max(split_short(text), key=lambda part: len(part or ""))  # a short form is measured alone
        if len(longest or "") > limit:
            text = longest or ""
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
    data = catalog_bytes(catalog)
    problems = _plural_problems(data, catalog, po.read_bytes(), shown)
    if problems:
        raise ContentError(problems)
    return data


def catalog_bytes(catalog: Catalog) -> bytes:
    """The ``.mo`` of a parsed catalog: fuzzy entries and incomplete plurals left out."""
    incomplete = [m for m in catalog if m.id and isinstance(m.string, tuple | list) and not all(m.string)]
    buffer = io.BytesIO()
    # Babel would compile an untranslated plural as the English text; left out, it falls back
    # (to the fallback catalog of a layered locale like Dari, else to English).
    for message in incomplete:
        catalog.delete(message.id, message.context)
    try:
        write_mo(buffer, catalog)
    finally:
        for message in incomplete:
            catalog[message.id] = message
    return buffer.getvalue()


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
