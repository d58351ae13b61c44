"""The safety check through the engine: every category in every shipped language, romanised forms too.

The emergency reply leads with a number in international form, then the
category's sentences in the user's language, then the page with "Talk to a
person now", then the normal answer; never "not sure", and nothing of the
text is stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core import Engine, FloodControl, FloodLimits, Incoming
from bot.features.questions import questions_of
from bot.features.safety import SafetyFeature
from bot.features.safety._feature import SENTENCES, TALK_NOW, URGENT_HELP
from tests.conftest import PROJECT, Chat, make_engine
from tests.features.safety.conftest import assert_leads_with_a_callable_number, install, settings
from tests.store import data

LOCALE = {"prs": "fa"}
# One text per language, category and form, as written in the project's disclosure set.
CASES = list({(c["lang"], c["category"], c["form"]): c for c in yaml.safe_load(
    (PROJECT / "bench" / "safety_disclosures.yaml").read_text(encoding="utf-8"))["disclosures"]}.values())


def feature(engine: Engine) -> SafetyFeature:
    guard = engine.guard
    assert isinstance(guard, SafetyFeature)
    return guard


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['lang']}-{c['category']}-{c['form']}")
async def test_each_category_in_each_language_gets_emergency_help_first(sengine: Engine, case: dict) -> None:
    locale = LOCALE.get(case["lang"], case["lang"])
    chat = Chat(sengine, user_id=f"u-{case['lang']}")
    await chat.payload(f"lang:{locale}")
    out = await chat(case["q"])
    rules = feature(sengine).rules
    hit = rules.check(case["q"])
    assert hit is not None
    category = rules.categories[hit.category]
    assert_leads_with_a_callable_number(out, category.helplines[0])
    t = sengine.catalogs.get(locale)
    assert t.gettext(SENTENCES[hit.category]) in out[0].text
    assert out[0].locale == locale
    assert out[1].node_id == category.page
    assert out[1].options[0].label == "🆘 " + t.gettext(TALK_NOW)
    not_sure = t.gettext("Sorry, I am not sure I understood. These topics may help. You can also ask a person.")
    assert all(not_sure not in m.text for m in out)


async def test_a_new_user_is_answered_before_the_language_picker_in_the_language_they_wrote(sengine: Engine) -> None:
    out = await Chat(sengine, user_id="new")("بدي موت ما بقى فيني كمل")
    assert_leads_with_a_callable_number(out, "+90 212 555 0100")
    assert out[0].locale == "ar" and out[0].rtl
    assert "Welcome! Please choose your language." in out[-1].text  # then the normal first-contact answer


async def test_a_false_alarm_shows_help_and_the_normal_answer(sengine: Engine) -> None:
    chat = Chat(sengine)
    await chat.payload("lang:en")
    out = await chat("my boss took my passport, where is the migration office")
    assert_leads_with_a_callable_number(out, "+90 212 555 0173")
    assert len(out) >= 3 and out[2].node_id not in (None, "emergency-forced-labour")


async def test_nothing_of_the_text_is_stored_only_a_count(sengine: Engine, db_path: Path) -> None:
    chat = Chat(sengine)
    await chat.payload("lang:en")
    await chat("zzqx i want to kill myself zzqx")
    await sengine.store.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("marhaba.db*"))
    assert b"zzqx" not in raw and b"kill myself" not in raw
    assert data.file_rows(db_path, "safety_matches", "category, locale, count") == [("self-harm", "en", 1)]
    await sengine.store.open()


async def test_a_flooded_user_still_gets_the_emergency_reply_once_a_minute(sengine: Engine) -> None:
    clock = [1000.0]
    sengine.flood = FloodControl(FloodLimits(rate_per_minute=1, burst=2, cooldown_seconds=600), lambda: clock[0])
    chat = Chat(sengine)
    await chat.payload("lang:en")
    await chat("clinic")
    await chat("clinic")
    assert (await chat("clinic"))[0].keep_menu  # the flood notice
    assert await chat("clinic") == []
    out = await chat("i want to kill myself")
    assert_leads_with_a_callable_number(out, "+90 212 555 0100")
    assert await chat("i want to kill myself") == []  # at most once a minute
    clock[0] += 61
    assert_leads_with_a_callable_number(await chat("i want to kill myself"), "+90 212 555 0100")


async def test_taps_are_counted_apart_and_start_and_forget_are_answered_in_a_cooldown(sengine: Engine) -> None:
    sengine.flood = FloodControl(FloodLimits(rate_per_minute=1, burst=2, cooldown_seconds=600))
    chat = Chat(sengine)
    await chat.payload("lang:en")
    for _ in range(5):  # a fast reader browsing menus is not silenced by its typing budget
        assert await chat.payload("n:health")
    await chat("clinic")
    await chat("clinic")
    await chat("clinic")  # notice: silenced now
    assert await chat("clinic") == []
    assert "Delete everything?" in (await chat("/forget"))[0].text
    assert "has been deleted" in (await chat.payload("forget:yes"))[0].text
    assert await chat("/start")


async def test_the_help_word_offers_urgent_help_first_in_every_language(sengine: Engine) -> None:
    for code, word in (("en", "help"), ("ar", "مساعدة"), ("fa", "کمک"), ("ur", "مدد"), ("tr", "yardım"),
                       ("fr", "aide"), ("so", "caawimo"), ("ps", "مرسته")):
        out = await Chat(sengine, user_id=f"new-{code}")(word)  # first contact: no language chosen yet
        t = sengine.catalogs.get(code)
        assert out[0].locale == code
        assert out[0].options[0].label == "🆘 " + t.gettext(URGENT_HELP)
        assert out[0].options[1].payload == "cmd:help"
        page = await Chat(sengine, user_id=f"new-{code}").payload(out[0].options[0].payload)
        assert page[0].node_id == "emergency" and page[0].locale == code


async def test_the_help_command_carries_the_urgent_option(sengine: Engine) -> None:
    chat = Chat(sengine)
    await chat.payload("lang:tr")
    out = await chat("/help")
    assert "/forget" in out[0].text
    assert out[0].options[0].payload == "sos:page:tr"


async def test_talk_to_a_person_now_opens_an_urgent_ticket_and_forget_removes_it(
        sample_tree, catalogs, store) -> None:
    sent: list[tuple[str, str]] = []

    class StaffChat:
        async def send(self, user_id: str, messages: list) -> None:
            sent.extend((user_id, m.text) for m in messages)

    engine = install(make_engine(content=sample_tree, catalogs=catalogs, store=store),
                     settings(MARHABA_STAFF_CHAT="-100200300"))
    engine.senders["telegram"] = StaffChat()  # type: ignore[assignment]
    chat = Chat(engine)
    await chat.payload("lang:fr")
    out = await chat("je veux me suicider")
    confirm = await chat.payload(out[1].options[0].payload)
    assert "#1" in confirm[0].text and "+90 212 555 0100" in confirm[0].text
    assert sent and sent[0][0] == "-100200300"
    assert sent[0][1].startswith("🚨 URGENT · Question #1")
    assert "suicide or self-harm" in sent[0][1] and "suicider" not in sent[0][1]
    assert (await questions_of(store).ticket(1)) is not None
    await chat("/forget")
    await chat.payload("forget:yes")
    assert await questions_of(store).ticket(1) is None


async def test_staff_are_not_screened(sample_tree, catalogs, store) -> None:
    engine = install(make_engine(content=sample_tree, catalogs=catalogs, store=store), settings())
    engine.staff = frozenset({("test", "staff1")})
    out = await engine.handle(Incoming("test", "staff1", text="if he threatens you again, call 112"))
    assert not out or not out[0].text.startswith("+90")


async def test_a_disclosure_while_writing_to_a_person_gets_emergency_help_and_still_reaches_staff(
        sample_tree, catalogs, store) -> None:
    sent: list[str] = []

    class StaffChat:
        async def send(self, user_id: str, messages: list) -> None:
            sent.extend(m.text for m in messages)

    engine = install(make_engine(content=sample_tree, catalogs=catalogs, store=store),
                     settings(MARHABA_STAFF_CHAT="-100200300"))
    engine.senders["telegram"] = StaffChat()  # type: ignore[assignment]
    chat = Chat(engine)
    await chat.payload("lang:ur")
    await chat.payload("q:ask")  # "Write your question in one message"
    out = await chat("mera shohar mujhe marta hai, kya karoon")
    assert_leads_with_a_callable_number(out, "+90 800 555 0170")
    assert sent and "mera shohar" in sent[0]  # what they chose to send to a person is sent
    assert "#1" in out[-1].text


async def test_a_dari_user_is_answered_in_dari(sengine: Engine) -> None:
    chat = Chat(sengine, user_id="dari")
    await chat.payload("lang:fa_AF")
    out = await chat("میخواهم خود را بکشم")
    assert_leads_with_a_callable_number(out, "+90 212 555 0100")
    assert out[0].locale == "fa_AF"


async def test_when_the_turn_fails_the_numbers_are_still_sent(sengine: Engine, monkeypatch) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(sengine.store, "get_or_create_user", broken)
    out = await sengine.handle(Incoming("test", "u1", text="je veux me suicider", language_hint="fr"))
    assert_leads_with_a_callable_number(out, "+90 212 555 0100")
    assert out[0].locale == "fr"
    assert [m.text for m in out[1:]] == [
        sengine.catalogs.get("fr").gettext("Sorry, something went wrong on our side. Please try again.")]


async def test_without_staff_talk_to_a_person_now_gives_the_numbers_and_the_team_contacts(sengine: Engine) -> None:
    chat = Chat(sengine)
    await chat.payload("lang:so")
    out = await chat("waxaan rabaa inaan is dilo")
    page = await chat.payload(out[1].options[0].payload)
    assert_leads_with_a_callable_number(page, "+90 212 555 0100")
    assert page[1].node_id == "concerns-talk-to-person" and page[1].locale == "so"
