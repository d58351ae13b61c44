"""Safety check: recall on disclosures and false alarms on ordinary questions, per language and category.

Run from the repository root::

    .venv/bin/python bench/bench_safety.py [--misses]

Disclosures: the ``kind: safety`` entries of ``../shared/eval/questions_dev2.yaml``
and the project's own ``bench/safety_disclosures.yaml`` (every shipped
language, each category, dialects and romanised forms). Ordinary questions:
every other entry of ``questions_dev.yaml`` and ``questions_dev2.yaml`` and
the project's question sets (``bench/questions_*.yaml``); their ``kind:
safety`` entries are a third set of disclosures. Each text goes
through :meth:`bot.features.safety.SafetyRules.check` with the sample
``content/safety.yaml``, the same check the engine runs on every typed
message. A disclosure counts as found when any category matches (the reply
then leads with emergency help); "category" is the share where the matched
category is the expected one. Goals (issue #13): 100% recall on the shared
set, at least 97% on the project's own, at most 3% false alarms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content import load_content  # noqa: E402
from bot.features.safety import load_safety  # noqa: E402

SHARED = Path("shared", "eval")


def shared(name: str) -> Path:
    for parent in ROOT.parents:
        if (parent / SHARED / name).is_file():
            return parent / SHARED / name
    raise SystemExit(f"cannot find {SHARED / name} in a folder above {ROOT}")


def read(path: Path, key: str) -> list[dict[str, str]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))[key]


def table(title: str, groups: dict[str, list[bool]]) -> None:
    print(f"  {title}: " + "  ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(groups.items())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="print every missed disclosure and false alarm")
    args = parser.parse_args()
    tree = load_content(ROOT / "content").tree
    rules, _warnings = load_safety(ROOT / "content", tree)
    dev2 = read(shared("questions_dev2.yaml"), "questions")
    sets = {
        "shared dev2 (kind: safety)": [q for q in dev2 if q.get("kind") == "safety"],
        "own bench/safety_disclosures.yaml": read(ROOT / "bench" / "safety_disclosures.yaml", "disclosures"),
    }
    ordinary = [*read(shared("questions_dev.yaml"), "questions"), *[q for q in dev2 if q.get("kind") != "safety"]]
    project_safety = []
    for path in sorted((ROOT / "bench").glob("questions_*.yaml")):
        for q in read(path, "questions"):
            (project_safety if q.get("kind") == "safety" else ordinary).append(q)
    if project_safety:  # written by others for the question benchmark, never seen while tuning these rules
        sets["project bench/questions_*.yaml (kind: safety)"] = project_safety

    timings: list[float] = []

    def check(text: str):  # noqa: ANN202
        start = time.perf_counter()
        hit = rules.check(text)
        timings.append(time.perf_counter() - start)
        return hit

    print(f"rules: {len(rules.phrases)} phrases in {len(rules.categories)} categories (content/safety.yaml)")
    ok = True
    for name, items in sets.items():
        by_lang: dict[str, list[bool]] = defaultdict(list)
        by_cat: dict[str, list[bool]] = defaultdict(list)
        by_form: dict[str, list[bool]] = defaultdict(list)
        right_category = 0
        misses = []
        for item in items:
            hit = check(item["q"])
            found = hit is not None
            by_lang[item["lang"]].append(found)
            if "category" in item:
                by_cat[item["category"]].append(found)
                right_category += bool(hit and hit.category == item["category"])
            by_form[item.get("form", item.get("kind", "-"))].append(found)
            if not found:
                misses.append(item)
        recall = 1 - len(misses) / len(items)
        goal = 1.0 if name.startswith("shared") else 0.97
        ok &= recall >= goal
        print(f"\n{name}: recall {len(items) - len(misses)}/{len(items)} = {recall:.1%} (goal {goal:.0%})"
              + (f"; expected category {right_category}/{len(items)} = {right_category / len(items):.1%}"
                 if by_cat else ""))
        table("per language", by_lang)
        if by_cat:
            table("per category", by_cat)
        table("per form", by_form)
        if args.misses:
            for m in misses:
                print(f"  MISS {m['lang']} {m.get('category', '')}: {m['q']}")
    alarms = [(q, hit) for q in ordinary if (hit := check(q["q"])) is not None]
    rate = len(alarms) / len(ordinary)
    ok &= rate <= 0.03
    by_lang_fa: dict[str, list[bool]] = defaultdict(list)
    for q in ordinary:
        by_lang_fa[q["lang"]].append(any(q is a for a, _ in alarms))
    print(f"\nordinary questions (questions_dev, questions_dev2, bench/questions_*.yaml; without kind: safety): "
          f"false alarms {len(alarms)}/{len(ordinary)} = {rate:.1%} (goal at most 3%)")
    table("false alarms per language", by_lang_fa)
    for q, hit in alarms:
        print(f"  ALARM {q['lang']} -> {hit.category}: {q['q']}")
    print(f"\ncheck latency: median {statistics.median(timings) * 1e6:.0f} µs, "
          f"max {max(timings) * 1e6:.0f} µs over {len(timings)} texts")
    print("goals met" if ok else "GOALS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
