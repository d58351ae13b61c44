"""Question answering: topic accuracy and latency of Marhaba's ranking vs a plain BM25 baseline.

Run from the repository root::

    .venv/bin/python bench/bench_questions.py

Questions: ``../shared/eval/questions_dev.yaml`` and ``questions_dev2.yaml``
(relative to the repository root), ``bench/questions_extra.yaml`` and the
realistic set ``bench/questions_real.yaml``
and the new languages' ``bench/questions_newlangs*.yaml``, reported by ``kind`` and language.
Each is asked as a user whose locale is the question's language (``prs``, Dari,
as ``fa_AF``), through :func:`bot.features.questions.rank` (language detection
included), the same path as ``marhaba ask --batch``. Questions without a
``topic`` are out of scope: the right answer is "not sure". Where a question
names a ``node``, "page3" is the share with that page among the first three. The baseline is
BM25 (k1=1.2, b=0.75) over the same texts per locale (example questions,
translated title and body), with word tokens and lowercasing only. Accuracy is
the share of questions whose expected top-level topic is the topic of the first
match (top-1) or of one of the first three (top-3). Resident memory is measured
with the whole bot imported, an engine open and every locale's index built, in a
process of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content import ROOT_ID, ContentTree, load_content  # noqa: E402
from bot.features.questions import QuestionIndex, rank  # noqa: E402
from bot.i18n import LOCALES, Catalogs, content_context, negotiate  # noqa: E402

SHARED_SETS = (Path("shared", "eval", "questions_dev.yaml"), Path("shared", "eval", "questions_dev2.yaml"))


def shared_sets() -> list[Path]:
    """``<repo>/../shared/eval/questions_dev*.yaml``; from a worktree nested deeper, the nearest ones above."""
    out = []
    for name in SHARED_SETS:
        found = next((parent / name for parent in ROOT.parents if (parent / name).is_file()), None)
        if found is None:
            raise SystemExit(f"cannot find {name} in a folder above {ROOT}")
        out.append(found)
    return out


EXTRA_SET = ROOT / "bench" / "questions_extra.yaml"
REAL_SET = ROOT / "bench" / "questions_real.yaml"
NEW_LANGUAGES_SETS = sorted((ROOT / "bench").glob("questions_newlangs*.yaml"))
"""Questions in kmr, ckb, ru, uk, bn and ti (issue #15), held out from the content's ``questions:``
(``questions_newlangs.yaml``, and the files beside it that other translators add)."""


def load_questions(paths: list[Path]) -> list[dict[str, str]]:
    out = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.extend({**q, "set": path.stem} for q in data["questions"])
    return out


class BM25:
    """Plain BM25 over whitespace-free word tokens, lowercased: the baseline."""

    def __init__(self, docs: list[tuple[str, str, str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.ids = [d[0] for d in docs]
        self.topics = [d[1] for d in docs]
        self.tfs = [Counter(self.tok(d[2])) for d in docs]
        self.lens = [sum(tf.values()) for tf in self.tfs]
        self.avg = sum(self.lens) / len(self.lens)
        df: Counter[str] = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.k1, self.b = k1, b

    @staticmethod
    def tok(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    def search(self, query: str, limit: int = 3) -> list[tuple[str, str]]:
        scores = []
        for i, tf in enumerate(self.tfs):
            s = 0.0
            for term in self.tok(query):
                f = tf.get(term, 0)
                if f:
                    s += self.idf[term] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * self.lens[i] / self.avg))
            if s > 0:
                scores.append((s, i))
        scores.sort(reverse=True)
        return [(self.topics[i], self.ids[i]) for _, i in scores[:limit]]


def baseline_docs(tree: ContentTree, catalogs: Catalogs, locale: str) -> list[tuple[str, str, str]]:
    t = catalogs.get(locale)
    docs = []
    for node in tree:
        if node.id == ROOT_ID:
            continue
        questions = node.questions.get(locale) or node.questions.get(locale.partition("_")[0], ())
        text = " ".join([*questions, t.content(content_context(node.id, "title"), node.title),
                         t.content(content_context(node.id, "short_title"), node.short_title or ""),
                         t.content(content_context(node.id, "body"), node.body)])
        topic = tree.topic_of(node.id)
        docs.append((node.id, topic.id if topic else node.id, text))
    return docs


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def whole_bot_rss() -> float:
    """RSS with the bot's modules (both channels) imported, an engine open, and every index built."""
    import bot.channels.telegram  # noqa: F401
    import bot.channels.whatsapp  # noqa: F401
    from bot.app import open_engine
    from bot.features.questions import QuestionIndex
    from bot.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({"MARHABA_DB": str(Path(tmp) / "m.db"), "MARHABA_ENV_FILE": ""})
        async with open_engine(settings) as engine:
            index = QuestionIndex(engine.content, engine.catalogs)  # the size of the one the feature builds
            index.load(LOCALES)
            return rss_mb()


def pct(a: int, n: int) -> str:
    return f"{100 * a / n:5.1f}%" if n else "   - "


def locale_of(lang: str) -> str:
    """The locale a question's ``lang`` is asked in (``prs``, Dari, is a ``fa_AF`` user)."""
    return negotiate(lang) or lang


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="latency rounds over all questions (median)")
    parser.add_argument("--misses", action="store_true", help="print the questions Marhaba gets wrong")
    args = parser.parse_args()

    tree = load_content(ROOT / "content").tree
    catalogs = Catalogs(ROOT / "locales")
    questions = load_questions([*shared_sets(), EXTRA_SET, REAL_SET, *NEW_LANGUAGES_SETS])
    started = time.perf_counter()
    index = QuestionIndex(tree, catalogs)
    index.load(LOCALES)
    build_ms = (time.perf_counter() - started) * 1000
    baselines = {code: BM25(baseline_docs(tree, catalogs, code)) for code in LOCALES}

    hits: dict[str, dict[str, Counter[str]]] = {"marhaba": defaultdict(Counter), "bm25": defaultdict(Counter)}
    for q in questions:
        locale = locale_of(q["lang"])
        ranking = rank(index, q["q"], locale)
        mine = [m.topic for m in ranking.matches[:3]]
        mine_nodes = [m.node for m in ranking.matches[:3]]
        base_hits = baselines[locale].search(q["q"])
        base, base_nodes = [h[0] for h in base_hits], [h[1] for h in base_hits]
        groups = ("all", q["lang"], q["set"], "kind:" + q.get("kind", "plain"))
        if "topic" not in q:  # out of scope: the honest answer is "not sure"
            for name, sure in (("marhaba", ranking.confident), ("bm25", bool(base))):
                for group in ("scope", q["lang"] + ":scope"):
                    hits[name][group]["n"] += 1
                    hits[name][group]["not_sure"] += not sure
            if args.misses and ranking.confident:
                print(f"  sure [{q['lang']}] {q['q']!r}: {mine_nodes[:1]} (confidence {ranking.best.confidence})")
            continue
        hits["marhaba"]["all"]["confident"] += ranking.confident
        hits["marhaba"]["all"]["confident_right"] += ranking.confident and bool(mine) and mine[0] == q["topic"]
        for name, topics, nodes in (("marhaba", mine, mine_nodes), ("bm25", base, base_nodes)):
            for group in groups:
                hits[name][group]["n"] += 1
                hits[name][group]["top1"] += bool(topics) and topics[0] == q["topic"]
                hits[name][group]["top3"] += q["topic"] in topics
                if "node" in q:
                    hits[name][group]["nodes"] += 1
                    hits[name][group]["node3"] += q["node"] in nodes
        if args.misses and (not mine or mine[0] != q["topic"] or ("node" in q and q["node"] not in mine_nodes)):
            print(f"  miss [{q['lang']}/{q.get('kind', '')}] {q['q']!r}: expected {q['topic']} "
                  f"{q.get('node', '')}, got {mine_nodes} (via {ranking.locale}, "
                  f"confidence {ranking.best.confidence if ranking.best else 0})")

    def latencies(search) -> list[float]:
        rounds = []
        for _ in range(args.rounds):
            times = []
            for q in questions:
                t0 = time.perf_counter()
                search(q)
                times.append((time.perf_counter() - t0) * 1000)
            rounds.append(times)
        # per question, the median over rounds; then percentiles over questions
        per_q = sorted(statistics.median(r[i] for r in rounds) for i in range(len(questions)))
        return per_q

    mine_lat = latencies(lambda q: rank(index, q["q"], locale_of(q["lang"])))
    base_lat = latencies(lambda q: baselines[locale_of(q["lang"])].search(q["q"]))

    def p(values: list[float], fraction: float) -> float:
        return values[min(len(values) - 1, int(fraction * len(values)))]

    sets = Counter(q["set"] for q in questions)
    print(f"{len(questions)} questions ({', '.join(f'{n} {s}' for s, n in sets.items())}); "
          f"{len(tree)} nodes; {len(LOCALES)} locale indexes built in {build_ms:.0f} ms")
    print(f"{'group':<22}{'n':>4}  {'Marhaba top1':>12} {'top3':>7} {'page3':>7}   "
          f"{'BM25 top1':>10} {'top3':>7} {'page3':>7}")
    groups = ["all", *sets, *sorted({"kind:" + q.get("kind", "plain") for q in questions if "topic" in q}),
              *sorted({q["lang"] for q in questions})]
    for g in groups:
        m, b = hits["marhaba"][g], hits["bm25"][g]
        print(f"{g:<22}{m['n']:>4}  {pct(m['top1'], m['n']):>12} {pct(m['top3'], m['n']):>7} "
              f"{pct(m['node3'], m['nodes']):>7}   "
              f"{pct(b['top1'], b['n']):>10} {pct(b['top3'], b['n']):>7} {pct(b['node3'], b['nodes']):>7}")
    m, b = hits["marhaba"]["scope"], hits["bm25"]["scope"]
    print(f"out of scope ({m['n']}): 'not sure' {pct(m['not_sure'], m['n'])} "
          f"(BM25 answers nothing only {pct(b['not_sure'], b['n'])})")
    a = hits["marhaba"]["all"]
    print(f"answered with confidence: {pct(a['confident'], a['n'])} of in-scope questions, "
          f"{pct(a['confident_right'], a['confident'])} of them on the right topic (the rest get the handoff offer)")
    print(f"latency per question (median of {args.rounds} rounds): Marhaba p50 {p(mine_lat, .5):.2f} ms, "
          f"p95 {p(mine_lat, .95):.2f} ms; BM25 p50 {p(base_lat, .5):.2f} ms, p95 {p(base_lat, .95):.2f} ms")
    # In a fresh process: this one also holds the baseline's indexes and the questions.
    rss = subprocess.run([sys.executable, __file__, "--rss"], capture_output=True, text=True, check=True).stdout
    print(f"resident memory, whole bot with all {len(LOCALES)} locale indexes: {float(rss):.0f} MB")


if __name__ == "__main__":
    if sys.argv[1:] == ["--rss"]:
        print(asyncio.run(whole_bot_rss()))
    else:
        main()
