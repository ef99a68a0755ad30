"""The worker's Python entry in CPython: every request ends in exactly one done or error event."""

from __future__ import annotations

import asyncio
import json

from app import worker
from app.render import build, to_html


def _run(request: dict | str) -> list[dict]:
    events: list[str] = []
    raw = request if isinstance(request, str) else json.dumps(request)
    asyncio.run(worker.handle(raw, events.append))
    return [json.loads(e) for e in events]


def _final(events: list[dict]) -> dict:
    finals = [e for e in events if e["type"] in ("done", "error")]
    assert len(finals) == 1, events
    assert events[-1] is finals[0]
    return finals[0]


def test_ping_reports_python_and_no_model_yet() -> None:
    event = _final(_run({"id": 7, "type": "ping"}))
    assert event["id"] == 7 and event["type"] == "done"
    assert event["result"]["python"].count(".") == 2
    assert event["result"]["model"] is None


def test_render_streams_operations_that_build_the_answer() -> None:
    events = _run(
        {"id": 3, "type": "render", "chunks": ["# Ti", "tle\n\n**bo", "ld** [x](javascript:1)"]}
    )
    assert _final(events)["type"] == "done"
    ops = [op for e in events if e["type"] == "ops" for op in e["ops"]]
    assert all(e["id"] == 3 for e in events)
    assert to_html(build(ops)) == "<h1>Title</h1>\n<p><strong>bold</strong> x</p>\n"


def test_malformed_and_unknown_requests_are_errors_not_crashes() -> None:
    assert _final(_run("{not json"))["type"] == "error"
    assert _final(_run({"type": "ping"}))["message"].startswith("malformed request")
    event = _final(_run({"id": 1, "type": "frobnicate"}))
    assert event["type"] == "error" and "frobnicate" in event["message"]


def test_generate_without_a_model_says_so() -> None:
    event = _final(
        _run({"id": 2, "type": "generate", "messages": [{"role": "user", "content": "hi"}]})
    )
    assert event["type"] == "error" and "not loaded" in event["message"]


def test_stop_of_nothing_running_is_a_harmless_done() -> None:
    event = _final(_run({"id": 4, "type": "stop", "target": 99}))
    assert event == {"id": 4, "type": "done", "result": {"stopped": False}}


def test_token_payload_cannot_overwrite_the_request_id() -> None:
    assert json.loads(worker._event(5, "token", id=123, text="a"))["id"] == 5


def test_the_content_stage_opens_the_index_from_a_javascript_array() -> None:
    """The worker's content stage gets the downloaded Uint8Array, not bytes: the documents are
    then there for a visitor's /groq query, and no copy of the whole file was made."""
    from app.chat.content_files import index_documents
    from app.chat.settings import load_settings
    from app.content import bundle
    from tests.content.js_array import FakeUint8Array

    docs = [
        {"_id": f"page-{i}", "_type": "docSection", "title": f"Section {i}", "text": f"Body {i}."}
        for i in range(3 * bundle.DOCUMENTS_PER_FRAME)
    ]
    array = FakeUint8Array(index_documents(docs, load_settings()))
    try:
        loaded = worker.load_content(array)
        assert loaded["documents"] == len(docs)
        assert max(array.copied) < array.length / 2
        event = _final(
            _run({"id": 5, "type": "ask", "text": "/groq count(*[_type == 'docSection'])"})
        )
        assert event["type"] == "done", event
        assert event["result"]["result"] == len(docs)
    finally:
        worker._assistant = None
