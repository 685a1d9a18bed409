"""The console with a model configured (`make run` with CONTEUR_MODEL_URL set): the
same storyteller, checks and fallback as in Discord, against the fake model server."""

import asyncio
import threading
from collections.abc import Iterator

import pytest

from bot import cli
from tests.fake_model import FakeModel, raw, reply, status
from tests.test_cli import _settings_factory


@pytest.fixture
def model(monkeypatch, tmp_path) -> Iterator[FakeModel]:
    """The fake server on its own loop in a thread: the console runs its own loop."""
    loop = asyncio.new_event_loop()
    server = FakeModel()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    environ = {"CONTEUR_MODEL_URL": server.url, "CONTEUR_MODEL_NAME": "fake-model"}
    monkeypatch.setattr(cli, "load_settings", _settings_factory(tmp_path, environ))
    yield server
    asyncio.run_coroutine_threadsafe(server.close(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    assert server.unexpected == [] and server.steps == []


ASK = "/story ask question:what does Sophie give Zoe? story:zoe"


def test_the_console_uses_the_configured_model(capsys, model):
    model.script(reply("Sophie gives Zoe a small canvas and a paint-splattered palette (¶6)."))
    assert cli.main(["console", "--command", ASK]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Sophie gives Zoe a small canvas and a paint-splattered palette (¶6)." in out
    assert "Told by the storyteller (fake-model), checked against the text" in out


def test_the_console_falls_back_to_the_text_when_the_checks_fail(capsys, model):
    invented = "Sophie gives Zoe a golden violin (¶6)."
    model.script(reply(invented), reply(invented))
    assert cli.main(["console", "--command", ASK]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "golden violin" not in out
    assert "Sophie handed her a small canvas" in out
    assert "From the text: the storyteller's answer did not match the story" in out


def test_the_console_says_the_storyteller_is_on(capsys, model, monkeypatch):
    lines = iter(["quit"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(lines))
    assert cli.main(["console"]) == cli.EXIT_OK
    assert "The storyteller (fake-model at http://127.0.0.1:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("steps", "footer"),
    [
        ([reply("Sophie says “never dance again” (¶6).")] * 2, "did not match the story"),
        ([reply("Sophie gives Zoe a small canvas (¶42).")] * 2, "did not match the story"),
        ([reply("Sophie and Marcus give Zoe a small canvas (¶6).")] * 2, "did not match"),
        ([status(500)], "the storyteller is unavailable right now"),
        ([status(429)], "the storyteller is unavailable right now"),
        ([raw(b"data: {broken\n\n")], "the storyteller is unavailable right now"),
    ],
)
def test_every_failure_in_the_console_ends_in_the_answer_from_the_text(
    capsys, model, steps, footer
):
    model.script(*steps)
    assert cli.main(["console", "--command", ASK]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Sophie handed her a small canvas" in out
    assert "From the text: the storyteller" in out and footer in out
    assert "Traceback" not in out


def test_not_in_the_text_in_the_console(capsys, model):
    model.script(reply("NOT IN THE TEXT"))
    question = "/story ask question:what is Zoe's favourite food? story:zoe"
    assert cli.main(["console", "--command", question]) == cli.EXIT_OK
    assert "The story doesn't say." in capsys.readouterr().out
