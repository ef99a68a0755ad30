"""The Prompt API backend's logic against fakes that follow Chrome's documented behaviour."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from app.model.errors import ModelError
from app.model.generate import AbortSignal
from app.model.prompt_api import (
    ChunkDeltas,
    PromptApiBackend,
    chrome_major,
    chunks_are_deltas,
)

ANSWER = ["The ", "answer ", "is ", "The answer", " 42."]  # a delta may repeat earlier text


class DOMError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class Controller:
    def __init__(self) -> None:
        self.signal = SimpleNamespace(aborted=False)

    def abort(self) -> None:
        self.signal.aborted = True


class Monitor:
    def __init__(self) -> None:
        self.listeners: dict[str, list] = {}

    def addEventListener(self, kind, handler):  # noqa: N802 (the JS name)
        self.listeners.setdefault(kind, []).append(handler)


class Session:
    def __init__(self, api: FakeLanguageModel, options: dict) -> None:
        self.api, self.options, self.destroyed = api, options, False

    def promptStreaming(self, text, options):  # noqa: N802
        api = self.api
        if len(text) > api.quota:
            raise DOMError("QuotaExceededError", "The input is too large.")

        async def chunks():
            sofar = ""
            for piece in ANSWER:
                if options["signal"].aborted:
                    raise DOMError("AbortError", "The operation was aborted.")
                sofar += piece
                api.sent += 1
                yield piece if api.deltas else sofar
                await asyncio.sleep(0)

        return chunks()

    def destroy(self):
        self.destroyed = True


class FakeLanguageModel:
    def __init__(self, *, deltas: bool, legacy: bool = False, state: str = "available") -> None:
        self.deltas, self.legacy, self.state = deltas, legacy, state
        self.quota, self.sent, self.sessions = 1000, 0, []

    async def availability(self):
        return self.state

    async def capabilities(self):
        legacy = {"available": "readily", "downloadable": "after-download"}
        return SimpleNamespace(available=legacy.get(self.state, "no"))

    async def create(self, options):
        if self.state == "downloadable":
            monitor = Monitor()
            options["monitor"](monitor)
            for loaded in (0.0, 0.5, 1.0):
                for handler in monitor.listeners["downloadprogress"]:
                    handler(SimpleNamespace(loaded=loaded))
        session = Session(self, options)
        self.sessions.append(session)
        return session


def backend_for(api: FakeLanguageModel, version: int) -> PromptApiBackend:
    return PromptApiBackend(
        api, legacy=api.legacy, chrome_version=version, controller_factory=Controller
    )


async def collect(backend: PromptApiBackend, text: str, abort: AbortSignal | None = None):
    return [d async for d in backend.stream(text, abort)]


def test_chrome_version_decides_the_chunk_mode():
    ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/132.0.6834.83 Safari/537.36"
    assert chrome_major(ua) == 132 and not chunks_are_deltas(132)
    assert chunks_are_deltas(133) and chunks_are_deltas(None)
    assert chrome_major("Firefox/130.0") is None


@pytest.mark.parametrize("deltas,version", [(True, 138), (False, 128)])
def test_both_chunk_modes_give_the_same_deltas(deltas, version):
    backend = backend_for(FakeLanguageModel(deltas=deltas), version)

    async def main():
        await backend.open("Be brief.")
        return await collect(backend, "question")

    assert asyncio.run(main()) == ANSWER


def test_prefix_comparison_would_be_wrong_for_deltas():
    # "The answer" repeats the text so far: a prefix heuristic would drop it.
    mode = ChunkDeltas(deltas=True)
    assert [mode.push(c) for c in ANSWER] == ANSWER


def test_download_progress_and_system_prompt():
    api = FakeLanguageModel(deltas=True, state="downloadable")
    backend = backend_for(api, 140)
    progress: list[float] = []

    async def main():
        assert await backend.availability() == "downloadable"
        await backend.open("System text", [{"role": "user", "content": "hi"}], progress.append)

    asyncio.run(main())
    assert progress == [0.0, 0.5, 1.0]
    prompts = api.sessions[0].options["initialPrompts"]
    assert prompts[0] == {"role": "system", "content": "System text"}
    assert prompts[1] == {"role": "user", "content": "hi"}


def test_legacy_shape_uses_capabilities_and_system_prompt():
    api = FakeLanguageModel(deltas=False, legacy=True)
    backend = backend_for(api, 128)

    async def main():
        assert await backend.availability() == "available"
        await backend.open("Sys")
        return await collect(backend, "q")

    assert asyncio.run(main()) == ANSWER
    assert api.sessions[0].options["systemPrompt"] == "Sys"
    assert "initialPrompts" not in api.sessions[0].options


def test_abort_keeps_what_was_streamed():
    api = FakeLanguageModel(deltas=True)
    backend = backend_for(api, 140)
    abort = AbortSignal()

    async def main():
        await backend.open(None)
        got = []
        async for delta in backend.stream("q", abort):
            got.append(delta)
            if len(got) == 2:
                abort.abort()
        return got

    assert asyncio.run(main()) == ANSWER[:2]
    assert api.sent == 3  # the chunk in flight when the abort came, and nothing after


def test_quota_error_is_a_context_overflow():
    api = FakeLanguageModel(deltas=True)
    api.quota = 5
    backend = backend_for(api, 140)

    async def main():
        await backend.open(None)
        await collect(backend, "a question that is far too long")

    with pytest.raises(ModelError) as info:
        asyncio.run(main())
    assert info.value.reason == "context-overflow"


def test_reopening_destroys_the_previous_session_and_detect_finds_the_api():
    api = FakeLanguageModel(deltas=True)
    backend = backend_for(api, 140)

    async def main():
        await backend.open(None)
        await backend.open(None)

    asyncio.run(main())
    assert [s.destroyed for s in api.sessions] == [True, False]
    ua = SimpleNamespace(userAgent="Chrome/131.0")
    found = PromptApiBackend.detect(SimpleNamespace(LanguageModel=api, navigator=ua))
    assert found is not None and not found.legacy and not found.deltas
    legacy = PromptApiBackend.detect(SimpleNamespace(ai=SimpleNamespace(languageModel=api)))
    assert legacy is not None and legacy.legacy
    assert PromptApiBackend.detect(SimpleNamespace()) is None
