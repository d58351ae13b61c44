"""Typed command words in every shipped language, typed option numbers, invisible input (issue #14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main as marhaba
from bot.content import ContentTree
from bot.core import KEYWORDS, Engine, clean_text, keyword_collisions
from bot.features.questions import FEATURE as QUESTIONS
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.conftest import PROJECT, Chat, make_engine

# Several natural forms per command and language, as people type them: capitals, other keyboards'
# letters (ي/ی, ك/ک, ة/ه), romanised words.
TYPED = {
    "menu": ["Menu", "منو", "القائمة", "منيو", "مینو", "Ana Menü", "ANA MENÜ", "menu principal", "Liiska"],
    "back": ["Back", "رجوع", "ارجع", "برگشت", "واپس", "wapas", "GERİ", "Geri dön", "retour", "dib u noqo", "شاته",
             "بیرته"],
    "language": ["language", "اللغة", "لغه", "زبان", "zaban", "ژبه", "Dil", "langue", "luqadda"],
    "progress": ["progress", "التقدم", "پیشرفت", "پيشرفت", "İlerleme", "ILERLEME", "progrès", "horumar", "پرمختګ", "ترقی"],
    "help": ["help", "HELP!", "مساعدة", "مساعده", "کمک", "كمك", "komak", "مدد", "madad", "مرسته", "yardım", "Yardim",
             "aide", "caawimo"],
    "events": ["events", "Events", "الفعاليات", "رویدادها", "تقریبات", "غونډې", "etkinlikler", "événements",
               "evenements", "dhacdooyinka"],
    "subscribe": ["subscribe", "اشتراك", "اشتراک", "abone ol", "s'abonner", "wararka"],
    "unsubscribe": ["STOP", "stop", "توقف", "dur", "jooji", "ان سبسکرائب"],
    "forget": ["forget", "forget me", "فراموش کن", "فراموشم کن", "احذف بياناتي", "unut", "oublier", "i illow",
               "mujhe bhool jao"],
}


@pytest.mark.parametrize(("command", "typed"), [(c, w) for c, words in TYPED.items() for w in words])
def test_every_command_is_a_typed_word(engine: Engine, command: str, typed: str) -> None:
    assert engine.keyword_command(typed) == command


def test_every_command_has_typed_words_in_every_shipped_language(catalogs: Catalogs) -> None:
    from tests.conftest import PROJECT

    # Every locale whose catalog is in this tree (Dari reads the Persian one).
    with_catalogs = {p.parent.parent.name for p in (PROJECT / "locales").glob("*/LC_MESSAGES/ui.po")} | {"fa_AF"}
    for code in catalogs.locales:
        if code.startswith("en") or code not in with_catalogs:
            continue
        t = catalogs.get(code)
        for command, source in KEYWORDS.items():
            assert t.gettext(source) != source, f"{code} has no words for {command}"


@pytest.mark.parametrize("text", ["the menu of the day", "help me find a doctor", "geri ödeme", "language classes"])
def test_a_sentence_with_a_command_word_is_not_a_command(engine: Engine, text: str) -> None:
    assert engine.keyword_command(text) == ""


def test_the_users_own_language_wins_where_two_languages_disagree(engine: Engine) -> None:
    table = engine.keywords
    # Every word of a user's language means that language's command for them.
    for code, words in table.by_locale.items():
        for word, command in words.items():
            assert table.command(word, code) == command


async def test_typed_words_run_the_commands(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.payload("lang:tr")
    await chat.payload("n:health-card")
    await chat("GERİ")
    assert chat.last[0].node_id == "health"
    await chat("İlerleme")
    assert chat.last[0].node_id is None and chat.last[0].options[-1].payload == "cmd:menu"  # the progress message
    await chat("ana menü")
    assert chat.last[0].node_id == "main"
    await chat("unut")
    assert [o.payload for o in chat.last[0].options][:2] == ["forget:yes", "forget:no"]


async def test_typed_romanised_help_and_persian_forget(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.payload("lang:ur")
    await chat("madad")
    assert "/menu" in chat.text
    await chat.payload("lang:fa")
    await chat("فراموش کن")
    assert chat.last[0].options[0].payload == "forget:yes"


# -- typed numbers -------------------------------------------------------------------


async def test_a_typed_number_presses_the_option_of_the_current_page(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.payload("lang:en")
    await chat.payload("n:health")
    expected = chat.last[0].options[1].payload
    await chat("2")
    assert chat.last[0].node_id == expected.partition(":")[2]


async def test_a_typed_number_after_a_restart_presses_the_option_of_the_saved_page(
        sample_tree: ContentTree, catalogs: Catalogs, store: SQLiteStore) -> None:
    first = make_engine(content=sample_tree, catalogs=catalogs, store=store)
    first.add_feature(QUESTIONS, Settings.from_env({"MARHABA_ENV_FILE": ""}))
    chat = Chat(first)
    await chat.payload("lang:en")
    await chat.payload("n:jobs")
    third = chat.last[0].options[2].payload
    assert third.startswith("n:")
    again = make_engine(content=sample_tree, catalogs=catalogs, store=store)  # a new process: nothing in memory
    again.add_feature(QUESTIONS, Settings.from_env({"MARHABA_ENV_FILE": ""}))
    chat = Chat(again)
    await chat("3")
    assert chat.last[0].node_id == third.partition(":")[2]  # an option of "jobs", not a search for "3"
    await chat.payload("n:main")
    await chat("۳")  # Persian digits press options too
    assert chat.last[0].node_id == sample_tree.root.children[2]


@pytest.mark.parametrize("typed", ["-1", "0", "1.5", "12abc", "999", "3,5"])
async def test_what_only_looks_like_an_option_number_is_no_option(qengine_en: Chat, typed: str) -> None:
    chat = qengine_en
    await chat.payload("n:health")
    await chat(typed)
    assert chat.last[0].node_id == "health"
    assert f"There is no option {typed}." in chat.text


@pytest.fixture
async def qengine_en(sample_tree: ContentTree, catalogs: Catalogs, store: SQLiteStore) -> Chat:
    engine = make_engine(content=sample_tree, catalogs=catalogs, store=store)
    engine.add_feature(QUESTIONS, Settings.from_env({"MARHABA_ENV_FILE": ""}))
    chat = Chat(engine)
    await chat.payload("lang:en")
    return chat


async def test_a_number_written_as_a_question_for_a_person_is_not_an_option(staffed_en: Chat, store: SQLiteStore) -> None:
    await staffed_en.payload("q:ask")
    await staffed_en("112")
    assert "There is no option" not in staffed_en.text
    user = await store.get_user("test", "u1")
    assert user is not None and user.pending is None  # the text went to the team, as written


@pytest.fixture
async def staffed_en(sample_tree: ContentTree, catalogs: Catalogs, store: SQLiteStore) -> Chat:
    engine = make_engine(content=sample_tree, catalogs=catalogs, store=store)
    engine.add_feature(QUESTIONS, Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_STAFF_CHAT": "-100123"}))
    chat = Chat(engine)
    await chat.payload("lang:en")
    return chat


@pytest.mark.parametrize("typed", ["\u200b", "\u200b\u200b\u200b", " \u200c\u200d ", "\u2060\ufeff", "\u00ad"])
async def test_only_invisible_characters_are_an_empty_message(qengine_en: Chat, typed: str) -> None:
    assert clean_text(typed) == ""
    await qengine_en(typed)
    assert "Your message was empty" in qengine_en.text


# -- the collision check ---------------------------------------------------------------


def _locales_with(tmp_path: Path, locale: str, msgid: str, msgstr: str) -> Path:
    locales = tmp_path / "locales"
    shutil.copytree(PROJECT / "locales", locales)
    po = locales / locale / "LC_MESSAGES" / "ui.po"
    text = po.read_text(encoding="utf-8")
    start = text.index(f'msgid "{msgid}"\n')
    end = text.index("\n\n", start)
    po.write_text(text[:start] + f'msgid "{msgid}"\nmsgstr "{msgstr}"' + text[end:], encoding="utf-8")
    return locales


def test_the_shipped_catalogs_have_no_keyword_collisions() -> None:
    assert keyword_collisions(PROJECT / "locales") == []


def test_a_keyword_equal_to_a_label_of_another_meaning_is_refused_with_file_and_line(tmp_path: Path) -> None:
    locales = _locales_with(tmp_path, "so", "Cancel", "Jooji")
    problems = keyword_collisions(locales)
    assert len(problems) == 1
    po = locales / "so" / "LC_MESSAGES" / "ui.po"
    line = po.read_text(encoding="utf-8").splitlines().index('msgid "Cancel"') + 1
    assert (problems[0].path, problems[0].line) == (str(po), line)
    assert "jooji" in problems[0].message and "Cancel" in problems[0].message


def test_labels_of_the_same_meaning_are_not_collisions(tmp_path: Path) -> None:
    # Arabic "Main menu" is also a typed word of /menu: that is the same meaning.
    assert keyword_collisions(_locales_with(tmp_path, "ar", "Main menu", "القائمة الرئيسية")) == []


def test_i18n_compile_and_content_check_refuse_a_collision(tmp_path: Path, capsys, monkeypatch) -> None:
    project = tmp_path
    locales = _locales_with(tmp_path, "tr", "Cancel", "dur")
    assert marhaba(["i18n", "compile", "--project", str(project)]) != 0
    err = capsys.readouterr().err
    assert f"{locales / 'tr' / 'LC_MESSAGES' / 'ui.po'}:" in err and "«dur»" in err
    monkeypatch.setenv("MARHABA_LOCALES", str(locales))
    monkeypatch.setenv("MARHABA_ENV_FILE", "")
    assert marhaba(["content", "check", str(PROJECT / "content")]) != 0
    assert "«dur»" in capsys.readouterr().err
