"""Benchmark: WhatsApp turns through the real webhook server vs the bare engine.

Run: ``.venv/bin/python -m bench.whatsapp_webhook [users] [rounds]``. For each
round, ``users`` users write "hello" at once; prints the median time per round
for (a) ``engine.handle`` alone (the baseline) and (b) signed webhook posts
answered through the fake Graph API (verification, dedupe, rendering, HTTP).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.content import load_content
from bot.core import Engine, Incoming
from bot.features.navigation import FEATURE as NAVIGATION
from bot.i18n import Catalogs
from tests.channels.whatsapp.conftest import WhatsAppHarness, text_webhook
from tests.channels.whatsapp.fake_graph import FakeGraph

PROJECT = Path(__file__).resolve().parents[1]


async def main(users: int, rounds: int) -> None:
    tree = load_content(PROJECT / "content").tree
    catalogs = Catalogs(PROJECT / "locales")
    fake = FakeGraph()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        wa = await WhatsAppHarness(fake, Path(tmp) / "bench.db", tree, catalogs).start()
        engine = Engine(content=tree, catalogs=catalogs, store=wa.store, features=(NAVIGATION,))
        bare, hooked = [], []
        for r in range(rounds):
            start = time.perf_counter()
            await asyncio.gather(*(engine.handle(Incoming("bench", f"b{r}-{u}", text="hello"))
                                   for u in range(users)))
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            await asyncio.gather(*(wa.post(text_webhook(f"90{r:04d}{u:05d}", "hello", f"wamid.{r}.{u}"), wait=False)
                                   for u in range(users)))
            await wa.channel.wait_idle()
            hooked.append(time.perf_counter() - start)
        await wa.stop()
    await fake.stop()
    assert not fake.rejected and len(fake.sent) == users * rounds
    b, h = statistics.median(bare), statistics.median(hooked)
    print(f"{users} users at once, {rounds} rounds (median per round)")
    print(f"  engine.handle only (baseline): {b * 1000:8.1f} ms")
    print(f"  signed webhook -> fake Graph API: {h * 1000:8.1f} ms   ({h / b:.1f}x the baseline, "
          f"{users / h:.0f} turns/s)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50, int(sys.argv[2]) if len(sys.argv) > 2 else 5))
