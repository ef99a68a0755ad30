"""The worker's Python entry: decodes a request, runs it, and reports back through events.

Requests and events cross the JS boundary as JSON strings, not proxies: nothing the page sends
can reach Python as a live object, and nothing Python returns needs to be freed by JS.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable
from typing import Any

Emit = Callable[[str], None]


def _event(request_id: int, kind: str, **payload: Any) -> str:
    return json.dumps({"id": request_id, "type": kind, **payload})


def _ping() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": sys.platform,
    }


def _render(request_id: int, request: dict[str, Any], emit: Emit) -> None:
    """Stream Markdown chunks through the safe renderer: restored messages take this path."""
    from app.render import Renderer

    renderer = Renderer(request.get("sources"))
    for chunk in request.get("chunks", []):
        ops = renderer.write(str(chunk))
        if ops:
            emit(_event(request_id, "ops", ops=ops))
    emit(_event(request_id, "ops", ops=renderer.end()))
    emit(_event(request_id, "done", result=None))


async def handle(request_json: str, emit: Emit) -> None:
    """Run one request; every outcome, including failure, ends in exactly one done/error event."""
    try:
        request = json.loads(request_json)
        request_id = int(request["id"])
        kind = request["type"]
    except (ValueError, KeyError, TypeError) as e:
        emit(_event(-1, "error", message=f"malformed request: {e}"))
        return
    if kind == "ping":
        emit(_event(request_id, "done", result=_ping()))
    elif kind == "render":
        _render(request_id, request, emit)
    elif kind == "ask":
        emit(
            _event(
                request_id,
                "error",
                message="This build has no content or model bundled yet, so questions cannot be "
                "answered. Python itself is running.",
            )
        )
    else:
        emit(_event(request_id, "error", message=f"unknown request type {kind!r}"))
