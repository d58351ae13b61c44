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
            if found != expected:
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
