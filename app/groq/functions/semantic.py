"""text::semanticSimilarity(<string>): how close each document is in meaning to a text.

As in Sanity's Content Lake it only means something while ranking: it is valid as a term of
`score()` (alone, combined with `||`/`&&`, or inside `boost()`), and a GroqError anywhere else,
including inside other expressions within score() (`semanticSimilarity($q) > 0.5`).

The engine knows nothing of models or vectors. `evaluate(..., semantic=provider)` passes an
object with `similarity_of(text) -> (document -> float) | None`; app.embed.SemanticIndex is one.
Embedding is asynchronous in the browser while evaluation is synchronous, so the caller embeds
the texts first: `semantic_arguments(query, params)` lists the strings a query will ask for,
and the provider answers None for any other text, which becomes a clear error here.

A document's contribution is its cosine similarity to the text, floored at 0: a document
without a vector contributes 0, and one that points away from the text must not rank below it.
The provider may answer, like a vector database's nearest-neighbour query, for its k nearest
documents only (the rest contribute 0); it then says which (`Similarity.documents`), and
score() skips the documents that neither it nor a `match` can lift above 0.

Inside `boost()` a similarity is weighted: `boost(text::semanticSimilarity($q), 40)` is 40 times
the similarity. Boosting a predicate adds the amount when it holds; adding a constant to every
document near the text would shift them all alike and could not weigh meaning against words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .. import ast as A
from ..errors import GroqError
from .registry import register

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..runtime import Scope

NAMESPACE, NAME = "text", "semanticSimilarity"
OPTION = "semantic"  # the key of the provider in the evaluation context's options


class SemanticProvider(Protocol):
    def similarity_of(self, text: str) -> Callable[[object], float] | None:
        """Similarity of a document to `text`; None when `text` was not embedded. The function
        may carry `documents`: the ids of the only documents it can rate above 0."""
        ...


class Similarity:
    """A document -> similarity function that rates only the documents it names (a provider's
    nearest ones; none for a blank text or a missing index), so score() can skip the rest."""

    def __init__(self, documents: dict[str, float]) -> None:
        self.documents = documents  # id -> similarity; every other document is 0

    def __call__(self, doc: object) -> float:
        if type(doc) is not dict:
            return 0.0
        return self.documents.get(doc.get("_id"), 0.0)  # type: ignore[arg-type]


def _scorer(compiler: Compiler, node: A.FuncCall) -> Callable[[Scope], float]:
    argument = compiler.compile(node.args[0])
    memo_key = object()  # per evaluation: each distinct text is looked up once
    known: dict[str, Callable[[object], float]] = {}

    def lookup(provider: SemanticProvider | None, text: str) -> Callable[[object], float]:
        if provider is None:
            raise GroqError(
                "text::semanticSimilarity() needs an embedding index, and none was given "
                "to this evaluation (evaluate(..., semantic=...))"
            )
        similarity = provider.similarity_of(text)
        if similarity is None:
            raise GroqError(
                f"text::semanticSimilarity(): the text {text[:60]!r} was not embedded before "
                "the query ran; pass it as a query parameter or a literal string"
            )
        return similarity

    def semantic_similarity(scope: Scope) -> float:
        text = argument(scope)
        if type(text) is not str:
            raise GroqError(
                f"text::semanticSimilarity() needs a string, got {_kind(text)} "
                f"(at offset {node.pos})"
            )
        ctx = scope.ctx
        lookups: dict[str, Callable[[object], float]] = ctx.memo.setdefault(memo_key, known)
        similarity = lookups.get(text)
        if similarity is None:
            similarity = lookups[text] = lookup(ctx.options.get(OPTION), text)
        value = similarity(scope.value)
        return value if value > 0 else 0.0

    semantic_similarity.graded = True  # type: ignore[attr-defined]  (boost() weights it)
    _offer_candidates(compiler, node, semantic_similarity, known, lookup)
    return semantic_similarity


def _offer_candidates(
    compiler: Compiler,
    node: A.FuncCall,
    scorer: Callable[[Scope], float],
    known: dict[str, Callable[[object], float]],
    lookup: Callable[[SemanticProvider | None, str], Callable[[object], float]],
) -> None:
    """With a text known up front and a provider that rates only its nearest documents,
    the scorer names the dataset positions it can lift above 0, so score() skips the rest."""
    dataset = getattr(compiler.planner, "dataset", None)
    provider = compiler.options.get(OPTION)
    if dataset is None or provider is None or not compiler.is_constant(node.args[0]):
        return
    text = compiler.constant(node.args[0])
    if type(text) is not str:
        return  # the scorer reports it when it runs
    similarity = known[text] = lookup(provider, text)
    ids = getattr(similarity, "documents", None)
    if ids is None:
        return
    base = dataset.fields_of  # whose positions score() compares (a view's base dataset)

    def candidates() -> set[int]:
        found = set()
        for doc_id in ids:
            doc = base.by_id.get(doc_id)
            if doc is not None:
                for same in base.duplicate_ids.get(doc_id, [doc]):
                    found.add(base.positions[id(same)])
        return found

    scorer.candidates = candidates  # type: ignore[attr-defined]


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


@register(NAMESPACE, NAME, 1, score_only=True, scorer=_scorer)
def _semantic_similarity(compiler: Compiler, node: A.FuncCall) -> Any:
    # Reached only inside score() but outside a scoring position (the registry rejects it
    # outside score() before this runs).
    raise compiler.error(
        "text::semanticSimilarity() must be a term of score() or boost() itself, "
        "not part of another expression",
        node,
    )


def _calls(query: str | A.Query) -> list[A.FuncCall]:
    from ..api import parse

    tree = query if isinstance(query, A.Query) else parse(query)
    calls = []
    stack: list[A.Node] = [tree.expr, *(d.body for d in tree.functions.values())]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, A.FuncCall)
            and (node.namespace, node.name) == (NAMESPACE, NAME)
            and len(node.args) == 1
        ):
            calls.append(node)
        stack.extend(reversed(A.children(node)))
    return calls


def uses_semantic_similarity(query: str | A.Query) -> bool:
    """Whether a query ranks by meaning (the build then ships the vectors it needs)."""
    return bool(_calls(query))


def semantic_arguments(query: str | A.Query, params: dict | None = None) -> list[str]:
    """The texts a query's text::semanticSimilarity() calls will ask for, in order, once each:
    literal strings and query parameters holding strings. Embed these before evaluating."""
    params = params or {}
    found: dict[str, None] = {}
    for node in _calls(query):
        arg = node.args[0]
        while isinstance(arg, A.Group):
            arg = arg.expr
        if isinstance(arg, A.Literal) and isinstance(arg.value, str):
            found.setdefault(arg.value)
        elif isinstance(arg, A.Param) and isinstance(params.get(arg.name), str):
            found.setdefault(params[arg.name])
    return list(found)
