"""The passage vector file: compact, loaded without per-element work, searched exactly."""

from __future__ import annotations

import json
import math
import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from app.embed import EmbedError, JsScorer, VectorIndex, encode_vectors
from app.embed.vectors import HEADER_SIZE, quantize
from tests.content.js_array import FakeUint8Array

ROOT = Path(__file__).resolve().parents[2]
JS_SOURCE = ROOT / "web" / "embed_search.js"


# A damaged vector file and what its reader must say, whether Python or JavaScript holds it.
DAMAGES = pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d[:20], "shorter than its header"),
        (lambda d: b"NOPE" + d[4:], "not a vector file"),
        (lambda d: d[:-1], "header promises"),
        (lambda d: d[:32] + b"\xff" * 8 + d[40:], "ids unreadable"),
    ],
)


def unit_vectors(n: int, dim: int = 384, seed: int = 7) -> list[list[float]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        v = [rng.gauss(0, 1) for _ in range(dim)]
        norm = math.sqrt(sum(x * x for x in v))
        out.append([x / norm for x in v])
    return out


def doc_ids(n: int) -> list[str]:
    """Ids shaped like the imported Python docs' (about 49 characters on average)."""
    return [f"docSection.library.module{i // 40}.function-number-{i}-details" for i in range(n)]


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_round_trip_keeps_ids_and_vectors_closely() -> None:
    vectors = unit_vectors(50)
    index = VectorIndex.from_bytes(encode_vectors(doc_ids(50), vectors, model="test-model"))
    assert index.ids == doc_ids(50)
    assert (len(index), index.dim, index.model) == (50, 384, "test-model")
    for row, original in enumerate(vectors):
        stored = index.vector(row)
        cosine = dot(stored, original) / math.sqrt(dot(stored, stored))
        assert cosine > 0.9999


def test_a_passage_costs_at_most_400_bytes() -> None:
    n = 2000
    size = len(encode_vectors(doc_ids(n), unit_vectors(n)))
    assert size / n <= 400, size / n


def test_sections_are_aligned_for_javascript_views() -> None:
    for n in (1, 2, 3, 5):
        data = encode_vectors([f"id{'x' * n}{i}" for i in range(n)], unit_vectors(n, dim=4))
        index = VectorIndex.from_bytes(data)
        scales_at, rows_at = index.offsets
        assert scales_at % 4 == 0 and scales_at >= HEADER_SIZE
        assert rows_at == scales_at + 4 * n
        assert len(data) == rows_at + 4 * n


def test_quantization_is_symmetric_and_saturates_at_127() -> None:
    scale, row = quantize([0.5, -0.25, 0.0, -0.5])
    assert scale == pytest.approx(0.5 / 127)
    assert list(struct.unpack("<4b", row)) == [127, -64, 0, -127]
    assert quantize([0.0, 0.0]) == (1.0, b"\0\0")


def test_search_is_exact_over_the_stored_vectors() -> None:
    """Exact top-k over what is stored; against the float originals, off by rounding only."""
    vectors = unit_vectors(300)
    index = VectorIndex.from_bytes(encode_vectors(doc_ids(300), vectors))
    stored = [index.vector(r) for r in range(300)]
    for query in unit_vectors(5, seed=11):
        exact = sorted(range(300), key=lambda r: -dot(query, stored[r]))[:10]
        found = index.search(query, k=10)
        assert [doc_id for doc_id, _ in found] == [doc_ids(300)[r] for r in exact]
        for (_, score), r in zip(found, exact, strict=True):
            assert score == pytest.approx(dot(query, stored[r]), abs=1e-9)
            assert score == pytest.approx(dot(query, vectors[r]), abs=0.005)
        best_float = max(range(300), key=lambda r: dot(query, vectors[r]))
        assert found[0][0] == doc_ids(300)[best_float]


def test_search_within_candidate_rows() -> None:
    vectors = unit_vectors(40)
    index = VectorIndex.from_bytes(encode_vectors(doc_ids(40), vectors))
    found = index.search(vectors[5], k=3, rows=[1, 2, 5, 9])
    assert found[0][0] == doc_ids(40)[5]
    assert {doc_id for doc_id, _ in found} <= {doc_ids(40)[r] for r in (1, 2, 5, 9)}


def test_row_scorer_agrees_with_scores() -> None:
    vectors = unit_vectors(20)
    index = VectorIndex.from_bytes(encode_vectors(doc_ids(20), vectors))
    query = unit_vectors(1, seed=3)[0]
    every = index.scores(query)
    score = index.row_scorer(query)
    assert [score(r) for r in range(20)] == pytest.approx(list(every))


def test_empty_index_loads_and_finds_nothing() -> None:
    index = VectorIndex.from_bytes(encode_vectors([], []))
    assert len(index) == 0
    assert index.search([], k=5) == []


@DAMAGES
def test_damaged_files_are_reported(damage, message: str) -> None:  # type: ignore[no-untyped-def]
    data = encode_vectors(doc_ids(3), unit_vectors(3))
    with pytest.raises(EmbedError, match=message) as info:
        VectorIndex.from_bytes(damage(data))
    assert info.value.reason == "corrupt-file"


def test_inconsistent_inputs_are_rejected() -> None:
    with pytest.raises(EmbedError, match="vector of 3 among 4"):
        encode_vectors(["a", "b"], [[1.0, 0, 0, 0], [1.0, 0, 0]])
    with pytest.raises(EmbedError, match="newline"):
        encode_vectors(["a\nb"], [[1.0]])
    index = VectorIndex.from_bytes(encode_vectors(["a"], [[1.0, 0.0]]))
    with pytest.raises(EmbedError, match="query has 3 dimensions, the index 2"):
        index.search([1.0, 0.0, 0.0])


def _run_js_scorer(tmp_path: Path, data: bytes, queries: list[list[float]], k: int) -> dict:
    """web/embed_search.js over `data`, with its SIMD scorer and with the plain loop."""
    index = VectorIndex.from_bytes(data)
    (tmp_path / "index.vec").write_bytes(data)
    (tmp_path / "queries.json").write_text(json.dumps(queries))
    script = tmp_path / "run.mjs"
    script.write_text(
        f"""
import {{ readFileSync }} from "node:fs";
import {{ createVectorIndex }} from {json.dumps(JS_SOURCE.as_uri())};
const bytes = new Uint8Array(readFileSync({json.dumps(str(tmp_path / "index.vec"))}));
const queries = JSON.parse(readFileSync({json.dumps(str(tmp_path / "queries.json"))}, "utf8"));
const result = {{}};
for (const simd of [true, false]) {{
  const index = createVectorIndex(bytes, {index.offsets[0]}, {index.offsets[1]}, {len(index)},
    {index.dim}, {{ simd }});
  const out = queries.map((q) => {{
    const query = Float32Array.from(q);
    const scores = Array.from(index.scores(query));
    const top = index.top(query, {k});
    return {{ scores, rows: Array.from(top.rows), top: Array.from(top.scores) }};
  }});
  let error = null;
  try {{ index.scores(new Float32Array(3)); }} catch (e) {{ error = e.message; }}
  const empty = Array.from(index.top(Float32Array.from(queries[0]), 0).rows);
  result[simd ? "simd" : "loop"] = {{ kind: index.kind, out, error, empty }};
}}
console.log(JSON.stringify(result));
"""
    )
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize(("dim", "simd_kind"), [(384, "wasm-simd"), (20, "js")])
def test_javascript_scorers_agree_with_python(tmp_path: Path, dim: int, simd_kind: str) -> None:
    """web/embed_search.js over the same bytes: the scores and top-k the worker will use, from
    the WebAssembly SIMD scorer (dimensions a multiple of 16) and from the plain loop."""
    n = 257
    data = encode_vectors(doc_ids(n), unit_vectors(n, dim))
    index = VectorIndex.from_bytes(data)
    queries = unit_vectors(3, dim, seed=5)
    result = _run_js_scorer(tmp_path, data, queries, 7)
    assert (result["simd"]["kind"], result["loop"]["kind"]) == (simd_kind, "js")
    for scorer in ("simd", "loop"):
        got_all = result[scorer]
        for query, got in zip(queries, got_all["out"], strict=True):
            expected = index.scores(query)
            assert got["scores"] == pytest.approx(list(expected), abs=1e-5)
            best = sorted(range(n), key=lambda r: -expected[r])[:7]
            assert got["rows"] == best
            assert got["top"] == pytest.approx([expected[r] for r in best], abs=1e-5)
        assert got_all["error"] == f"query has 3 dimensions, the index {dim}"
        assert got_all["empty"] == []


def test_the_worker_keeps_the_vector_file_in_javascript() -> None:
    """JsScorer.load: the whole file goes to the JavaScript scorer as it is; Python copies only
    the header and the compressed ids, and knows the ids, the size and the model."""
    n = 2000
    data = encode_vectors(doc_ids(n), unit_vectors(n), model="test-model")
    array = FakeUint8Array(data)
    given: list[tuple] = []
    index = JsScorer.load(array, lambda *args: given.append(args) or "js-index")
    expected = VectorIndex.from_bytes(data)
    assert given == [(array, *expected.offsets, n, 384)]
    assert isinstance(index.scorer, JsScorer) and index.scorer.js_index == "js-index"
    assert index.ids == doc_ids(n) and index.row_of[doc_ids(n)[7]] == 7
    assert (len(index), index.dim, index.model) == (n, 384, "test-model")
    assert sum(array.copied) < len(data) / 20, (sum(array.copied), len(data))
    with pytest.raises(EmbedError, match="held in JavaScript"):
        index.vector(0)


@DAMAGES
def test_a_damaged_file_in_javascript_is_reported_the_same(damage, message: str) -> None:  # type: ignore[no-untyped-def]
    data = encode_vectors(doc_ids(3), unit_vectors(3))
    given: list[tuple] = []
    with pytest.raises(EmbedError, match=message) as info:
        JsScorer.load(FakeUint8Array(damage(data)), lambda *args: given.append(args))
    assert info.value.reason == "corrupt-file"
    assert given == []  # nothing handed to JavaScript
