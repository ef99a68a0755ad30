"""delta:: functions: compare the `before` and `after` documents of a mutation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..selectors import changed_any, changed_only, compile_selector
from .registry import eager, register

if TYPE_CHECKING:
    from .. import ast as A
    from ..compiler import Compiler
    from ..runtime import Scope


def _delta(check):  # type: ignore[no-untyped-def]
    def hook(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
        selector = compile_selector(compiler, node.args[0])

        def delta(scope: Scope) -> object:
            ctx = scope.ctx
            return check(scope, ctx.before, ctx.after, selector)

        return delta

    return hook


register("delta", "changedAny", 1)(_delta(changed_any))
register("delta", "changedOnly", 1)(_delta(changed_only))


@eager("delta", "operation", 0)
def operation(scope: Scope) -> object:
    before, after = scope.ctx.before, scope.ctx.after
    if before is None and after is not None:
        return "create"
    if before is not None and after is not None:
        return "update"
    if before is not None and after is None:
        return "delete"
    return None
