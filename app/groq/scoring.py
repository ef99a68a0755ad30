"""Score evaluators for `score()`: each predicate becomes a number per document.

`match` gives a BM25-style term-frequency score, `||` adds, `&&` adds only when both sides
scored, functions with a registered scorer (e.g. `boost()`) compute their own, and any other
predicate counts 1 when it is true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import ast as A
from .matching import match_score

if TYPE_CHECKING:
    from .compiler import Compiler
    from .runtime import Scope

ScoreFn = Callable[["Scope"], float]


def compile_score(compiler: Compiler, node: A.Node) -> ScoreFn:
    while isinstance(node, A.Group):
        node = node.expr
    if isinstance(node, A.OpCall) and node.op == "match":
        left, right = compiler.compile(node.left), compiler.compile(node.right)
        return lambda scope: match_score(left(scope), right(scope))
    if isinstance(node, A.Or):
        a, b = compile_score(compiler, node.left), compile_score(compiler, node.right)
        return lambda scope: a(scope) + b(scope)
    if isinstance(node, A.And):
        a, b = compile_score(compiler, node.left), compile_score(compiler, node.right)

        def both(scope: Scope) -> float:
            left = a(scope)
            if left == 0:
                return 0
            right = b(scope)
            return 0 if right == 0 else left + right

        return both
    if (
        isinstance(node, A.FuncCall)
        and f"{node.namespace}::{node.name}" not in compiler.query.functions
    ):
        spec = compiler.registry.get(f"{node.namespace}::{node.name}")
        if spec is not None and spec.scorer is not None:
            spec.check_arity(compiler, node)
            return spec.scorer(compiler, node)
    predicate = compiler.compile(node)
    return lambda scope: 1 if predicate(scope) is True else 0
