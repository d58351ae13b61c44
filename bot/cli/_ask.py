"""``marhaba ask``: why does the bot answer that? The questions feature's ranking and the safety feature's
check of one question, as the application runs them (the command composes two features, so it lives here)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.errors import MarhabaError
from bot.i18n import DEFAULT_LOCALE, LOCALES, negotiate


class BatchError(MarhabaError):
    """Some lines of an ``ask --batch`` file could not be read (their output lines say which)."""


def _locale(code: str | None, question: str) -> str:
    from bot.features.questions import detect

    if code:
        locale = negotiate(code)
        if locale is None:
            raise MarhabaError(f"unknown language '{code[:20]}'; choose from: {', '.join(LOCALES)}")
        return locale
    return detect(question).language or DEFAULT_LOCALE


def _result(index: Any, question: str, locale: str, limit: int, safety: Any = None) -> dict[str, Any]:
    from bot.features.questions import rank

    ranking = rank(index, question, locale, limit)
    hit = safety.check(question) if safety is not None else None
    return {
        "matches": [{"node": m.node, "topic": m.topic, "score": m.score} for m in ranking.matches],
        "locale": ranking.locale,
        "confident": ranking.confident,
        "confidence": ranking.best.confidence if ranking.best else 0.0,
        "safety": hit.category if hit else None,
    }


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.content import load_content
    from bot.core import node_title
    from bot.features.questions import QuestionIndex
    from bot.features.safety import load_safety
    from bot.i18n import Catalogs

    settings = _settings(args)
    tree = load_content(settings.content_dir).tree
    catalogs = Catalogs(settings.locales_dir, settings.digits)
    index = QuestionIndex(tree, catalogs)
    safety, _warnings = load_safety(settings.content_dir, tree)
    if args.batch:
        return _batch(index, args, safety)
    if not args.question:
        raise MarhabaError("give a question, e.g. marhaba ask \"where is the clinic\", or --batch FILE")
    question = " ".join(args.question)
    result = _result(index, question, _locale(args.lang, question), args.limit, safety)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    t = catalogs.get(result["locale"])
    verdict = "confident" if result["confident"] else "not confident: the bot offers a person"
    print(f"answered from the {result['locale']} content; confidence {result['confidence']:.2f} ({verdict})")
    for n, m in enumerate(result["matches"], 1):
        print(f"{n}. {m['score']:8.3f}  {m['node']}  [{m['topic']}]  {node_title(tree.nodes[m['node']], t)}")
    if not result["matches"]:
        print("no match")
    if result["safety"]:
        page = safety.categories[result["safety"]].page
        print(f"safety: {result['safety']} (the reply leads with emergency help: page {page}, "
              "then \"Talk to a person now\", then the answer above)")
    else:
        print("safety: none")
    return 0


def _batch(index: Any, args: argparse.Namespace, safety: Any) -> int:
    path = Path(args.batch)
    try:
        lines = sys.stdin.read().splitlines() if args.batch == "-" else path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MarhabaError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    bad = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("q"), str):
                raise ValueError('expected a JSON object like {"q": "...", "lang": "ar"}')
            lang = item.get("lang") if isinstance(item.get("lang"), str) else args.lang
            result = _result(index, item["q"], _locale(lang, item["q"]), args.limit, safety)
        except (ValueError, MarhabaError) as exc:
            bad += 1
            result = {"error": f"{path}:{number}: {exc}", "matches": [], "safety": None}
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(("[safety: " + result["safety"] + "] " if result["safety"] else "")
                  + (" ".join(f"{m['node']}({m['score']})" for m in result["matches"]) or result.get("error", "-")))
    if bad:
        raise BatchError(f"{bad} line{'s' if bad != 1 else ''} of {path} could not be read")
    return 0


def _settings(args: argparse.Namespace) -> Any:
    from bot.settings import Settings

    return Settings.from_env(content_dir=Path(args.content) if args.content else None)


def register_cli(sub: Any) -> None:
    """Add ``marhaba ask``."""
    ask = sub.add_parser("ask", help="show how the bot ranks the content for a question (node, topic, score)")
    ask.add_argument("question", nargs="*", help="the question, as a newcomer would type it")
    ask.add_argument("--lang", help="the asker's language (default: detected from the question)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--batch", metavar="FILE",
                     help='JSON lines {"q": ..., "lang": ...} in (- for stdin); one result line each, in order')
    ask.add_argument("--limit", type=int, default=5, help="matches to show (default 5)")
    ask.add_argument("--content", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    ask.set_defaults(func=cmd_ask)

