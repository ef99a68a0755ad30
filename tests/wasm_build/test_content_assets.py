"""The content stage of the build: the index, and passage vectors exactly when the site's
retrieval query ranks by meaning."""

from __future__ import annotations

import json
from pathlib import Path

from app.chat.settings import DEFAULT_FILE
from app.content.bundle import decode
from app.embed import VectorIndex
from wasm_build.content_assets import ContentSource, content_outputs
from wasm_build.web_assets import read_boot_config

DOCS = [
    {"_id": "post.a", "_type": "post", "title": "Reading files", "text": "Loop over the file."},
    {"_id": "post.b", "_type": "post", "title": "Sets", "text": "A set has no duplicates."},
    {"_id": "author.x", "_type": "author", "name": "No text here"},
]


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "data.ndjson"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    return path


def test_the_default_site_ships_a_vector_per_passage(built_site: Path) -> None:
    config = read_boot_config((built_site / "index.html").read_text())
    embed = config["embed"]
    for key in ("onnx", "info", "tokenizer", "vectors"):
        assert (built_site / embed[key]).is_file(), key
    dataset, _ = decode((built_site / config["content"]["index"]).read_bytes())
    passages = {d["_id"] for d in dataset.documents if (d.get("text") or "").strip()}
    data = (built_site / embed["vectors"]).read_bytes()
    index = VectorIndex.from_bytes(data)
    assert set(index.ids) == passages and len(index) == len(passages) > 10_000
    assert len(data) / len(index) < 400  # bytes per passage, ids included


def test_documents_with_text_get_vectors(tmp_path: Path) -> None:
    outputs, _, embed = content_outputs(ContentSource(_export(tmp_path)))
    assert embed is not None
    vectors = next(o for o in outputs if o.path == embed["vectors"])
    assert VectorIndex.from_bytes(vectors.read()).ids == ["post.a", "post.b"]


def test_a_keyword_only_query_ships_no_vectors(tmp_path: Path) -> None:
    settings = tmp_path / "assistant.toml"
    lines = DEFAULT_FILE.read_text().splitlines(keepends=True)
    settings.write_text("".join(line for line in lines if "semanticSimilarity" not in line))
    outputs, content, embed = content_outputs(ContentSource(_export(tmp_path), settings))
    assert embed is None
    assert not [o for o in outputs if o.path.endswith(".vec") or "/embed-" in o.path]
    assert [o.path for o in outputs] == [content["index"]]
