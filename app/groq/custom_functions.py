"""Custom functions (`fn ns::name($p) = body;`): validation, compilation, calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import ast as A
from .errors import GroqLimitError
from .runtime import Scope

if TYPE_CHECKING:
    from .compiler import Compiler

Fn = Callable[[Scope], object]


def compile_custom_body(compiler: Compiler, decl: A.FuncDecl) -> Fn:
    """Compiles (once) a custom function body; recursive calls go through a late binding."""
    key = f"{decl.namespace}::{decl.name}"
    cached = compiler.custom_cache.get(key)
    if cached is not None:
        return cached
    validate_custom(compiler, decl)
    holder: list[Fn] = []
    compiler.custom_cache[key] = lambda scope: holder[0](scope)
    compiler.function_params.append(set(decl.params))
    saved_depth, compiler.scope_depth = compiler.scope_depth, 0
    try:
        body = compiler.compile(decl.body)
    finally:
        compiler.function_params.pop()
        compiler.scope_depth = saved_depth
    holder.append(body)
    compiler.custom_cache[key] = body
    return body


def compile_custom_call(compiler: Compiler, decl: A.FuncDecl, node: A.FuncCall) -> Fn:
    if len(node.args) != len(decl.params):
        raise compiler.error(
            f"{decl.namespace}::{decl.name}() takes {len(decl.params)} argument(s), "
            f"got {len(node.args)}",
            node,
        )
    args = [compiler.compile(a) for a in node.args]
    body_holder = [compiler.compile_custom_body(decl)]
    names = decl.params

    def call(scope: Scope) -> object:
        ctx = scope.ctx
        if ctx.call_depth >= ctx.limits.max_call_depth:
            raise GroqLimitError(
                f"custom functions nested deeper than {ctx.limits.max_call_depth} calls"
            )
        values = {n: f(scope) for n, f in zip(names, args, strict=True)}
        ctx.call_depth += 1
        try:
            # The body sees the query's parameters, shadowed by the function's own.
            return body_holder[0](Scope(scope.value, None, ctx, {**ctx.params, **values}))
        finally:
            ctx.call_depth -= 1

    return call


def validate_custom(compiler: Compiler, decl: A.FuncDecl) -> None:
    """Custom functions take one parameter, used once, and cannot reach outer scopes."""
    if len(decl.params) != 1:
        raise compiler.error("a custom function takes exactly one parameter", decl)
    uses = [n for n in _walk(decl.body) if isinstance(n, A.Param) and n.name == decl.params[0]]
    if len(uses) > 1:
        raise compiler.error("a custom function may use its parameter only once", uses[1])


def _walk(node: A.Node):  # type: ignore[no-untyped-def]
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(A.children(current))
