"""The function registry: name -> definition, with arity checked when a query is compiled.

A definition compiles its call node into a closure, so a function decides for itself how its
arguments are evaluated (eagerly, lazily, as pairs or as selectors). Functions that only mean
something while scoring (`boost()`, and later `text::semanticSimilarity()`) set `score_only`
and provide `scorer`, which `score()` uses to turn the call into a number per document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..ast import FuncCall
    from ..compiler import Compiler

Fn = Callable[[Any], object]
CompileHook = Callable[["Compiler", "FuncCall"], Fn]
ScorerHook = Callable[["Compiler", "FuncCall"], Fn]


@dataclass(slots=True)
class FunctionDef:
    namespace: str
    name: str
    min_args: int
    max_args: int | None  # None: unbounded
    compile: CompileHook
    score_only: bool = False
    scorer: ScorerHook | None = None

    def check_arity(self, compiler: Compiler, node: FuncCall) -> None:
        n = len(node.args)
        if n < self.min_args or (self.max_args is not None and n > self.max_args):
            if self.max_args is None:
                expected = f"at least {self.min_args}"
            elif self.min_args == self.max_args:
                expected = str(self.min_args)
            else:
                expected = f"{self.min_args} to {self.max_args}"
            raise compiler.error(
                f"{self.namespace}::{self.name}() takes {expected} argument(s), got {n}", node
            )


REGISTRY: dict[str, FunctionDef] = {}


def register(
    namespace: str,
    name: str,
    min_args: int,
    max_args: int | None = -1,
    *,
    score_only: bool = False,
    scorer: ScorerHook | None = None,
) -> Callable[[CompileHook], CompileHook]:
    """Registers a compile hook; `max_args=-1` means exactly `min_args`."""

    def deco(hook: CompileHook) -> CompileHook:
        REGISTRY[f"{namespace}::{name}"] = FunctionDef(
            namespace,
            name,
            min_args,
            min_args if max_args == -1 else max_args,
            hook,
            score_only,
            scorer,
        )
        return hook

    return deco


def eager(
    namespace: str, name: str, min_args: int, max_args: int | None = -1
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Registers `impl(scope, *values)`: a function of its evaluated arguments."""

    def deco(impl: Callable[..., object]) -> Callable[..., object]:
        def hook(compiler: Compiler, node: FuncCall) -> Fn:
            fns = [compiler.compile(a) for a in node.args]
            if not fns:
                return lambda scope: impl(scope)
            if len(fns) == 1:
                f0 = fns[0]
                return lambda scope: impl(scope, f0(scope))
            if len(fns) == 2:
                f0, f1 = fns
                return lambda scope: impl(scope, f0(scope), f1(scope))
            return lambda scope: impl(scope, *[f(scope) for f in fns])

        register(namespace, name, min_args, max_args)(hook)
        return impl

    return deco


def register_scorer(namespace: str, name: str, scorer: ScorerHook) -> None:
    """Attaches a score evaluator to an already registered function (extension point)."""
    REGISTRY[f"{namespace}::{name}"].scorer = scorer
