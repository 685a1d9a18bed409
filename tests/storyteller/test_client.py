"""The OpenAI-compatible client against the fake server: the stream, token counts, and
every failure turned into a ModelError."""

from collections.abc import AsyncIterator

import pytest

from bot.config import ModelSettings
from bot.storyteller.client import ModelClient, ModelError, ModelTimeout, Usage
from tests.fake_model import FakeModel, hang, raw, reply, status

MESSAGES = [{"role": "user", "content": "Tell me a story."}]


@pytest.fixture
async def model() -> AsyncIterator[FakeModel]:
    server = FakeModel()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def client(model) -> AsyncIterator[ModelClient]:
    opened = ModelClient(ModelSettings(url=model.url, name="fake-model", timeout=0.5))
    yield opened
    await opened.close()


async def collect(client, usage=None):
    usage = [] if usage is None else usage
    return [piece async for piece in client.stream(MESSAGES, max_tokens=50, usage=usage)]


async def test_the_reply_streams_in_pieces_with_the_servers_token_counts(model, client):
    model.script(reply("Once upon a time, Léa sang.", pieces=4))
    usage: list[Usage] = []
    pieces = await collect(client, usage)
    assert len(pieces) == 4 and "".join(pieces) == "Once upon a time, Léa sang."
    assert usage == [Usage(model.prompt_tokens[0], model.completion_tokens[0])]
    assert "Authorization" not in model.headers[0]  # no key configured: none sent


async def test_a_server_that_reports_no_usage_is_counted_from_characters(model, client):
    model.script(
        raw(b'data: {"choices": [{"delta": {"content": "abcdefgh"}}]}\n\ndata: [DONE]\n\n')
    )
    usage: list[Usage] = []
    assert await collect(client, usage) == ["abcdefgh"]
    assert usage[0].estimated and usage[0].completion_tokens == 2


async def test_comments_and_multi_line_data_are_read_as_server_sent_events(model, client):
    model.script(
        raw(
            b": keep-alive\n\n"
            b'data: {"choices": [{"delta":\ndata:  {"content": "Hi"}}]}\n\n'
            b"data: [DONE]\n\n"
        )
    )
    assert await collect(client) == ["Hi"]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (status(429), "answered HTTP 429"),
        (status(500), "answered HTTP 500"),
        (raw(b"data: <html>\n\n"), "not JSON"),
        (raw(b'data: {"error": "model not loaded"}\n\n'), "model not loaded"),
    ],
)
async def test_failures_are_model_errors(model, client, step, message):
    model.script(step)
    with pytest.raises(ModelError, match=message):
        await collect(client)


async def test_a_silent_server_times_out(model, client):
    model.script(hang())
    with pytest.raises(ModelTimeout):
        await collect(client)


async def test_a_refused_connection_is_a_model_error():
    client = ModelClient(ModelSettings(url="http://127.0.0.1:9/v1", name="x"))
    with pytest.raises(ModelError):
        await collect(client)
    await client.close()
