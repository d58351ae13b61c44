"""``marhaba run webchat``, and ``marhaba run`` with ``MARHABA_WEBCHAT=1``, as real processes."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest

from tests.serving import start_run


def run_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "TELEGRAM_", "MARHABA_"))}
    (tmp_path / "empty.env").write_text("")
    env.update({"MARHABA_HOST": "127.0.0.1", "MARHABA_DB": str(tmp_path / "run.db"),
                "MARHABA_ENV_FILE": str(tmp_path / "empty.env"), **extra})
    return env


@pytest.mark.parametrize(("names", "extra"), [(["webchat"], {}), ([], {"MARHABA_WEBCHAT": "1"})],
                         ids=["marhaba run webchat", "MARHABA_WEBCHAT=1 marhaba run"])
async def test_marhaba_run_serves_the_chat(tmp_path: Path, names: list[str], extra: dict[str, str]) -> None:
    running = await start_run(names, run_env(tmp_path, **extra), tmp_path)
    try:
        async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
            page = await client.get("/chat?lang=ar")
            assert page.status_code == 303
            html = (await client.get("/chat")).text
            assert '<html lang="ar" dir="rtl">' in html and 'name="p" value="n:' in html
            assert (await client.post("/chat", data={"text": "menu"})).status_code == 303
    finally:
        running.proc.send_signal(signal.SIGTERM)
        await running.proc.wait()
    log = await running.log()
    assert "channel webchat started" in log and "Traceback" not in log
    assert running.proc.returncode == 0


async def test_a_malformed_origin_list_stops_the_start_with_a_clear_message(tmp_path: Path) -> None:
    env = run_env(tmp_path, MARHABA_WEBCHAT_ORIGINS="example.org/page", MARHABA_PORT="0")
    import asyncio
    import sys
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", "webchat", env=env, cwd=tmp_path,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await proc.communicate()
    assert proc.returncode != 0
    assert "MARHABA_WEBCHAT_ORIGINS: 'example.org/page' is not a site's origin" in err.decode()
    assert "Traceback" not in err.decode()


def test_the_registry_entry_names_every_route_the_chat_serves() -> None:
    from bot.channels import channel_spec
    from bot.channels.webchat import WebChatChannel, WebChatConfig
    from bot.core import Engine
    from bot.web import WebServer

    spec = channel_spec("webchat")
    assert spec.channel_class() is WebChatChannel and spec.standalone and not spec.profile.slash_commands
    channel = WebChatChannel(WebChatConfig(), Engine.__new__(Engine), WebServer("127.0.0.1", 0))
    assert sorted(spec.webhook_paths) == sorted(channel.routes())
