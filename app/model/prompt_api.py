"""Chrome's built-in Prompt API (Gemini Nano) as a text-level backend.

The API exists only on the page (not in workers): the page's Pyodide, or a bridge the worker
talks to through the message protocol, hands this module an object with the API's shape:
- current: `LanguageModel.availability()` -> "unavailable" | "downloadable" | "downloading" |
  "available"; `LanguageModel.create({initialPrompts, monitor, signal})`;
- older: `window.ai.languageModel.capabilities()` -> {available: "no" | "after-download" |
  "readily"}; `create({systemPrompt, initialPrompts, monitor, signal})`.
Either way `session.promptStreaming(text, {signal})` streams chunks and `session.destroy()`
frees it. Chunks are deltas since Chrome 133 and the whole text so far before it; which one is
decided by the browser's major version, never by comparing prefixes (a delta can legitimately
start with the text before it).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from app.jsffi import proxy, to_js

from .errors import ModelError
from .generate import AbortSignal

DELTA_SINCE = 133
AVAILABLE, DOWNLOADABLE, DOWNLOADING, UNAVAILABLE = (
    "available",
    "downloadable",
    "downloading",
    "unavailable",
)
_LEGACY_AVAILABILITY = {"readily": AVAILABLE, "after-download": DOWNLOADABLE, "no": UNAVAILABLE}


def chrome_major(user_agent: str) -> int | None:
    """Chrome/Chromium major version from a user-agent string (None if not Chromium)."""
    m = re.search(r"(?:Chrome|Chromium)/(\d+)", user_agent)
    return int(m.group(1)) if m else None


def chunks_are_deltas(major: int | None) -> bool:
    """Unknown versions are assumed current (deltas): only old Chromes send cumulative text."""
    return major is None or major >= DELTA_SINCE


class ChunkDeltas:
    """Turns the stream's chunks into deltas whatever the browser's chunk mode."""

    def __init__(self, deltas: bool) -> None:
        self.deltas = deltas
        self.text = ""

    def push(self, chunk: str) -> str:
        if self.deltas:
            delta = chunk
        else:
            delta = chunk[len(self.text) :]
        self.text += delta
        return delta


def _error_name(exc: BaseException) -> str:
    for holder in (exc, getattr(exc, "js_error", None)):
        name = getattr(holder, "name", None)
        if isinstance(name, str) and name and name != "JsException":
            return name
    m = re.match(r"\s*(\w+Error)\b", str(exc))
    return m.group(1) if m else type(exc).__name__


def _model_error(exc: BaseException, doing: str) -> ModelError:
    name = _error_name(exc)
    if name == "QuotaExceededError":
        return ModelError(
            f"the prompt is too long for the built-in model ({doing}): {exc}",
            reason="context-overflow",
        )
    if name == "NotAllowedError":
        return ModelError(
            f"the browser refused the built-in model ({doing}): {exc}", reason="unavailable"
        )
    return ModelError(f"the built-in model failed ({doing}): {name}: {exc}", reason="backend")


class PromptApiBackend:
    """One Prompt API session at a time; `open()` (re)creates it with the conversation so far."""

    def __init__(
        self,
        api: Any,
        *,
        legacy: bool,
        chrome_version: int | None,
        controller_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.api = api
        self.legacy = legacy
        self.deltas = chunks_are_deltas(chrome_version)
        self._controller_factory = controller_factory
        self.session: Any = None

    @classmethod
    def detect(
        cls, scope: Any = None, *, controller_factory: Callable[[], Any] | None = None
    ) -> PromptApiBackend | None:
        """The API on `scope` (default: the page's globals, or the worker's bridge scope, whose
        `navigator.userAgent` is the page's), or None where it does not exist."""
        if scope is None:
            from app.jsffi import js_module

            scope = js_module()
        major = chrome_major(str(getattr(getattr(scope, "navigator", None), "userAgent", "")))
        api = getattr(scope, "LanguageModel", None)
        if api is not None:
            return cls(
                api, legacy=False, chrome_version=major, controller_factory=controller_factory
            )
        legacy = getattr(getattr(scope, "ai", None), "languageModel", None)
        if legacy is not None:
            return cls(
                legacy, legacy=True, chrome_version=major, controller_factory=controller_factory
            )
        return None

    async def availability(self) -> str:
        try:
            if self.legacy:
                caps = await self.api.capabilities()
                return _LEGACY_AVAILABILITY.get(str(caps.available), UNAVAILABLE)
            value = str(await self.api.availability())
        except Exception as exc:
            raise _model_error(exc, "checking availability") from exc
        return value if value in (AVAILABLE, DOWNLOADABLE, DOWNLOADING) else UNAVAILABLE

    def _controller(self) -> Any:
        if self._controller_factory is not None:
            return self._controller_factory()
        from app.jsffi import js_module

        return js_module().AbortController.new()

    async def open(
        self,
        system: str | None,
        history: Sequence[Mapping[str, str]] = (),
        on_progress: Callable[[float], None] | None = None,
    ) -> None:
        """Create the session (downloading the model if needed, reporting 0..1 progress)."""
        self.close()

        def on_download(event: Any) -> None:
            loaded, total = float(getattr(event, "loaded", 0) or 0), getattr(event, "total", None)
            # Current API: loaded is a fraction; older builds report bytes with a total.
            fraction = loaded / float(total) if total and float(total) > 1 else loaded
            if on_progress is not None:
                on_progress(max(0.0, min(1.0, fraction)))

        def monitor(m: Any) -> None:
            m.addEventListener("downloadprogress", proxy(on_download))

        prompts = [dict(message) for message in history]
        options: dict[str, Any] = {"monitor": proxy(monitor)}
        if self.legacy:
            if system:
                options["systemPrompt"] = system
        elif system:
            prompts.insert(0, {"role": "system", "content": system})
        if prompts:
            options["initialPrompts"] = prompts
        try:
            self.session = await self.api.create(to_js(options))
        except Exception as exc:
            raise _model_error(exc, "creating a session") from exc

    async def stream(self, text: str, abort: AbortSignal | None = None) -> AsyncIterator[str]:
        """Deltas of the answer; stops at the next chunk after `abort` (keeping what came)."""
        if self.session is None:
            raise ModelError("open() the Prompt API session first", reason="settings")
        controller = self._controller()
        chunks = ChunkDeltas(self.deltas)
        try:
            stream = self.session.promptStreaming(text, to_js({"signal": controller.signal}))
            async for chunk in stream:
                if abort is not None and abort.aborted:
                    controller.abort()
                    return
                delta = chunks.push(str(chunk))
                if delta:
                    yield delta
        except Exception as exc:
            if _error_name(exc) == "AbortError" or (abort is not None and abort.aborted):
                return
            raise _model_error(exc, "answering") from exc

    def close(self) -> None:
        if self.session is not None:
            try:
                self.session.destroy()
            finally:
                self.session = None
