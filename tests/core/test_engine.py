"""The conversation engine end to end on the sample content and a real SQLite file."""

from __future__ import annotations

import pytest

from bot.core import MAX_PAYLOAD_BYTES, Engine, Incoming
from bot.i18n import LOCALES
from bot.store import SQLiteStore
from tests.conftest import Chat, make_engine
from tests.store import data

SOMETHING_WENT_WRONG = "Sorry, something went wrong on our side"
"""The start of the reply to a turn that failed (Engine._answer): never the answer to bad input."""


async def start_in_english(chat: Chat) -> None:
    await chat("/start")
    await chat.payload("lang:en")


async def test_first_contact_shows_language_picker_in_own_scripts(chat: Chat) -> None:
    out = await chat("/start")
    labels = chat.labels
    assert len(out) == 1
    assert [o.payload for o in out[0].options] == [f"lang:{c}" for c in LOCALES]
    assert "العربية" in labels and "فارسی" in labels and "Türkçe" in labels and "English" in labels


async def test_language_hint_preselects_the_language(engine: Engine) -> None:
    chat = Chat(engine, hint="fa-IR")
    await chat("/start")
    assert chat.last[0].options[0].payload == "lang:fa"
    assert chat.labels[0].startswith("✓")


@pytest.mark.parametrize(("hint", "first"), [("ar-SY", "lang:ar"), ("prs", "lang:fa_AF"), ("ur", "lang:ur"),
                                             ("pt-br", "lang:en"), (None, "lang:en")])
async def test_language_hints_from_real_clients(engine: Engine, hint: str | None, first: str) -> None:
    chat = Chat(engine, hint=hint)
    await chat("hello")
    assert chat.last[0].options[0].payload == first


async def test_any_message_before_a_language_is_chosen_gets_the_picker(chat: Chat) -> None:
    await chat("where is the hospital")
    assert all(o.payload.startswith("lang:") for o in chat.last[0].options)


async def test_choosing_a_language_shows_the_main_menu(chat: Chat, sample_tree) -> None:
    await start_in_english(chat)
    assert chat.last[0].node_id == "main"
    assert [o.payload for o in chat.last[0].options] == [f"n:{t.id}" for t in sample_tree.topics]


async def test_navigation_forth_and_back(chat: Chat, sample_tree) -> None:
    await start_in_english(chat)
    await chat.payload("n:community-centers")
    first_child = sample_tree.nodes["community-centers"].children[0]
    await chat.payload(f"n:{first_child}")
    assert chat.last[0].node_id == first_child
    assert "⬅ Back" in chat.labels
    await chat("/back")
    assert chat.last[0].node_id == "community-centers"
    await chat.press("Main menu")
    assert chat.last[0].node_id == "main"


async def test_details_and_location_are_rendered(chat: Chat, sample_tree) -> None:
    node = next(n for n in sample_tree if n.details and n.details.location and n.details.phone)
    await start_in_english(chat)
    await chat.payload(f"n:{node.id}")
    msg = chat.last[0]
    assert node.details.phone in msg.text
    assert msg.location is not None and msg.location.lat == node.details.location.lat


async def test_returning_user_is_offered_to_continue(chat: Chat) -> None:
    await start_in_english(chat)
    await chat.payload("n:health")
    await chat("/start")
    assert "Welcome back" in chat.text
    assert chat.last[0].options[0].payload == "n:health"


async def test_progress_counts_steps_per_topic(chat: Chat, sample_tree) -> None:
    step = sample_tree.steps("health")[0]
    await start_in_english(chat)
    await chat.payload(f"n:{step.id}")
    await chat.press("Mark as done")
    assert "Well done" in chat.text
    await chat("/progress")
    total = len(sample_tree.steps())
    assert f"Your progress: 1 of {total} checklist steps done." in chat.text
    health_line = next(line for line in chat.text.splitlines() if sample_tree.nodes["health"].title in line)
    assert f"1 of {len(sample_tree.steps('health'))} steps done" in health_line
    await chat.payload(f"undo:{step.id}")
    await chat("/progress")
    assert f"Your progress: 0 of {total} checklist steps done." in chat.text


async def test_shared_pages_show_each_user_their_own_steps(engine: Engine, sample_tree) -> None:
    # Rendered pages are reused across users: the reuse must never leak one user's ticks to another.
    step = sample_tree.steps("health")[0]
    parent = sample_tree.nodes[step.id].parent
    done_user, other = Chat(engine, "done"), Chat(engine, "other")
    for chat in (done_user, other):
        await start_in_english(chat)
        await chat.payload(f"n:{parent}")
    await done_user.payload(f"step:{step.id}")
    await done_user.payload(f"n:{parent}")
    await other.payload(f"n:{parent}")
    assert f"✅ {step.title}" in done_user.labels
    assert step.title in other.labels and f"✅ {step.title}" not in other.labels
    await done_user.payload(f"undo:{step.id}")
    await done_user.payload(f"n:{parent}")
    assert done_user.labels == other.labels


async def test_progress_is_each_users_own_in_their_language(engine: Engine, sample_tree) -> None:
    total = len(sample_tree.steps())
    ahead, behind, french = Chat(engine, "ahead"), Chat(engine, "behind"), Chat(engine, "french")
    for chat, lang in ((ahead, "en"), (behind, "en"), (french, "fr")):
        await chat("/start")
        await chat.payload(f"lang:{lang}")
    await behind("/progress")
    first_todo = behind.last[0].options[0].payload.removeprefix("n:")
    await ahead.payload(f"step:{first_todo}")
    for chat in (ahead, behind, french):
        await chat("/progress")
    assert f"Your progress: 1 of {total} checklist steps done." in ahead.text
    assert f"Your progress: 0 of {total} checklist steps done." in behind.text
    assert "Your progress" not in french.text and "0" in french.text
    assert ahead.labels[0] != behind.labels[0], "the next step to do differs"


async def test_a_reload_during_a_turn_renders_one_version_of_the_tree(engine: Engine, sample_tree) -> None:
    # Live reload swaps the tree while turns are waiting on the database: a page must be
    # rendered from the tree its node came from, not half from the new one.
    import dataclasses

    from bot.content import ContentTree

    gone = {n.id for n in sample_tree if n.id == "health" or "health" in [a.id for a in sample_tree.ancestors(n.id)]}
    root = dataclasses.replace(sample_tree.root, children=tuple(c for c in sample_tree.root.children if c != "health"))
    smaller = ContentTree(nodes={**{i: n for i, n in sample_tree.nodes.items() if i not in gone}, root.id: root})
    chat = Chat(engine)
    await start_in_english(chat)
    record_visit = engine.store.record_visit

    async def reload_meanwhile(user_id: int, node_id: str) -> None:
        engine.swap(content=smaller)
        await record_visit(user_id, node_id)

    engine.store.record_visit = reload_meanwhile  # type: ignore[method-assign]
    out = await chat("/menu")
    assert out[0].node_id == "main" and "something went wrong" not in chat.text
    assert "n:health" in [o.payload for o in out[0].options], "rendered from the tree it started on"
    engine.store.record_visit = record_visit  # type: ignore[method-assign]
    await chat("/menu")
    assert "n:health" not in [o.payload for o in chat.last[0].options]


async def test_progress_is_kept_across_restarts(db_path, sample_tree, catalogs) -> None:
    step = sample_tree.steps()[0]
    async with SQLiteStore(db_path) as store:
        chat = Chat(make_engine(sample_tree, catalogs, store))
        await start_in_english(chat)
        await chat.payload(f"step:{step.id}")
    async with SQLiteStore(db_path) as store:
        chat = Chat(make_engine(sample_tree, catalogs, store))
        await chat("/start")
        assert "Welcome back" in chat.text, "the language and place are remembered"
        await chat("/progress")
        assert f"1 of {len(sample_tree.steps())} checklist steps done" in chat.text


async def test_forget_asks_first_and_the_first_option_deletes(chat: Chat, store: SQLiteStore) -> None:
    await start_in_english(chat)
    await chat.payload("step:" + next(n.id for n in chat.engine.content if n.step))
    await chat("/forget")
    assert chat.last[0].options[0].payload == "forget:yes"
    await chat.press(1)
    assert "deleted" in chat.text
    for table in await store.user_tables():
        assert await data.count(store, table) == 0, f"{table} still holds a row about the user"


async def test_forget_without_confirmation_deletes_nothing(chat: Chat, store: SQLiteStore) -> None:
    await start_in_english(chat)
    await chat.payload("forget:yes")  # a stale or forged confirmation button
    assert await store.get_user("test", "u1") is not None
    assert chat.last[0].options[0].payload == "forget:yes", "it asks again"
    await chat.press("No, keep")
    assert "Nothing was deleted" in chat.text
    assert (await store.get_user("test", "u1")).locale == "en"


@pytest.mark.parametrize("payload", ["n:does-not-exist", "zz:1", "step:health", "n:", "lang:xx", ":",
                                     "n:" + "a" * 200, "cmd:nope", "forget:maybe"])
async def test_forged_or_stale_payloads_get_a_polite_answer(chat: Chat, payload: str) -> None:
    await start_in_english(chat)
    out = await chat.payload(payload)
    assert out and out[-1].options, "the user always gets a menu back"
    assert SOMETHING_WENT_WRONG not in chat.text, "a forged payload is bad input, not a failure"
    # Whatever was pressed, the user is still where they were, in their language.
    user = await chat.engine.store.get_user("test", "u1")
    assert user is not None and user.locale == "en" and user.current_node == "main"


async def test_stale_node_payload_says_the_menu_is_out_of_date(chat: Chat) -> None:
    await start_in_english(chat)
    await chat.payload("n:removed-node")
    assert "This menu is out of date" in chat.text


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\u202e\u2066", "x" * 100_000, "\ud800broken", "/", "/ ",
                                  "/" + "x" * 500, "🙂" * 5000])
async def test_hostile_text_gets_an_answer_and_keeps_state(chat: Chat, store: SQLiteStore, text: str) -> None:
    await start_in_english(chat)
    await chat.payload("n:health")
    out = await chat(text)
    assert out and out[-1].options
    assert SOMETHING_WENT_WRONG not in chat.text, "hostile text is bad input, not a failure"
    user = await store.get_user("test", "u1")
    assert user.locale == "en" and user.current_node == "health"


async def test_unknown_command(chat: Chat) -> None:
    await start_in_english(chat)
    await chat("/frobnicate now")
    assert "I do not know that command" in chat.text


async def test_typed_keywords_work_like_commands(chat: Chat) -> None:
    await start_in_english(chat)
    await chat.payload("n:health")
    await chat("Menu")
    assert chat.last[0].node_id == "main"


@pytest.mark.parametrize(("locale", "word", "node"), [
    ("ru", "Меню", "main"), ("uk", "назад", "health"), ("kmr", "menu", "main"), ("ru", "главное меню", "main"),
])
async def test_typed_keywords_of_the_new_languages(chat: Chat, locale: str, word: str, node: str) -> None:
    await chat("/start")
    await chat.payload(f"lang:{locale}")
    await chat.payload("n:health-card")
    await chat(word)
    assert chat.last[0].node_id == node


@pytest.mark.parametrize(("hint", "first"), [("ku-TR", ["kmr"]), ("ckb-IQ", ["ckb"]), ("ar,ckb,kmr", ["ar", "ckb", "kmr"]),
                                             ("uk-UA,ru", ["uk", "ru"]), ("ti-ER", ["ti"]), ("bn-BD", ["bn"])])
async def test_hinted_languages_come_first_in_the_picker(engine: Engine, hint: str, first: list[str]) -> None:
    chat = Chat(engine, hint=hint)
    await chat("hello")
    payloads = [o.payload for o in chat.last[0].options]
    assert payloads[:len(first)] == [f"lang:{c}" for c in first]
    assert sorted(payloads) == sorted(f"lang:{c}" for c in LOCALES), "every language is offered once"
    assert chat.labels[0].startswith("✓") and not chat.labels[1].startswith("✓")


async def test_help_lists_the_commands(chat: Chat) -> None:
    await start_in_english(chat)
    await chat("/help")
    for name in ("start", "menu", "back", "language", "progress", "help", "forget"):
        assert f"/{name}" in chat.text


async def test_language_can_be_changed_any_time(chat: Chat, store: SQLiteStore) -> None:
    await start_in_english(chat)
    await chat("/language")
    assert all(o.payload.startswith("lang:") for o in chat.last[0].options)
    await chat.payload("lang:tr")
    assert (await store.get_user("test", "u1")).locale == "tr"


async def test_every_payload_the_engine_makes_fits_64_bytes(chat: Chat, sample_tree) -> None:
    await start_in_english(chat)
    for node in sample_tree:
        for msg in await chat.payload(f"n:{node.id}"):
            for opt in msg.options:
                assert len(opt.payload.encode()) <= MAX_PAYLOAD_BYTES


async def test_one_users_turns_run_in_order(engine: Engine) -> None:
    import asyncio

    chat = Chat(engine)
    await start_in_english(chat)
    events = [Incoming("test", "u1", payload=f"n:{t.id}") for t in engine.content.topics]
    results = await asyncio.gather(*(engine.handle(e) for e in events))
    assert [r[0].node_id for r in results] == [t.id for t in engine.content.topics]
    assert (await engine.store.get_user("test", "u1")).current_node == engine.content.topics[-1].id


def test_every_catalog_gives_keywords_and_no_word_means_two_commands(engine: Engine) -> None:
    from bot.core import KEYWORDS
    from tests.conftest import PROJECT

    with_catalogs = {p.parent.parent.name for p in (PROJECT / "locales").glob("*/LC_MESSAGES/ui.po")}
    meaning: dict[str, tuple[str, str]] = {}
    for code in engine.catalogs.locales:
        t = engine.catalogs.get(code)
        for command, source in KEYWORDS.items():
            words = t.gettext(source)
            if code in with_catalogs:
                assert words != source, f"{code}: keywords for {command} are not translated"
            for word in filter(None, (w.strip().casefold() for w in words.split("|"))):
                assert meaning.setdefault(word, (command, code))[0] == command, (
                    f"{code}: '{word}' means {command}, but {meaning[word]}")
                assert engine.keyword_command(word) == command


async def test_an_empty_message_after_forget_creates_no_user(chat: Chat, store: SQLiteStore) -> None:
    await start_in_english(chat)
    await chat("/forget")
    await chat.payload("forget:yes")
    out = await chat("   ")
    assert all(o.payload.startswith("lang:") for o in out[0].options)
    assert await store.get_user("test", "u1") is None
    await chat("hello")  # anything said is a first contact again
    assert await store.get_user("test", "u1") is not None
