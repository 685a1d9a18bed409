"""`conteur` (or `python -m bot`): run, load, console, invite.

Every failure a user can cause ends with one friendly line on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import discord

from bot.config import ConfigError, Settings, load_settings
from bot.core.cast import Cast
from bot.core.clock import Clock, system_clock
from bot.gateway_closes import fatal_close, unexpected_close

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

NO_TOKEN_MESSAGE = """\
DISCORD_TOKEN is not set, so Conteur cannot connect to Discord.
  Get a token: https://discord.com/developers/applications → your application → Bot → Reset Token,
  then put DISCORD_TOKEN=... in .env (copy .env.example).
  Meanwhile, try everything offline: conteur console"""

# What the bot needs in a channel, and why (printed by `conteur invite`).
INVITE_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "see the channels it is asked to post in"),
    ("send_messages", "post the story of the day and replies to mentions"),
    ("send_messages_in_threads", "talk in the discussion threads it opens"),
    ("create_public_threads", "open a discussion thread under a story"),
    ("embed_links", "show stories, search results and characters as embeds"),
    ("attach_files", "send a story as a file with /story export"),
    ("read_message_history", "reply to a message that mentions it"),
)


def invite_permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys((name for name, _why in INVITE_PERMISSIONS), True))


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id,
        permissions=invite_permissions(),
        scopes=("bot", "applications.commands"),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conteur", description="Conteur: read, retell and discuss short stories on Discord."
    )
    sub = parser.add_subparsers(dest="subcommand", metavar="COMMAND")
    run = sub.add_parser("run", help="connect to Discord with DISCORD_TOKEN")
    run.add_argument("--sync", action="store_true", help="sync slash commands globally first")
    run.add_argument(
        "--console-if-no-token",
        action="store_true",
        help="open the offline console instead of failing when no token is configured",
    )
    load = sub.add_parser("load", help="import .txt/.md story files or folders")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load.add_argument("--db", help="database file or postgresql:// URL (default: CONTEUR_DATABASE)")
    console = sub.add_parser("console", help="type slash commands offline, as in Discord")
    console.add_argument(
        "--db", help="database file or postgresql:// URL (default: CONTEUR_DATABASE)"
    )
    console.add_argument(
        "--as",
        dest="role",
        choices=("member", "librarian", "moderator", "admin"),
        default="member",
        help="who you are in the simulated server: a librarian has only the server's "
        "moderator role, a moderator has Manage Server, an admin has Administrator",
    )
    console.add_argument("--guild", type=int, help="the simulated server's id")
    console.add_argument(
        "--command",
        dest="commands",
        action="append",
        default=[],
        metavar="'/story list'",
        help="run this command (repeatable) and exit",
    )
    console.add_argument(
        "--json",
        action="store_true",
        help="print each reply as the JSON payload Discord would receive",
    )
    sub.add_parser("invite", help="print the link that adds the bot to a server")
    migrate = sub.add_parser(
        "migrate", help="copy a SQLite library into PostgreSQL and verify the copy"
    )
    migrate.add_argument("--to", required=True, metavar="URL", help="postgresql://… to copy into")
    migrate.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE",
        help="the SQLite file to copy (default: CONTEUR_DATABASE)",
    )
    migrate.add_argument(
        "--force", action="store_true", help="replace a library the target already holds"
    )
    search = sub.add_parser("search", help="search the library's passages, for scripts")
    search.add_argument("query", help="words you remember (typos and missing accents are fine)")
    search.add_argument("--story", help="only this story (title, slug or protagonist)")
    search.add_argument("--guild", type=int, help="include this server's own stories")
    search.add_argument("--limit", type=int, default=10, help="how many results (default 10)")
    search.add_argument("--json", action="store_true", help="one JSON object per result")
    search.add_argument(
        "--db", help="database file or postgresql:// URL (default: CONTEUR_DATABASE)"
    )
    characters = sub.add_parser("characters", help="who is in each story, for scripts")
    characters.add_argument("story", nargs="?", help="only this story (title, slug or protagonist)")
    characters.add_argument("--guild", type=int, help="include this server's own stories")
    characters.add_argument("--json", action="store_true", help="print JSON")
    characters.add_argument(
        "--db", help="database file or postgresql:// URL (default: CONTEUR_DATABASE)"
    )
    return parser


def main(argv: Sequence[str] | None = None, *, clock: Clock = system_clock) -> int:
    """`clock` is for tests that run the bot in processes of their own on simulated time."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.subcommand is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "db", None):
        settings = settings.with_database(args.db)
    opens_console = args.subcommand == "run" and (
        settings.discord_token is None and args.console_if_no_token
    )
    quiet = opens_console or args.subcommand in (
        "console",
        "load",
        "search",
        "characters",
        "migrate",
    )
    _setup_logging(settings, quiet=quiet)
    try:
        return _dispatch(args, settings, clock)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except BrokenPipeError:
        # `conteur console ... | head` closed the pipe: stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _dispatch(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    if args.subcommand == "invite":
        return _invite(settings)
    if args.subcommand == "load":
        _below_the_bot()
        return asyncio.run(_load(settings, args.paths))
    if args.subcommand == "console":
        return asyncio.run(
            _console(
                settings,
                role=args.role,
                guild_id=args.guild,
                lines=args.commands,
                as_json=args.json,
            )
        )
    if args.subcommand == "search":
        return asyncio.run(_search(settings, args))
    if args.subcommand == "characters":
        return asyncio.run(_characters(settings, args))
    if args.subcommand == "migrate":
        return asyncio.run(_migrate(settings, args))
    return _run(settings, sync=args.sync, console_fallback=args.console_if_no_token, clock=clock)


async def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage import Store
    from bot.storage.copy import TargetNotEmpty, copy_library
    from bot.storage.database import is_postgres_url

    if not is_postgres_url(args.to):
        print(
            f"--to {args.to!r} is not a PostgreSQL URL; give one like "
            "postgresql://user:password@host:5432/conteur.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    source = args.source.expanduser().resolve() if args.source else settings.database_path
    if not source.is_file():
        print(f"No SQLite library at {source}; give one with --from FILE.", file=sys.stderr)
        return EXIT_USAGE
    async with await Store.open(source) as origin, await Store.open(args.to) as target:
        try:
            report = await copy_library(origin.db, target.db, force=args.force)
        except TargetNotEmpty as error:
            print(
                f"{error} Nothing was copied. Run again with --force to replace it.",
                file=sys.stderr,
            )
            return EXIT_FAILED
        destination = target.path
    if report.replaced:
        print(f"Replaced the library that was in {destination}.")
    for table in report.tables:
        state = "verified" if table.verified else "DIFFERS"
        print(f"{table.table:<20} {table.source_rows:>9} → {table.target_rows:>9} rows  {state}")
    if not report.verified:
        print("The copy differs from the original; keep using the SQLite file.", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"Copied {source} into {destination}: every row counted and hashed on both sides. "
        "Set CONTEUR_DATABASE to the URL to use it."
    )
    return EXIT_OK


def _setup_logging(settings: Settings, *, quiet: bool) -> None:
    # The console's output is the conversation; only problems belong beside it.
    level = logging.WARNING if quiet else settings.log_level_number
    discord.utils.setup_logging(level=level, root=True)
    if quiet:
        # simcord builds extra discord.py clients and states for the simulated world
        # (one when it is imported); their start-up notes are not the user's concern.
        logging.getLogger("discord.state").setLevel(logging.ERROR)
        logging.getLogger("discord.client").setLevel(logging.ERROR)


def _invite(settings: Settings) -> int:
    if settings.application_id is None:
        print(
            "DISCORD_APPLICATION_ID is not set. Copy the Application ID from "
            "https://discord.com/developers/applications → your application → General "
            "Information into .env, then run conteur invite again.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print("Open this link to add Conteur to a server you manage:\n")
    print(f"  {invite_url(settings.application_id)}\n")
    print("It asks for these permissions, and no others:")
    for name, why in INVITE_PERMISSIONS:
        print(f"  - {name.replace('_', ' ').title()}: to {why}")
    print("Scopes: bot, and applications.commands for the slash commands.")
    return EXIT_OK


# A load is a batch job, often run beside the live bot: on a busy machine its extraction
# workers would otherwise take the cores from the bot's three-second answers.
LOAD_NICENESS = 10


def _below_the_bot() -> None:
    """Lower this process's CPU priority (its workers inherit it); best-effort."""
    if hasattr(os, "nice"):
        try:
            os.nice(LOAD_NICENESS)
        except OSError:
            log.debug("could not lower the load's priority", exc_info=True)


async def _load(settings: Settings, paths: Sequence[Path]) -> int:
    from bot.app.library import Library
    from bot.progress import LoadProgress
    from bot.storage import Store

    progress = LoadProgress(sys.stdout)
    async with await Store.open(settings.database) as store:
        library = Library(store)
        report = await library.load_paths(paths, index=False, progress=progress)
        progress.finish()
        for line in report.summary_lines():
            print(line, flush=True)
        # The stories are in, searchable and readable; their characters come next. An
        # interrupted reading is finished by the next `conteur run` or `conteur load`.
        reading = LoadProgress(sys.stdout, doing="reading characters", unit="stories")
        read = await library.read_casts(progress=reading)
        reading.finish()
        if read:
            print(f"characters read for {read:,} {'story' if read == 1 else 'stories'}")
    return EXIT_OK if report.ok else EXIT_FAILED


async def _console(
    settings: Settings, *, role: str, guild_id: int | None, lines: Sequence[str], as_json: bool
) -> int:
    from bot.console import run_console
    from bot.discord_adapter.bot import ConteurBot
    from bot.storage import Store

    # The simulated Discord keeps its own clock from 2026-01-01; the console shows
    # real dates, so the store (and with it the bot) reads the wall clock.
    async with await Store.open(settings.database, clock=system_clock) as store:
        bot = ConteurBot(settings, store)
        try:
            return await run_console(
                bot, role=role, guild_id=guild_id, commands=lines, as_json=as_json
            )
        finally:
            if bot.storyteller is not None:
                await bot.storyteller.close()


def _run(settings: Settings, *, sync: bool, console_fallback: bool, clock: Clock) -> int:
    if settings.discord_token is None:
        if console_fallback:
            print("No DISCORD_TOKEN configured, so opening the offline console instead.")
            print("To connect to Discord, put DISCORD_TOKEN=... in .env (see README.md).")
            print(
                "You are a member here; to act as a moderator, run `make console AS=moderator` "
                "(or `conteur console --as moderator`; also admin, and librarian for a member "
                "with only the moderator role).\n"
            )
            return asyncio.run(
                _console(settings, role="member", guild_id=None, lines=(), as_json=False)
            )
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return EXIT_USAGE
    try:
        asyncio.run(_run_bot(settings, sync=sync, clock=clock))
    except discord.LoginFailure:
        print(
            "Discord rejected DISCORD_TOKEN. Reset the token in the developer portal "
            "(Bot → Reset Token) and update .env.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        return _closed(4014)
    except discord.ConnectionClosed as error:
        return _closed(error.code)
    return EXIT_OK


def _closed(code: int | None) -> int:
    """The gateway closed for good: say why and what to do, no traceback."""
    fatal = fatal_close(code)
    print(fatal.message if fatal else unexpected_close(code), file=sys.stderr)
    return EXIT_USAGE if fatal is not None and fatal.usage else EXIT_FAILED


async def _run_bot(settings: Settings, *, sync: bool, clock: Clock) -> None:
    from bot.discord_adapter.bot import ConteurBot
    from bot.storage import Store

    assert settings.discord_token is not None
    async with (
        await Store.open(settings.database, clock=clock) as store,
        ConteurBot(settings, store, sync_globally=sync, settle_memory=True) as bot,
    ):
        await bot.start(settings.discord_token)


async def _search(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app.library import Library
    from bot.app.lookup import find_visible_story
    from bot.app.searching import search_passages
    from bot.errors import UserError
    from bot.storage import Store

    async with await Store.open(settings.database) as store:
        library = Library(store)
        await library.start(settings.stories_dir)
        try:
            in_story = (
                await find_visible_story(store, args.guild, args.story) if args.story else None
            )
            outcome = await search_passages(
                library,
                args.query,
                guild_id=args.guild,
                story=in_story,
                limit=max(1, args.limit),
                snippet_width=200,
            )
        except UserError as error:
            print(f"{error.message} {error.hint or ''}".strip(), file=sys.stderr)
            return EXIT_USAGE
    if not outcome.results and not args.json:
        hint = f" Did you mean: {', '.join(outcome.suggestions)}?" if outcome.suggestions else ""
        print(f"No passage matches “{outcome.query}”.{hint}", file=sys.stderr)
    for rank, result in enumerate(outcome.results, start=1):
        story = result.story
        if args.json:
            print(
                json.dumps(
                    {
                        "rank": rank,
                        "story": story.title,
                        "slug": story.slug,
                        "paragraph": result.passage,
                        "score": round(result.score, 1),
                        "snippet": result.snippet,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(
                f"{rank}. {story.title} ¶{result.passage} ({result.score:.0f})\n   {result.snippet}"
            )
    return EXIT_OK if outcome.results else EXIT_FAILED


async def _characters(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import characters
    from bot.app.library import Library
    from bot.app.lookup import find_visible_story
    from bot.errors import UserError
    from bot.storage import Store

    async with await Store.open(settings.database) as store:
        library = Library(store)
        await library.load_paths([settings.stories_dir], index=False)
        await library.read_casts()  # this command lists them: read any still to read now
        try:
            only = await find_visible_story(store, args.guild, args.story) if args.story else None
        except UserError as error:
            print(f"{error.message} {error.hint or ''}".strip(), file=sys.stderr)
            return EXIT_USAGE
        casts = await characters.casts(library, args.guild, only)
    if args.json:
        print(
            json.dumps(
                [_cast_json(story.title, story.slug, cast) for story, cast in casts],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    for story, cast in casts:
        print(story.title)
        for character in cast.characters:
            aliases = ", ".join(a for a in character.aliases if a != character.name)
            described = "; ".join(f.text for f in character.descriptions[:3])
            print(
                f"  {character.name} ({character.role}, {character.mentions} "
                + ("mention" if character.mentions == 1 else "mentions")
                + (f", also {aliases}" if aliases else "")
                + ")"
                + (f": {described}" if described else "")
            )
        if cast.places:
            print("  places: " + ", ".join(p.name for p in cast.places))
    return EXIT_OK


def _cast_json(title: str, slug: str, cast: Cast) -> dict[str, object]:
    return {"story": title, "slug": slug, **asdict(cast)}
