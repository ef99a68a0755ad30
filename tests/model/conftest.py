"""Session fixtures for the model tests: the converted model (built once, cached under build/),
its tokenizer, an onnxruntime backend, and the transformers reference on the dequantized GGUF."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def gguf_file() -> Path:
    from wasm_build.model import gguf_path

    return gguf_path()


@pytest.fixture(scope="session")
def model_dir(gguf_file: Path) -> Path:
    from app.model.files import ensure_tokenizer
    from wasm_build.model import convert_cached

    directory = convert_cached(gguf_file).parent
    ensure_tokenizer(gguf_file, directory)
    return directory


@pytest.fixture(scope="session")
def tokenizer(model_dir: Path):
    from app.model.files import TOKENIZER_FILE
    from app.model.tokenizer import Tokenizer

    return Tokenizer.from_file(model_dir / TOKENIZER_FILE)


@pytest.fixture(scope="session")
def backend(model_dir: Path):
    from app.model.onnx_cpython import OnnxCpythonBackend

    return OnnxCpythonBackend(model_dir)


@pytest.fixture()
def fresh_backend(backend):
    backend.reset()
    return backend


@pytest.fixture(scope="session")
def reference(gguf_file: Path):
    """transformers' LlamaForCausalLM with the GGUF dequantized by gguf-py, in float32."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        str(gguf_file.parent), gguf_file=gguf_file.name, dtype=torch.float32
    )
    model.eval()
    return model
