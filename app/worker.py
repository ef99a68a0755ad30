"""The worker's Python entry: decodes a request, runs it, and reports back through events.

Requests and events cross the JS boundary as JSON strings, not proxies: nothing the page sends
can reach Python as a live object, and nothing Python returns needs to be freed by JS.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Emit = Callable[[str], None]


@dataclass
class _Running:
    """A generation in progress, as a Stop request finds it."""

    abort: Any
    tokens: int = 0
    tokens_at_stop: int | None = None

    def result(self, result: dict[str, Any]) -> dict[str, Any]:
        """The done event's result; after a Stop it says how many tokens existed when it came
        (any more were already in flight)."""
        if self.tokens_at_stop is None:
            return result
        return {**result, "tokens_at_stop": self.tokens_at_stop}


# The worker's long-lived state: the loaded model and each running generation by request id.
_model: Any = None
_running: dict[int, _Running] = {}


def _event(request_id: int, kind: str, **payload: Any) -> str:
    return json.dumps({**payload, "id": request_id, "type": kind})


def _ping() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": sys.platform,
        "model": None if _model is None else {"threads": _model.threads},
    }


async def load_model(urls_json: str, threads: int) -> dict[str, Any]:
    """Fetch the tokenizer and open the onnxruntime-web session (the worker's model stage)."""
    global _model
    from app.model.web_session import WebModel

    _model = await WebModel.load(json.loads(urls_json), threads=threads)
    return {"vocab": _model.tokenizer.vocab_size, "threads": threads}


async def _generate(request_id: int, request: dict[str, Any], emit: Emit) -> None:
    """Stream one answer token by token; `stop` ends it within a token, keeping what came."""
    from app.model.generate import AbortSignal, GenerateOptions
    from app.model.sampler import SamplerConfig

    if _model is None:
        emit(_event(request_id, "error", message="The language model is not loaded yet."))
        return
    sampler = SamplerConfig(
        temperature=0.0 if request.get("greedy", True) else float(request.get("temperature", 0.7)),
        top_k=int(request.get("top_k", 0)),
        top_p=float(request.get("top_p", 1.0)),
        repetition_penalty=float(request.get("repetition_penalty", 1.0)),
        seed=request.get("seed"),
    )
    options = GenerateOptions(max_tokens=int(request.get("max_tokens", 256)), sampler=sampler)
    prompt = request.get("prompt_ids") or _model.prompt_ids(request["messages"])
    running = _running[request_id] = _Running(AbortSignal())

    def on_token(token: int, text: str) -> None:
        running.tokens += 1
        emit(_event(request_id, "token", token=token, text=text))

    try:
        result = await _model.generate(prompt, options, abort=running.abort, on_token=on_token)
    finally:
        _running.pop(request_id, None)
    done = {**result.to_json(), "stop_reason": result.stop_reason}
    emit(_event(request_id, "done", result=running.result(done)))


def _bridge_abort() -> Any:
    """The running generation's AbortSignal, which also aborts the Prompt API call at once through
    its JS AbortController instead of waiting for the model's next chunk."""
    from app.model.generate import AbortSignal

    class BridgeAbort(AbortSignal):
        def __init__(self) -> None:
            super().__init__()
            self.controllers: list[Any] = []

        def attach(self, controller: Any) -> Any:
            self.controllers.append(controller)
            return controller

        def abort(self) -> None:
            super().abort()
            for controller in self.controllers:
                controller.abort()

    return BridgeAbort()


def _split_messages(messages: list[dict[str, str]]) -> tuple[str | None, list[dict[str, str]], str]:
    """Chat messages -> (system, earlier turns, the last user text): what a session is made of."""
    system = "\n\n".join(m["content"] for m in messages if m.get("role") == "system") or None
    turns = [
        {"role": m["role"], "content": m["content"]}
        for m in messages
        if m.get("role") in ("user", "assistant")
    ]
    if not turns or turns[-1]["role"] != "user":
        from app.model.errors import ModelError

        raise ModelError("the last message must be the visitor's question", reason="settings")
    return system, turns[:-1], turns[-1]["content"]


async def _generate_prompt_api(request_id: int, request: dict[str, Any], emit: Emit) -> None:
    """Stream an answer from the page's built-in model through the worker's bridge
    (web/prompt_bridge.js); `stop` aborts the call through its AbortSignal, keeping what came."""
    import js

    from app.model.generate import ABORTED, STOP
    from app.model.prompt_api import UNAVAILABLE, PromptApiBackend

    system, history, text = _split_messages(request["messages"])
    abort = _bridge_abort()
    scope = getattr(js, "promptApiScope", None)  # installed by the bridge when the page has one
    backend = (
        PromptApiBackend.detect(
            scope, controller_factory=lambda: abort.attach(js.AbortController.new())
        )
        if scope is not None
        else None
    )
    if backend is None:
        emit(
            _event(
                request_id,
                "error",
                message="This browser has no built-in model.",
                reason="unavailable",
            )
        )
        return
    running = _running[request_id] = _Running(abort)

    def on_progress(fraction: float) -> None:
        emit(_event(request_id, "progress", stage="prompt-api", loaded=fraction, total=1))

    parts: list[str] = []
    try:
        if await backend.availability() == UNAVAILABLE:
            message = "The browser's built-in model is unavailable on this device."
            emit(_event(request_id, "error", message=message, reason="unavailable"))
            return
        await backend.open(system, history, on_progress)
        async for delta in backend.stream(text, abort):
            parts.append(delta)
            running.tokens += 1
            emit(_event(request_id, "token", token=None, text=delta))
    finally:
        _running.pop(request_id, None)
        backend.close()
    done = {"text": "".join(parts), "stop_reason": ABORTED if abort.aborted else STOP}
    emit(_event(request_id, "done", result=running.result(done)))


def _stop(request_id: int, request: dict[str, Any], emit: Emit) -> None:
    running = _running.get(int(request.get("target", -1)))
    if running is not None:
        running.tokens_at_stop = running.tokens
        running.abort.abort()
    emit(_event(request_id, "done", result={"stopped": running is not None}))


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
    try:
        await _dispatch(request_id, kind, request, emit)
    except Exception as e:  # every failure reaches the page as an event it can show
        reason = getattr(e, "reason", None)  # ModelError and friends say what kind of failure
        emit(_event(request_id, "error", message=str(e), **({"reason": reason} if reason else {})))


async def _dispatch(request_id: int, kind: str, request: dict[str, Any], emit: Emit) -> None:
    if kind == "ping":
        emit(_event(request_id, "done", result=_ping()))
    elif kind == "render":
        _render(request_id, request, emit)
    elif kind == "generate" and request.get("backend") == "prompt-api":
        await _generate_prompt_api(request_id, request, emit)
    elif kind == "generate":
        await _generate(request_id, request, emit)
    elif kind == "stop":
        _stop(request_id, request, emit)
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
