"""A broken catalog never reaches the bot: refused with file:line at compile and at live reload,
the last good .mo stays on disk, and the running bot and the next start keep serving it."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.i18n import Catalogs
from bot.i18n._workflow import compile_catalogs, compile_po
from tests.conftest import PROJECT

Edit = Callable[[str], str]


def header(old: str, new: str) -> Edit:
    def change(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)
    return change


def translation(msgid: str, msgstr: str) -> Edit:
    """Replace the translation of ``msgid`` (a one-line entry)."""
    def change(text: str) -> str:
        start = text.index(f'msgid "{msgid}"\n')
        end = text.index("\n", text.index("msgstr", start))
        return text[:start] + f'msgid "{msgid}"\nmsgstr "{msgstr}"' + text[end:]
    return change


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


LONG_BODY = "x" * 5000
CASES = {
    # name: (locale, domain, edit, the text on the line the problem names, what the problem says)
    "plural header": ("tr", "ui", header("plural=(n != 1);", "plural=(n != 1 ? ;"), "Plural-Forms:",
                      "the Plural-Forms header cannot be read"),
    "plural rule out of range": ("tr", "ui", header("plural=(n != 1);", "plural=(n + 5);"), "Plural-Forms:",
                                 "gives form 5 for n=0, but there are 2 forms"),
    "syntax error": ("tr", "ui", translation("Continue: {title}", 'Devam et: {title}'), None, "syntax error"),
    "wrong charset": ("tr", "ui", header("charset=utf-8", "charset=ISO-8859-9"), "charset=ISO-8859-9",
                      "the header says charset=ISO-8859-9"),
    "stray closing brace": ("tr", "ui", translation("Continue: {title}", "Devam et: {title}}"),
                            'msgid "Continue: {title}"', "cannot be filled in (ValueError"),
    "positional placeholder": ("tr", "ui", translation("Continue: {title}", "… {title} {0}"),
                               'msgid "Continue: {title}"', "cannot be filled in (IndexError"),
    "braces the English has not": ("tr", "ui", translation("Main menu", "Ana menü {"), 'msgid "Main menu"',
                                   "the English has none"),
    "far too long": ("tr", "ui", translation("Main menu", "Ana menü " * 50), 'msgid "Main menu"',
                     "at most 109 are allowed here"),
}


def _syntax_error(text: str) -> str:
    # An unclosed quote: Babel alone reads it as the text without its last letter.
    return translation("Continue: {title}", "Devam et: {title}")(text).replace(
        'msgstr "Devam et: {title}"', 'msgstr "Devam et: {title}', 1)


def broken(po: Path, name: str) -> tuple[int, str]:
    """Break ``po`` as case ``name`` says; the line the problem must name and the words it must say."""
    _locale, _domain, edit, needle, says = CASES[name]
    text = edit(po.read_text(encoding="utf-8"))
    if name == "syntax error":
        text = _syntax_error(po.read_text(encoding="utf-8"))
        needle = 'msgstr "Devam et: {title}\n'
    po.write_text(text, encoding="utf-8")
    return line_of(text, needle), says


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    target = tmp_path / "locales"
    shutil.copytree(PROJECT / "locales", target)
    return target


@pytest.mark.parametrize("name", CASES)
def test_compile_refuses_with_file_line_and_keeps_the_good_mo(locales: Path, name: str) -> None:
    locale, domain = CASES[name][:2]
    po = locales / locale / "LC_MESSAGES" / f"{domain}.po"
    mo_before = po.with_suffix(".mo").read_bytes()
    line, says = broken(po, name)
    with pytest.raises(ContentError) as exc:
        compile_po(po)
    (problem,) = exc.value.problems
    assert (problem.path, problem.line) == (str(po), line), str(problem)
    assert says in problem.message
    assert po.with_suffix(".mo").read_bytes() == mo_before
    assert not list(po.parent.glob("*.tmp"))
    Catalogs(locales).get(locale).gettext("Main menu")  # the next start loads


def test_compile_of_all_catalogs_names_each_broken_one_and_compiles_the_rest(locales: Path) -> None:
    broken(locales / "tr" / "LC_MESSAGES" / "ui.po", "plural header")
    fr = locales / "fr" / "LC_MESSAGES" / "ui.po"
    fr.write_text(fr.read_text(encoding="utf-8").replace('msgstr "Menu principal"', 'msgstr "Menu principal!"', 1),
                  encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        compile_catalogs(locales.parent)
    assert [p.path for p in exc.value.problems] == [str(locales / "tr" / "LC_MESSAGES" / "ui.po")]
    assert Catalogs(locales).get("fr").gettext("Main menu") == "Menu principal!"


def _replace_msgstr(po: Path, context: str, msgstr: str) -> int:
    """Give the content entry ``context`` a new translation; the line of its ``msgid``."""
    text = po.read_text(encoding="utf-8")
    start = text.index(f'msgctxt "{context}"')
    end = text.index("\n\n", start)
    text = text[:start] + text[start:end].split("\nmsgstr")[0] + f'\nmsgstr "{msgstr}"' + text[end:]
    po.write_text(text, encoding="utf-8")
    return line_of(text, f'msgctxt "{context}"') + 1  # Babel names the msgid line


@pytest.mark.parametrize(("context", "msgstr", "message"), [
    # One tap on /menu sent 489 Telegram messages with this one.
    ("main.body", "س" * 2_000_000,
     "the translation is 2000000 characters, the English 148: at most 592 are allowed here; shorten it"),
    # The content's own limit for the field holds for its translation too.
    ("cc-locations.short_title", "ع" * 21,
     "the translation is 21 characters, the English 11: at most 20 are allowed here; shorten it"),
])
def test_a_content_translation_far_longer_than_allowed_is_refused(locales: Path, context: str, msgstr: str,
                                                                   message: str) -> None:
    po = locales / "ar" / "LC_MESSAGES" / "content.po"
    line = _replace_msgstr(po, context, msgstr)
    with pytest.raises(ContentError) as exc:
        compile_po(po)
    (problem,) = exc.value.problems
    assert (problem.line, problem.message) == (line, message)


def test_a_mo_that_does_not_load_is_skipped_at_start_not_fatal(locales: Path,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    # Compiled by plain pybabel, which checks nothing: the bot still starts, in English for that catalog.
    mo = locales / "tr" / "LC_MESSAGES" / "ui.mo"
    mo.write_bytes(mo.read_bytes().replace(b"plural=(n != 1);", b"plural=(n != 1 ?;", 1))
    with caplog.at_level(logging.ERROR, logger="marhaba.i18n"):
        catalogs = Catalogs(locales)
    assert catalogs.get("tr").gettext("Main menu") == "Main menu"
    assert [r.getMessage() for r in caplog.records] == [
        f"cannot load {mo} (ValueError); its texts are shown in English until `marhaba i18n compile` succeeds"]
