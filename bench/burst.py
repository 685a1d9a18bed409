"""Bursts of members at once, against the unmodified bot over a fake Discord.

`python -m bench.burst [--sizes 2000,10000] [--mixed 20000]` builds a library of each
size (bench/corpus.py), starts the fake Discord in a process of its own (as Discord is)
with its body checks off (we time the bot, not the fake), connects the bot in this
process, and prints:

- single autocompletes and commands, one at a time: time to acknowledgement (median,
  p95), measured by the fake from dispatch to the callback's arrival;
- bursts of 50, 200 and 400 mixed interactions at once (story and character
  autocompletes, /story read by title, /character show, /story list, page turns):
  the share acknowledged within Discord's 3 s, the slowest, and the bot's CPU time per
  interaction (which the machine's load does not inflate);
- a preview and a Publish at that size (the application calls, before rendering), and
  the event loop's longest stall while a 152 KB name-heavy text is previewed: both
  before the bursts, whose backlog would otherwise be timed with them;
- resident memory before and after `--mixed` interactions (at the smallest size).

`--cache DIR` keeps each size's loaded library there (with its saved search index) and
runs on a copy, so a second run skips the minute of loading; `--only bursts` (or
`singles`, `upload`, `memory`) runs just those parts.

The machine is shared: numbers vary with its load; the script prints the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import yarl

from bench.load import load_worker, rss_mb
from tests.wire.bot_process import fake_discord_process
from tests.wire.control import control as wire_control

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
APPLICATION_ID = 1_302_203_301_101_110_099
NAME_HEAVY_BYTES = 152_000


def control(port: int, path: str, body: Any = None) -> Any:
    # A burst of hundreds of interactions can take minutes to report.
    return wire_control(port, path, body, timeout=600)


async def interact(port: int, specs: list[dict[str, Any]], moderator: bool = False) -> list[Any]:
    body = {"interactions": specs, "moderator": moderator}
    answer = await asyncio.to_thread(control, port, "interact", body)
    return list(answer["results"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def name_heavy_text(size: int, seed: int = 7) -> str:
    """Capitalised names in every sentence: the worst case for character extraction."""
    rng = random.Random(seed)
    first = [f"{a}{b}" for a in ("Al", "Be", "Ca", "Do", "Ev", "Fa", "Gi", "Ho") for b in "aeio"]
    last = [f"{a}{b}n" for a in ("Mor", "Tal", "Ves", "Qu", "Dra", "Lin") for b in "aeiou"]
    paragraphs, total = [], 0
    while total < size:
        sentences = [
            f"{rng.choice(first)} {rng.choice(last)} met {rng.choice(first)} "
            f"{rng.choice(last)} near {rng.choice(last)} Bridge."
            for _ in range(6)
        ]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "Title: Names\n\n" + "\n\n".join(paragraphs)[: size - 20]


class Stall:
    """The event loop's longest delay in waking a 5 ms ticker, and the loop thread's own
    CPU time during that delay: on a machine whose cores are taken by others, a delay
    spent waiting for a core (or for the interpreter lock) shows little CPU of the loop's
    own; work on the loop shows as much CPU as delay."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.worst_cpu = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            before, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(0.005)
            late = time.perf_counter() - before - 0.005
            if late > self.worst:
                self.worst, self.worst_cpu = late, time.thread_time() - cpu

    def __enter__(self) -> Stall:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def timed(work: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await work()
    return time.perf_counter() - started, result


PARTS = ("singles", "upload", "bursts", "memory")


async def library_of(size: int, folder: Path, cache: Path | None) -> Path:
    """A loaded library of `size` stories in `folder`: built, or copied from `cache`."""
    database = folder / f"burst-{size}.sqlite3"
    if cache is None:
        await load_worker(size, database, characters=True)
        return database
    kept = cache / str(size)
    if not (kept / database.name).exists():
        kept.mkdir(parents=True, exist_ok=True)
        await load_worker(size, kept / database.name, characters=True)
    for file in kept.iterdir():  # the database, its WAL files, the saved search index
        shutil.copy(file, folder / file.name)
    return database


def keep_new_files(folder: Path, kept: Path, prefix: str) -> None:
    for file in folder.glob(f"{prefix}*"):
        if not (kept / file.name).exists():
            shutil.copy(file, kept / file.name)


async def run_size(
    size: int,
    mixed: int,
    folder: Path,
    fake: dict[str, Any],
    *,
    cache: Path | None = None,
    parts: tuple[str, ...] = PARTS,
) -> dict[str, Any]:
    from bot.app.moderation import prepare, publish
    from bot.config import DEFAULT_STORIES_DIR, Settings
    from bot.discord_adapter.bot import ConteurBot
    from bot.storage import Store

    database = await library_of(size, folder, cache)
    port = int(fake["port"])
    discord.http.Route.BASE = fake["api_base"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake["gateway_url"])
    figures: dict[str, Any] = {"stories": size}
    async with await Store.open(database) as store:
        settings = Settings(
            discord_token=TOKEN,
            application_id=APPLICATION_ID,
            database_path=database,
            stories_dir=DEFAULT_STORIES_DIR,
            dev_guild_id=int(fake["guild_id"]),
        )
        bot = ConteurBot(settings, store, settle_memory=True)  # as `conteur run` makes it
        await bot.login(TOKEN)
        connection = asyncio.create_task(bot.connect(reconnect=False))
        await bot.wait_for("guild_available", timeout=60)
        await bot.library.index_ready()
        await bot.settled()
        if cache is not None:  # the index as built, saved for the next run's copy
            await asyncio.to_thread(keep_new_files, folder, cache / str(size), database.name)
        try:
            figures |= await measure(bot, store, port, mixed, prepare, publish, parts)
        finally:
            await bot.close()
            connection.cancel()
    return figures


async def measure(
    bot: Any,
    store: Any,
    port: int,
    mixed: int,
    prepare: Any,
    publish: Any,
    parts: tuple[str, ...] = PARTS,
) -> dict[str, Any]:
    rng = random.Random(16)
    stories = await store.stories.visible_stories(None)
    titles = [story.title for story in stories]
    names = sorted(
        {
            n
            for ns in (await store.casts.character_names([s.id for s in stories[:500]])).values()
            for n in ns
        }
    )
    # Ids only: 10,000 summaries held here would be the bot's garbage collector's work.
    paged = [s.id for s in stories if s.passage_count > 3] or [s.id for s in stories]
    del stories

    def autocomplete_story() -> dict[str, Any]:
        typed = rng.choice(titles)[: rng.randint(3, 12)]
        return {"command": "story read", "options": {"story": typed}, "focused": "story"}

    def autocomplete_character() -> dict[str, Any]:
        typed = rng.choice(names)[: rng.randint(3, 8)]
        return {"command": "character show", "options": {"name": typed}, "focused": "name"}

    def read_by_title() -> dict[str, Any]:
        return {"command": "story read", "options": {"story": rng.choice(titles)}}

    def character_show() -> dict[str, Any]:
        return {"command": "character show", "options": {"name": rng.choice(names)}}

    def story_list() -> dict[str, Any]:
        return {"command": "story list", "options": {}}

    def page_turn() -> dict[str, Any]:
        story_id = rng.choice(paged)
        return {"custom_id": f"conteur:read:{story_id}:{rng.randint(1, 3)}:next"}

    kinds = {
        "story autocomplete": autocomplete_story,
        "character autocomplete": autocomplete_character,
        "/story read by title": read_by_title,
        "/character show": character_show,
        "/story list": story_list,
        "page turn": page_turn,
    }
    figures: dict[str, Any] = {}
    if "singles" in parts:
        figures |= await singles(port, kinds)
    if "upload" in parts:
        figures |= await upload(bot, port, prepare, publish)
    makers = list(kinds.values())
    if "bursts" in parts:
        rng.seed(400)  # the same bursts whichever parts ran before
        for burst in (50, 200, 400):
            cpu = time.process_time()
            results = await interact(port, [rng.choice(makers)() for _ in range(burst)])
            # The bot's CPU (all its threads) per interaction: what the machine's load
            # does not change, so the share in time on an idle core can be told from it.
            cpu_ms = (time.process_time() - cpu) * 1000 / burst
            figures[f"burst {burst} CPU ms per interaction"] = cpu_ms
            in_time = sum(1 for r in results if r["answered"] and r["elapsed"] <= 3.0)
            figures[f"burst {burst} in 3 s %"] = 100 * in_time / burst
            late = sorted(r["elapsed"] or 99.0 for r in results)
            figures[f"burst {burst} slowest s"] = late[-1]
    if mixed and "memory" in parts:
        # Every 2,000 interactions: a warm-up (catalogues built, caches filled) tells
        # itself apart from growth by where the series flattens.
        series = [round(rss_mb(), 1)]
        for done in range(200, mixed + 1, 200):
            await interact(port, [rng.choice(makers)() for _ in range(200)])
            if done % 2000 == 0:
                series.append(round(rss_mb(), 1))
        figures["RSS MB every 2,000"] = series
    return figures


async def singles(port: int, kinds: dict[str, Callable[[], dict[str, Any]]]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for label, make in kinds.items():
        times = []
        for _ in range(30):
            (result,) = await interact(port, [make()])
            if result["elapsed"] is not None:
                times.append(result["elapsed"] * 1000)
        figures[f"{label} ms"] = (statistics.median(times), percentile(times, 0.95))
    return figures


async def upload(bot: Any, port: int, prepare: Any, publish: Any) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    guild_id = int(control(port, "state")["guild_id"])
    text = " ".join(f"Mira{n} Solberg walked to the quay at dawn." for n in range(300))
    preview_s, preview = await timed(
        lambda: prepare(bot.library, guild_id=guild_id, user_id=7, text=f"Title: Bench\n\n{text}")
    )
    publish_s, _ = await timed(
        lambda: publish(
            bot.library,
            preview.draft.id,
            guild_id=guild_id,
            user_id=7,
            confirmed=True,
            stamp=_stamp(preview),
        )
    )
    figures["preview s"], figures["publish s"] = preview_s, publish_s
    heavy = name_heavy_text(NAME_HEAVY_BYTES)
    with Stall() as stall:
        heavy_s, heavy_preview = await timed(
            lambda: rendered(prepare(bot.library, guild_id=guild_id, user_id=8, text=heavy))
        )
    figures["152 KB preview s"], figures["loop stall ms"] = heavy_s, stall.worst * 1000
    figures["loop stall: loop's CPU ms"] = stall.worst_cpu * 1000
    with Stall() as stall:
        heavy_s, _ = await timed(
            lambda: publish(
                bot.library,
                heavy_preview.draft.id,
                guild_id=guild_id,
                user_id=8,
                confirmed=True,
                stamp=_stamp(heavy_preview),
            )
        )
    figures["152 KB publish s"], figures["publish loop stall ms"] = heavy_s, stall.worst * 1000
    figures["publish loop stall: loop's CPU ms"] = stall.worst_cpu * 1000
    return figures


async def rendered(preparing: Awaitable[Any]) -> Any:
    """The preview as the moderator gets it: prepared, rendered, encoded for Discord."""
    from bot.discord_adapter.rendering.moderation import preview_embed
    from bot.discord_adapter.ui.moderation import preview_view

    preview = await preparing
    payload = {
        "embeds": [preview_embed(preview).to_dict()],
        "components": preview_view(preview).to_components(),
    }
    discord.utils._to_json(payload)
    return preview


def _stamp(preview: Any) -> int:
    from bot.app.moderation import draft_stamp

    return draft_stamp(preview.draft)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--mixed", type=int, default=20_000, help="interactions for RSS")
    parser.add_argument("--cache", type=Path, help="keep loaded libraries here between runs")
    parser.add_argument("--only", default=",".join(PARTS), help="parts to run: " + ",".join(PARTS))
    args = parser.parse_args()
    parts = tuple(part for part in args.only.split(",") if part in PARTS)
    print(f"load average: {os.getloadavg()}")
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            mixed = args.mixed if size == min(sizes) else 0
            options = ("--token", TOKEN, "--application-id", str(APPLICATION_ID), "--no-checks")
            with fake_discord_process(*options) as fake:
                figures = asyncio.run(
                    run_size(size, mixed, Path(folder), fake, cache=args.cache, parts=parts)
                )
            print(json.dumps(figures, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
