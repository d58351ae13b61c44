"""A feature's figures reach every statistics report through its ``Feature.stats`` hook alone: one entry in the
feature list, no edit of the staff tools; the reports show the features in ``stats_order``, a stable order."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import FEATURES, open_engine
from bot.cli import build_parser
from bot.content import ContentTree
from bot.core import Feature, Figures, bar_chart
from bot.features.staff import gather, html_report, text_report
from bot.i18n import Translator
from bot.settings import PROJECT_DIR, Settings
from tests.conftest import Chat


@dataclass
class PageFigures(Figures):
    """Figures of a feature made for this test: how many pages the content has (read from its argument)."""

    pages_published: int = 0

    def text(self) -> list[str]:
        return [f"Pages published: {self.pages_published}"]

    def html(self) -> list[str]:
        return [bar_chart("Pages published", [("pages", self.pages_published)], "#123456")]

    def chat(self, t: Translator, content: ContentTree) -> list[str]:
        return [f"Pages published: {t.number(self.pages_published)}"]


async def page_stats(store: Any, content: ContentTree, now: float) -> PageFigures:
    return PageFigures(len(content.nodes))


PAGES = Feature("pages", stats=page_stats, stats_order=25)
"""Between usage (20) and feedback (30): where a feature's figures appear is its own ``stats_order``."""


def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_DB": str(tmp_path / "m.db"),
                              "MARHABA_CONTENT": str(PROJECT_DIR / "content"), "MARHABA_STAFF": "test:boss",
                              "HOME": str(tmp_path)})


async def test_a_listed_features_figures_appear_in_every_report_in_its_place(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    features = (*FEATURES, PAGES)
    async with open_engine(settings(tmp_path), features) as engine:
        pages = len(engine.content.nodes)
        stats = await gather(engine.store, engine.content, features=features)
        assert list(stats.figures) == ["questions", "usage", "pages", "feedback", "safety"]
        text = text_report(stats)
        assert f"\n\nPages published: {pages}\n\nReactions to pages" in text
        assert text.index("asking for a person:") < text.index("Pages published")
        keys = list(stats.as_dict())
        assert keys[keys.index("before_handoff"):keys.index("reactions") + 1] == [
            "before_handoff", "pages_published", "reactions"]
        assert stats.as_dict()["pages_published"] == pages
        page = html_report(stats)
        assert 'aria-label="Pages published"' in page
        assert page.index("Pages just before asking") < page.index("Pages published") < page.index("Positive reactions")
        # /stats for staff: the feature's line after the figures of the features before it.
        boss = Chat(engine, user_id="boss")
        await boss.payload("lang:en")
        await boss("/stats")
        assert boss.text.endswith(f"Unanswered questions: 0\nPages published: {pages}")

    # `marhaba stats` of an application with the feature in its list.
    for flags, shown in (([], f"Pages published: {pages}"), (["--json"], f'"pages_published": {pages},')):
        args = build_parser(features).parse_args(["stats", "--db", str(tmp_path / "m.db"), *flags])
        assert await asyncio.to_thread(args.func, args) == 0  # the CLI runs its own event loop
        assert shown in capsys.readouterr().out
    args = build_parser(FEATURES).parse_args(["stats", "--db", str(tmp_path / "m.db"), "--json"])
    assert await asyncio.to_thread(args.func, args) == 0
    assert "pages_published" not in json.loads(capsys.readouterr().out), "a feature not listed shows nothing"


async def test_features_with_the_same_stats_order_keep_the_order_they_are_listed_in(
        tmp_path: Path, sample_tree: ContentTree) -> None:
    from bot.store import SQLiteStore

    first = Feature("first", stats=page_stats, stats_order=40)
    second = Feature("second", stats=page_stats, stats_order=40)
    async with SQLiteStore(tmp_path / "m.db") as store:
        for listed in ((*FEATURES, first, second), (second, *FEATURES, first)):
            stats = await gather(store, sample_tree, features=listed)
            names = [n for n in stats.figures if n in ("safety", "first", "second")]
            expected = [f.name for f in listed if f.name in ("safety", "first", "second")]
            assert names == expected
