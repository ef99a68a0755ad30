"""Hybrid retrieval: the query of assistant.toml with passage vectors from the real embedding
model (all-MiniLM-L6-v2, converted by wasm_build), as the browser runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.chat.assistant import Assistant
from app.embed import SemanticIndex, VectorIndex
from app.embed.session import OnnxEmbedder
from wasm_build.embedding import convert_cached, embed_documents, vector_file_bytes

# No word of it (nor a prefix of one) occurs in the content: only meaning can find the section.
PARAPHRASE = "What's the way to go over a document one row at a time?"


@pytest.fixture(scope="module")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder(convert_cached(precisions=("fp32",)), precision="fp32", threads=1)


@pytest.fixture
def semantic(assistant: Assistant, embedder: OnnxEmbedder, tmp_path: Path) -> SemanticIndex:
    docs = [d for d in assistant.dataset.documents if isinstance(d.get("text"), str)]
    ids, vectors = embed_documents(docs, cache_dir=tmp_path, embedder=embedder)
    index = VectorIndex.from_bytes(vector_file_bytes(ids, vectors))
    return SemanticIndex(index)


def embed_question(assistant: Assistant, embedder: OnnxEmbedder, question: str) -> None:
    """What the worker does before answering: embed the texts the query will ask about."""
    assert assistant.semantic is not None
    for text in assistant.texts_to_embed(question):
        assistant.semantic.add(text, embedder.embed([text])[0])


def test_a_paraphrase_without_shared_words_is_found_by_meaning(
    assistant: Assistant, semantic: SemanticIndex, embedder: OnnxEmbedder
) -> None:
    keyword = assistant.retrieve(PARAPHRASE)
    assert keyword.sources == [] and keyword.semantic is False
    assistant.semantic = semantic
    embed_question(assistant, embedder, PARAPHRASE)
    found = assistant.retrieve(PARAPHRASE)
    assert found.semantic is True
    assert found.params["question"] == PARAPHRASE
    assert "text::semanticSimilarity($question)" in found.query
    assert found.sources[0].id == "docSection.io.methods"
    assert all(not s.id.startswith("drafts.") for s in found.sources)


def test_keywords_still_count_in_the_hybrid_ranking(
    assistant: Assistant, semantic: SemanticIndex, embedder: OnnxEmbedder
) -> None:
    assistant.semantic = semantic
    question = "How do I convert data to strings with json?"
    embed_question(assistant, embedder, question)
    found = assistant.retrieve(question)
    assert found.sources[0].id == "docSection.json"
    assert found.sources[0].score > 1  # words matched on top of the similarity


def test_the_texts_to_embed_are_asked_for_once(
    assistant: Assistant, semantic: SemanticIndex, embedder: OnnxEmbedder
) -> None:
    assert assistant.texts_to_embed(PARAPHRASE) == []  # no semantic index: keyword ranking
    assistant.semantic = semantic
    assert assistant.texts_to_embed(PARAPHRASE) == [PARAPHRASE]
    embed_question(assistant, embedder, PARAPHRASE)
    assert assistant.texts_to_embed(PARAPHRASE) == []
    assert assistant.texts_to_embed("how do I?") == []  # nothing to rank by: nothing to embed
    assert assistant.retrieve("how do I?").sources == []


def test_an_unembedded_question_is_a_clear_retrieval_error(
    assistant: Assistant, semantic: SemanticIndex
) -> None:
    from app.chat.retrieval import RetrievalError

    assistant.semantic = semantic
    with pytest.raises(RetrievalError, match="was not embedded before the query ran"):
        assistant.retrieve(PARAPHRASE)
