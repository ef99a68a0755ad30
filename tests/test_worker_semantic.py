"""The worker's semantic ranking in CPython: the browser-only pieces (onnxruntime-web, the
JavaScript scorer) are replaced by stand-ins, the vector file and the GROQ side are real.

What a visitor would notice is checked: a question waits for a loading embedder instead of
being ranked by keywords; any broken piece leaves answers keyword-ranked with one plain
message; nothing hangs.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from app.embed import SemanticIndex, encode_vectors, web_session
from app.embed import vectors as vectors_module
from app.worker_semantic import UNAVAILABLE, SemanticLoader

QUERY = "*[defined(text)] | score(text::semanticSimilarity($q), text match $q)"
URLS = json.dumps({"info": "e.json", "tokenizer": "t.json", "model": "m.onnx"})
VECTORS = {"doc-a": [1.0, 0.0, 0.0], "doc-b": [0.0, 1.0, 0.0]}


class StandInAssistant:
    """The interface the lead's Assistant offers: `semantic` and `texts_to_embed`."""

    def __init__(self) -> None:
        self.semantic: SemanticIndex | None = None

    def texts_to_embed(self, question: str) -> list[str]:
        if self.semantic is None:
            return []
        return self.semantic.texts_to_embed(QUERY, {"q": question})


class StandInEmbedder:
    """Embeds every text as the same unit vector (close to doc-b), counting calls."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail

    async def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        if self.fail:
            raise RuntimeError("onnxruntime-web failed to embed: out of memory\nstack...")
        return [[0.6, 0.8, 0.0] for _ in texts]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stand-ins for WebEmbedder.load and JsScorer.load (the vector file scored in Python, as
    JavaScript would); records what they were given."""
    seen: dict[str, Any] = {"embedder": StandInEmbedder(), "loaded": []}

    def load_vectors(data: bytes) -> Any:
        index = vectors_module.VectorIndex.from_bytes(data)
        seen["loaded"].append(index)
        return index

    async def load(urls: dict[str, str], *, threads: int | None = None, ort: Any = None) -> Any:
        seen["urls"], seen["threads"], seen["ort"] = urls, threads, ort
        if isinstance(seen["embedder"], Exception):
            raise seen["embedder"]
        return seen["embedder"]

    monkeypatch.setattr(web_session.WebEmbedder, "load", staticmethod(load))
    monkeypatch.setattr(vectors_module.JsScorer, "load", staticmethod(load_vectors))
    return seen


def _file() -> bytes:
    return encode_vectors(list(VECTORS), list(VECTORS.values()))


def _ready(value: Any) -> asyncio.Future:
    """A settled download, as the worker's JS promises usually are by the time Python awaits."""
    done = asyncio.get_running_loop().create_future()
    done.set_result(value)
    return done


async def _failing(message: str) -> Any:
    raise RuntimeError(message)


def test_loads_vectors_and_embedder_then_questions_get_vectors(browser: dict) -> None:
    async def run() -> tuple[dict, float | None, StandInAssistant]:
        assistant, loader = StandInAssistant(), SemanticLoader()
        loader.start(assistant, _ready(_file()), _ready("ort-module"), URLS, 1)
        status = await loader.status()
        ms = await loader.embed_question(assistant, "remove duplicates")
        return status, ms, assistant

    status, ms, assistant = asyncio.run(run())
    assert status["configured"] and status["available"]
    assert (status["vectors"], status["dim"]) == (2, 3)
    assert browser["urls"] == json.loads(URLS) and browser["threads"] == 1
    assert browser["ort"] == "ort-module"  # the awaited onnxruntime-web, not the promise
    assert isinstance(assistant.semantic, SemanticIndex)
    assert browser["loaded"] == [assistant.semantic.index]  # scored in JavaScript
    assert ms is not None and ms >= 0
    assert browser["embedder"].calls == [["remove duplicates"]]
    similarity = assistant.semantic.similarity_of("remove duplicates")
    assert similarity is not None
    assert similarity({"_id": "doc-b"}) == pytest.approx(0.8, abs=0.01)
    assert similarity({"_id": "doc-a"}) == pytest.approx(0.6, abs=0.01)


def test_the_same_question_again_is_not_embedded_twice(browser: dict) -> None:
    async def run() -> list[float | None]:
        assistant, loader = StandInAssistant(), SemanticLoader()
        loader.start(assistant, _ready(_file()), _ready(None), URLS, 1)
        return [await loader.embed_question(assistant, "q") for _ in range(2)]

    first, again = asyncio.run(run())
    assert first is not None and again is not None
    assert browser["embedder"].calls == [["q"]]


def test_a_question_asked_while_loading_waits_for_the_embedder(browser: dict) -> None:
    async def run() -> tuple[bool, float | None, StandInAssistant]:
        assistant, loader = StandInAssistant(), SemanticLoader()
        download: asyncio.Future = asyncio.get_running_loop().create_future()
        loader.start(assistant, download, _ready(None), URLS, 1)
        asking = asyncio.ensure_future(loader.embed_question(assistant, "slow start"))
        for _ in range(5):
            await asyncio.sleep(0)
        waited = not asking.done()
        download.set_result(_file())
        return waited, await asking, assistant

    waited, ms, assistant = asyncio.run(run())
    assert waited, "the question must wait for the loading embedder, not go keyword-only"
    assert ms is not None
    assert assistant.semantic is not None and "slow start" in assistant.semantic.queries


@pytest.mark.parametrize(
    ("vectors", "ort", "embedder", "cause"),
    [
        ("missing", "ok", None, "HTTP 404 for the passage vectors"),
        ("corrupt", "ok", None, "not a vector file"),
        ("ok", "missing", None, "failed to fetch onnxruntime-web"),
        ("ok", "ok", RuntimeError("the embedding model could not be loaded"), "could not be"),
    ],
    ids=["vectors-404", "vectors-corrupt", "ort-missing", "model-broken"],
)
def test_a_broken_piece_leaves_answers_keyword_ranked_with_one_message(
    browser: dict, vectors: Any, ort: Any, embedder: Any, cause: str
) -> None:
    if embedder is not None:
        browser["embedder"] = embedder

    def source(kind: str, good: Any, missing: str) -> Any:
        if kind == "ok":
            return _ready(good)
        if kind == "corrupt":
            return _ready(b"EMBX" + bytes(40))
        return _failing(missing)

    async def run() -> tuple[dict, float | None, StandInAssistant]:
        assistant, loader = StandInAssistant(), SemanticLoader()
        loader.start(
            assistant,
            source(vectors, _file(), "HTTP 404 for the passage vectors"),
            source(ort, "ort", "failed to fetch onnxruntime-web"),
            URLS,
            1,
        )
        ms = await loader.embed_question(assistant, "anything")
        return await loader.status(), ms, assistant

    status, ms, assistant = asyncio.run(run())
    assert status == {
        "configured": True,
        "available": False,
        "message": UNAVAILABLE,
        "detail": status["detail"],
    }
    assert cause in status["detail"]
    assert "keyword" in status["message"]
    assert ms is None and assistant.semantic is None


def test_an_embedding_failure_turns_ranking_by_meaning_off(browser: dict) -> None:
    browser["embedder"] = StandInEmbedder(fail=True)

    async def run() -> tuple[float | None, float | None, dict, StandInAssistant]:
        assistant, loader = StandInAssistant(), SemanticLoader()
        loader.start(assistant, _ready(_file()), _ready(None), URLS, 1)
        first = await loader.embed_question(assistant, "one")
        second = await loader.embed_question(assistant, "two")
        return first, second, await loader.status(), assistant

    first, second, status, assistant = asyncio.run(run())
    assert first is None and second is None
    assert assistant.semantic is None
    assert browser["embedder"].calls == [["one"]]  # not retried on every question
    assert status["available"] is False
    assert status["detail"] == "onnxruntime-web failed to embed: out of memory"


def test_a_failure_while_answering_is_told_once(browser: dict) -> None:
    browser["embedder"] = StandInEmbedder(fail=True)

    async def run() -> list[str | None]:
        assistant, loader = StandInAssistant(), SemanticLoader()
        loader.start(assistant, _ready(_file()), _ready(None), URLS, 1)
        notices = [loader.notice()]  # loading: nothing to tell
        await loader.embed_question(assistant, "one")
        notices.append(loader.notice())
        await loader.embed_question(assistant, "two")
        notices.append(loader.notice())
        return notices

    assert asyncio.run(run()) == [None, UNAVAILABLE, None]


def test_without_semantic_ranking_configured_nothing_waits() -> None:
    async def run() -> tuple[dict, float | None]:
        loader = SemanticLoader()
        return await loader.status(), await loader.embed_question(StandInAssistant(), "q")

    assert asyncio.run(run()) == ({"configured": False, "available": False}, None)


def test_the_page_asks_the_worker_for_the_status() -> None:
    """The "semantic" request of web/main.js, through the worker's entry: without a site that
    ranks by meaning, it answers at once that nothing is configured (no notice to show)."""
    from app import worker

    events: list[str] = []
    asyncio.run(worker.handle(json.dumps({"id": 9, "type": "semantic"}), events.append))
    assert [json.loads(e) for e in events] == [
        {"id": 9, "type": "done", "result": {"configured": False, "available": False}}
    ]
