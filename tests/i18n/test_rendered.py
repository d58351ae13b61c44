"""Every page, menu and reply of the sample, as each locale's users read it.

The crawler (``tests/i18n/crawl.py``) presses every button of the fully
assembled bot once per locale; these tests read what it was shown: no English
left in a translation, one digit system per locale, and right-to-left lines
that every app lays out right to left.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.content import load_content
from bot.core import Outgoing
from bot.i18n import LOCALES, RLM
from bot.i18n._digits import default_system, localize_digits
from bot.i18n._locales import catalog_chain
from tests.conftest import PROJECT, SAMPLE_CONTENT
from tests.i18n.crawl import crawl, texts

TRANSLATED = [code for code in LOCALES if code != "en"]
RTL = [code for code in LOCALES if LOCALES[code].rtl]
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{3,}")
_ISOLATED = re.compile("[\u2066\u2067\u2068][^\u2069]*\u2069")
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")

_crawled: dict[tuple[str, ...], dict[str, list[Outgoing]]] = {}


async def crawled(tmp_path_factory: pytest.TempPathFactory, **env: str) -> dict[str, list[Outgoing]]:
    """Every locale's crawl of the sample (once per session and environment)."""
    key = tuple(sorted(env.items()))
    if key not in _crawled:
        _crawled[key] = await crawl(tmp_path_factory.mktemp("crawl"), list(LOCALES), **env)
    return _crawled[key]


def words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def translated_words(locale: str) -> set[str]:
    """Words a translator of ``locale`` (or of its fallback) wrote: these may look English (WhatsApp, online)."""
    found: set[str] = set()
    for code in catalog_chain(locale):
        for po in (PROJECT / "locales" / code / "LC_MESSAGES").glob("*.po"):
            with po.open("rb") as fh:
                for m in read_po(fh):
                    if not m.id:
                        continue  # the header
                    for s in (m.string if isinstance(m.string, tuple | list) else (m.string,)):
                        found |= words(s or "")
    return found


def names() -> set[str]:
    """Words of what is never translated: addresses, phone numbers, e-mails, links, languages' own names."""
    found: set[str] = set()
    for node in load_content(SAMPLE_CONTENT).tree.nodes.values():
        d = node.details
        if d is not None:
            for text in (d.address, d.email, *(link.url for link in d.links)):
                found |= words(text or "")
    for event_text in (SAMPLE_CONTENT / "events.yaml").read_text(encoding="utf-8").splitlines():
        if event_text.strip().startswith("address:"):
            found |= words(event_text.partition(":")[2])
    for info in LOCALES.values():
        found |= words(info.native_name)
    return found


def english_words(line: str) -> set[str]:
    """Latin words of a line, except commands (``/start``); isolated text counts (English can hide there)."""
    return words(re.sub(r"/[a-z_]+", " ", re.sub("[\u2066-\u2069\u200e\u200f]", " ", line)))


@pytest.mark.parametrize("locale", TRANSLATED)
async def test_every_page_menu_and_reply_is_translated(locale: str, tmp_path_factory) -> None:
    pages = await crawled(tmp_path_factory)
    english = set().union(*(english_words(t) for t in texts(pages["en"])))
    allowed = translated_words(locale) | names()
    left = {}
    for text in texts(pages[locale]):
        for line in text.splitlines():
            untranslated = (english_words(line) & english) - allowed
            if untranslated:
                left[line] = sorted(untranslated)
    assert len(pages[locale]) > 150  # the crawl reached the whole sample
    assert not left, f"{locale}: English words in {len(left)} lines, e.g. {list(left.items())[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_number_is_written_in_the_locale_digits(locale: str, tmp_path_factory) -> None:
    pages = await crawled(tmp_path_factory)
    system = default_system(locale)  # Persian, Dari and Pashto ۱۲۳, Sorani ١٢٣, Bengali ১২৩, the rest 123
    wrong = [t for t in texts(pages[locale]) if localize_digits(t, system) != t]
    assert not wrong, f"{locale}: digits of another system in {wrong[:3]}"


async def test_a_deployer_chooses_the_digits_of_a_locale(tmp_path_factory) -> None:
    pages = await crawled(tmp_path_factory, MARHABA_DIGITS="fa:latn,ps:arab,ar:arab")
    for locale, system, sample in (("fa", "latn", "8"), ("fa_AF", "latn", "8"), ("ps", "arab", "٨"),
                                   ("ar", "arab", "٨"), ("ur", "latn", "8")):
        shown = texts(pages[locale])
        assert all(localize_digits(t, system) == t for t in shown), locale
        progress = next(t for t in shown if "%" in t or "٪" in t)
        assert sample in progress or "0" in progress or "٠" in progress, (locale, progress)
    progress_fa = next(t for t in texts(pages["fa"]) if "%" in t)
    assert re.search(r"\d+%", progress_fa) and "٪" not in progress_fa


@pytest.mark.parametrize("locale", RTL)
async def test_right_to_left_lines_start_right_to_left_and_use_the_arabic_comma(locale: str,
                                                                                 tmp_path_factory) -> None:
    pages = await crawled(tmp_path_factory)
    bad_start, latin_comma = [], []
    for m in pages[locale]:
        for line in f"{m.title}\n{m.text}".splitlines():
            outside = _ISOLATED.sub("", line)
            if not _RTL_LETTER.search(outside):
                continue  # a line in another language (none in these pages)
            if not (line.startswith(RLM) or _RTL_LETTER.match(line)):
                bad_start.append(line)
            if re.search(r"(?<!\d),|,(?!\d)", outside):
                latin_comma.append(line)
            if "%" in outside:
                assert LOCALES[locale].code in ("ar", "ur"), line  # Latin digits keep %, Arabic-script digits ٪
    assert not bad_start, bad_start[:3]
    assert not latin_comma, latin_comma[:3]


@pytest.mark.parametrize("locale", TRANSLATED)
async def test_whatsapp_cuts_no_translated_label(locale: str, tmp_path_factory) -> None:
    from bot.channels.whatsapp._render import Labels, render

    pages = await crawled(tmp_path_factory)
    cut = set()
    for message in pages[locale]:
        for sent in render(message, Labels()):
            interactive = sent.get("interactive", {})
            action = interactive.get("action", {})
            titles = [b["reply"]["title"] for b in action.get("buttons", [])]
            titles += [r["title"] for s in action.get("sections", []) for r in s["rows"]]
            cut |= {t for t in titles if t.endswith("…")}
    assert not cut, f"{locale}: {sorted(cut)}"
