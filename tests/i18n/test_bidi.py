"""Right-to-left messages as the apps receive them: exact strings, with every control character spelled out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import Engine, Incoming, Outgoing
from bot.i18n import rtl_text
from tests.i18n.crawl import sample_engine

RLM, LRI, FSI, PDI = "\u200f", "\u2066", "\u2068", "\u2069"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Engine]:
    async with sample_engine(tmp_path) as engine:
        yield engine


async def ask(engine: Engine, locale: str, **event: str) -> Outgoing:
    user = f"u-{locale}"
    await engine.handle(Incoming("test", user, command="start"))
    await engine.handle(Incoming("test", user, payload=f"lang:{locale}"))
    return (await engine.handle(Incoming("test", user, **event)))[0]


async def test_contact_lines_start_right_to_left_with_the_address_isolated(bot: Engine) -> None:
    text = (await ask(bot, "fa", payload="n:cc-riverside")).text
    assert text.endswith(
        f"{RLM}📍 نشانی: {FSI}21 River Road, Riverside, Example City{PDI}\n"
        f"{RLM}🕒 ساعت کاری: دوشنبه تا شنبه، ۱۰:۰۰ تا ۱۸:۰۰\n"
        f"{RLM}📞 تلفن: {LRI}+90 212 555 0145{PDI}\n"
        f"{RLM}✉️ ایمیل: {LRI}riverside@example.org{PDI}")


async def test_command_lines_of_help_start_right_to_left(bot: Engine) -> None:
    text = (await ask(bot, "ar", command="help")).text
    assert f"\n{RLM}{LRI}/start{PDI} — ابدأ، أو تابع من حيث توقفت\n" in text


async def test_a_latin_name_at_the_start_of_a_line_is_isolated(bot: Engine) -> None:
    text = (await ask(bot, "ur", command="menu")).text
    assert text.startswith(f"{RLM}{LRI}Example City{PDI} میں خوش آمدید! مرحبا ")


async def test_progress_numbers_stay_on_the_right_side_of_latin_names(bot: Engine) -> None:
    text = (await ask(bot, "fa", command="progress")).text
    assert f"\n{RLM}▫️ زندگی در {LRI}Example City{PDI}: ۰ از ۱ مرحله انجام شد، ۰٪ خوانده شده\n" in text


async def test_event_places_read_name_then_address(bot: Engine) -> None:
    text = (await ask(bot, "fa", command="events")).text
    assert f"\n{RLM}📍 مرکز {LRI}Riverside{PDI}، {FSI}21 River Road, Riverside, Example City{PDI}\n" in text
    assert ", ," not in text and ",Riverside" not in text
    text = (await ask(bot, "ur", command="events")).text
    assert f"\n{RLM}🕒 پیر، 23 نومبر، 2026، {LRI}6:00 PM{PDI} (12 " in text, "a time keeps 6:00 before PM"


async def test_an_event_map_pin_is_named_in_the_users_language(bot: Engine) -> None:
    out = await ask(bot, "fa", payload="ev:job-fair-2027")
    assert out.location is not None and out.location.name == "نمایشگاه Example City"
    out = await ask(bot, "ar", payload="ev:women-conversation-club")
    assert out.location is not None and out.location.name == "مركز Riverside"


def test_finishing_is_idempotent_and_leaves_english_lines_alone() -> None:
    once = rtl_text("Welcome! Please choose.\n📍 نشانی: ⁨1 Fair Avenue⁩, Example City\n1,234 و 5")
    assert once == ("Welcome! Please choose.\n"
                    f"{RLM}📍 نشانی: {FSI}1 Fair Avenue{PDI}، {LRI}Example City{PDI}\n{RLM}1,234 و 5")
    assert rtl_text(once) == once
