"""The `conteur` command as a person or a script uses it: exit codes and what it prints."""

import json

import pytest

from bot import cli
from bot.config import DEFAULT_STORIES_DIR


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch, tmp_path):
    """No real .env or token leaks into these tests; each gets its own database."""
    monkeypatch.setattr(cli, "load_settings", _settings_factory(tmp_path, {}))
    return tmp_path


def _settings_factory(tmp_path, extra):
    from bot.config import load_settings

    def factory():
        environ = {"CONTEUR_DATABASE": str(tmp_path / "cli.sqlite3"), **extra}
        return load_settings(environ, env_file=tmp_path / "absent.env")

    return factory


def test_run_without_a_token_explains_how_to_connect(capsys):
    assert cli.main(["run"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err
    assert "discord.com/developers/applications" in err
    assert "conteur console" in err


def test_run_falls_back_to_the_console_when_asked(capsys, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "quit")
    assert cli.main(["run", "--console-if-no-token"]) == cli.EXIT_OK
    out, err = capsys.readouterr()
    assert "No DISCORD_TOKEN configured, so opening the offline console" in out
    assert "Conteur offline console" in out
    assert "INFO" not in err and "WARNING" not in err  # the conversation, not the bot's log


def test_a_malformed_setting_stops_with_its_name(capsys, monkeypatch, isolated_settings):
    monkeypatch.setattr(
        cli, "load_settings", _settings_factory(isolated_settings, {"CONTEUR_DEV_GUILD_ID": "abc"})
    )
    assert cli.main(["console", "--command", "/help"]) == cli.EXIT_USAGE
    assert "CONTEUR_DEV_GUILD_ID" in capsys.readouterr().err


def test_load_prints_a_summary_and_fails_when_a_file_is_rejected(capsys, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Title: Good\n\nA good story about a good dog named Rex.")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00")
    assert cli.main(["load", str(good)]) == cli.EXIT_OK
    assert "1 added, 0 updated, 0 unchanged, 0 rejected" in capsys.readouterr().out
    assert cli.main(["load", str(good), str(bad)]) == cli.EXIT_FAILED
    out = capsys.readouterr().out
    assert "0 added, 0 updated, 1 unchanged, 1 rejected" in out
    assert "bad.txt: bad.txt looks like a binary file, not text." in out


def test_a_big_load_stores_the_stories_then_reads_their_characters(
    capsys, tmp_path, isolated_settings
):
    import sqlite3

    from bot.app.library import DEFER_CASTS_FROM

    folder = tmp_path / "many"
    folder.mkdir()
    count = DEFER_CASTS_FROM + 6
    for number in range(count):
        (folder / f"{number:03d}.txt").write_text(
            f"Title: Tale {number}\n\nIngrid Holm{number} rowed to the island on day {number}."
            f"\n\nIngrid slept in the lighthouse. Ingrid came home."
        )
    assert cli.main(["load", str(folder)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert f"{count} added, 0 updated, 0 unchanged, 0 rejected" in out
    assert out.rstrip().endswith(f"characters read for {count} stories")
    database = sqlite3.connect(isolated_settings / "cli.sqlite3")
    pending, protagonists = database.execute(
        "SELECT sum(cast_pending), count(protagonist) FROM stories"
    ).fetchone()
    database.close()
    assert (pending, protagonists) == (0, count)


def test_invite_needs_the_application_id(capsys, monkeypatch, isolated_settings):
    assert cli.main(["invite"]) == cli.EXIT_USAGE
    assert "DISCORD_APPLICATION_ID" in capsys.readouterr().err
    monkeypatch.setattr(
        cli,
        "load_settings",
        _settings_factory(isolated_settings, {"DISCORD_APPLICATION_ID": "123456789012345678"}),
    )
    assert cli.main(["invite"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "client_id=123456789012345678" in out
    assert f"permissions={cli.invite_permissions().value}" in out
    assert "Create Public Threads: to open a discussion thread" in out


def test_invite_asks_for_nothing_dangerous():
    permissions = cli.invite_permissions()
    assert not permissions.administrator and not permissions.manage_guild
    assert not permissions.mention_everyone and not permissions.manage_messages


def test_console_command_reads_a_story_and_presses_a_button(capsys):
    code = cli.main(["console", "--command", "/story read story:valerie", "--command", "Next"])
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK
    assert "The Story of Valérie Ivanov" in out
    assert "Page 1 of 2" in out and "Page 2 of 2" in out
    assert "[First] [Previous] (Next) (Last)" in out


def test_console_json_prints_discord_payloads_one_per_line(capsys):
    assert cli.main(["console", "--json", "--command", "/story read story:zoe page:2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    assert payload["type"] == 4
    assert payload["data"]["embeds"][0]["title"] == "The Story of Zoe Kuznetsova"
    assert payload["data"]["components"][0]["components"][2]["custom_id"].startswith(
        "conteur:read:"
    )


def test_console_shows_the_discussion_thread_the_command_opened(capsys):
    assert cli.main(["console", "--command", "/story discuss story:zoe"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    reply, thread = out.split("── Conteur in thread “Discussing The Story of Zoe Kuznetsova”")
    assert "The Story of Zoe Kuznetsova" in reply and "Let's talk about it" not in reply
    assert "Let's talk about it" in thread and "1. " in thread and "Sophie" in thread


def test_console_errors_are_friendly_and_set_the_exit_code(capsys):
    assert cli.main(["console", "--command", "/story read story:nothing like it"]) == 1
    out = capsys.readouterr().out
    assert "Not found" in out and "Traceback" not in out
    assert cli.main(["console", "--command", "/story fly"]) == 1
    assert "/story has no subcommand “fly”" in capsys.readouterr().out
    assert cli.main(["console", "--command", "/story read page:2"]) == 1
    assert "needs story:…" in capsys.readouterr().out
    assert cli.main(["console", "--command", "/story read story:zoe page:two"]) == 1
    assert "page: “two” is not a number." in capsys.readouterr().out


def test_console_interactive_session(capsys, monkeypatch):
    lines = iter(["help", "/story list", "Next", "pick Page 2", "commands", "/help", "quit"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(lines))
    assert cli.main(["console", "--as", "moderator"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "you are a moderator" in out
    assert "The Story of Léa Roux" in out
    assert "“Next” is neither a command nor a button" in out  # the list has one page
    assert "No menu on the last reply has the option “Page 2”." in out
    assert "/story read — Read a story page by page" in out


def test_builtin_stories_folder_exists():
    assert sorted(p.name for p in DEFAULT_STORIES_DIR.glob("*.txt")) == [
        "000_0ed4ce5078f55053.txt",
        "001_8f38e0b885466f60.txt",
        "002_ffa6864c1bcd727b.txt",
    ]


def test_search_command_prints_results_and_json(capsys):
    assert cli.main(["search", "eifel tower at sunst"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("1. The Story of Valérie Ivanov ¶7")
    assert cli.main(["search", "valerie mathematician", "--json"]) == cli.EXIT_OK
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert (first["slug"], first["paragraph"]) == ("the-story-of-valerie-ivanov", 2)


def test_search_command_exit_codes(capsys):
    assert cli.main(["search", "xylophone quantum"]) == cli.EXIT_FAILED
    assert "No passage matches" in capsys.readouterr().err
    assert cli.main(["search", "?!"]) == cli.EXIT_USAGE
    assert "punctuation" in capsys.readouterr().err
    assert cli.main(["search", "sophie", "--story", "nowhere at all"]) == cli.EXIT_USAGE
    assert "couldn't find a story" in capsys.readouterr().err


def test_characters_command_lists_casts(capsys):
    assert cli.main(["characters", "zoe"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Zoe Kuznetsova (protagonist" in out and "Sophie (supporting" in out
    assert cli.main(["characters", "--json"]) == cli.EXIT_OK
    stories = json.loads(capsys.readouterr().out)
    casts = {s["story"]: [c["name"] for c in s["characters"]] for s in stories}
    assert casts["The Story of Léa Roux"] == ["Léa Roux"]


def test_console_fills_a_form_field_by_field(capsys, monkeypatch):
    answers = iter(
        [
            "/story add",
            "The Lighthouse",
            "",
            "Maren Holt kept the lighthouse on the point.",
            "",
            "Every night Maren climbed the stairs and lit the lamp.",
            ".",
            "Publish",
            "quit",
        ]
    )
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert cli.main(["console", "--as", "moderator"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "── Form: Add a story" in out
    assert "Preview: The Lighthouse" in out
    assert "Published “The Lighthouse”" in out


def test_console_says_optional_once(capsys, monkeypatch):
    answers = iter(["/story add", "The Lighthouse", "", "Maren Holt kept the light.", ".", "quit"])
    prompts = []

    def answer(prompt):
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    assert cli.main(["console", "--as", "moderator"]) == cli.EXIT_OK
    assert "Author (optional): " in prompts
    assert not [p for p in prompts if "(optional) (optional)" in p]


def test_console_attaches_a_local_file(capsys, tmp_path):
    story = tmp_path / "harbour.md"
    story.write_text("# The Harbour\n\nIngrid Sand mended nets by the harbour every morning.")
    code = cli.main(
        [
            "console",
            "--as",
            "moderator",
            "--command",
            f"/story add file:{story}",
            "--command",
            "Publish",
        ]
    )
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK
    assert "Preview: The Harbour" in out and "Published “The Harbour”" in out
    assert cli.main(["console", "--command", f"/story add file:{tmp_path}/missing.txt"]) == 1
    assert "cannot read" in capsys.readouterr().out


class _ClosedSocket:
    close_code: int | None = None


@pytest.mark.parametrize(
    ("code", "exit_code", "says"),
    [
        (4004, cli.EXIT_USAGE, "Reset Token"),
        (4010, cli.EXIT_USAGE, "shard"),
        (4011, cli.EXIT_FAILED, "requires sharding"),
        (4012, cli.EXIT_FAILED, "Upgrade Conteur"),
        (4013, cli.EXIT_FAILED, "intents"),
        (4014, cli.EXIT_USAGE, "Privileged Gateway Intents"),
        (4000, cli.EXIT_FAILED, "could not be resumed"),
    ],
)
def test_a_gateway_closed_for_good_ends_run_with_a_message_not_a_traceback(
    capsys, monkeypatch, isolated_settings, code, exit_code, says
):
    import discord

    monkeypatch.setattr(
        cli,
        "load_settings",
        _settings_factory(isolated_settings, {"DISCORD_TOKEN": "x" * 59}),
    )

    async def closed(settings, *, sync, clock):
        if code == 4014:  # discord.py turns this one into its own exception
            raise discord.PrivilegedIntentsRequired(None)
        raise discord.ConnectionClosed(_ClosedSocket(), shard_id=None, code=code)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "_run_bot", closed)
    assert cli.main(["run"]) == exit_code
    out, err = capsys.readouterr()
    assert says in err
    assert f"{code}" in err
    assert "Traceback" not in out + err


def test_a_fresh_console_process_prints_the_conversation_and_nothing_else(tmp_path):
    """In a process of its own, as `make run` starts it: nothing imported beforehand."""
    import os
    import subprocess
    import sys

    environ = {**os.environ, "CONTEUR_DATABASE": str(tmp_path / "fresh.sqlite3")}
    environ.pop("DISCORD_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--command", "/story list"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == cli.EXIT_OK, done.stderr
    assert done.stdout.startswith("── Conteur (only you can see this)")
    assert done.stderr == ""
