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
        """Similarity of a document to `text`; None when `text` was not embedded."""
        ...


def _scorer(compiler: Compiler, node: A.FuncCall) -> Callable[[Scope], float]:
    argument = compiler.compile(node.args[0])
    memo_key = object()  # per evaluation: each distinct text is looked up once

    def semantic_similarity(scope: Scope) -> float:
        text = argument(scope)
        if type(text) is not str:
            raise GroqError(
                f"text::semanticSimilarity() needs a string, got {_kind(text)} "
                f"(at offset {node.pos})"
            )
        ctx = scope.ctx
        lookups: dict[str, Callable[[object], float]] = ctx.memo.setdefault(memo_key, {})
        similarity = lookups.get(text)
        if similarity is None:
            provider = ctx.options.get(OPTION)
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
            lookups[text] = similarity
        value = similarity(scope.value)
        return value if value > 0 else 0.0

    return semantic_similarity


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


def semantic_arguments(query: str | A.Query, params: dict | None = None) -> list[str]:
    """The texts a query's text::semanticSimilarity() calls will ask for, in order, once each:
    literal strings and query parameters holding strings. Embed these before evaluating."""
    from ..api import parse

    tree = query if isinstance(query, A.Query) else parse(query)
    params = params or {}
    found: dict[str, None] = {}
    stack: list[A.Node] = [tree.expr, *(d.body for d in tree.functions.values())]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, A.FuncCall)
            and (node.namespace, node.name) == (NAMESPACE, NAME)
            and len(node.args) == 1
        ):
            arg = node.args[0]
            while isinstance(arg, A.Group):
                arg = arg.expr
            if isinstance(arg, A.Literal) and isinstance(arg.value, str):
                found.setdefault(arg.value)
            elif isinstance(arg, A.Param) and isinstance(params.get(arg.name), str):
                found.setdefault(params[arg.name])
        stack.extend(reversed(A.children(node)))
    return list(found)
