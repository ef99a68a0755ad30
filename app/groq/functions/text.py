"""text:: functions: full-text search over a whole document.

`text::query("words")` is true when every term occurs somewhere in the document's strings
(and its Portable Text); inside `score()` it contributes a BM25-style relevance score. The
semantic scorer of issue 7 will register next to it through `registry.register(...)` with
`score_only=True` and a `scorer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..matching import match_score, text_matches
from .registry import register

if TYPE_CHECKING:
    from .. import ast as A
    from ..compiler import Compiler
    from ..runtime import Scope


def document_strings(value: object) -> list[str]:
    out: list[str] = []
    stack = [value]
    while stack:
        current = stack.pop()
        t = type(current)
        if t is str:
            out.append(current)  # type: ignore[arg-type]
        elif t is dict:
            for key, v in current.items():  # type: ignore[union-attr]
                if not key.startswith("_"):
                    stack.append(v)
        elif t is list:
            stack.extend(current)  # type: ignore[arg-type]
    return out


def _text_query_scorer(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
    query = compiler.compile(node.args[0])
    return lambda scope: match_score(document_strings(scope.value), query(scope))


@register("text", "query", 1, scorer=_text_query_scorer)
def _text_query(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
    query = compiler.compile(node.args[0])

    def text_query(scope: Scope) -> object:
        return text_matches(document_strings(scope.value), query(scope))

    return text_query
