"""Talking to the fake Discord's control endpoint (state, bursts) from another process."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


def control(port: int, path: str, body: Any = None, *, timeout: float = 60) -> Any:
    """GET (no body) or POST `body` as JSON to /_control/`path`; the JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_control/{path}",
        data=data,
        headers={"Content-Type": "application/json"},
        method="POST" if data is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())
