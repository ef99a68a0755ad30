"""The embedding build: safetensors reading, the converted graphs and their cache, the browser's
files, and passage embedding that only recomputes what changed."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import onnx
import pytest

from app.embed import VectorIndex
from app.embed.session import OnnxEmbedder
from app.embed.vectors import quantize
from wasm_build.embedding import (
    EmbedBuildError,
    convert_cached,
    embed_documents,
    quantize_rows,
    read_info,
    section_text,
    write_browser_files,
    write_vector_file,
)
from wasm_build.embedding.config import read_config
from wasm_build.embedding.safetensors import read_safetensors


def safetensors_bytes(tensors: dict[str, np.ndarray]) -> bytes:
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    names = {np.dtype("<f4"): "F32", np.dtype("<i8"): "I64", np.dtype("<f2"): "F16"}
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array).tobytes()
        header[name] = {
            "dtype": names[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def test_safetensors_round_trip() -> None:
    tensors = {
        "w": np.arange(12, dtype="<f4").reshape(3, 4),
        "ids": np.array([[1, 2, 3]], dtype="<i8"),
        "h": np.array([0.5, -2], dtype="<f2"),
    }
    read = read_safetensors(safetensors_bytes(tensors))
    assert set(read) == set(tensors)
    for name, array in tensors.items():
        np.testing.assert_array_equal(read[name], array)
        assert read[name].dtype == array.dtype


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d[:5], "shorter than its 8-byte header"),
        (lambda d: struct.pack("<Q", 10**9) + d[8:], "runs past the file end"),
        (lambda d: d[:8] + b"{" * (len(d) - 8), "not JSON"),
        (lambda d: d[:-4], "do not fit"),
        (lambda d: d.replace(b'"F32"', b'"Q4K"'), "unsupported dtype"),
    ],
)
def test_damaged_safetensors_are_reported(damage, message: str) -> None:  # type: ignore[no-untyped-def]
    data = safetensors_bytes({"w": np.zeros((2, 2), dtype="<f4")})
    with pytest.raises(EmbedBuildError, match=message):
        read_safetensors(damage(data))


def test_config_reads_the_model_and_sentence_settings() -> None:
    cfg = read_config(
        json.dumps(
            {
                "vocab_size": 30522,
                "hidden_size": 384,
                "num_attention_heads": 12,
                "num_hidden_layers": 6,
                "intermediate_size": 1536,
                "max_position_embeddings": 512,
                "hidden_act": "gelu",
            }
        ).encode(),
        b'{"max_seq_length": 256}',
    )
    assert (cfg.hidden, cfg.head_dim, cfg.layers, cfg.max_length) == (384, 32, 6, 256)
    with pytest.raises(EmbedBuildError, match="unsupported activation 'relu'"):
        read_config(b'{"hidden_act": "relu"}')
    with pytest.raises(EmbedBuildError, match="not a BERT configuration"):
        read_config(b'{"hidden_act": "gelu"}')


@pytest.fixture(scope="module")
def embed_folder() -> Path:
    return convert_cached(precisions=("fp32", "int8"))


def test_converted_models_describe_themselves(embed_folder: Path) -> None:
    info = read_info(embed_folder)
    assert info["dimension"] == 384 and info["max_length"] == 256
    assert set(info["files"]) >= {"fp32", "int8"}
    fp32, int8 = (info["files"][p]["bytes"] for p in ("fp32", "int8"))
    assert int8 < 0.3 * fp32  # the compact model is about a quarter of the full one
    model = onnx.load(str(embed_folder / info["files"]["int8"]["file"]), load_external_data=False)
    assert [i.name for i in model.graph.input] == ["input_ids", "attention_mask"]
    assert [o.name for o in model.graph.output] == ["sentence_embedding"]
    onnx.checker.check_model(model)


def test_conversion_is_cached(embed_folder: Path) -> None:
    stamp = (embed_folder / "embed.json").stat().st_mtime_ns
    assert convert_cached(precisions=("fp32", "int8")) == embed_folder
    assert (embed_folder / "embed.json").stat().st_mtime_ns == stamp


def test_browser_files_load_as_the_int8_model(embed_folder: Path, tmp_path: Path) -> None:
    paths = write_browser_files(tmp_path / "assets")
    assert {p.name for p in paths.values()} == {"embed.onnx", "embed.json", "embed-tokenizer.json"}
    info = json.loads(paths["info"].read_text())
    assert info["precision"] == "int8"
    assert info["files"]["int8"]["bytes"] == paths["model"].stat().st_size
    assert info["session_config"] == {"session.disable_quant_qdq": "1"}
    browser = OnnxEmbedder(paths["info"].parent, threads=1)
    full = OnnxEmbedder(embed_folder, precision="fp32", threads=1)
    text = ["The sorted() built-in returns a new sorted list."]
    a, b = np.asarray(browser.embed(text)[0]), np.asarray(full.embed(text)[0])
    assert browser.precision == "int8"
    assert float(a @ b) > 0.99


class FakeTokenizer:
    def encode(self, text: str) -> list[int]:
        return [ord(c) for c in text]


class FakeEmbedder:
    """A deterministic stand-in: the vector depends only on the text; counts what it embeds."""

    dimension = 4
    model_name = "fake-model"

    def __init__(self) -> None:
        self.tokenizer = FakeTokenizer()
        self.embedded: list[list[int]] = []

    def embed_ids(self, rows: list[list[int]]) -> np.ndarray:
        self.embedded.extend(rows)
        out = np.array([[len(r), sum(r) % 7, 1.0, r[0] if r else 0] for r in rows], np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def docs(*texts: str | None) -> list[dict]:
    return [
        {"_id": f"d{i}", "headings": ["Page", f"Section {i}"], "text": t}
        for i, t in enumerate(texts)
    ]


def test_reimport_embeds_only_changed_documents(tmp_path: Path) -> None:
    first = FakeEmbedder()
    ids, vectors = embed_documents(
        docs("alpha", "beta", None, "gamma"), cache_dir=tmp_path, embedder=first
    )
    assert ids == ["d0", "d1", "d3"]  # no text, no vector
    assert vectors.shape == (3, 4) and len(first.embedded) == 3

    again = FakeEmbedder()
    ids2, vectors2 = embed_documents(
        docs("alpha", "beta", None, "gamma"), cache_dir=tmp_path, embedder=again
    )
    assert again.embedded == [] and ids2 == ids
    np.testing.assert_array_equal(vectors2, vectors)

    changed = FakeEmbedder()
    ids3, vectors3 = embed_documents(
        docs("alpha", "BETA!", None, "gamma", "delta"), cache_dir=tmp_path, embedder=changed
    )
    assert len(changed.embedded) == 2  # the edited and the new document
    assert ids3 == ["d0", "d1", "d3", "d4"]
    np.testing.assert_array_equal(vectors3[[0, 2]], vectors[[0, 2]])

    back = FakeEmbedder()  # another document set did not evict this one's vectors
    embed_documents(docs("alpha", "beta", None, "gamma"), cache_dir=tmp_path, embedder=back)
    assert back.embedded == []


def test_the_text_to_embed_is_a_parameter(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    ids, _ = embed_documents(
        [{"_id": "a", "title": "T"}, {"_id": "b"}, {"text": "no id"}],
        text_of=lambda d: d.get("title"),
        cache_dir=tmp_path,
        embedder=embedder,
    )
    assert ids == ["a"]
    assert embedder.embedded == [[ord("T")]]


def test_section_text_puts_headings_first() -> None:
    doc = {"headings": ["Built-in Functions", "sorted()"], "title": "sorted()", "text": "Return."}
    assert section_text(doc) == "Built-in Functions > sorted()\nReturn."
    assert section_text({"title": "T", "text": "x"}) == "T\nx"
    assert section_text({"title": "T", "text": "  "}) is None
    assert section_text({"title": "T"}) is None
    long = {"headings": ["H"], "text": "word " * 200}
    assert section_text(long, max_chars=None) == "H\n" + "word " * 200
    cut = section_text(long, max_chars=52)
    assert cut == "H\n" + " ".join(["word"] * 10)  # cut at the last space before 52


def test_vector_file_round_trip_and_quantization(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(30, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"docSection.page-{i}.section" for i in range(30)]
    path = write_vector_file(tmp_path / "v" / "passages.vec", ids, vectors)
    index = VectorIndex.from_bytes(path.read_bytes())
    assert index.ids == ids and index.model == "all-MiniLM-L6-v2"
    rows, scales = quantize_rows(vectors)
    for r in (0, 17):  # the numpy quantizer and the pure-Python one agree
        scale, row = quantize(vectors[r].tolist())
        assert scale == pytest.approx(float(scales[r]))
        assert row == rows[r].tobytes()
        stored = np.asarray(index.vector(r))
        assert float(stored @ vectors[r]) / np.linalg.norm(stored) > 0.9999


def test_a_precision_asked_for_later_joins_the_same_folder(tmp_path: Path) -> None:
    first = convert_cached(tmp_path, ("int8",))
    stamp = (first / "int8.onnx").stat().st_mtime_ns
    second = convert_cached(tmp_path, ("fp16", "int8"))
    assert second == first
    info = read_info(second)
    assert set(info["files"]) == {"int8", "fp16"}
    assert (first / "int8.onnx").stat().st_mtime_ns == stamp  # not converted again
    assert info["files"]["fp16"]["bytes"] == (first / "fp16.onnx").stat().st_size
    with pytest.raises(EmbedBuildError, match="precision 'fp8' is not one of"):
        convert_cached(tmp_path, ("fp8",))


def test_site_outputs_name_files_by_content(tmp_path: Path) -> None:
    from wasm_build.embedding.assets import embedding_outputs

    documents = [
        {"_id": "s1", "_type": "docSection", "headings": ["Files"], "text": "Read a file."},
        {"_id": "s2", "_type": "docSection", "headings": ["Sets"], "text": "Set operations."},
        {"_id": "p1", "_type": "docPage", "title": "Page", "text": "Not embedded."},
    ]
    outputs, config = embedding_outputs(documents, out_dir=tmp_path / "out", cache_dir=tmp_path)
    by_path = {o.path: o for o in outputs}
    assert set(config) == {"onnx", "info", "tokenizer", "vectors"}
    assert set(by_path) == set(config.values())
    assert by_path[config["onnx"]].lazy and by_path[config["onnx"]].stage == "model"
    assert by_path[config["vectors"]].stage == "content"
    index = VectorIndex.from_bytes(by_path[config["vectors"]].read())
    assert index.ids == ["s1", "s2"]
    again, config_again = embedding_outputs(documents, out_dir=tmp_path / "out", cache_dir=tmp_path)
    assert config_again == config  # unchanged inputs, unchanged names
    documents[1]["text"] = "Set operations, changed."
    _, config_changed = embedding_outputs(documents, out_dir=tmp_path / "out", cache_dir=tmp_path)
    assert config_changed["vectors"] != config["vectors"]
    assert config_changed["onnx"] == config["onnx"]
