"""diff:: functions: compare two values at the paths a selector names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..selectors import changed_any, changed_only, compile_selector
from .registry import register

if TYPE_CHECKING:
    from .. import ast as A
    from ..compiler import Compiler
    from ..runtime import Scope


def _diff(check):  # type: ignore[no-untyped-def]
    def hook(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
        lhs, rhs = compiler.compile(node.args[0]), compiler.compile(node.args[1])
        selector = compile_selector(compiler, node.args[2])

        def diff(scope: Scope) -> object:
            return check(scope, lhs(scope), rhs(scope), selector)

        return diff

    return hook


register("diff", "changedAny", 3)(_diff(changed_any))
register("diff", "changedOnly", 3)(_diff(changed_only))
