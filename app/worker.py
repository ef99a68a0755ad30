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

# Imported with the worker, in the boot's "app" stage: the content stage then only opens the
# index (the GROQ engine and chat modules take ~150 ms to import in Pyodide).
from app.chat.answer import answer, is_groq_command, run_groq
from app.chat.assistant import Assistant
from app.chat.settings import Settings
from app.content.bundle import decode
from app.worker_semantic import SemanticLoader

Emit = Callable[[str], None]


@dataclass
class _Running:
    """A generation in progress, as a Stop request finds it."""

    abort: Any
    tokens: int = 0
    tokens_at_stop: int | None = None
    prompt_tokens: int | None = None  # for answers: the prompt's length, and how much of it
    reused_tokens: int | None = None  # the KV cache already held (not prefilled again)

    def result(self, result: dict[str, Any]) -> dict[str, Any]:
        """The done event's result; after a Stop it says how many tokens existed when it came
        (any more were already in flight)."""
        if self.prompt_tokens is not None:
            result = {**result, "prompt_tokens": self.prompt_tokens, "reused": self.reused_tokens}
        if self.tokens_at_stop is None:
            return result
        return {**result, "tokens_at_stop": self.tokens_at_stop}


# The worker's long-lived state: the content, the loaded model, the question embedder, each
# running generation by request id.
_assistant: Any = None
_model: Any = None
_model_loading: Any = None  # an asyncio.Future while the model stage runs
_semantic = SemanticLoader()
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


def load_content(data: Any) -> dict[str, Any]:
    """Open the content index (the worker's content stage); `data` is the file's bytes, or the
    JavaScript Uint8Array it was downloaded into, which is read a frame at a time (never
    copied whole into Pyodide's memory, which would keep the copy's size for good)."""
    global _assistant
    import time

    started = time.perf_counter()
    dataset, settings = decode(data, "the content index")
    _assistant = Assistant(dataset, Settings.from_json(settings))
    return {"documents": len(dataset), "ms": round((time.perf_counter() - started) * 1000, 1)}


async def load_model(urls_json: str, threads: int) -> dict[str, Any]:
    """Fetch the tokenizer and open the onnxruntime-web session (the worker's model stage),
    then prefill the fixed instructions once: every question's prompt starts with them."""
    global _model, _model_loading
    import asyncio

    from app.chat.prompt import SYSTEM
    from app.model.web_session import WebModel

    loading = _model_loading = asyncio.get_running_loop().create_future()
    try:
        model = await WebModel.load(json.loads(urls_json), threads=threads)
        await model.warm([{"role": "system", "content": SYSTEM}])
    except BaseException as e:
        loading.set_result(None)
        raise e
    _model = model
    loading.set_result(model)
    return {"vocab": model.tokenizer.vocab_size, "threads": threads}


def load_semantic(vectors: Any, ort: Any, urls_json: str, threads: int) -> None:
    """Start loading semantic ranking right after the content stage (see app/worker_semantic.py);
    `vectors` and `ort` are JS promises for the vector file's bytes and onnxruntime-web."""
    _semantic.start(_assistant, vectors, ort, urls_json, threads)


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
    from app.model.generate import ABORTED, STOP

    running = _running[request_id] = _Running(_bridge_abort())
    parts: list[str] = []

    def on_part(delta: str) -> None:
        parts.append(delta)
        running.tokens += 1
        emit(_event(request_id, "token", token=None, text=delta))

    def on_progress(fraction: float) -> None:
        emit(_event(request_id, "progress", stage="prompt-api", loaded=fraction, total=1))

    try:
        await _prompt_api_turns(request["messages"], running.abort, on_part, on_progress)
    finally:
        _running.pop(request_id, None)
    done = {"text": "".join(parts), "stop_reason": ABORTED if running.abort.aborted else STOP}
    emit(_event(request_id, "done", result=running.result(done)))


async def _prompt_api_turns(
    messages: list[dict[str, str]],
    abort: Any,
    on_part: Callable[[str], None],
    on_progress: Callable[[float], None],
) -> None:
    """Run chat messages on the page's built-in model; ModelError(reason="unavailable") when
    this browser has none."""
    import js

    from app.model.errors import ModelError
    from app.model.prompt_api import UNAVAILABLE, PromptApiBackend

    system, history, text = _split_messages(messages)
    scope = getattr(js, "promptApiScope", None)  # installed by the bridge when the page has one
    backend = (
        PromptApiBackend.detect(
            scope, controller_factory=lambda: abort.attach(js.AbortController.new())
        )
        if scope is not None
        else None
    )
    if backend is None:
        raise ModelError("This browser has no built-in model.", reason="unavailable")
    try:
        if await backend.availability() == UNAVAILABLE:
            raise ModelError(
                "The browser's built-in model is unavailable on this device.", reason="unavailable"
            )
        await backend.open(system, history, on_progress)
        async for delta in backend.stream(text, abort):
            on_part(delta)
    finally:
        backend.close()


async def _ask(request_id: int, request: dict[str, Any], emit: Emit) -> None:
    """A visitor's question (or `/groq` query) answered from the content, streamed."""
    if _assistant is None:
        emit(_event(request_id, "error", message="The site's content is not loaded yet."))
        return
    text = str(request.get("text", "")).strip()
    if is_groq_command(text):
        emit(_event(request_id, "done", result=run_groq(_assistant, text)))
        return
    backend = request.get("backend", "onnx")
    if backend != "prompt-api" and _model is None and _model_loading is not None:
        await _model_loading  # a question asked while the model loads waits for it
    if backend != "prompt-api" and _model is None:
        emit(
            _event(
                request_id,
                "error",
                message="The language model is not loaded, so questions cannot be answered "
                "right now. /groq queries over the site's content still work.",
                reason="model-missing",
            )
        )
        return
    embed_ms = await _semantic.embed_question(_assistant, text)
    running = _running[request_id] = _Running(_bridge_abort())
    stream = _prompt_api_stream(running) if backend == "prompt-api" else _onnx_stream(running)
    count = None if backend == "prompt-api" else _model.count_messages
    try:
        result = await answer(
            _assistant,
            str(request.get("conversation", "")),
            list(request.get("history") or []),
            text,
            stream,
            lambda kind, payload: emit(_event(request_id, kind, **payload)),
            count,
        )
    finally:
        _running.pop(request_id, None)
    notice = _semantic.notice()  # ranking by meaning stopped during this question
    result = {**result, "embed_ms": embed_ms, **({"semantic_notice": notice} if notice else {})}
    emit(_event(request_id, "done", result=running.result(result)))


def _onnx_stream(running: _Running):  # type: ignore[no-untyped-def]
    from app.chat.answer import generation_options
    from app.model.generate import ABORTED

    async def stream(messages, on_delta):  # type: ignore[no-untyped-def]
        def on_token(token: int, text: str) -> None:
            running.tokens += 1
            on_delta(text)

        prompt = _model.prompt_ids(messages)
        running.prompt_tokens = len(prompt)
        running.reused_tokens = _model.reusable(prompt)
        result = await _model.generate(
            prompt, generation_options(), abort=running.abort, on_token=on_token
        )
        return result.text, result.stop_reason == ABORTED

    return stream


def _prompt_api_stream(running: _Running):  # type: ignore[no-untyped-def]
    async def stream(messages, on_delta):  # type: ignore[no-untyped-def]
        parts: list[str] = []

        def on_part(delta: str) -> None:
            parts.append(delta)
            running.tokens += 1
            on_delta(delta)

        await _prompt_api_turns(messages, running.abort, on_part, lambda _: None)
        return "".join(parts), running.abort.aborted

    return stream


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
        await _ask(request_id, request, emit)
    elif kind == "semantic":
        emit(_event(request_id, "done", result=await _semantic.status()))
    else:
        emit(_event(request_id, "error", message=f"unknown request type {kind!r}"))
