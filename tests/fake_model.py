"""A fake OpenAI-compatible chat completions server on 127.0.0.1, scripted per test.

Real HTTP (aiohttp.web) and real server-sent events, so the bot's client is exercised
exactly as against Ollama or OpenAI. Each request takes the next scripted step:

- `reply("text", pieces=8)`   a good stream, cut into pieces, with a usage chunk
- `status(429)` / `status(500)` an HTTP error
- `raw(b"data: {nope\\n\\n")`  a malformed stream
- `hang()`                     never answers (until the test ends)

A request with nothing scripted fails the test at teardown (`unexpected`).
Token counts: words and punctuation marks (`\\w+|[^\\w\\s]`), about what a BPE
tokenizer counts for English prose; the docs' cost figures come from them.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    return len(_TOKEN_RE.findall(text))


@dataclass
class Step:
    kind: str  # "reply" | "status" | "raw" | "hang"
    text: str = ""
    pieces: int = 4
    code: int = 200
    body: bytes = b""


def reply(text: str, pieces: int = 4) -> Step:
    return Step("reply", text=text, pieces=pieces)


def status(code: int) -> Step:
    return Step("status", code=code)


def raw(body: bytes) -> Step:
    return Step("raw", body=body)


def hang() -> Step:
    return Step("hang")


@dataclass
class FakeModel:
    steps: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    prompt_tokens: list[int] = field(default_factory=list)
    completion_tokens: list[int] = field(default_factory=list)
    # Called before each streamed piece (the streaming test moves its clock here).
    on_piece: Callable[[], None] | None = None
    url: str = ""
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    def script(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def prompts(self) -> list[str]:
        """Every message text of every request, joined per request."""
        return ["\n".join(m["content"] for m in body["messages"]) for body in self.requests]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/v1"

    async def close(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        if not self.steps:
            self.unexpected.append(body["messages"][-1]["content"][:200])
            return web.Response(status=500, text="nothing scripted")
        step = self.steps.pop(0)
        if step.kind == "status":
            return web.json_response({"error": {"message": "scripted"}}, status=step.code)
        if step.kind == "hang":
            await self._release.wait()
            return web.Response(status=503)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        if step.kind == "raw":
            await response.write(step.body)
            await response.write_eof()
            return response
        prompt = count_tokens("\n".join(m["content"] for m in body["messages"]))
        completion = count_tokens(step.text)
        self.prompt_tokens.append(prompt)
        self.completion_tokens.append(completion)
        for piece in _pieces(step.text, step.pieces):
            if self.on_piece is not None:
                self.on_piece()
            chunk = {"object": "chat.completion.chunk", "choices": [{"delta": {"content": piece}}]}
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
        usage = {"prompt_tokens": prompt, "completion_tokens": completion}
        await response.write(f"data: {json.dumps({'choices': [], 'usage': usage})}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _pieces(text: str, count: int) -> list[str]:
    size = max(1, -(-len(text) // max(1, count)))
    return [text[i : i + size] for i in range(0, len(text), size)]


class StepClock:
    """The bot's clock in storyteller tests: it moves only when told to (by the test, the
    bot's `sleep`, or `tick` per reading), and remembers each move with `observe()` at
    that moment (the count of Discord requests made so far)."""

    def __init__(self, observe: Callable[[], int] = lambda: 0) -> None:
        self.now = datetime(2026, 1, 1, 12, tzinfo=UTC)
        self.observe = observe
        self.moves: list[tuple[int, datetime]] = []
        self.slept: list[float] = []
        # Seconds that pass at every reading: time that moves with the bot's own work,
        # however the network batches the stream.
        self.tick = 0.0

    def __call__(self) -> datetime:
        if self.tick:
            self.advance(self.tick)
        return self.now

    def advance(self, seconds: float) -> None:
        self.moves.append((self.observe(), self.now))
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)

    def time_of_request(self, index: int) -> datetime:
        """When the `index`-th request went out: the clock's time after the last move
        observed at or before it."""
        time = self.now
        for seen, before in reversed(self.moves):
            if seen <= index:
                break
            time = before
        return time
