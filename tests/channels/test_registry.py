"""The channel registry: a channel is one folder plus one registry entry, nothing else."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot import runner
from bot.channels import ChannelSpec, channel_profiles, channel_spec, registered
from bot.core import ChannelProfile, Engine
from bot.features.broadcast import Drainer, channel_limits, outbox_of
from bot.features.broadcast._cli import _limits, _senders, _sending_channels
from bot.features.questions import HandoffSettings
from bot.runner import _configured_channels, serve
from bot.settings import Settings
from bot.web import WebServer
from tests.channels import fakechat

SPEC = ChannelSpec(
    ChannelProfile(fakechat.NAME, broadcast_rate=7.0, per_chat_interval=0.0, slash_commands=False,
                   staff_chat=True),
    module="tests.channels.fakechat", setup_hint="FAKECHAT_TOKEN", webhook_paths=("/webhook/fakechat",),
    quiet_loggers=("fakechat.lib",), standalone=True,
)


@pytest.fixture
def fake() -> Iterator[ChannelSpec]:
    fakechat.SENT.clear()
    fakechat.STARTED.clear()
    fakechat.ENTERED.clear()
    fakechat.GATES.clear()
    fakechat.CONFIGURED[:] = [True]
    with registered(SPEC) as spec:
        yield spec


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_DB": str(tmp_path / "m.db"), **env})


async def test_marhaba_run_starts_a_registered_channel_and_its_replies_go_out(
        fake: ChannelSpec, tmp_path: Path) -> None:
    env = settings(tmp_path, MARHABA_PORT="0")
    assert fake in _configured_channels(env)
    fakechat.CONFIGURED[:] = [False]
    assert fake not in _configured_channels(env)
    fakechat.CONFIGURED[:] = [True]
    stop, started = asyncio.Event(), asyncio.Event()
    fakechat.STARTED.append(started)
    task = asyncio.create_task(serve(env, [fakechat.NAME], stop))
    await asyncio.wait([task, asyncio.create_task(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    await task
    # Its profile says "no slash commands": /help lists the typed words, not /menu.
    (user, text), = fakechat.SENT
    assert user == "u1" and "/menu" not in text and "menu" in text.lower()


async def test_marhaba_run_freezes_what_start_up_loaded_and_collects_young_objects_less_often(
        fake: ChannelSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, tuned, tune_gc = gc.get_threshold(), asyncio.Event(), runner.tune_gc
    channel_started = asyncio.Event()
    fakechat.STARTED.append(channel_started)

    def tune() -> None:
        assert channel_started.is_set(), "tuned before the channels started"
        tune_gc()
        tuned.set()

    monkeypatch.setattr(runner, "tune_gc", tune)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings(tmp_path, MARHABA_PORT="0"), [fakechat.NAME], stop))
    try:
        await asyncio.wait_for(tuned.wait(), 30)
        assert gc.get_threshold() == (runner.GC_YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 1000  # the code, content and catalogs loaded so far
    finally:
        stop.set()
        await task
        gc.unfreeze()
        gc.set_threshold(*before)


async def test_healthz_says_503_until_every_channel_has_started(
        fake: ChannelSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    servers: list[WebServer] = []

    def web_server(env: Settings) -> WebServer:
        servers.append(WebServer("127.0.0.1", 0))
        return servers[-1]

    monkeypatch.setattr(runner, "web_server", web_server)
    entered, gate, started, stop = asyncio.Event(), asyncio.Event(), asyncio.Event(), asyncio.Event()
    fakechat.ENTERED.append(entered)
    fakechat.GATES.append(gate)
    fakechat.STARTED.append(started)
    task = asyncio.create_task(serve(settings(tmp_path), [fakechat.NAME], stop))
    try:
        await asyncio.wait_for(entered.wait(), 30)  # the server listens; the channel is still starting
        async with httpx.AsyncClient(base_url=servers[0].url, timeout=10) as client:
            starting = await client.get("/healthz")
            assert (starting.status_code, starting.text) == (503, "unhealthy: channels starting")
            gate.set()
            await asyncio.wait_for(started.wait(), 30)
            assert (await client.get("/healthz")).status_code == 200
    finally:
        gate.set()
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_marhaba_broadcast_sends_through_a_registered_channel_at_its_rate(
        fake: ChannelSpec, tmp_path: Path, engine: Engine) -> None:
    env = settings(tmp_path)
    assert fakechat.NAME in _sending_channels()
    assert _limits(env, None)[fakechat.NAME].rate == 7.0  # its profile's rate
    assert channel_limits(channel_profiles(), {fakechat.NAME: 5.0})[fakechat.NAME].rate == 5.0  # an operator's
    async with _senders(env, engine, {fakechat.NAME}) as senders:
        assert isinstance(senders[fakechat.NAME], fakechat.FakeSender)
    drainer = Drainer(outbox_of(engine.store), engine.store, {}, limits=_limits(env, None))
    assert drainer.channel_limits(fakechat.NAME).rate == 7.0


def test_handoff_and_help_read_the_profile(fake: ChannelSpec, engine: Engine) -> None:
    engine.channels = {fakechat.NAME: fake.profile}
    handoff = HandoffSettings.for_engine(engine, Settings.from_env({"MARHABA_ENV_FILE": "",
                                                                    "MARHABA_STAFF_CHAT": "-100"}))
    assert handoff.recipients() == [(fakechat.NAME, "-100")]
    assert engine.word_channels == {fakechat.NAME}


def test_a_second_channel_on_the_same_webhook_path_is_refused(fake: ChannelSpec) -> None:
    other = ChannelSpec(ChannelProfile("other"), module="x", setup_hint="", webhook_paths=fake.webhook_paths)
    with pytest.raises(ValueError, match="/webhook/fakechat"), registered(other):
        pass
    assert channel_spec(fakechat.NAME) is fake


def test_no_channel_name_is_hard_coded_outside_its_folder() -> None:
    """Only a channel's own folder and the registry name it; the rest reads the registry."""
    allowed = {
        # Not done yet: QR codes and deep links (t.me, wa.me) are still written per channel.
        "bot/features/links/_links.py",
        # Every variable is parsed in bot/settings.py (rule 6), the channels' own among them.
        "bot/settings.py",
        # The backends' maps of repository keys (the WhatsApp channel's among them) to their SQL.
        "bot/store/sqlite/_store.py",
        "bot/store/postgres/_store.py",
    }
    root = Path(__file__).parents[2]
    found = []
    for path in sorted((root / "bot").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("bot/channels/telegram/", "bot/channels/whatsapp/")) or rel == "bot/channels/_registry.py":
            continue
        if rel not in allowed and re.search(r"""["'](telegram|whatsapp)["']""", path.read_text("utf-8")):
            found.append(rel)
    assert found == []
