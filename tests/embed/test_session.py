"""The converted encoders against the reference: sentence-transformers semantics in torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.embed import EmbedError
from app.embed.session import OnnxEmbedder

from .corpus import CORPUS

MIN_COSINE = {"fp32": 0.999, "int8": 0.99}


@pytest.fixture(scope="module")
def reference(reference_embed) -> np.ndarray:  # type: ignore[no-untyped-def]
    return reference_embed(CORPUS)


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_sentence_embeddings_match_the_reference(
    embed_folder: Path, reference: np.ndarray, precision: str
) -> None:
    embedder = OnnxEmbedder(embed_folder, precision=precision, threads=1, batch_size=8)
    ours = np.asarray(embedder.embed(CORPUS))
    assert ours.shape == (len(CORPUS), 384)
    cosines = (ours * reference).sum(axis=1) / np.linalg.norm(ours, axis=1)
    worst = int(cosines.argmin())
    assert cosines.min() >= MIN_COSINE[precision], (precision, CORPUS[worst], cosines[worst])
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_a_vector(embed_folder: Path) -> None:
    """Padding to the batch's longest text must be invisible (masked attention and pooling)."""
    embedder = OnnxEmbedder(embed_folder, threads=1, batch_size=16)
    texts = CORPUS[:20]
    together = np.asarray(embedder.embed(texts))
    alone = np.asarray([embedder.embed([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=2e-5)


def test_similar_questions_are_closer_than_unrelated_ones(embed_folder: Path) -> None:
    embedder = OnnxEmbedder(embed_folder, precision="int8", threads=1)
    question, answer, other = embedder.embed(
        [
            "How do I read a file line by line?",
            "Iterating over the file object yields its lines one at a time.",
            "Straße, Größe, Übermut, Äpfel und Öl.",
        ]
    )
    dot = lambda a, b: sum(x * y for x, y in zip(a, b, strict=True))  # noqa: E731
    assert dot(question, answer) > dot(question, other) + 0.2


def test_missing_model_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(EmbedError, match="python -m wasm_build.embedding") as info:
        OnnxEmbedder(tmp_path)
    assert info.value.reason == "missing-file"


def test_unknown_precision_is_reported(embed_folder: Path) -> None:
    with pytest.raises(EmbedError, match="no fp8 model"):
        OnnxEmbedder(embed_folder, precision="fp8")
