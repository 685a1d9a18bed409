"""The offline console as a new user meets it (issue 15.1, 15.2 and the console's Rough items)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import cli
from tests.test_cli import _settings_factory


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "load_settings", _settings_factory(tmp_path, {}))
    return tmp_path


def console(capsys, *lines: str, role: str = "member") -> tuple[int, str]:
    arguments = ["console", "--as", role]
    for line in lines:
        arguments += ["--command", line]
    code = cli.main(arguments)
    return code, capsys.readouterr().out


def test_a_role_a_channel_and_a_member_are_typed_by_name_or_mention(capsys):
    code, out = console(capsys, "/settings moderator-role role:@Librarians", role="admin")
    assert code == 0
    assert "Members with @Librarians can now add and change this server's stories." in out
    code, out = console(capsys, "/settings moderator-role role:Librarians", role="admin")
    assert code == 0 and "@Librarians" in out
    code, out = console(capsys, "/daily subscribe channel:#reading-room", role="admin")
    assert code == 0 and "Subscribed #reading-room" in out
    code, out = console(capsys, "/settings moderator-role role:@Nobody", role="admin")
    assert code == 1
    assert "There is no role “@Nobody” in this server. Here: @TestBot, @Librarians" in out
    assert "RoleHandle" not in out


def test_a_librarian_has_only_the_moderator_role_and_moderates(capsys):
    code, out = console(capsys, "/story hide story:the-story-of-lea-roux", role="librarian")
    assert code == 0
    assert "Hide “The Story of Léa Roux” in this server?" in out
    code, out = console(capsys, "/story hide story:the-story-of-lea-roux", role="member")
    assert code == 1 and "Not allowed" in out


def test_running_without_a_token_says_how_to_be_a_moderator(capsys, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda _prompt: (_ for _ in ()).throw(EOFError))
    assert cli.main(["run", "--console-if-no-token"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "make console AS=moderator" in out and "--as moderator" in out


def test_a_typo_gets_the_closest_command(capsys):
    code, out = console(capsys, "/stroy list")
    assert code == 1
    assert "There is no command /stroy. Did you mean /story list?" in out
    code, out = console(capsys, "/story raed story:zoe")
    assert code == 1 and "Did you mean /story read?" in out


def test_a_missing_option_lists_the_optional_ones_too(capsys):
    code, out = console(capsys, "/story read page:2")
    assert code == 1
    assert "/story read needs story:… (optional: page:…, private:…)" in out


def test_an_attachment_is_shown_with_its_size_and_where_it_was_saved(capsys):
    code, out = console(capsys, "/story export story:zoe")
    assert code == 0
    match = re.search(r"📎 the-story-of-zoe-kuznetsova\.txt \((\d+\.\d) KB\), saved to (\S+)", out)
    assert match is not None, out
    saved = Path(match[2]).read_text(encoding="utf-8")
    assert saved.startswith("Title: The Story of Zoe Kuznetsova")


def test_an_overlong_option_is_refused_as_discord_would_without_simulator_words(capsys):
    code, out = console(capsys, "/search query:paris story:" + "x" * 4100)
    assert code == 1
    assert "Discord won't send that: story must be at most 200 characters (you gave 4100)." in out
    assert "Option '" not in out and "'search'" not in out


def test_no_user_id_is_shown(capsys):
    code, out = console(
        capsys, "/settings moderator-role role:@Librarians", "/settings show", role="admin"
    )
    assert code == 0
    assert not re.search(r"\d{15,}", out), out


def test_a_command_that_gets_no_reply_fails_the_run(capsys, monkeypatch):
    import discord

    import bot.discord_adapter.tree as tree

    async def never_delivered(*_args, **_kwargs):
        response = type("Response", (), {"status": 400, "reason": "Bad Request"})()
        raise discord.HTTPException(response, "Invalid Form Body")

    monkeypatch.setattr(tree, "_reply", never_delivered)
    code, out = console(capsys, "/story read story:nothing like it")
    assert code == 1
    assert "No reply: in Discord this shows “The application did not respond”." in out
