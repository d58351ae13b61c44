"""Rendering core messages within the Cloud API's limits, checked by the fake's independent rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.whatsapp import Templates, WhatsAppChannel, WhatsAppConfig, language_hint
from bot.channels.whatsapp._render import Labels, render
from bot.content import load_content
from bot.core import Option, Outgoing, Place
from bot.errors import ConfigError
from bot.i18n import negotiate, negotiate_all
from bot.settings import Settings
from tests.channels.whatsapp.fake_graph import check_message

LABELS = Labels(more="More", previous="Previous", first="First page", choose="Options",
                prompt="Choose an option below.")


def send_all(out: Outgoing, page: int = 0) -> list[dict]:
    messages = render(out, LABELS, page)
    for m in messages:
        check_message({"messaging_product": "whatsapp", "to": "905550000000", **m})
    return messages


label_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(labels=st.lists(st.tuples(label_text, st.integers(0, 30), st.text(max_size=100)), min_size=1, max_size=25),
       body=st.text(max_size=6000), title=st.text(max_size=80), page=st.integers(0, 5))
def test_any_menu_is_accepted_by_the_cloud_api(labels: list[tuple[str, int, str]], body: str, title: str,
                                               page: int) -> None:
    options = tuple(Option(label, f"n:node-{n}", description=d) for label, n, d in labels)
    send_all(Outgoing(text=body, title=title, options=options, node_id="some-node"), page)


def test_three_options_are_reply_buttons_with_short_titles() -> None:
    out = Outgoing(text="Pick", options=(
        Option("Register with the authorities now", "n:a", short_label="Register"),
        Option("A label that is far too long for a button", "n:b"),
        Option("A label that is far too long for a button too", "n:c"),
    ))
    [message] = send_all(out)
    titles = [b["reply"]["title"] for b in message["interactive"]["action"]["buttons"]]
    assert titles[0] == "Register"
    assert len(set(titles)) == 3 and all(len(t) <= 20 for t in titles)


def test_list_rows_show_the_whole_label_in_the_description() -> None:
    options = tuple(Option(f"Opening hours of the office number {i}", f"n:o{i}") for i in range(5))
    [message] = send_all(Outgoing(text="Offices", options=options))
    row = message["interactive"]["action"]["sections"][0]["rows"][0]
    assert len(row["title"]) <= 24 and row["description"] == "Opening hours of the office number 0"


def test_every_option_of_a_long_menu_is_reachable_through_more_rows() -> None:
    options = tuple(Option(f"Topic {i}", f"n:t{i}") for i in range(25))
    out = Outgoing(text="Topics", options=options, node_id="topics")
    seen, page = [], 0
    for _ in range(3):
        [message] = send_all(out, page)
        ids = [r["id"] for r in message["interactive"]["action"]["sections"][0]["rows"]]
        assert ids[-1].startswith("wa:p:topics:")
        seen += ids[:-1]
        page = int(ids[-1].rsplit(":", 1)[1])
    assert seen == [o.payload for o in options] and page == 0


def test_a_named_more_row_lists_what_follows_and_other_menus_keep_theirs() -> None:
    options = tuple(Option(f"Language {i}", f"lang:l{i}") for i in range(15))
    picker = Outgoing(text="Choose", options=options, more_label="🌐 More languages")
    [first] = send_all(picker)
    rows = first["interactive"]["action"]["sections"][0]["rows"]
    assert rows[-1]["title"] == "🌐 More languages (2/2)"
    assert rows[-1]["description"].startswith("Language 9 · Language 10 · ")
    assert len(rows[-1]["description"]) <= 72
    [second] = send_all(picker, page=1)
    rows = second["interactive"]["action"]["sections"][0]["rows"]
    assert rows[-1]["title"] == "🌐 More languages (1/2)"
    assert rows[-1]["description"].startswith("Language 0 · Language 1 · "), "back to the first page's names"
    [menu] = send_all(Outgoing(text="Topics", options=options))
    assert "description" not in menu["interactive"]["action"]["sections"][0]["rows"][-1]


def nav_row(out: Outgoing, page: int) -> dict:
    [message] = send_all(out, page)
    return message["interactive"]["action"]["sections"][0]["rows"][-1]


def test_the_row_back_from_the_last_page_says_it_goes_back() -> None:
    two = Outgoing(text="Topics", options=tuple(Option(f"T {i}", f"n:t{i}") for i in range(12)), node_id="main")
    assert nav_row(two, 0) == {"id": "wa:p:main:1", "title": "More (2/2)"}
    assert nav_row(two, 1) == {"id": "wa:p:main:0", "title": "Previous (1/2)"}
    three = Outgoing(text="Topics", options=tuple(Option(f"T {i}", f"n:t{i}") for i in range(20)), node_id="main")
    assert [nav_row(three, p)["title"] for p in range(3)] == ["More (2/3)", "More (3/3)", "First page (1/3)"]


def test_location_follows_the_text() -> None:
    messages = send_all(Outgoing(text="Clinic", location=Place(41.0, 29.0, "Clinic", "1 Road")))
    assert [m["type"] for m in messages] == ["text", "location"]


@pytest.mark.parametrize(("wa_id", "locale"), [
    ("905551112233", "tr"), ("963933000001", "ar"), ("201001234567", "ar"), ("989121234567", "fa"),
    ("93700000001", "fa_AF"), ("923001234567", "ur"), ("33612345678", "fr"), ("221771234567", "fr"),
    ("252611234567", "so"), ("4915112345678", None), ("12025550123", "en"), ("380501234567", "uk"),
    ("8801712345678", "bn"), ("2917123456", "ti"), ("79161234567", "ru"), ("9647501234567", "ar"),
])
def test_country_code_suggests_a_language(wa_id: str, locale: str | None) -> None:
    assert negotiate(language_hint(wa_id)) == locale


@pytest.mark.parametrize(("wa_id", "likely"), [
    ("9647501234567", ["ar", "ckb", "kmr"]), ("905551112233", ["tr", "kmr"]), ("380501234567", ["uk", "ru"]),
    ("2917123456", ["ti", "ar"]), ("8801712345678", ["bn"]), ("4915112345678", []),
])
def test_country_code_names_the_languages_shown_first(wa_id: str, likely: list[str]) -> None:
    assert negotiate_all(language_hint(wa_id)) == likely


def test_content_check_warns_where_a_title_would_be_cut(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text(
        "id: main\ntitle: Main menu\nbody: Hello\nchildren:\n"
        "  - id: long\n    title: Registration with the authorities\n    body: Go there\n"
        "  - id: short\n    title: Registration with the authorities office\n    short_title: Registration\n"
        "    body: Go\n", encoding="utf-8")
    warnings = [str(w) for w in load_content(tmp_path).warnings]
    assert len(warnings) == 1 and "main.yaml:6:" in warnings[0] and "short_title" in warnings[0]


# -- configuration ----------------------------------------------------------------------------------

ENV = {"WHATSAPP_TOKEN": "secret-token-123", "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
       "WHATSAPP_APP_SECRET": "secret-app-456", "WHATSAPP_VERIFY_TOKEN": "secret-verify-789"}


def settings_of(env: dict[str, str]) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "/dev/null", **env})


def test_config_keeps_secrets_out_of_repr() -> None:
    config = WhatsAppConfig.from_settings(settings_of(ENV))
    assert config.api_base_url == "https://graph.facebook.com/v21.0"
    for secret in ("secret-token-123", "secret-app-456", "secret-verify-789"):
        assert secret not in repr(config)


def test_partial_config_names_what_is_missing_without_echoing_secrets() -> None:
    env = {"WHATSAPP_TOKEN": "secret-token-123"}
    assert WhatsAppChannel.configured(settings_of(env))
    assert not WhatsAppChannel.configured(settings_of({}))
    with pytest.raises(ConfigError) as err:
        WhatsAppConfig.from_settings(settings_of(env))
    assert "WHATSAPP_APP_SECRET" in str(err.value) and "secret-token-123" not in str(err.value)
    with pytest.raises(ConfigError, match="numeric phone number id"):
        WhatsAppConfig.from_settings(settings_of({**ENV, "WHATSAPP_PHONE_NUMBER_ID": "+90 555"}))


def test_templates_file_is_read_and_bad_files_are_explained(tmp_path: Path) -> None:
    good = tmp_path / "templates.yaml"
    good.write_text("broadcast:\n  en: {name: marhaba_update, language: en_US, parameters: [text]}\n"
                    "  fa: {name: marhaba_update_fa, parameters: [text]}\n", encoding="utf-8")
    templates = WhatsAppConfig.from_settings(settings_of({**ENV, "WHATSAPP_TEMPLATES": str(good)})).templates
    assert templates.get("broadcast", "fa_AF").name == "marhaba_update_fa"  # Dari falls back to Persian
    assert templates.get("broadcast", "so").language == "en_US"
    assert templates.get("reminder", "en") is None
    bad = tmp_path / "bad.yaml"
    bad.write_text("broadcast:\n  en: {name: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml:"):
        Templates.load(bad)
    bad.write_text("broadcast:\n  xx: {name: t}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown locale"):
        Templates.load(bad)
