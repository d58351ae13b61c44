"""The translation workflow: extract, update and compile the catalogs with Babel.

These wrap ``pybabel`` with the project's mapping files, so that
``marhaba i18n extract`` and plain ``pybabel`` give the same catalogs.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from bot.errors import MarhabaError
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


def compile_catalogs(project: Path) -> None:
    """Compile every ``.po`` to ``.mo``; fuzzy entries are left out, so they fall back to English."""
    for domain in DOMAINS:
        _pybabel("compile", "-d", str(project / "locales"), "-D", domain, "--statistics")
