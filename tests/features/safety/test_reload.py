"""The safety rules reload live with the content; a broken rule is refused and the old rules keep working."""

from __future__ import annotations

from pathlib import Path

from bot.core import Engine
from bot.features import safety
from bot.features.staff import Reloader
from bot.settings import Settings
from tests.conftest import Chat
from tests.features.staff.conftest import reloader_of
from tests.features.staff.test_reload import edit

NEW_PHRASE = "zzsafeword"


async def test_an_edited_rule_goes_live_and_a_broken_one_is_refused(staff_engine: Engine, project_copy: Path) -> None:
    staff_engine.add_feature(safety.FEATURE, Settings.from_env({"MARHABA_ENV_FILE": ""}, content_dir=project_copy / "content",
                                                   locales_dir=project_copy / "locales"))
    reloader = reloader_of(staff_engine)
    assert isinstance(reloader, Reloader)
    chat = Chat(staff_engine)
    await chat.payload("lang:en")
    rules = project_copy / "content" / "safety.yaml"

    edit(rules, "en: [kill myself,", f"en: [{NEW_PHRASE}, kill myself,")
    result = await reloader.reload()
    assert result.ok
    assert (await chat(f"i feel {NEW_PHRASE}"))[0].text.startswith("+90 212 555 0100")

    edit(rules, "page: emergency-helpline-24h", "page: emergency-nowhere")
    result = await reloader.reload()
    assert not result.ok
    assert any("safety.yaml" in str(p) and "page 'emergency-nowhere' does not exist" in str(p)
               for p in result.problems)
    # The rules in use are the last good ones.
    assert (await chat(f"i feel {NEW_PHRASE}"))[0].text.startswith("+90 212 555 0100")
