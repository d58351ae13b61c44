"""The translation workflow: extract, update and compile the catalogs with Babel.

These wrap ``pybabel`` with the project's mapping files, so that
``marhaba i18n extract`` and plain ``pybabel`` give the same catalogs.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

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
            tmp.write_bytes(po.read_bytes())  # pybabel updates the file it writes
            _pybabel("update", "-i", str(pot), "-o", str(tmp), "-l", code, "--previous")
            _keep_previous(tmp)
            _replace_if_changed(tmp, po)


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


def read_catalog(po: Path, display: str | None = None) -> Catalog:
    """Parse one ``.po`` file; a syntax error raises :class:`~bot.errors.ContentError` with file:line."""
    shown = display or str(po)
    try:
        with po.open("rb") as fh:
            return read_po(fh, abort_invalid=True)
    except PoFileError as exc:
        raise ContentError([Problem(shown, exc.lineno, 1, f"translation file syntax error: {exc}; "
                                    "open it in Poedit to fix it")]) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ContentError([Problem(shown, 1, 1, f"cannot read the translation file: {exc}")]) from None


def check_catalog(catalog: Catalog, shown: str) -> list[Problem]:
    """Translations that would break a message: placeholders like ``{title}`` changed or invented."""
    problems = []
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        expected = set().union(*(_PLACEHOLDER.findall(i) for i in ids))
        for text in strings:
            if not text:
                continue
            found = set(_PLACEHOLDER.findall(text))
            # A plural form may leave out the number its noun already says ("خطوتين", two steps).
            plural = len(strings) > 1
            if found != expected and not (plural and found < expected):
                missing, extra = sorted(expected - found), sorted(found - expected)
                what = "; ".join(filter(None, (
                    f"keep {', '.join('{' + p + '}' for p in missing)}" if missing else "",
                    f"remove {', '.join('{' + p + '}' for p in extra)} (not in the English text)" if extra else "",
                )))
                problems.append(Problem(shown, message.lineno or 1, 1, f"placeholders differ from the English: {what}"))
                break
    return problems


def mo_bytes(po: Path, display: str | None = None) -> bytes:
    """The checked, compiled ``.mo`` of one ``.po`` file (fuzzy entries left out).

    Raises :class:`~bot.errors.ContentError` with file:line problems when the
    file is broken or a translation would break its message.
    """
    shown = display or str(po)
    catalog = read_catalog(po, shown)
    problems = check_catalog(catalog, shown)
    if problems:
        raise ContentError(problems)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` in one step: a reader sees the old or the new file, never half of one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def compile_po(po: Path, display: str | None = None) -> Path:
    """Check one ``.po`` file and compile it to the ``.mo`` beside it; a broken file keeps its old ``.mo``."""
    mo = po.with_suffix(".mo")
    write_atomic(mo, mo_bytes(po, display))
    return mo
