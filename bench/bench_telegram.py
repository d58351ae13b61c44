"""Benchmark: updates per second through the whole Telegram stack vs a bare python-telegram-bot echo bot.

Both bots are real PTB ``Application``s fed the same synthetic private-chat
updates (commands, button presses, typed text) through ``update_queue``,
with the same concurrency, and the Bot API answered in-process by the same
canned-JSON ``BaseRequest``. The Marhaba side runs the full stack: adapter,
engine, real SQLite file (WAL) and the sample content. The bots take turns
step by step within each round, so both meet the same moods of a shared
machine; the figure to quote is the median of the rounds' ratios.

    .venv/bin/python bench/bench_telegram.py [--users 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import BaseRequest, RequestData

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bot.channels.telegram import TelegramChannel, TelegramSettings  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.core import Engine  # noqa: E402
from bot.features.navigation import FEATURE as NAVIGATION  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.store import SQLiteStore  # noqa: E402
from bot.web import WebServer  # noqa: E402

TOKEN = "123456789:AAEbenchbenchbenchbenchbenchbenchbench"
BOT = {"id": 123456789, "is_bot": True, "first_name": "Bench", "username": "BenchBot"}
CONCURRENCY = 64


class CannedRequest(BaseRequest):
    """Answers every Bot API call in-process with the JSON Telegram would send; counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.calls += 1
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if name == "getMe":
            result: Any = BOT
        elif name in ("sendMessage", "editMessageText", "sendVenue", "editMessageReplyMarkup"):
            result = {"message_id": params.get("message_id", 1), "date": 0, "text": params.get("text", ""),
                      "chat": {"id": params.get("chat_id"), "type": "private"}}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


def script(user_id: int, topics: list[str]) -> list[dict[str, Any]]:
    """What one newcomer does: start, pick a language, browse, go home, type, ask progress."""
    chat = {"id": user_id, "type": "private", "first_name": "U"}
    sender = {"id": user_id, "is_bot": False, "first_name": "U", "language_code": "ar"}

    def message(text: str) -> dict[str, Any]:
        m: dict[str, Any] = {"message_id": 1, "date": 0, "chat": chat, "from": sender, "text": text}
        if text.startswith("/"):
            m["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
        return {"message": m}

    def press(data: str) -> dict[str, Any]:
        return {"callback_query": {"id": "1", "chat_instance": "c", "data": data, "from": sender,
                                   "message": {"message_id": 9, "date": 0, "chat": chat, "text": "menu"}}}

    topic = topics[user_id % len(topics)]
    return [message("/start"), press("lang:en"), press(f"n:{topic}"), press("cmd:menu"),
            message("where can I learn the language"), press(f"n:{topic}"), message("/progress"), press("cmd:menu")]


async def feed(app: Application, updates: list[Update]) -> float:
    """Put every update on the queue; return seconds until the last one was handled."""
    done = asyncio.Event()
    left = [len(updates)]

    async def count(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        left[0] -= 1
        if left[0] == 0:
            done.set()

    handler = TypeHandler(Update, count)
    app.add_handler(handler, group=1)
    start = time.perf_counter()
    for update in updates:
        app.update_queue.put_nowait(update)
    await asyncio.wait_for(done.wait(), 300)
    elapsed = time.perf_counter() - start
    app.remove_handler(handler, group=1)
    return elapsed


def step_updates(scripts: list[list[dict[str, Any]]], step: int, bot: Any, first_id: int) -> list[Update]:
    """Step ``step`` of every user's script, as updates (users take turns, as in real traffic)."""
    return [Update.de_json({"update_id": first_id + i, **steps[step]}, bot) for i, steps in enumerate(scripts)]


async def echo_app(request: CannedRequest) -> Application:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer()
            await context.bot.edit_message_text(update.callback_query.data or "?", chat_id=update.effective_chat.id,
                                                message_id=update.callback_query.message.message_id)
        elif update.message is not None:
            await context.bot.send_message(update.effective_chat.id, update.message.text or "?")

    app = (Application.builder().token(TOKEN).request(request).get_updates_request(request)
           .concurrent_updates(CONCURRENCY).updater(None).build())
    app.add_handler(TypeHandler(Update, echo))
    await app.initialize()
    await app.start()
    return app


async def main(users: int, rounds: int, feedback: bool = False) -> None:
    content = load_content(PROJECT / "content").tree
    catalogs = Catalogs(PROJECT / "locales")
    topics = [t.id for t in content.topics]
    marhaba_rates, echo_rates = [], []
    with tempfile.TemporaryDirectory() as tmp:
        async with SQLiteStore(Path(tmp) / "bench.db") as store:
            engine = Engine(content=content, catalogs=catalogs, store=store, features=(NAVIGATION,))
            if feedback:  # as `marhaba run` does: every page sent is remembered for reactions
                from bot.features import feedback as feedback_feature
                from bot.settings import Settings

                engine.add_feature(feedback_feature.FEATURE, Settings.from_env({"MARHABA_ENV_FILE": ""}))
            settings = TelegramSettings(token=TOKEN, webhook_url="https://bench.example/webhook/telegram",
                                        webhook_secret="bench-secret-0123456789")
            channel = TelegramChannel(settings, engine, WebServer("127.0.0.1", 0), request=CannedRequest())
            await channel.start()
            echo = await echo_app(CannedRequest())
            try:
                for r in range(rounds):
                    # Fresh users each round: every round includes first contact.
                    scripts = [script(100_000 * (r + 1) + u, topics) for u in range(users)]
                    bots = [("marhaba", channel.application), ("echo", echo)]
                    seconds = {"marhaba": 0.0, "echo": 0.0}
                    # The shared machine's speed swings by 2x from one second to the next, so the
                    # bots take turns step by step (every user's step 1 on one bot, then on the
                    # other, ...), the first to go alternating, each from a collected heap.
                    for step in range(len(scripts[0])):
                        for name, app in bots if (r + step) % 2 == 0 else bots[::-1]:
                            updates = step_updates(scripts, step, app.bot, 1 + r * 10_000_000 + step * users)
                            gc.collect()
                            seconds[name] += await feed(app, updates)
                    n = users * len(scripts[0])
                    marhaba_rates.append(n / seconds["marhaba"])
                    echo_rates.append(n / seconds["echo"])
                    print(f"round {r + 1}: marhaba {marhaba_rates[-1]:6.0f} updates/s, echo {echo_rates[-1]:6.0f} "
                          f"updates/s, Marhaba / echo = {echo_rates[-1] / marhaba_rates[-1]:.2f}x")
            finally:
                await echo.stop()
                await echo.shutdown()
                await channel.stop()
    m, e = statistics.median(marhaba_rates), statistics.median(echo_rates)
    paired = statistics.median(ev / mv for ev, mv in zip(echo_rates, marhaba_rates, strict=True))
    print(f"\nmedian over {rounds} rounds, {users} users x 8 updates each, concurrency {CONCURRENCY}:")
    print(f"  bare PTB echo bot :     {e:8.0f} updates/s")
    print(f"  Marhaba full stack:     {m:8.0f} updates/s")
    print(f"  cost per update, median of the rounds' ratios: Marhaba / echo = {paired:.2f}x (goal: at most 2x)")
    print(f"  (ratio of the two medians: {e / m:.2f}x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--feedback", action="store_true",
                        help="install the reaction feedback, as `marhaba run` does (one more write per page)")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.rounds, args.feedback))
