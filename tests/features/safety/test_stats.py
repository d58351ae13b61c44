"""`marhaba stats` counts safety disclosures per category and language, nothing else."""

from __future__ import annotations

from bot.core import Engine
from bot.features.staff._stats import gather, html_report, text_report
from tests.conftest import Chat


async def test_stats_show_matches_per_category_and_language(sengine: Engine) -> None:
    for user, lang, text in (("a", "en", "i want to kill myself"), ("b", "ar", "بدي انتحر"),
                             ("c", "en", "someone is stalking me every night")):
        chat = Chat(sengine, user_id=user)
        await chat.payload(f"lang:{lang}")
        await chat(text)
    stats = await gather(sengine.store, sengine.content, features=sengine.features)  # type: ignore[arg-type]
    assert stats.safety == {"self-harm": {"ar": 1, "en": 1}, "threats": {"en": 1}}
    report = text_report(stats)
    assert "self-harm                2   ar 1, en 1" in report
    assert "kill" not in report and "stalking" not in report
    assert "Safety disclosures answered" in html_report(stats)
