"""A feature is one unit: one entry in a feature list wires its command, job, stats and CLI group;
two features that claim the same command or payload prefix refuse to start."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.app import FEATURES, open_engine
from bot.cli import build_parser, main
from bot.core import DuplicateHandler, Engine, Feature, Outgoing, Router, Turn
from bot.features import navigation
from bot.features.staff import gather
from bot.runner import _serve
from bot.settings import PROJECT_DIR, Settings
from tests.conftest import Chat, make_engine


@dataclass
class Greeter:
    """A feature made for this test: ``/wave``, a background job, a figure for the statistics."""

    engine: Engine
    jobs_run: asyncio.Event = field(default_factory=asyncio.Event)
    router: Router = field(default_factory=lambda: Router("greeter"))

    def __post_init__(self) -> None:
        self.router.add_command("wave", self.wave, "Wave back")
        self.router.add_job(self.job)
        GREETERS.append(self)

    async def wave(self, turn: Turn) -> list[Outgoing]:
        return [turn.engine.text_reply(turn, "👋 hello from a new feature")]

    async def job(self) -> None:
        self.jobs_run.set()
        await asyncio.Event().wait()  # a job runs until `marhaba run` stops


GREETERS: list[Greeter] = []


async def _job_started() -> None:
    """Returns once the newest greeter's job has run (a greeter appears when its engine is set up)."""
    while not GREETERS:
        await asyncio.sleep(0.01)
    await GREETERS[-1].jobs_run.wait()


async def greeter_stats(store: Any, content: Any, now: float) -> dict[str, Any]:
    return {"waves": 7}


def greeter_cli(subparsers: Any, features: Any) -> None:
    wave = subparsers.add_parser("wave", help="wave at the operator")
    wave.set_defaults(func=lambda args: print("👋") or 0)


GREETER = Feature("greeter", lambda engine, settings: Greeter(engine), stats=greeter_stats, cli=greeter_cli)


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_DB": str(tmp_path / "m.db"), "MARHABA_PORT": "0",
                              "MARHABA_CONTENT": str(PROJECT_DIR / "content"), "HOME": str(tmp_path), **env})


async def test_one_list_entry_wires_a_features_command_job_and_stats(tmp_path: Path) -> None:
    GREETERS.clear()
    features = (*FEATURES, GREETER)
    async with open_engine(settings(tmp_path), features) as engine:
        chat = Chat(engine)
        await chat.payload("lang:en")
        assert (await chat("/wave"))[0].text == "👋 hello from a new feature"
        stats = await gather(engine.store, engine.content, features=engine.features)  # type: ignore[arg-type]
        assert stats.more == {"waves": 7}

    # `marhaba run` starts the features' jobs beside the channels (none configured here).
    stop = asyncio.Event()
    GREETERS.clear()
    serving = asyncio.create_task(_serve(settings(tmp_path), [], stop, features))
    try:
        started = asyncio.create_task(_job_started())
        done, _pending = await asyncio.wait([serving, started], timeout=60, return_when=asyncio.FIRST_COMPLETED)
        assert done == {started}, serving.exception() if serving.done() else "the job did not start"
    finally:
        stop.set()
        await asyncio.wait_for(serving, 30)


def test_one_list_entry_adds_a_features_command_line_group(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser((*FEATURES, GREETER)).parse_args(["wave"])
    assert args.func(args) == 0
    assert capsys.readouterr().out == "👋\n"
    with pytest.raises(SystemExit):
        build_parser(FEATURES).parse_args(["wave"])


def test_a_command_registered_twice_is_refused_at_start(sample_tree: Any, catalogs: Any, store: Any) -> None:
    twice = Feature("menus", lambda engine, settings: _unit(Router("menus"), "menu"))
    with pytest.raises(DuplicateHandler, match=r"/menu is registered twice: by the navigation feature and by the "
                                               r"menus feature"):
        make_engine(content=sample_tree, catalogs=catalogs, store=store, features=(navigation.FEATURE, twice))


def test_a_payload_prefix_registered_twice_is_refused() -> None:
    first, second = Router("first"), Router("second")
    first.add_payload("ev", _nothing)
    second.add_payload("ev", _nothing)
    root = Router("application")
    root.include(first)
    with pytest.raises(DuplicateHandler, match="ev: is registered twice: by the first feature and by the second"):
        root.include(second)
    with pytest.raises(DuplicateHandler):
        first.add_payload("ev", _nothing)


async def test_the_assembled_bot_starts_without_duplicates_and_marhaba_help_lists_every_group(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async with open_engine(settings(tmp_path)) as engine:
        assert [f.name for f in engine.features] == [f.name for f in FEATURES]
        assert not engine.router.unwrapped()
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for group in ("chat", "run", "content", "i18n", "stats", "preview", "ask", "questions", "privacy", "broadcast"):
        assert f"    {group}" in out


def _unit(router: Router, command: str) -> Any:
    router.add_command(command, _nothing, "twice")

    @dataclass
    class Unit:
        router: Router

    return Unit(router)


async def _nothing(turn: Turn) -> list[Outgoing]:
    return []
