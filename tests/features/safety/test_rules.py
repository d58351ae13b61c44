"""The rules file: matching as people write, and every staff mistake as file:line:col."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import load_content
from bot.errors import ContentError
from bot.features.safety import compile_phrase, load_safety
from tests.conftest import SAMPLE_CONTENT

RULE = """categories:
  - id: {id}
    page: {page}
    helplines: [{helpline}]
    phrases:
      en: [{phrase}]
"""


def problems(tmp_path: Path, **fields: str) -> list[str]:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    values = {"id": "self-harm", "page": "emergency-helpline-24h", "helpline": '"+90 212 555 0100"',
              "phrase": "kill myself", **fields}
    (content / "safety.yaml").write_text(RULE.format(**values), encoding="utf-8")
    tree = load_content(content).tree
    with pytest.raises(ContentError) as exc:
        load_safety(content, tree)
    return [str(p) for p in exc.value.problems]


def test_an_unknown_category_is_reported_with_file_line_and_col(tmp_path: Path) -> None:
    found = problems(tmp_path, id="selfharm")
    assert any(p.endswith("safety.yaml:2:9: unknown category 'selfharm'; did you mean 'self-harm'?") for p in found)


def test_a_page_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path, page="emergency-helpline")
    assert any("safety.yaml:3:11: page 'emergency-helpline' does not exist" in p for p in found)


def test_a_page_without_a_phone_number_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path, page="emergency-lost-documents")
    assert any("safety.yaml:3:11: page 'emergency-lost-documents' has no phone number" in p for p in found)


def test_the_first_helpline_must_be_callable_with_one_tap(tmp_path: Path) -> None:
    found = problems(tmp_path, helpline='"0800 555 0170"')
    assert any("safety.yaml:4:17: '0800 555 0170' must be in international form" in p for p in found)


def test_a_phrase_matching_an_ordinary_example_question_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path, phrase="doctor")
    assert any("safety.yaml:6:12: phrase 'doctor' also matches" in p and "which is not emergency help" in p
               for p in found)


def test_the_sample_rules_are_valid_and_cover_every_category() -> None:
    rules, warnings = load_safety(SAMPLE_CONTENT, load_content(SAMPLE_CONTENT).tree)
    assert warnings == []
    assert set(rules.categories) == {"domestic-violence", "sexual-violence", "self-harm", "trafficking",
                                     "child-protection", "threats", "medical"}
    langs = {p.lang for p in rules.phrases}
    assert {"en", "ar", "fa", "ps", "ur", "tr", "fr", "so", "ar-latn", "fa-latn", "ur-latn", "ps-latn"} <= langs


@pytest.mark.parametrize(("phrase", "text", "matches"), [
    ("kill myself", "I want to KILL   myself!!", True),
    ("kill myself", "kill the bugs, not myself", True),  # up to 3 words between: err towards help
    ("kill myself", "kill the big ugly bugs, not myself", False),  # 5 words between: not one phrase
    ("boss passport", "my boss took my passport", True),
    ("boss passport", "my boss is nice and i have a new passport now", False),
    ("dov*", "kocam beni DÖVÜYOR", True),  # accents and case
    ("*ضرب*", "جوزي بيضْرِبني", True),  # harakat
    ("انتحر", "بدي انتحـــر", True),  # tatweel
    ("*nte7er*", "bde ente7er", True),  # Arabizi digits are letters
    ("kendimi oldur*", "KENDİMİ öldürmek istiyorum", True),  # Turkish dotted capital I
    ("خودکشی", "خودكشي", True),  # Arabic and Persian kaf/yeh
])
def test_phrases_match_as_people_write(phrase: str, text: str, matches: bool) -> None:
    from bot.features.questions import tokens

    assert compile_phrase(phrase, "en", "self-harm").matches(tokens(text)) is matches
