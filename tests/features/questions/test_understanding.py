"""Questions as newcomers really write them (issue #14): romanised, dialects, Dari, Pashto and Somali
morphology, word senses, out of scope, and switching language only on clear evidence."""

from __future__ import annotations

import pytest

from bot.content import ContentTree
from bot.core import Engine
from bot.features.questions import QuestionIndex, detect, rank
from bot.features.questions._index import stem
from bot.features.questions._roman import arabic_skeleton, latin_skeleton
from bot.i18n import Catalogs, normalize
from tests.conftest import Chat
from tests.features.questions.conftest import english


@pytest.fixture(scope="module")
def index(sample_tree: ContentTree, catalogs: Catalogs) -> QuestionIndex:
    return QuestionIndex(sample_tree, catalogs)


def assert_lands(index: QuestionIndex, locale: str, question: str, topic: str) -> None:
    """The question, asked by a user of ``locale``, is answered from that locale's content on ``topic``."""
    ranking = rank(index, question, locale)
    assert ranking.locale == locale  # the answer stays in the chosen language
    assert ranking.best is not None and ranking.best.topic == topic


# -- 1. romanised input -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "language"), [
    ("madad", "ur"), ("mujhe doctor chahiye", "ur"), ("kiraye ka ghar chahiye", "ur"),
    ("komak", None), ("khune ejare mikham", "fa"), ("eqamat chejuri begiram", "fa"),
    ("binti marida, wein el mostashfa", "ar"), ("bde 2shteghel, fi shi shaghle?", "ar"),
    ("kar ghwaram", "ps"),
])
def test_romanised_text_is_never_taken_for_somali_or_turkish(text: str, language: str | None) -> None:
    found = detect(text)
    assert found.language not in ("so", "tr")
    if language is not None:
        assert found.language == language and found.romanised


@pytest.mark.parametrize(("latin", "arabic"), [
    ("mostashfa", "مستشفى"), ("mustashfa", "مستشفى"), ("bukhar", "بخار"), ("naukri", "نوکری"),
    ("khune", "خانه"), ("tankhwah", "تنخواہ"), ("i2ame", "اقامة"), ("mo7ami", "محامي"), ("kiraya", "کرایه"),
])
def test_a_romanised_word_and_its_arabic_script_spelling_share_a_skeleton(latin: str, arabic: str) -> None:
    assert latin_skeleton(latin) == arabic_skeleton(normalize(arabic)) != ""


@pytest.mark.parametrize(("locale", "question", "topic"), [
    ("ur", "hospital kahan hai, bohat dard hai", "health"),
    ("ur", "mujhe naukri chahiye", "jobs"),
    ("ur", "kiraye ka ghar chahiye", "housing"),
    ("ur", "wakeel chahiye muft", "legal"),
    ("ar", "binti marida, wein el mostashfa", "health"),
    ("ar", "kif bjadded el i2ame", "legal"),
    ("ar", "bidi mo7ami", "legal"),
    ("fa", "khune ejare mikham", "housing"),
    ("fa", "bimarestan kojast", "health"),
    ("ps", "roghtun chirta de", "health"),
    ("ar", "kayn chi khedma?", "jobs"),  # Maghrebi خدمة (work), typed in Latin letters
])
def test_romanised_questions_are_answered_from_the_users_own_language(
        index: QuestionIndex, locale: str, question: str, topic: str) -> None:
    assert_lands(index, locale, question, topic)


async def test_roman_urdu_madad_is_not_answered_in_somali(qengine: Engine) -> None:
    chat = Chat(qengine)
    await chat.payload("lang:ur")
    out = await chat("madad")
    assert all(m.locale == "ur" for m in out)
    assert not any(o.payload == "lang:so" for m in out for o in m.options)


# -- 2. dialects and Dari ---------------------------------------------------------------

@pytest.mark.parametrize(("locale", "question", "topic"), [
    ("ar", "بدي شغل", "jobs"),
    ("ar", "وين في مستوصف قريب؟ بنتي سخنة", "health"),
    ("ar", "ابني عيان", "health"),
    ("ar", "فين الصيدلية", "health"),
    ("ar", "ازاي اطلع كرت صحي", "health"),
    ("ar", "المعلم ما عطاني معاشي", "jobs"),
    ("fa", "کار میخوام", "jobs"),
    ("fa", "کارت بهداشت چجوری بگیرم", "health"),
    ("fa", "صاحبکارم پولمو بهم نداده", "jobs"),
    ("fa_AF", "مکتب", "education"),
    ("fa_AF", "شفاخانه کجاست", "health"),
    ("fa_AF", "پوهنتون برای مهاجرین چطور است؟", "education"),
    ("fa_AF", "تذکره ندارم، چه کنم؟", "legal"),
    ("fa_AF", "لایسنس موتر", "transport"),
    ("fa_AF", "کرایه تکسی چند است", "transport"),
    ("fa_AF", "دواخانه نزدیک", "health"),
    ("fa_AF", "نمبر پولیس", "emergency"),
    ("fa_AF", "داکتر ضرورت دارم", "health"),
    ("fa", "شفاخانه", "health"),  # Dari words for Persian users too
])
def test_dialect_and_dari_words_are_understood(index: QuestionIndex, locale: str, question: str, topic: str) -> None:
    assert_lands(index, locale, question, topic)


# -- 3. Pashto and Somali ---------------------------------------------------------------

def test_every_node_has_pashto_and_somali_example_questions(sample_tree: ContentTree) -> None:
    missing = [(n.id, lang) for n in sample_tree if n.id != "main" for lang in ("ps", "so") if not n.questions.get(lang)]
    assert missing == []


@pytest.mark.parametrize(("a", "b"), [
    ("caafimaadka", "caafimaad"), ("ilmahaygu", "ilmaha"), ("shaqadayda", "shaqo"), ("gurigayga", "guriga"),
    ("dugsiga", "dugsi"), ("lacagtayda", "lacag"),
])
def test_somali_endings_share_a_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


@pytest.mark.parametrize(("locale", "question", "topic"), [
    ("so", "ilmahaygu wuu jiran yahay", "health"),
    ("so", "ilmahaygu waa jiran", "health"),
    ("so", "shaqadayda", "jobs"),
    ("so", "kaarka caafimaadka", "health"),
    ("ps", "روغتون چیرته دی؟", "health"),
    ("ps", "زه د اوسیدو اجازه څنگه ترلاسه کړم", "legal"),  # ی for ې, گ for ګ
    ("ps", "کورنۍ ته پیسې څنګه ولېږم؟", "money"),
])
def test_pashto_and_somali_variants_are_matched(index: QuestionIndex, locale: str, question: str, topic: str) -> None:
    assert_lands(index, locale, question, topic)


# -- 4. word senses ---------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "question", "node"), [
    ("ar", "لم يدفعوا لي أجري", "jobs-unpaid-wages"),
    ("ar", "كم أجرة التاكسي", "transport-taxis"),
    ("en", "health card application", "health-card"),
    ("en", "where do i top up my travel card", "transport-card"),
    ("tr", "oturma izni nasıl alırım", "legal-residence-permit"),
    ("tr", "calisma izni nasil alinir", "jobs-work-permit"),
    ("en", "how to get a residence permit", "legal-residence-permit"),
    ("en", "do I need a work permit", "jobs-work-permit"),
    ("ar", "فقدت جواز سفري", "emergency-lost-documents"),
])
def test_the_whole_question_decides_the_sense_of_a_word(index: QuestionIndex, locale: str, question: str,
                                                       node: str) -> None:
    ranking = rank(index, question, locale)
    assert ranking.best is not None and ranking.best.node == node


# -- 5. out of scope --------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "question"), [
    ("en", "who won the football match yesterday"), ("en", "tell me a joke"), ("en", "will it rain tomorrow"),
    ("en", "how much does an iphone cost"), ("en", "write me a poem about love"), ("en", "asdfgh qwerty"),
    ("en", "lkjhg"), ("tr", "dolar kac lira"), ("ar", "احكيلي نكتة"), ("fa", "یه جوک بگو"),
    ("so", "qiimaha dahabka"), ("fr", "ecris un poeme"),
])
def test_out_of_scope_questions_are_not_answered_confidently(index: QuestionIndex, locale: str,
                                                             question: str) -> None:
    assert not rank(index, question, locale).confident


async def test_out_of_scope_gets_not_sure_with_a_person_offered(qengine: Engine) -> None:
    chat = await english(qengine)
    await chat("tell me a joke")
    assert "not sure" in chat.text or "did not find" in chat.text
    assert any("person" in label for label in chat.labels)


# -- 7. switching language --------------------------------------------------------------

@pytest.mark.parametrize(("locale", "question"), [
    ("en", "help me 帮助 مساعدة помощь"),  # mixed scripts
    ("ur", "madad"), ("fa", "komak"),  # short, romanised
    ("en", "مستشفى"),  # one word
    ("en", "محتاج appointment عند الدكتور"),  # code-mixing
    ("ar", "xyzzy plugh blorp frobnicate"),  # mostly unknown
])
def test_no_switch_without_clear_evidence(index: QuestionIndex, locale: str, question: str) -> None:
    assert rank(index, question, locale).locale == locale


async def test_mixed_script_input_does_not_switch_the_chat(qengine: Engine) -> None:
    chat = await english(qengine)
    out = await chat("help me 帮助 مساعدة помощь")
    assert all(m.locale == "en" for m in out)
    assert not any(o.payload.startswith("lang:") for m in out for o in m.options)


def test_a_clear_question_in_another_language_still_switches(index: QuestionIndex) -> None:
    assert rank(index, "أين أجد طبيب", "en").locale == "ar"
    assert rank(index, "where can I find a doctor", "ar").locale == "en"
