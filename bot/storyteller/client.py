"""Talking to an OpenAI-compatible chat completions endpoint, streaming.

aiohttp, not the `openai` package: discord.py already depends on it (no new dependency,
one HTTP stack to keep patched), and the protocol used here is one POST whose reply is
server-sent events, which aiohttp reads line by line. The same code serves Ollama,
llama.cpp's server, vLLM, LM Studio and OpenAI itself.

Every failure (refused connection, 4xx/5xx, a stream that is not the protocol, a
timeout) becomes a `ModelError` whose message is safe to log; callers fall back to the
extractive answer and the user never sees it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.config import ModelSettings

log = logging.getLogger(__name__)

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "…"}

# When the server reports no usage, tokens are estimated at this many characters each
# (the usual rule of thumb for English with BPE tokenizers).
CHARS_PER_TOKEN = 4


class ModelError(Exception):
    """The model could not give a reply; the message says why, for the log."""


class ModelTimeout(ModelError):
    pass


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False  # the server did not say; counted from characters

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // CHARS_PER_TOKEN)


class ModelClient:
    """One endpoint and model; a session opened on first use and closed by `close`."""

    def __init__(self, settings: ModelSettings) -> None:
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None

    @property
    def model_name(self) -> str:
        return self.settings.name

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self.settings.key:
            headers["Authorization"] = f"Bearer {self.settings.key}"
        return headers

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _session_for_request(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # One connection per request: a reply takes seconds, so reusing a connection
            # saves nothing, and an idle pooled one keeps a 15 s timer alive that the
            # offline console's simulated Discord would wait for after every command.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
        return self._session

    async def stream(
        self, messages: Sequence[Message], *, max_tokens: int, usage: list[Usage]
    ) -> AsyncIterator[str]:
        """Yield the reply's text as it arrives; append its `Usage` to `usage` at the end.

        The caller bounds the whole call with its own deadline (asyncio.timeout); the
        connection itself gives up after the same number of seconds.
        """
        body: dict[str, Any] = {
            "model": self.settings.name,
            "messages": list(messages),
            "stream": True,
            "max_tokens": max_tokens,
            "temperature": 0.3,
            # Servers that know it send token counts in a last chunk; others ignore it.
            "stream_options": {"include_usage": True},
        }
        url = f"{self.settings.url}/chat/completions"
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout)
        sent = sum(len(m["content"]) for m in messages)
        received: list[str] = []
        reported: Usage | None = None
        try:
            async with self._session_for_request().post(
                url, json=body, headers=self._headers(), timeout=timeout
            ) as response:
                if response.status != 200:
                    detail = (await response.text())[:200]
                    raise ModelError(f"{url} answered HTTP {response.status}: {detail}")
                async for data in _events(response):
                    if data == "[DONE]":
                        break
                    piece, chunk_usage = _parse_chunk(data)
                    reported = chunk_usage or reported
                    if piece:
                        received.append(piece)
                        yield piece
        except TimeoutError as error:
            raise ModelTimeout(
                f"{url} did not answer within {self.settings.timeout:g} s"
            ) from error
        except aiohttp.ClientError as error:
            raise ModelError(f"{url}: {type(error).__name__}: {error}") from error
        finally:
            usage.append(
                reported
                or Usage(max(1, sent // CHARS_PER_TOKEN), estimate_tokens("".join(received)), True)
            )

    async def complete(self, messages: Sequence[Message], *, max_tokens: int) -> tuple[str, Usage]:
        """The whole reply at once (for sections of a long retelling, never shown alone)."""
        usage: list[Usage] = []
        pieces = [
            piece async for piece in self.stream(messages, max_tokens=max_tokens, usage=usage)
        ]
        return "".join(pieces), usage[-1]


async def _events(response: aiohttp.ClientResponse) -> AsyncIterator[str]:
    """The `data:` payloads of a server-sent event stream (multi-line data joined)."""
    data: list[str] = []
    async for raw in response.content:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue  # a comment, sent by some servers as a keep-alive
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)


def _parse_chunk(data: str) -> tuple[str, Usage | None]:
    """The text and (last chunk only) usage of one chat.completion.chunk."""
    try:
        chunk = json.loads(data)
    except json.JSONDecodeError as error:
        raise ModelError(f"the stream sent something that is not JSON: {data[:80]!r}") from error
    if not isinstance(chunk, dict):
        raise ModelError(f"the stream sent {type(chunk).__name__}, not a chunk object")
    if "error" in chunk:
        raise ModelError(f"the model reported an error: {str(chunk['error'])[:200]}")
    usage = None
    raw_usage = chunk.get("usage")
    if isinstance(raw_usage, dict):
        usage = Usage(
            int(raw_usage.get("prompt_tokens") or 0), int(raw_usage.get("completion_tokens") or 0)
        )
    piece = ""
    choices = chunk.get("choices")
    if isinstance(choices, list) and choices:
        first = choices[0]
        delta = first.get("delta") if isinstance(first, dict) else None
        if isinstance(delta, dict) and isinstance(delta.get("content"), str):
            piece = delta["content"]
    elif choices is not None and not isinstance(choices, list):
        raise ModelError("the stream's chunk has no list of choices")
    return piece, usage
