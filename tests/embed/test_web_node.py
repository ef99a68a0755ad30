"""app/embed's browser path for real: Pyodide in Node, onnxruntime-web's WASM backend, the
JavaScript scorer and GROQ, against the CPython results for the same model and vectors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from app.embed import VectorIndex
from app.embed.session import OnnxEmbedder
from tests.conftest import ROOT

from .corpus import SENTENCES

SCRIPT = Path(__file__).parent / "node" / "embed_web_smoke.mjs"
PASSAGES = 15_000


@pytest.fixture(scope="module")
def browser_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wasm_build.embedding import write_browser_files

    folder = tmp_path_factory.mktemp("embed-assets")
    write_browser_files(folder)
    return folder


def test_pyodide_onnxruntime_web_matches_cpython(browser_files: Path, tmp_path: Path) -> None:
    node, modules = shutil.which("node"), ROOT / "node_modules"
    if (
        node is None
        or not (modules / "onnxruntime-web").exists()
        or not (modules / "pyodide").exists()
    ):
        pytest.skip("needs node and `npm ci` (node_modules/onnxruntime-web and pyodide)")
    from wasm_build.embedding import write_vector_file

    texts = SENTENCES[:24]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(PASSAGES, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"docSection.page{i // 30}.section-{i}" for i in range(PASSAGES)]
    write_vector_file(tmp_path / "index.vec", ids, vectors)
    (tmp_path / "texts.json").write_text(json.dumps(texts))

    done = subprocess.run(
        [node, str(SCRIPT), str(ROOT), str(browser_files), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads((tmp_path / "result.json").read_text())
    print({k: v for k, v in record.items() if k.endswith(("_ms", "_s")) or k == "count"})

    expected = np.asarray(OnnxEmbedder(browser_files, threads=1).embed(texts))
    ours = np.asarray(record["vectors"])
    assert ours.shape == expected.shape
    assert (ours * expected).sum(axis=1).min() > 0.9999  # same model, another runtime
    np.testing.assert_allclose(np.asarray(record["singles"]), ours[:4], atol=2e-5)

    index = VectorIndex.from_bytes((tmp_path / "index.vec").read_bytes())
    cpython_top = index.search(record["query"], k=10)
    assert [i for i, _ in record["js_top"]] == [i for i, _ in cpython_top]
    assert [i for i, _ in record["python_top"]] == [i for i, _ in cpython_top]
    assert [s for _, s in record["js_top"]] == pytest.approx([s for _, s in cpython_top], abs=1e-5)
    assert record["groq_ids"] == [i for i, _ in cpython_top]
    assert record["count"] == PASSAGES
    assert record["js_ids_equal"]  # the file read in JavaScript has the same ids
