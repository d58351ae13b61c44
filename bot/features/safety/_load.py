"""Reading and validating ``content/safety.yaml`` with ``file:line:col`` problems.

The file looks like this::

    categories:
      - id: self-harm                       # one of CATEGORIES; the first listed wins a tie
        page: emergency-helpline-24h        # an emergency page with a phone number
        helplines: ["+90 212 555 0100", "112"]   # the first in international form: one tap calls it
        phrases:
          en: [kill myself, suicid*]
          ar-latn: [ente7er]                # romanised forms: the language, then -latn

Besides the file's own shape, each rule is checked against the content: the
page must exist and give a phone number, and no phrase may match an example
question (``questions:``) of a page outside emergency help, where it would
send ordinary questions to the emergency reply.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from bot.content import SAFETY_FILE, ContentTree, read_yaml_file
from bot.content._loader import display_path
from bot.content._yaml import Y
from bot.errors import ContentError, Problem
from bot.features.questions import tokens
from bot.features.safety._rules import (
    CATEGORIES,
    Category,
    Phrase,
    PhraseError,
    SafetyRules,
    compile_phrase,
)
from bot.i18n import LOCALES, negotiate

EMERGENCY_TOPIC = "emergency"
"""The content topic whose pages count as emergency help, besides the rules' own pages."""
FILE_KEYS = ("categories",)
CATEGORY_KEYS = ("id", "page", "helplines", "phrases")
MAX_PHRASES = 5_000
INTERNATIONAL_RE = re.compile(r"^\+[1-9][0-9 ]{6,20}$")
SHORT_NUMBER_RE = re.compile(r"^[0-9]{3,6}$")
_LANG_RE = re.compile(r"^([a-z]{2,3}(?:_[A-Z]{2})?)(-latn)?$")


def safety_path(content_dir: str | Path) -> Path:
    return Path(content_dir) / SAFETY_FILE


def load_safety(content_dir: str | Path, tree: ContentTree) -> tuple[SafetyRules, list[Problem]]:
    """The rules in ``content_dir`` checked against ``tree``, and warnings.

    Raises :class:`ContentError` with every error at once. A missing file is
    a warning: the bot then has no safety check, which staff must know.
    """
    directory = Path(content_dir)
    path = safety_path(directory)
    shown = display_path(path)
    if not path.is_file():
        return SafetyRules(path=shown), [Problem(shown, 1, 1, "no safety rules: the bot will not recognise a person "
                                                 "in danger; write this file (see the README, 'Safety rules')",
                                                 "warning")]
    problems: list[Problem] = []
    doc = read_yaml_file(path, directory, problems)
    checker = _Checker(shown, tree, problems)
    rules = checker.file(doc)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(sorted(errors, key=lambda p: (p.line, p.col)))
    return rules, [p for p in problems if p.severity != "error"]


def emergency_pages(tree: ContentTree, rules_pages: set[str]) -> set[str]:
    """Pages that are emergency help: the emergency topic, the rules' pages, and everything under them."""
    roots = {EMERGENCY_TOPIC, *rules_pages}
    return {node_id for node_id in tree.nodes
            if node_id in roots or any(a.id in roots for a in tree.ancestors(node_id))}


class _Checker:
    def __init__(self, path: str, tree: ContentTree, problems: list[Problem]) -> None:
        self.path, self.tree, self.problems = path, tree, problems

    def err(self, y: Y, message: str, *, at_key: bool = False, severity: str = "error") -> None:
        line, col = y.key_pos if (at_key and y.key_pos) else (y.line, y.col)
        self.problems.append(Problem(self.path, line, col, message, severity))

    def unknown(self, m: Y, allowed: tuple[str, ...], what: str) -> None:
        for key, value in m.value.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else f"; allowed keys: {', '.join(allowed)}"
                self.err(value, f"unknown key '{key}' in {what}{hint}", at_key=True)

    def file(self, doc: Y | None) -> SafetyRules:
        if doc is None or not doc.is_map or "categories" not in doc.value:
            where = doc or Y(None, 1, 1)
            self.err(where, "safety.yaml holds 'categories': a list of rules with id, page, helplines and phrases")
            return SafetyRules(path=self.path)
        self.unknown(doc, FILE_KEYS, "safety.yaml")
        items = doc.value["categories"]
        categories: dict[str, Category] = {}
        for item in items.value if items.is_list else [items]:
            category = self.category(item, categories)
            if category is not None:
                categories[category.id] = category
        missing = [c for c in CATEGORIES if c not in categories]
        if missing:
            self.err(items, f"no rule for {', '.join(missing)}: people in these dangers get no emergency reply",
                     severity="warning")
        if sum(len(c.phrases) for c in categories.values()) > MAX_PHRASES:
            self.err(items, f"more than {MAX_PHRASES} phrases; keep to the ones people write")
        self.against_content(categories)
        return SafetyRules(categories=categories, path=self.path)

    def category(self, m: Y, seen: dict[str, Category]) -> Category | None:
        if not m.is_map:
            self.err(m, "a rule is a mapping with id, page, helplines and phrases")
            return None
        self.unknown(m, CATEGORY_KEYS, "a rule")
        v = m.value
        cid = v["id"].text() if "id" in v else None
        if not cid:
            self.err(m, f"the rule has no id; use one of: {', '.join(CATEGORIES)}")
            return None
        if cid not in CATEGORIES:
            close = difflib.get_close_matches(cid, CATEGORIES, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else f"categories: {', '.join(CATEGORIES)}"
            self.err(v["id"], f"unknown category '{cid}'; {hint}")
            return None
        if cid in seen:
            self.err(v["id"], f"category '{cid}' is written twice; put all its phrases in one rule")
            return None
        page = self.page(m, cid)
        helplines = self.helplines(m, cid)
        phrases = self.phrases(v.get("phrases"), cid)
        if page is None or helplines is None:
            return None
        return Category(id=cid, page=page, helplines=helplines, phrases=phrases)

    def page(self, m: Y, cid: str) -> str | None:
        y = m.value.get("page")
        page = y.text() if y is not None else None
        if y is None or not page:
            self.err(m, f"rule '{cid}' has no page; name the emergency page to show, e.g. page: emergency-danger")
            return None
        node = self.tree.get(page)
        if node is None:
            close = difflib.get_close_matches(page, list(self.tree.nodes), n=1, cutoff=0.7)
            self.err(y, f"page '{page}' does not exist" + (f"; did you mean '{close[0]}'?" if close else ""))
            return None
        if not (node.details and node.details.phone):
            self.err(y, f"page '{page}' has no phone number; give it details: phone: (a person in danger must "
                     "be able to call from it)")
            return None
        return page

    def helplines(self, m: Y, cid: str) -> tuple[str, ...] | None:
        y = m.value.get("helplines")
        if y is None or y.value is None:
            self.err(m, f"rule '{cid}' has no helplines; list the numbers to call, the first in international "
                     "form like \"+90 212 555 0100\"")
            return None
        out = []
        for n, item in enumerate(y.value if y.is_list else [y]):
            number = (item.text() or "").strip()
            if n == 0 and not INTERNATIONAL_RE.match(number):
                self.err(item, f"'{number}' must be in international form, like \"+90 212 555 0100\": only a "
                         "number with + and the country code can be called with one tap from the message")
                return None
            if not INTERNATIONAL_RE.match(number) and not SHORT_NUMBER_RE.match(number):
                self.err(item, f"'{number}' is not a phone number: write +, the country code and the number, "
                         "or a short emergency number like 112")
                return None
            out.append(number)
        return tuple(out)

    def phrases(self, y: Y | None, cid: str) -> tuple[Phrase, ...]:
        if y is None or y.value is None:
            return ()
        if not y.is_map:
            self.err(y, "'phrases' maps a language to a list, for example  en: [kill myself]")
            return ()
        out: list[Phrase] = []
        for lang, items in y.value.items():
            found = _LANG_RE.match(lang)
            if not found or negotiate(found.group(1)) not in LOCALES:
                self.err(items, f"'{lang}' is not a shipped language ({', '.join(LOCALES)}); add -latn for "
                         "romanised forms, e.g. ar-latn", at_key=True)
                continue
            locale = negotiate(found.group(1)) or found.group(1)
            for item in items.value if items.is_list else [items]:
                text = item.text() if not (item.is_map or item.is_list) else None
                if not text or not text.strip():
                    self.err(item, "a phrase must be text")
                    continue
                try:
                    out.append(compile_phrase(text.strip(), locale + (found.group(2) or ""), cid, item.line, item.col))
                except PhraseError as exc:
                    self.err(item, f"phrase '{text.strip()}': {exc}")
        return tuple(out)

    def against_content(self, categories: dict[str, Category]) -> None:
        """No phrase may match an example question of a page that is not emergency help."""
        safe = emergency_pages(self.tree, {c.page for c in categories.values()})
        index = SafetyRules(categories=categories)  # the first-word index: each question costs a few look-ups
        reported: set[int] = set()
        for node in self.tree.nodes.values():
            if node.id in safe:
                continue
            for question in (q for qs in node.questions.values() for q in qs):
                for phrase in index.matching(tokens(question)):
                    if id(phrase) in reported:
                        continue
                    reported.add(id(phrase))
                    where = f"{node.position.path}:{node.position.line}" if node.position else node.id
                    self.problems.append(Problem(
                        self.path, phrase.line, phrase.col,
                        f"phrase '{phrase.text}' also matches '{question}', an example question of "
                        f"'{node.id}' ({where}), which is not emergency help; make the phrase more specific "
                        "or move the question"))
