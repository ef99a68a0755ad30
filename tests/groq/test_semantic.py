"""text::semanticSimilarity(): where it is allowed, what it contributes to _score, and how it
composes with boost() and match, over a real vector index (app.embed) with hand-made vectors."""

from __future__ import annotations

import math

import pytest

import app.groq.functions.semantic  # noqa: F401  (registers text::semanticSimilarity)
from app.content import Dataset
from app.embed import EmbedError, SemanticIndex, VectorIndex, encode_vectors
from app.groq import GroqError, GroqSyntaxError, evaluate
from app.groq.functions.semantic import semantic_arguments


def unit(*values: float) -> list[float]:
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values]


DOCS = [
    {"_id": "files", "_type": "doc", "title": "Reading files", "body": "iterate over the file"},
    {"_id": "loops", "_type": "doc", "title": "Loops", "body": "for statements"},
    {"_id": "sets", "_type": "doc", "title": "Sets", "body": "read about sets"},
    {"_id": "novector", "_type": "doc", "title": "Read me", "body": "read read read"},
    {"_id": "away", "_type": "doc", "title": "Opposite", "body": "nothing alike"},
]
VECTORS = {
    "files": unit(1, 0.1, 0),
    "loops": unit(0.6, 0.8, 0),
    "sets": unit(0, 0.2, 1),  # orthogonal to QUESTION: similarity 0
    "away": unit(-1, 0, 0),
}
QUESTION = "how do I read a file line by line"
QUERY_VECTORS = {QUESTION: unit(1, 0, 0), "sets": unit(0, 0, 1)}


@pytest.fixture
def semantic() -> SemanticIndex:
    index = VectorIndex.from_bytes(encode_vectors(list(VECTORS), list(VECTORS.values())))
    return SemanticIndex(index, queries=QUERY_VECTORS)


def cosine(doc_id: str, text: str = QUESTION) -> float:
    vector = VECTORS.get(doc_id)
    if vector is None:
        return 0.0
    return max(0.0, sum(a * b for a, b in zip(vector, QUERY_VECTORS[text], strict=True)))


def run(query: str, semantic: SemanticIndex, **kwargs) -> list:  # type: ignore[no-untyped-def]
    params = kwargs.pop("params", {"q": QUESTION})
    return evaluate(query, DOCS, params=params, semantic=semantic, **kwargs)


def test_documents_rank_by_similarity(semantic: SemanticIndex) -> None:
    result = run("*|score(text::semanticSimilarity($q)){_id, _score}", semantic)
    assert [r["_id"] for r in result[:2]] == ["files", "loops"]
    for row in result:
        assert row["_score"] == pytest.approx(cosine(row["_id"]), abs=0.01)


def test_documents_without_a_vector_and_dissimilar_ones_contribute_zero(
    semantic: SemanticIndex,
) -> None:
    result = run("*|score(text::semanticSimilarity($q)){_id, _score}", semantic)
    scores = {r["_id"]: r["_score"] for r in result}
    assert scores["novector"] == 0
    assert scores["away"] == 0  # cosine -1, floored: never below a document without a vector


def test_literal_argument_and_order_by_score(semantic: SemanticIndex) -> None:
    result = run(
        '*[_type == "doc"]|score(text::semanticSimilarity("sets"))|order(_score desc)[0]._id',
        semantic,
    )
    assert result == "sets"


def test_boost_weights_a_similarity(semantic: SemanticIndex) -> None:
    """A predicate's boost adds; a similarity's multiplies (adding the same amount to every
    nearby document could not weigh meaning against words)."""
    plain = run("*|score(text::semanticSimilarity($q)){_id, _score}", semantic)
    boosted = run("*|score(boost(text::semanticSimilarity($q), 2)){_id, _score}", semantic)
    before = {r["_id"]: r["_score"] for r in plain}
    for row in boosted:
        assert row["_score"] == pytest.approx(before[row["_id"]] * 2)
    assert before["files"] > 0.9
    predicate = run("*|score(boost(title match 'loops', 2)){_id, _score}", semantic)
    assert {r["_id"]: r["_score"] for r in predicate}["loops"] > 2  # the match's score + 2


@pytest.mark.parametrize("dataset", [list, Dataset], ids=["list", "Dataset"])
def test_only_the_nearest_documents_carry_their_similarity(dataset) -> None:  # type: ignore[no-untyped-def]
    index = VectorIndex.from_bytes(encode_vectors(list(VECTORS), list(VECTORS.values())))
    two = SemanticIndex(index, queries=QUERY_VECTORS, nearest=2)
    result = evaluate(
        "*|score(text::semanticSimilarity($q), title match 'sets'){_id, _score}",
        dataset(DOCS),
        params={"q": QUESTION},
        semantic=two,
    )
    scores = {r["_id"]: r["_score"] for r in result}
    assert scores["files"] == pytest.approx(cosine("files"), abs=0.01)
    assert scores["loops"] == pytest.approx(cosine("loops"), abs=0.01)
    assert scores["sets"] > 0  # third nearest: its title match still counts
    assert scores["away"] == scores["novector"] == 0


@pytest.mark.parametrize("dataset", [list, Dataset], ids=["list", "Dataset"])
def test_hybrid_score_is_the_sum_of_its_terms(semantic: SemanticIndex, dataset) -> None:  # type: ignore[no-untyped-def]
    docs = dataset(DOCS)
    params = {"q": "read"}
    semantic.add("read", unit(1, 0, 0))
    hybrid = evaluate(
        "*|score(boost(text::semanticSimilarity($q), 2), [title, body] match $q){_id, _score}",
        docs,
        params=params,
        semantic=semantic,
    )
    semantic_only = evaluate(
        "*|score(boost(text::semanticSimilarity($q), 2)){_id, _score}",
        docs,
        params=params,
        semantic=semantic,
    )
    keyword_only = evaluate("*|score([title, body] match $q){_id, _score}", docs, params=params)
    parts = {r["_id"]: r["_score"] for r in semantic_only}
    for row in keyword_only:
        parts[row["_id"]] += row["_score"]
    assert {r["_id"]: r["_score"] for r in hybrid} == pytest.approx(parts)
    assert [r["_score"] for r in hybrid] == sorted(parts.values(), reverse=True)
    # The keyword-only favourite has no vector; semantic similarity lifts "files" above it.
    assert keyword_only[0]["_id"] == "novector"
    assert hybrid[0]["_id"] == "files"


def test_skipping_unscored_documents_keeps_the_result(semantic: SemanticIndex) -> None:
    """With a Dataset, score() skips documents neither the nearest vectors nor the match can
    lift; the result must equal scoring every document (the plain evaluation)."""
    many = [*DOCS, *({"_id": f"x{i}", "_type": "doc", "title": f"other {i}"} for i in range(30))]
    query = (
        "*[_type == 'doc']|score(boost(text::semanticSimilarity($q), 3), title match 'read')"
        "[_score > 0]|order(_score desc){_id, _score}"
    )
    params = {"q": QUESTION}
    fast = evaluate(query, Dataset(many), params=params, semantic=semantic)
    plain = evaluate(query, many, params=params, semantic=semantic, planner=False)
    assert fast == plain
    assert [r["_id"] for r in fast] == ["files", "loops", "novector"]


def test_or_and_and_combine_like_other_score_terms(semantic: SemanticIndex) -> None:
    either = run(
        "*|score(text::semanticSimilarity($q) || title match 'sets'){_id, _score}", semantic
    )
    scores = {r["_id"]: r["_score"] for r in either}
    assert scores["files"] == pytest.approx(cosine("files"), abs=0.01)
    assert scores["sets"] > cosine("sets")  # similarity plus the title match
    both = run(
        "*|score(text::semanticSimilarity($q) && title match 'loops'){_id, _score}", semantic
    )
    assert {r["_id"] for r in both if r["_score"] > 0} == {"loops"}


@pytest.mark.parametrize(
    "query",
    [
        "*[text::semanticSimilarity($q) > 0.5]",
        "*{'s': text::semanticSimilarity($q)}",
        "text::semanticSimilarity($q)",
        "*|order(text::semanticSimilarity($q))",
        "*[boost(text::semanticSimilarity($q), 2)]",
    ],
)
def test_outside_score_is_an_error(semantic: SemanticIndex, query: str) -> None:
    with pytest.raises(GroqSyntaxError, match=r"can only be used inside score\(\)"):
        run(query, semantic)


@pytest.mark.parametrize(
    "query",
    [
        "*|score(text::semanticSimilarity($q) > 0.5)",
        "*|score(!text::semanticSimilarity($q))",
        "*|score(title match text::semanticSimilarity($q))",
    ],
)
def test_inside_another_expression_within_score_is_an_error(
    semantic: SemanticIndex, query: str
) -> None:
    with pytest.raises(GroqSyntaxError, match=r"must be a term of score\(\) or boost\(\)") as info:
        run(query, semantic)
    assert info.value.column == query.index("text::") + 1


@pytest.mark.parametrize("args", ["", "$q, $q"])
def test_arity_is_checked(semantic: SemanticIndex, args: str) -> None:
    with pytest.raises(GroqSyntaxError, match=r"takes 1 argument\(s\)"):
        run(f"*|score(text::semanticSimilarity({args}))", semantic)


def test_without_an_index_the_error_says_what_is_missing() -> None:
    with pytest.raises(GroqError, match=r"needs an embedding index.*semantic="):
        evaluate("*|score(text::semanticSimilarity($q))", DOCS, params={"q": QUESTION})


def test_a_text_that_was_not_embedded_is_reported(semantic: SemanticIndex) -> None:
    with pytest.raises(GroqError, match="'unknown words' was not embedded"):
        run("*|score(text::semanticSimilarity('unknown words'))", semantic)


def test_a_synchronous_embedder_fills_in_missing_texts() -> None:
    index = VectorIndex.from_bytes(encode_vectors(list(VECTORS), list(VECTORS.values())))
    asked: list[str] = []

    def embed(text: str) -> list[float]:
        asked.append(text)
        return unit(0, 0, 1)

    semantic = SemanticIndex(index, embed=embed)
    result = run("*|score(text::semanticSimilarity('sets'))[0]._id", semantic)
    assert result == "sets"
    assert asked == ["sets"]  # embedded once, not once per document


@pytest.mark.parametrize(("value", "kind"), [(None, "null"), (3, "a number"), (["a"], "an array")])
def test_non_string_arguments_are_errors(semantic: SemanticIndex, value: object, kind: str) -> None:
    with pytest.raises(GroqError, match=f"needs a string, got {kind}"):
        run("*|score(text::semanticSimilarity($v))", semantic, params={"v": value})


def test_semantic_arguments_lists_the_texts_to_embed() -> None:
    query = """
      fn ex::near($t) = *|score(text::semanticSimilarity($t));
      *[_type == "doc"]
        |score(boost(text::semanticSimilarity($q), 2), text::semanticSimilarity("fixed"))
        |score(text::semanticSimilarity(($q)), text::semanticSimilarity($n))
    """
    assert semantic_arguments(query, {"q": "question", "n": 4}) == ["question", "fixed"]
    assert semantic_arguments("*[title match $q]", {"q": "x"}) == []


def test_the_worker_flow_embeds_first_then_evaluates() -> None:
    """Browser: embed what the query needs (async in the worker), then evaluate synchronously."""
    index = VectorIndex.from_bytes(encode_vectors(list(VECTORS), list(VECTORS.values())))
    semantic = SemanticIndex(index)
    query = "*|score(text::semanticSimilarity($q)){_id}[0]"
    params = {"q": QUESTION}
    texts = semantic.texts_to_embed(query, params)
    assert texts == [QUESTION]
    for text in texts:  # stands in for `await embedder.embed(texts)`
        semantic.add(text, QUERY_VECTORS[text])
    assert semantic.texts_to_embed(query, params) == []
    assert evaluate(query, DOCS, params=params, semantic=semantic) == {"_id": "files"}


def test_nearest_gives_candidates_for_a_narrowing_filter(semantic: SemanticIndex) -> None:
    nearest = semantic.nearest(QUESTION, k=2)
    assert [doc_id for doc_id, _ in nearest] == ["files", "loops"]
    result = run(
        "*[_id in $ids]|score(text::semanticSimilarity($q)){_id, _score}",
        semantic,
        params={"q": QUESTION, "ids": [doc_id for doc_id, _ in nearest]},
    )
    assert [r["_id"] for r in result] == ["files", "loops"]
    assert [r["_score"] for r in result] == pytest.approx([s for _, s in nearest])
    with pytest.raises(EmbedError, match="was not embedded"):
        semantic.nearest("never embedded")
